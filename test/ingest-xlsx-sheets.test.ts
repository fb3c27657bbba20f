// The names on a workbook's tabs, read from its own index (pipelines/ingest/xlsx-sheets.ts):
// whatever paths the writer used and whether its parts are compressed or stored.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { sheetNames } from "../pipelines/ingest/xlsx-sheets.ts";

async function book(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Read me").addRow(["notes"]);
  wb.addWorksheet("Census & <Spring> 2010").addRow(["upn"]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function saved(bytes: Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), "sheets-")), "book.xlsx");
  writeFileSync(path, bytes);
  return path;
}

describe("sheet names from the workbook's index", () => {
  it("maps each worksheet file to its tab name, XML escapes undone", async () => {
    expect(sheetNames(saved(await book()))).toEqual(new Map([[1, "Read me"], [2, "Census & <Spring> 2010"]]));
  });

  it("reads them when the relationships use absolute paths and the parts are stored uncompressed", async () => {
    const zip = await JSZip.loadAsync(await book());
    const rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
    zip.file("xl/_rels/workbook.xml.rels", rels.replaceAll('Target="worksheets/', 'Target="/xl/worksheets/'));
    const stored = await zip.generateAsync({ type: "nodebuffer", compression: "STORE" });
    expect(sheetNames(saved(stored))).toEqual(new Map([[1, "Read me"], [2, "Census & <Spring> 2010"]]));
  });

  it("knows no names in a file that is not a zip", () => {
    expect(sheetNames(saved(Buffer.from("urn,laestab\n")))).toEqual(new Map());
  });
});
