// A workbook read through its zip's central directory (pipelines/ingest/xlsx-sheets.ts and
// xlsx-reader.ts): the names on its tabs whatever paths the writer used and whether its parts
// are compressed or stored, and every sheet's every row on every read (exceljs's own one-pass
// unzip once lost the allocations sheet of the MIS fixture in CI, in one run of two).
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { worksheets } from "../pipelines/ingest/xlsx-reader.ts";
import { worksheetParts } from "../pipelines/ingest/xlsx-sheets.ts";
import { FILES } from "./fixtures/mis-export/make.ts";

async function book(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Read me").addRow(["notes"]);
  wb.addWorksheet("Census & <Spring> 2010").addRow(["upn"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Worksheet file number → tab name. */
const sheetNames = (path: string) => new Map(worksheetParts(path).map((s) => [s.file, s.name]));

function saved(bytes: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "sheets-")), "book.xlsx");
  writeFileSync(path, bytes);
  return path;
}

describe("sheet names from the workbook's index", () => {
  it("maps each worksheet file to its tab name, XML escapes undone", async () => {
    expect(sheetNames(saved(await book()))).toEqual(
      new Map([
        [1, "Read me"],
        [2, "Census & <Spring> 2010"],
      ]),
    );
  });

  it("reads them when the relationships use absolute paths and the parts are stored uncompressed", async () => {
    const zip = await JSZip.loadAsync(await book());
    const rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
    zip.file("xl/_rels/workbook.xml.rels", rels.replaceAll('Target="worksheets/', 'Target="/xl/worksheets/'));
    const stored = await zip.generateAsync({ type: "nodebuffer", compression: "STORE" });
    expect(sheetNames(saved(stored))).toEqual(
      new Map([
        [1, "Read me"],
        [2, "Census & <Spring> 2010"],
      ]),
    );
  });

  it("says a file that is not a zip has no central directory", () => {
    expect(() => sheetNames(saved(Buffer.from("urn,laestab\n")))).toThrow("end of central directory not found");
  });
});

/** A row's cells as JSON, to its last non-blank cell (the readers differ only in trailing blanks). */
function cellsOf(values: unknown[], blank: (i: number) => boolean = () => false): string[] {
  // Array.from: row.values is sparse (a blank cell is a hole, which map would skip).
  const cells = Array.from(values.slice(1), (v, i) => JSON.stringify(blank(i) ? null : (v ?? null)));
  while (cells.at(-1) === "null") cells.pop();
  return cells;
}

/** Every sheet's rows as text, in tab order, through the reader under test. */
async function streamed(path: string): Promise<[string, string[][]][]> {
  const out: [string, string[][]][] = [];
  for await (const { sheet, rows } of worksheets(path)) {
    const values: string[][] = [];
    for await (const row of rows) values.push(cellsOf(row.values as unknown[]));
    out.push([sheet.name, values]);
  }
  return out;
}

/**
 * The same through exceljs's whole-file reader (JSZip: another unzip altogether). It gives a
 * merged range's value in every cell of the range; a sheet's XML, as streamed, only in the first.
 */
async function whole(path: string): Promise<[string, string[][]][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets.map((ws) => {
    const values: string[][] = [];
    ws.eachRow((row) =>
      values.push(
        cellsOf(row.values as unknown[], (i) => {
          const cell = row.getCell(i + 1);
          return cell.isMerged && cell.master.address !== cell.address;
        }),
      ),
    );
    return [ws.name, values];
  });
}

describe("every sheet and every row, on every read", () => {
  const workbooks = readdirSync(FILES).filter((f) => f.endsWith(".xlsx"));

  it("reads each MIS fixture workbook as the whole-file reader does, 5 times over at once", async () => {
    expect(workbooks.length).toBeGreaterThanOrEqual(4);
    for (const name of workbooks) {
      const path = join(FILES, name);
      const expected = await whole(path);
      expect(expected.length, name).toBeGreaterThanOrEqual(2); // a notes sheet, then the data
      const reads = await Promise.all(Array.from({ length: 5 }, () => streamed(path)));
      for (const read of reads) expect(read, name).toEqual(expected);
    }
  });

  it("reads a workbook whose parts are stored uncompressed, sheets listed by absolute path", async () => {
    const zip = await JSZip.loadAsync(await book());
    const rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
    zip.file("xl/_rels/workbook.xml.rels", rels.replaceAll('Target="worksheets/', 'Target="/xl/worksheets/'));
    const path = saved(await zip.generateAsync({ type: "nodebuffer", compression: "STORE" }));
    expect(await streamed(path)).toEqual(await whole(path));
    expect((await streamed(path)).map(([name]) => name)).toEqual(["Read me", "Census & <Spring> 2010"]);
  });

  it("keeps a character whose bytes fall either side of a chunk boundary", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("pupils");
    // Inline strings (not shared) of 1-3 byte characters: somewhere a 64 KB chunk splits one.
    for (let i = 0; i < 4000; i++) ws.addRow([`Siobhán Ó Ríordáin ${i} ✓`, { richText: [{ text: `Zoë ${i}` }] }]);
    const path = saved(Buffer.from(await wb.xlsx.writeBuffer()));
    const [[, rows]] = await streamed(path);
    expect(rows).toHaveLength(4000);
    expect(rows.filter((r) => r.join("").includes("\ufffd"))).toEqual([]);
    expect(rows[3999][0]).toBe(JSON.stringify("Siobhán Ó Ríordáin 3999 ✓"));
  });

  it("says which sheet is missing when the workbook lists a part the zip does not hold", async () => {
    const zip = await JSZip.loadAsync(await book());
    zip.remove("xl/worksheets/sheet2.xml");
    const path = saved(await zip.generateAsync({ type: "nodebuffer" }));
    await expect(streamed(path)).rejects.toThrow('sheet "Census & <Spring> 2010" but its part xl/worksheets/sheet2.xml is missing');
  });
});
