// exceljs's streaming workbook reader, fed the workbook's parts by us. Its parsers (shared
// strings, styles, a worksheet's rows) are sound; its unzip is not: one forward pass that on
// Node 20 sometimes drops a part, so that a sheet or the shared strings never arrive (exceljs
// issues #2790, #3064; seen here as a census sheet missing in one run of three). We open each
// part through the zip's central directory (xlsx-sheets.ts) and hand exceljs the index, the
// shared strings and the styles before any worksheet, then the worksheets in tab order. Each
// worksheet stays a stream, opened only when its rows are read.
import type ExcelJS from "exceljs";
import type { Readable } from "node:stream";
import { partStream, worksheetParts, zipParts, type SheetPart } from "./xlsx-sheets.ts";

type WorksheetReader = AsyncIterable<ExcelJS.Row> & { on(event: string, listener: (...args: unknown[]) => void): unknown };

/** The methods of exceljs 4.4's WorkbookReader that parse one part each (lib/stream/xlsx/workbook-reader.js). */
interface PartParsers {
  _parseRels(part: Readable): Promise<void>;
  _parseWorkbook(part: Readable): Promise<void>;
  _parseSharedStrings(part: Readable): AsyncIterable<unknown>;
  _parseStyles(part: Readable): Promise<void>;
  _parseWorksheet(rows: AsyncIterable<string>, sheetNo: string): Iterable<{ eventType: string; value: WorksheetReader }>;
}

export interface Worksheet {
  /** The worksheet's file number, its tab's name and its zip part. */
  sheet: SheetPart;
  /** Its rows, read as they are iterated. */
  rows: WorksheetReader;
}

/**
 * The workbook's worksheets in tab order. Throws (an Error whose words xlsx.ts turns into a
 * sentence) when the zip cannot be read or a part the workbook lists is missing.
 */
export async function* worksheets(path: string): AsyncGenerator<Worksheet> {
  const parts = zipParts(path);
  const sheets = worksheetParts(path, parts);
  // Loaded here, not at the top: exceljs takes 0.45 s to load, which every command paid (a
  // refused run of a four-school LA took 2.3 s, of which SQL 0.9 s) though only .xlsx inputs need it.
  const { default: excel } = await import("exceljs");
  const reader = new excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: "cache",
    styles: "cache",
    hyperlinks: "ignore",
    worksheets: "emit",
    entries: "ignore",
  }) as unknown as PartParsers;
  const open = (name: string) => {
    const part = parts.get(name);
    return part && partStream(path, part);
  };
  // The order the worksheet parser depends on: relationships and index (sheet names, the 1904
  // date flag), shared strings (a text cell holds only an index into them), styles (dates).
  const rels = open("xl/_rels/workbook.xml.rels");
  if (rels) await reader._parseRels(rels);
  const index = open("xl/workbook.xml");
  if (index) await reader._parseWorkbook(index);
  const strings = open("xl/sharedStrings.xml");
  if (strings) for await (const _ of reader._parseSharedStrings(strings)); // "cache": fills reader.sharedStrings
  const styles = open("xl/styles.xml");
  if (styles) await reader._parseStyles(styles);
  for (const sheet of sheets) {
    // Opened on the first read, so that a sheet passed over is never opened.
    const rows: AsyncIterable<string> = { [Symbol.asyncIterator]: () => partStream(path, sheet.part)[Symbol.asyncIterator]() };
    for (const { value } of reader._parseWorksheet(rows, String(sheet.file))) yield { sheet, rows: value };
  }
}
