// End to end on a committed fixture (test/fixtures/ingest/planted): a small synthetic LA in
// which bad rows of every kind are planted by hand. The expected quarantine below was
// written from inputs.md and architecture.md, line by line, not from the code's output.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { loadSettings } from "../pipelines/core/settings.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { validate, writeQuarantineReport, type ValidateSummary } from "../pipelines/validate/index.ts";

const DIR = join(import.meta.dirname, "fixtures/ingest/planted");

// [file, line, column, rule]; line as a text editor shows it (header = 1).
const EXPECTED: [string, number, string | null, string][] = [
  ["schools.csv", 5, "laestab", "laestab_mismatch"], // 920… under LA 919
  ["schools.csv", 6, "phase", "bad_code"], // nursery
  ["schools.csv", 7, "urn", "duplicate_key"], // 100006 twice: both rows go
  ["schools.csv", 8, "urn", "duplicate_key"],
  ["schools.csv", 9, "school_name", "missing_value"], // one row, two broken rules
  ["schools.csv", 9, "academy", "bad_flag"],
  ["pupils.csv", 7, "upn", "bad_upn_check_letter"],
  ["pupils.csv", 8, "upn", "bad_upn"], // A12345
  ["pupils.csv", 9, "urn", "parent_quarantined"], // school 100004 is schools.csv line 5
  ["pupils.csv", 10, "urn", "unknown_school"], // 999999
  ["pupils.csv", 11, "academic_year", "bad_academic_year"], // 2009/11: not consecutive years (2009-10 is a spelling of 2009/10, issue 14)
  ["pupils.csv", 12, "nc_year", "out_of_range"], // 14
  ["pupils.csv", 13, "gender", "bad_code"], // X
  ["pupils.csv", 14, "fsm", "bad_flag"], // maybe
  ["pupils.csv", 15, "upn+academic_year", "duplicate_key"],
  ["pupils.csv", 16, "upn+academic_year", "duplicate_key"],
  // line 17 is blank: not a row
  ["pupils.csv", 19, "sen", "bad_code"], // X
  ["attainment.csv", 6, "result", "bad_result"], // A* for a Y6 pupil: not a GCSE context
  ["attainment.csv", 7, "result", "bad_result"], // N for a Y10 pupil's ta: GCSE context has no codes
  ["attainment.csv", 8, "assessed_on", "bad_date"], // 29/02/2010
  ["attainment.csv", 9, "assessed_on", "bad_date"], // 10/25/2009, American
  ["attainment.csv", 10, "upn", "parent_quarantined"], // pupil of pupils.csv line 9
  ["attainment.csv", 11, "upn", "unknown_pupil"],
  ["attainment.csv", 12, "upn+subject+assessment+assessed_on", "duplicate_key"], // 2009-11-30 = 30/11/2009
  ["attainment.csv", 13, "upn+subject+assessment+assessed_on", "duplicate_key"],
  ["attainment.csv", 14, "subject", "bad_code"], // science
  ["attainment.csv", 15, "result", "missing_value"], // spaces only
  ["tuition.csv", 4, "targets_met", "targets_met_exceeds_set"],
  ["tuition.csv", 5, "end_date", "end_before_start"],
  ["tuition.csv", 6, "upn", "parent_quarantined"],
  ["tuition.csv", 7, "urn", "parent_quarantined"], // school of schools.csv line 6
  ["tuition.csv", 8, "subject", "bad_code"],
  ["tuition.csv", 9, "tuition_id", "duplicate_key"],
  ["tuition.csv", 10, "tuition_id", "duplicate_key"],
  ["tuition.csv", 11, "allocation", "bad_code"],
  ["tuition.csv", 12, "targets_set", "bad_number"], // two
  ["sessions.csv", 4, "session_date", "session_outside_course"], // day after T001 ends
  ["sessions.csv", 5, "minutes", "out_of_range"], // 300
  ["sessions.csv", 6, "minutes", "bad_number"], // sixty
  ["sessions.csv", 7, "tuition_id", "parent_quarantined"], // T003 is tuition.csv line 4
  ["sessions.csv", 8, "tuition_id", "unknown_course"],
  ["sessions.csv", 10, "attended", "bad_flag"],
  ["viewpoints.csv", 6, "response", "out_of_range"], // 5; lines 3-4 are one row, line 5 blank
  ["viewpoints.csv", 8, "stage", "bad_code"],
  ["viewpoints.csv", 9, "tuition_id", "parent_quarantined"],
  ["viewpoints.csv", 10, "tuition_id", "unknown_course"],
  ["viewpoints.csv", 11, "response_id+item", "duplicate_key"], // Confidence = confidence
  ["viewpoints.csv", 12, "response_id+item", "duplicate_key"],
  ["viewpoints.csv", 13, "response", "bad_code"], // =1+1
  ["allocations.csv", 5, "urn", "parent_quarantined"],
  ["allocations.csv", 6, "urn", "unknown_school"],
  ["allocations.csv", 7, "key_stage", "bad_code"],
  ["allocations.csv", 8, "places", "out_of_range"],
  ["allocations.csv", 9, "funding_gbp", "bad_number"],
  ["allocations.csv", 10, null, "too_many_fields"],
];

// Rows in each file (blank lines are not rows; a quoted newline does not start one).
const ROWS: Record<string, number> = {
  "schools.csv": 8,
  "pupils.csv": 17,
  "attainment.csv": 16,
  "tuition.csv": 12,
  "sessions.csv": 9,
  "viewpoints.csv": 10,
  "allocations.csv": 9,
};

let db: Db;
let summary: ValidateSummary;
beforeAll(async () => {
  db = await Db.open(":memory:");
  const settings = loadSettings(join(DIR, "settings.json"));
  await ingest(db, DIR, settings);
  summary = await validate(db, settings);
});
afterAll(() => db.close());

describe("ingest + validate on the planted fixture", () => {
  it("quarantines exactly the planted rows, each for the planted reason", async () => {
    const got = await db.all<{ file: string; line: number; column: string | null; rule: string }>(`select file, line, "column", rule from quarantine`);
    const key = (r: [string, number, string | null, string]) => r.join("|");
    expect(got.map((r) => key([r.file, r.line, r.column, r.rule])).sort()).toEqual(EXPECTED.map(key).sort());
  });

  it("loads every other row: rows read = loaded + quarantined, per file", async () => {
    const heldLines = (file: string) => new Set(EXPECTED.filter((e) => e[0] === file).map((e) => e[1])).size;
    expect(summary.files.map((f) => f.file).sort()).toEqual(Object.keys(ROWS).sort());
    for (const f of summary.files) {
      expect(f.rows_read, f.file).toBe(ROWS[f.file]);
      expect(f.rows_quarantined, f.file).toBe(heldLines(f.file));
      expect(f.rows_loaded, f.file).toBe(ROWS[f.file] - heldLines(f.file));
    }
  });

  it("names the quarantined parent row in parent_quarantined messages", async () => {
    const m = await db.one<{ message: string }>(`select message from quarantine where file = 'attainment.csv' and line = 10`);
    expect(m!.message).toContain("pupils.csv line 9");
    const s = await db.one<{ message: string }>(`select message from quarantine where file = 'sessions.csv' and line = 7`);
    expect(s!.message).toContain("tuition.csv line 4");
  });

  it("types and normalises what it loads", async () => {
    expect(await db.all(`select school_name from stg_schools where urn = '100002'`)).toEqual([{ school_name: "Ysgol Siân Synthetic" }]);
    const p = await db.all(`select upn, upn_temporary, fsm, cla, gender, first_language, sen, ethnicity, nc_year from stg_pupils
      where upn in ('X919200109003', 'D91940010901A', 'H919200109002') order by upn`);
    expect(p).toEqual([
      { upn: "D91940010901A", upn_temporary: true, fsm: true, cla: false, gender: "F", first_language: "ENB", sen: "S", ethnicity: "ABAN", nc_year: 7 },
      { upn: "H919200109002", upn_temporary: false, fsm: false, cla: false, gender: "F", first_language: null, sen: null, ethnicity: null, nc_year: 6 },
      { upn: "X919200109003", upn_temporary: false, fsm: false, cla: false, gender: "F", first_language: "POL", sen: "A", ethnicity: "WPOL", nc_year: 4 },
    ]);
    const results = await db.all<{ _line: number; result: string }>(`select _line, result from stg_attainment order by _line`);
    expect(results).toEqual([
      { _line: 2, result: "4a" },
      { _line: 3, result: "4" },
      { _line: 4, result: "A" },
      { _line: 5, result: "A*" },
      { _line: 16, result: "P2ii" },
      { _line: 17, result: "W" },
    ]);
    const d = await db.one<{ d: string }>(`select strftime(assessed_on, '%Y-%m-%d') as d from stg_attainment where _line = 3`);
    expect(d!.d).toBe("2009-10-05"); // 05/10/2009 is 5 October
    const v = await db.all(`select _line, response, comment from stg_viewpoints order by _line`);
    expect(v).toEqual([
      { _line: 2, response: 2, comment: null },
      { _line: 3, response: 3, comment: "Likes\nmaths now" },
      { _line: 7, response: 4, comment: null },
    ]);
    const a = await db.all(`select _line, urn, places, funding_gbp from stg_allocations order by _line`);
    expect(a).toEqual([
      { _line: 2, urn: null, places: 40, funding_gbp: 16800 },
      { _line: 3, urn: null, places: 45, funding_gbp: 18900 },
      { _line: 4, urn: "100001", places: 5, funding_gbp: 2100 },
    ]);
  });

  it("records what it read in ingest_files", async () => {
    const f = await db.all(`select file, encoding, rows_read, extra_columns from ingest_files where dataset in ('schools', 'pupils') order by file`);
    expect(f).toEqual([
      { file: "pupils.csv", encoding: "utf-8-bom", rows_read: 17, extra_columns: [] },
      { file: "schools.csv", encoding: "windows-1252", rows_read: 8, extra_columns: ["Head teacher"] },
    ]);
  });

  it("lists pupils whose tuition was refused, so they are not comparison pupils", async () => {
    const r = await db.all(`select upn, subject from stg_tuition_refused where upn = 'L919200109004'`);
    expect(r).toEqual([{ upn: "L919200109004", subject: "maths" }]);
  });

  it("writes the quarantine report sorted, with formula-like values neutralised", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "qreport-")), "quarantine.csv");
    await writeQuarantineReport(db, path);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("file,line,column,value,rule,message");
    expect(lines).toHaveLength(EXPECTED.length + 1);
    expect(lines.find((l) => l.startsWith("viewpoints.csv,13,"))).toMatch(/^viewpoints\.csv,13,response,'=1\+1,bad_code,/);
    expect(lines[1].startsWith("allocations.csv,5,urn,100004,parent_quarantined,")).toBe(true);
  });
});
