// Every header problem of every file in one run (issue 14): each missing column with the
// closest header found in that file, one InputRefusedError naming every file, and a
// header_aliases block that, pasted into settings.json as it is, makes the files readable.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { InputRefusedError } from "../pipelines/core/exit-codes.ts";
import { folder, HEADERS, ingestOnly, settings } from "./fixtures/ingest/harness.ts";

/** The block to paste, as settings.json holds it: from the line `  "header_aliases": {` to its closing `  }`. */
function pastedBlock(message: string): { header_aliases: Record<string, Record<string, string[]>> } {
  const lines = message.split("\n");
  const start = lines.indexOf('  "header_aliases": {');
  const end = lines.indexOf("  }", start);
  expect(start, "the message holds a header_aliases block").toBeGreaterThanOrEqual(0);
  return JSON.parse(`{\n${lines.slice(start, end + 1).join("\n")}\n}`);
}

async function mis(): Promise<Record<string, string | Buffer>> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("Notes").addRow(["Tuition courses, 2009/10"]);
  const ws = wb.addWorksheet("Courses");
  ws.addRow(["Tuition courses"]);
  ws.addRow(HEADERS.tuition.split(",").map((h) => (h === "entry_reason" ? "Reason for entry" : h === "tutor_id" ? "Tutor Code" : h)));
  ws.addRow(["T1", "K201100109001", "100001", "2009/10", "maths", "TU1", "05/10/2009", "30/11/2009", "core", "falling_behind", "Y", "Y", 3, 2]);
  return {
    // schools: la_code missing, and no header resembles it.
    "schools.csv": `${HEADERS.schools.replace(",la_code", ",Region")}\n`,
    // pupils: two columns in the MIS's words.
    "pupils.csv": `${HEADERS.pupils.replace("nc_year", "Year Grp").replace("ethnicity", "Ethnic Origin")}\nK201100109001,2009/10,100001,5,M,N,N,ENG,N,WBRI\n`,
    // tuition: a workbook with a notes sheet first and a title row.
    "tuition.xlsx": Buffer.from(await wb.xlsx.writeBuffer()),
  };
}

describe("header problems of every file, in one run", () => {
  it("names every file, each missing column with the closest header, and offers the aliases", async () => {
    const dir = folder(await mis());
    const err = await ingestOnly(dir, settings({ header_aliases: { attainment: { upn: ["Learner ref"] } } })).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.reasons).toEqual([
      'schools.csv: required column la_code missing (la_code: no header resembles it). The header (line 1) has: "urn", "laestab", "school_name", "Region", "phase", "academy", "national_challenge", "ecaw". Rename the column, or add its header to settings header_aliases.schools.',
      'pupils.csv: required columns nc_year, ethnicity missing (nc_year: perhaps "Year Grp"; ethnicity: perhaps "Ethnic Origin"). The header (line 1) has: "upn", "academic_year", "urn", "Year Grp", "gender", "fsm", "cla", "first_language", "sen", "Ethnic Origin". Rename the column, or add its header to settings header_aliases.pupils.',
      'tuition.xlsx: required columns tutor_id, entry_reason missing (tutor_id: perhaps "Tutor Code"; entry_reason: perhaps "Reason for entry"). The header (sheet "Courses", row 2) has: "tuition_id", "upn", "urn", "academic_year", "subject", "Tutor Code", "start_date", "end_date", "allocation", "Reason for entry", "itp_agreed", "mid_check", "targets_set", "targets_met". Rename the column, or add its header to settings header_aliases.tuition.',
    ]);
    expect(err.message).toMatch(/^3 input files cannot be read as they are:/);
    expect(err.message).toContain("No header resembles schools.la_code");
    // The block keeps the aliases the settings already have, in settings.json's own shape.
    expect(pastedBlock(err.message)).toEqual({
      header_aliases: {
        attainment: { upn: ["Learner ref"] },
        pupils: { nc_year: ["Year Grp"], ethnicity: ["Ethnic Origin"] },
        tuition: { tutor_id: ["Tutor Code"], entry_reason: ["Reason for entry"] },
      },
    });
  });

  it("reads the files once the block is pasted into settings.json (and the one column without a match is named)", async () => {
    const files = await mis();
    const first = await ingestOnly(folder(files)).catch((e) => e);
    const block = pastedBlock(first.message);
    block.header_aliases.schools = { la_code: ["Region"] }; // the officer's own answer for the column nothing resembled
    const db = await ingestOnly(folder(files), settings(block));
    expect(await db.all(`select dataset, rows_read::INTEGER as n from ingest_files where dataset in ('pupils', 'tuition') order by dataset`)).toEqual([
      { dataset: "pupils", n: 1 },
      { dataset: "tuition", n: 1 },
    ]);
    expect(await db.all(`select nc_year, ethnicity from raw_pupils`)).toEqual([{ nc_year: "5", ethnicity: "WBRI" }]);
    expect(await db.all(`select tutor_id, entry_reason, _line from raw_tuition`)).toEqual([{ tutor_id: "TU1", entry_reason: "falling_behind", _line: 3 }]);
    db.close();
  });

  it("lists a file that cannot be read at all beside the header problems of the others", async () => {
    const dir = folder({ "pupils.csv": `${HEADERS.pupils.replace("gender", "Sex of pupil")}\n`, "sessions.xlsx": "tuition_id,session_date\n" });
    const err = await ingestOnly(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.reasons.map((r: string) => r.slice(0, r.indexOf(":")))).toEqual(["pupils.csv", "sessions.xlsx"]);
    expect(err.reasons[1]).toMatch(/is not an \.xlsx workbook/);
    expect(pastedBlock(err.message)).toEqual({ header_aliases: { pupils: { gender: ["Sex of pupil"] } } });
  });

  // Ingest prepares the next CSV file (its scan, in JavaScript) while DuckDB loads the one before:
  // a problem found by DuckDB in one file and one found by the scan of the next are both named, in
  // the datasets' order, as when the files were read one after the other.
  it("names a file DuckDB cannot read and the next file's scan problem, in the datasets' order", async () => {
    const dir = folder({
      "schools.csv": `${HEADERS.schools}\n100001,9192001,"School" A,919,primary,N,N,N\n`,
      "pupils.csv": `${HEADERS.pupils}\n"K201100109001,2009/10\n`,
    });
    const err = await ingestOnly(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.reasons).toHaveLength(2);
    expect(err.reasons[0]).toMatch(/^schools\.csv: could not be read as CSV: .*Line: 2/);
    expect(err.reasons[1]).toBe('pupils.csv: a quoted value opened on line 2 is never closed (an odd number of " characters). Fix the quotes on that line.');
  });
});
