// .xlsx inputs (inputs.md): first sheet or the sheet named like the dataset; Excel dates
// (Date cells and serial numbers in date columns) as ISO text; formulas as their cached
// result; every cell of a merged range reads as its top-left value; sheet row numbers as lines.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { folder, ingestAndValidate, ingestOnly } from "./fixtures/ingest/harness.ts";

async function workbook(path: string, sheets: Record<string, (ws: ExcelJS.Worksheet) => void>) {
  const wb = new ExcelJS.Workbook();
  for (const [name, fill] of Object.entries(sheets)) fill(wb.addWorksheet(name));
  await wb.xlsx.writeFile(path);
}

describe(".xlsx input", () => {
  it("reads the sheet named like the dataset, with dates, formulas, merged cells and sheet row numbers", async () => {
    const dir = folder({});
    const path = join(dir, "tuition.xlsx");
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "tuition.csv"));
    await workbook(path, {
      "Read me": (ws) => {
        ws.addRow(["This sheet explains the data"]);
      },
      Tuition: (ws) => {
        ws.addRow([
          "tuition_id",
          "upn",
          "urn",
          "academic_year",
          "subject",
          "tutor_id",
          "start_date",
          "end_date",
          "allocation",
          "entry_reason",
          "itp_agreed",
          "mid_check",
          "targets_set",
          "targets_met",
        ]);
        // Row 2: a Date cell and an Excel serial number in date columns; numbers for ids and counts.
        ws.addRow([
          "T1",
          "K201100109001",
          100001,
          "2009/10",
          "Maths",
          "TU1",
          new Date(Date.UTC(2009, 9, 5)),
          39814 + 364,
          "core",
          "falling_behind",
          true,
          "N",
          3,
          2,
        ]);
        ws.addRow([]); // row 3 blank: not a row
        // Row 4: a formula (cached result) and a merged pair of cells (Excel keeps the value in the first only).
        ws.addRow([
          "T2",
          "K201100109001",
          100001,
          "2009/10",
          { formula: 'LOWER("ENGLISH")', result: "english" },
          "TU1",
          "04/01/2010",
          "26/03/2010",
          "core",
          "falling_behind",
          "Y",
          "Y",
          null,
          null,
        ]);
        ws.mergeCells("M4:N4");
        ws.getCell("M4").value = 4;
      },
    });
    const db = await ingestOnly(dir);
    expect(
      await db.all(`select tuition_id, urn, subject, start_date, end_date, itp_agreed, targets_set, targets_met, _line from raw_tuition order by _line`),
    ).toEqual([
      {
        tuition_id: "T1",
        urn: "100001",
        subject: "Maths",
        start_date: "2009-10-05",
        end_date: "2009-12-31",
        itp_agreed: "TRUE",
        targets_set: "3",
        targets_met: "2",
        _line: 2,
      },
      {
        tuition_id: "T2",
        urn: "100001",
        subject: "english",
        start_date: "04/01/2010",
        end_date: "26/03/2010",
        itp_agreed: "Y",
        targets_set: "4",
        targets_met: "4",
        _line: 4,
      },
    ]);
    expect(await db.one(`select format, encoding, rows_read from ingest_files where dataset = 'tuition'`)).toEqual({
      format: "xlsx",
      encoding: "xlsx",
      rows_read: 2,
    });
    db.close();
  });

  it("reads the first sheet when none is named like the dataset, and validates its rows by sheet row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "xlsx-"));
    const sheet = (rows: unknown[][]) => (ws: ExcelJS.Worksheet) => {
      for (const r of rows) ws.addRow(r);
    };
    await workbook(join(dir, "schools.xlsx"), {
      Sheet1: sheet([
        ["urn", "laestab", "school_name", "la_code", "phase", "academy", "national_challenge", "ecaw"],
        [100001, 9192001, "Synthetic A", 919, "primary", "N", "N", "N"],
      ]),
      Other: sheet([["nothing"]]),
    });
    await workbook(join(dir, "pupils.xlsx"), {
      Census: sheet([
        ["UPN", "academic_year", "urn", "nc_year", "gender", "fsm", "cla", "first_language", "sen", "ethnicity"],
        ["K201100109001", "2009/10", 100001, 5, "M", 1, 0, "ENG", "N", "WBRI"],
        ["A201100109001", "2009/10", 100001, 5, "M", 1, 0, "ENG", "N", "WBRI"],
      ]),
    });
    await workbook(join(dir, "attainment.xlsx"), {
      attainment: sheet([
        ["upn", "subject", "assessment", "assessed_on", "result"],
        ["K201100109001", "maths", "ta", 40091, "4b"],
      ]),
    });
    await workbook(join(dir, "tuition.xlsx"), {
      tuition: sheet([
        [
          "tuition_id",
          "upn",
          "urn",
          "academic_year",
          "subject",
          "tutor_id",
          "start_date",
          "end_date",
          "allocation",
          "entry_reason",
          "itp_agreed",
          "mid_check",
          "targets_set",
          "targets_met",
        ],
      ]),
    });
    const db = await ingestAndValidate(dir);
    expect(await db.all(`select urn, laestab, la_code from stg_schools`)).toEqual([{ urn: "100001", laestab: "9192001", la_code: "919" }]);
    expect(await db.all(`select upn, fsm, cla from stg_pupils`)).toEqual([{ upn: "K201100109001", fsm: true, cla: false }]);
    expect(await db.all(`select file, line, rule from quarantine`)).toEqual([{ file: "pupils.xlsx", line: 3, rule: "bad_upn_check_letter" }]);
    expect(await db.all(`select strftime(assessed_on, '%Y-%m-%d') as d from stg_attainment`)).toEqual([{ d: "2009-10-05" }]);
    db.close();
  });
});
