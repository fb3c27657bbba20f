// Reads one .xlsx workbook into raw_<dataset> with exceljs's streaming reader (a national
// sheet does not fit in memory as objects). Rows are written to a temporary CSV as they
// stream past and DuckDB loads that in one go: no per-row INSERTs.
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { literal, type Db } from "../core/db.ts";
import { DATE_COLUMNS, type Dataset } from "./datasets.ts";
import { InputError } from "./errors.ts";
import { mapHeaders, normaliseHeader } from "./headers.ts";
import { createRawTable } from "./raw.ts";
import type { FileRead } from "./csv.ts";

const MS_PER_DAY = 86_400_000;
/** Excel's day 0 in the 1900 date system, counting its phantom 29 February 1900 (serial 60). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** Excel serial day number → ISO date; the time of day, if any, is dropped. */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return null;
  const day = Math.floor(serial);
  if (day === 60) return null; // 29/02/1900 never existed
  return new Date(EXCEL_EPOCH + (day < 60 ? day + 1 : day) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The text a person sees for a cell, with dates as ISO text (Excel serials only in date columns). */
export function cellText(value: unknown, isDate: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return (isDate && excelSerialToIso(value)) || String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("formula" in v || "sharedFormula" in v) return cellText(v.result, isDate); // the cached result
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: string }) => r.text ?? "").join("");
    if ("text" in v) return cellText(v.text, isDate);
    if ("error" in v) return String(v.error);
  }
  return String(value);
}

function csvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

export async function readXlsxFile(
  db: Db,
  dataset: Dataset,
  path: string,
  file: string,
  tmp: string,
  aliases: Record<string, Record<string, string[]>>,
  onBytes?: (done: number) => void,
): Promise<FileRead> {
  const bytes = statSync(path).size;
  const sha256 = await hashFile(path);
  if (!looksLikeZip(path))
    throw new InputError(file, "is not an .xlsx workbook (it is not a zip file). Save it from Excel as \"Excel Workbook (.xlsx)\" or as CSV.");

  const out = join(tmp, `${dataset}.sheet.csv`);
  let chosen: { name: string; fields: (string | null)[]; extra: string[]; headerWidth: number; width: number; rows: number } | null = null;
  let sheetIndex = 0;
  let firstSheetError: InputError | null = null;
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
      sharedStrings: "cache", styles: "cache", hyperlinks: "ignore", worksheets: "emit", entries: "ignore",
    });
    for await (const sheet of reader) {
      sheetIndex++;
      const name: string = (sheet as unknown as { name?: string }).name ?? `Sheet${sheetIndex}`;
      const named = normaliseHeader(name) === dataset;
      // Inputs.md: the sheet named like the dataset, otherwise the first sheet.
      if (!named && (chosen || firstSheetError)) continue;
      try {
        chosen = await sheetToCsv(sheet as AsyncIterable<ExcelJS.Row>, out, dataset, file, aliases, name);
      } catch (e) {
        // The first sheet may be a cover sheet; its header only matters if no sheet is named like the dataset.
        if (named || !(e instanceof InputError)) throw e;
        firstSheetError = e;
      }
      if (named) break;
    }
    if (!chosen && firstSheetError) throw firstSheetError;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `could not be read as an .xlsx workbook: ${(e as Error).message}`);
  }
  onBytes?.(bytes);
  if (!chosen) throw new InputError(file, "has no worksheets.");
  if (chosen.rows < 0) throw new InputError(file, `sheet "${chosen.name}" is empty: it has no header row and no rows.`);

  const names = ["_line", ...Array.from({ length: chosen.width }, (_, i) => `f${i}`)];
  const spec = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}}`;
  await createRawTable(
    db,
    dataset,
    file,
    `read_csv(${literal(out)}, header = false, columns = ${spec}, delim = ',', quote = '"', escape = '"', auto_detect = false, null_padding = true, parallel = false) s`,
    { column: "s._line" },
    { names: names.slice(1), columns: names.slice(1).map((_, i) => chosen!.fields[i] ?? null), headerWidth: chosen.headerWidth },
  );
  const rows = Number((await db.one<{ n: number }>(`select count(*) as n from raw_${dataset}`))!.n);
  return { encoding: "xlsx", bytes, sha256, rows_read: rows, extra_columns: chosen.extra };
}

async function sheetToCsv(
  sheet: AsyncIterable<ExcelJS.Row>,
  out: string,
  dataset: Dataset,
  file: string,
  aliases: Record<string, Record<string, string[]>>,
  name: string,
) {
  const fd = openSync(out, "w");
  let pending = "";
  let fields: (string | null)[] | null = null;
  let extra: string[] = [];
  let headerWidth = 0;
  let width = 0;
  let rows = -1; // -1 until the header row is seen
  try {
    for await (const row of sheet) {
      const values = (row.values as unknown[]) ?? [];
      const texts: string[] = [];
      for (let c = 1; c < values.length; c++) texts.push(cellText(values[c], fields ? DATE_COLUMNS.has(fields[c - 1] ?? "") : false).trim());
      while (texts.length && texts[texts.length - 1] === "") texts.pop();
      if (texts.length === 0) continue; // a blank row is not a row
      if (!fields) {
        const map = mapHeaders(dataset, `${file} (sheet "${name}")`, texts, aliases);
        fields = map.fields;
        extra = map.extra;
        headerWidth = texts.length;
        width = headerWidth;
        rows = 0;
        continue;
      }
      width = Math.max(width, texts.length);
      pending += `${row.number},${texts.map(csvField).join(",")}\n`;
      rows++;
      if (pending.length > 1 << 16) { writeSync(fd, pending); pending = ""; }
    }
    if (pending) writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
  return { name, fields: fields ?? [], extra, headerWidth, width, rows };
}

function looksLikeZip(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(4);
    const n = readSync(fd, head, 0, 4, 0);
    return n === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    closeSync(fd);
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
