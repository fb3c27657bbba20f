// The ntp profile's inputs (programmes.md §2): its columns read into stg_*, its code lists, its
// rules (group_inconsistent, bad_academic_year outside 2020/21–2023/24) with file, row and column,
// the programme-rule breaches that load and are listed, and the headers each profile requires.
// A small hand-made folder (column names from §2 verbatim): each row is written for one case,
// and the test names the rule it must be quarantined under, or that it loads.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseSettings } from "../pipelines/core/settings.ts";
import { toCsv } from "../pipelines/export/csv.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { makeUpn } from "../pipelines/synth/upn-make.ts";
import { validate } from "../pipelines/validate/index.ts";
import { buildValidateReport, valueAliasesBlock } from "../pipelines/validate/report.ts";
import { checkValueAliases } from "../pipelines/validate/value-aliases.ts";

const LA = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const upn = (serial: number) => makeUpn("919", "2001", 14, serial);

type Rows = Record<string, string>[];
function writeCsv(dir: string, name: string, rows: Rows) {
  const header = Object.keys(rows[0]);
  writeFileSync(
    join(dir, `${name}.csv`),
    toCsv(
      header,
      rows.map((r) => header.map((h) => r[h] ?? "")),
    ),
  );
}

const SCHOOLS: Rows = [
  { urn: "100001", laestab: "9192001", school_name: "Oak Primary", la_code: "919", phase: "primary", academy: "N" },
  { urn: "100002", laestab: "9192002", school_name: "Elm Academy", la_code: "919", phase: "secondary", academy: "Y" },
  { urn: "100003", laestab: "9191100", school_name: "Ash Centre", la_code: "919", phase: "ap", academy: "N" },
];

/** Pupil serials 1–40, all in 2022/23; a few rows carry a case of their own. */
function pupils(): Rows {
  const rows: Rows = [];
  for (let i = 1; i <= 40; i++)
    rows.push({
      upn: upn(i),
      academic_year: "2022/23",
      urn: i % 2 ? "100001" : "100002",
      nc_year: String(1 + (i % 11)),
      gender: i % 2 ? "F" : "M",
      fsm: "N",
      cla: "N",
      first_language: "ENG",
      sen: "N",
      ethnicity: "WBRI",
      fsm6: "",
      pla: "",
      pupil_premium: "",
    });
  Object.assign(rows[0], { sen: "K", fsm6: "Y", pupil_premium: "Y" });
  Object.assign(rows[1], { sen: "E", pla: "Y" });
  Object.assign(rows[2], { sen: "A" }); // line 4: a 2009 code
  Object.assign(rows[3], { fsm6: "sometimes" }); // line 5
  Object.assign(rows[4], { pupil_premium: "maybe" }); // line 6
  Object.assign(rows[5], { nc_year: "12" }); // line 7: loads; tutored, a breach
  rows.push({ ...rows[9], academic_year: "2020/21", nc_year: "8" }); // line 42: pupil 10's census of 2020/21
  return rows;
}

/** [assessment, result, test_name, expected]: expected is "load" or the rule (column result unless named). */
const RESULTS: [string, string, string, string][] = [
  ["ks1", "PKF", "", "load"],
  ["ks1", "GDS", "", "load"],
  ["ks1", "PK3", "", "load"],
  ["ks1", "HNM", "", "load"],
  ["ks1", "P4", "", "load"],
  ["ks1", "L", "", "load"],
  ["ks1", "2b", "", "bad_result"],
  ["ks1", "N", "", "bad_result"],
  ["ks2", "105", "", "load"],
  ["ks2", "80", "", "load"],
  ["ks2", "120", "", "load"],
  ["ks2", "Q", "", "load"],
  ["ks2", "EXS", "", "load"],
  ["ks2", "121", "", "out_of_range"],
  ["ks2", "79", "", "out_of_range"],
  ["ks2", "99.5", "", "out_of_range"],
  ["ks2", "N", "", "bad_result"],
  ["ks2", "U", "", "bad_result"],
  ["ks2", "4b", "", "bad_result"],
  ["ks4", "9", "", "load"],
  ["ks4", "1", "", "load"],
  ["ks4", "U", "", "load"],
  ["ks4", "X", "", "load"],
  ["ks4", "A*", "", "bad_result"],
  ["ks4", "0", "", "bad_result"],
  ["ks4", "10", "", "bad_result"],
  ["std", "98", "NGRT", "load"],
  ["std", "98.5", "ngrt ", "load"],
  ["std", "<70", "NGRT", "load"],
  ["std", ">141", "NGRT", "load"],
  ["std", "A", "NGRT", "load"],
  ["std", "98.55", "NGRT", "out_of_range"],
  ["std", "150", "NGRT", "out_of_range"],
  ["std", "60", "NGRT", "out_of_range"],
  ["std", "60", "PUMA", "load"],
  ["std", "146", "PUMA", "out_of_range"],
  ["std", "abc", "PUMA", "bad_result"],
  ["std", "100", "", "missing_value:test_name"],
  ["ta", "EXS", "", "load"],
  ["ta", "BLW", "", "load"],
  ["ta", "EM", "", "load"],
  ["ta", "PK6", "", "load"],
  ["ta", "4b", "", "bad_result"],
  ["ks3", "5", "", "bad_code:assessment"],
];

function attainment(): Rows {
  // Pupils 11–40 (none held back), one date per row, so no two rows share a key.
  const day = (i: number) => new Date(Date.UTC(2022, 9, 1 + i)).toISOString().slice(0, 10);
  return RESULTS.map(([assessment, result, test_name], i) => ({
    upn: upn(11 + (i % 30)),
    subject: "maths",
    assessment,
    assessed_on: day(i),
    result,
    test_name,
  }));
}

const COURSE = {
  urn: "100001",
  academic_year: "2022/23",
  subject: "maths",
  tutor_id: "T1",
  start_date: "2022-10-03",
  end_date: "2022-12-16",
  route: "school_led",
  group_size: "1",
  group_id: "",
  tutor_type: "qualified_teacher",
  tutor_trained: "Y",
  funding_source: "ntp",
  hourly_cost_gbp: "",
  entry_reason: "",
};

/** [changes to a course, expected]: expected "load", "rule:column" (quarantined) or "breach:rule:column" (loads, listed). */
const COURSES: [Partial<typeof COURSE>, string][] = [
  [{}, "load"],
  [{ subject: "science", entry_reason: "disadvantaged", hourly_cost_gbp: "£42.50" }, "load"],
  [{ subject: "other", route: "tuition_partner", tutor_type: "external_tutor", funding_source: "recovery_premium" }, "load"],
  [{ subject: "history" }, "bad_code:subject"],
  [{ entry_reason: "falling_behind" }, "bad_code:entry_reason"],
  [{ route: "partner" }, "bad_code:route"],
  [{ route: "" }, "missing_value:route"],
  [{ group_size: "0" }, "out_of_range:group_size"],
  [{ group_size: "13" }, "out_of_range:group_size"],
  [{ group_size: "two" }, "bad_number:group_size"],
  [{ tutor_type: "volunteer" }, "bad_code:tutor_type"],
  [{ tutor_trained: "perhaps" }, "bad_flag:tutor_trained"],
  [{ funding_source: "grant" }, "bad_code:funding_source"],
  [{ funding_source: "" }, "missing_value:funding_source"],
  [{ hourly_cost_gbp: "-5" }, "out_of_range:hourly_cost_gbp"],
  [{ hourly_cost_gbp: "lots" }, "bad_number:hourly_cost_gbp"],
  [{ academic_year: "2019/20", start_date: "2019-10-01", end_date: "2019-12-01" }, "bad_academic_year:academic_year"],
  [{ academic_year: "2024/25", start_date: "2024-10-01", end_date: "2024-12-01" }, "bad_academic_year:academic_year"],
  // group G1: its two rows differ in tutor_id, so both are held back
  [{ group_id: "G1", group_size: "2", tutor_id: "T1" }, "group_inconsistent:group_id"],
  [{ group_id: "G1", group_size: "2", tutor_id: "T2" }, "group_inconsistent:group_id"],
  // group G2: two rows that agree
  [{ group_id: "G2", group_size: "2", hourly_cost_gbp: "40" }, "load"],
  [{ group_id: "G2", group_size: "2", hourly_cost_gbp: "40.00" }, "load"],
  // breaches: load, and are listed
  [{ group_size: "4" }, "breach:group_over_three:group_size"],
  [{ academic_year: "2020/21", start_date: "2020-11-02", end_date: "2021-01-29" }, "breach:school_led_2020_21:route"],
  [{ tutor_type: "teaching_assistant", tutor_trained: "N", start_date: "2022-01-10" }, "breach:tutor_not_trained:tutor_trained"],
  [{ route: "academic_mentor", tutor_type: "teaching_assistant", tutor_trained: "N" }, "breach:tutor_not_trained:tutor_trained"],
  [{ group_id: "G3", group_size: "2" }, "breach:group_over_size:group_id"],
  [{ group_id: "G3", group_size: "2" }, "breach:group_over_size:group_id"],
  [{ group_id: "G3", group_size: "2" }, "breach:group_over_size:group_id"],
];

/** The pupil of each course: its own serial from 11 up, except the NC-year-12 pupil (serial 6) and 2020/21's (serial 10). */
function tuition(): Rows {
  const rows = COURSES.map(([change], i) => ({ tuition_id: `C${i + 1}`, upn: upn(11 + i), ...COURSE, ...change }));
  rows.push({ tuition_id: "C99", upn: upn(6), ...COURSE }); // NC year 12 in 2022/23
  const y2021 = rows.findIndex((r) => r.academic_year === "2020/21");
  rows[y2021].upn = upn(10);
  return rows;
}

function ntpFolder(settings: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "validate-ntp-"));
  writeCsv(dir, "schools", SCHOOLS);
  writeCsv(dir, "pupils", pupils());
  writeCsv(dir, "attainment", attainment());
  writeCsv(dir, "tuition", tuition());
  writeFileSync(
    join(dir, "settings.json"),
    JSON.stringify({
      la: LA,
      programme: "ntp",
      build_date: "2023-09-30",
      max_quarantine_share: 1,
      ntp: { standardised_tests: { NGRT: { min: 69, max: 141 } } },
      ...settings,
    }),
  );
  return dir;
}

async function validated(dir: string, raw: Record<string, unknown>) {
  const db = await Db.open(":memory:");
  const settings = parseSettings(raw);
  await ingest(db, dir, settings);
  await validate(db, settings);
  return db;
}

type Q = { dataset: string; line: number; column: string | null; value: string | null; rule: string; message: string };

describe("ntp folder", async () => {
  const dir = ntpFolder();
  const raw = JSON.parse((await import("node:fs")).readFileSync(join(dir, "settings.json"), "utf8"));
  const db = await validated(dir, raw);
  const quarantine = await db.all<Q>(`select dataset, line::INTEGER as line, "column", value, rule, message from quarantine`);
  const held = (dataset: string, line: number) => quarantine.filter((q) => q.dataset === dataset && q.line === line);

  it("reads schools with phase ap and without national_challenge or ecaw", async () => {
    expect(held("schools", 4)).toEqual([]);
    expect(await db.all(`select urn, phase from stg_schools where phase = 'ap'`)).toEqual([{ urn: "100003", phase: "ap" }]);
  });

  it("reads sen N, K, E and the fsm6, pla and pupil_premium flags; the 2009 SEN codes are bad_code", async () => {
    expect(held("pupils", 4).map((q) => [q.rule, q.column])).toEqual([["bad_code", "sen"]]);
    expect(held("pupils", 4)[0].message).toContain("K (SEN support) or E (EHC plan)");
    expect(held("pupils", 5).map((q) => [q.rule, q.column])).toEqual([["bad_flag", "fsm6"]]);
    expect(held("pupils", 6).map((q) => [q.rule, q.column])).toEqual([["bad_flag", "pupil_premium"]]);
    const [first, second, plain] = await db.all<{ sen: string; fsm6: boolean; pla: boolean; pupil_premium: boolean | null }>(
      `select sen, fsm6, pla, pupil_premium from stg_pupils where _line in (2, 3, 10) order by _line`,
    );
    expect(first).toEqual({ sen: "K", fsm6: true, pla: false, pupil_premium: true });
    expect(second).toEqual({ sen: "E", fsm6: false, pla: true, pupil_premium: null });
    // blank fsm6 and pla mean N; blank pupil_premium is unknown
    expect(plain).toEqual({ sen: "N", fsm6: false, pla: false, pupil_premium: null });
  });

  it.each(RESULTS.map((r, i) => [i + 2, ...r] as const))("attainment line %i: %s %s (test %s) → %s", (line, assessment, result, test, expected) => {
    const got = held("attainment", line).map((q) => (q.column === "result" ? q.rule : `${q.rule}:${q.column}`));
    expect(got).toEqual(expected === "load" ? [] : [expected]);
  });

  it("keeps the test name and each accepted result as written (codes upper case), unscored", async () => {
    const rows = await db.all<{ assessment: string; result: string; test_name: string | null }>(
      `select assessment, result, test_name from stg_attainment where assessment = 'std' order by _line`,
    );
    expect(rows.map((r) => r.result)).toEqual(["98", "98.5", "<70", ">141", "A", "60"]);
    expect(rows.map((r) => r.test_name)).toEqual(["NGRT", "ngrt", "NGRT", "NGRT", "NGRT", "PUMA"]);
  });

  it("says which range a standardised score is outside, and where the range comes from", () => {
    const line = RESULTS.findIndex(([a, r, t]) => a === "std" && r === "150" && t === "NGRT") + 2;
    expect(held("attainment", line)[0].message).toBe('result "150" is outside the range of test "NGRT", 69 to 141 with at most one decimal');
    const puma = RESULTS.findIndex(([a, r]) => a === "std" && r === "146") + 2;
    expect(held("attainment", puma)[0].message).toContain("55 to 145");
    expect(held("attainment", puma)[0].message).toContain("ntp.standardised_tests");
  });

  it.each(COURSES.map(([change, expected], i) => [i + 2, JSON.stringify(change), expected] as const))("tuition line %i %s → %s", (line, _change, expected) => {
    const got = held("tuition", line).map((q) => `${q.rule}:${q.column}`);
    expect(got).toEqual(expected === "load" || expected.startsWith("breach:") ? [] : [expected]);
  });

  it("names the differing columns and every line of an inconsistent group", () => {
    const line = COURSES.findIndex(([c]) => c.group_id === "G1") + 2;
    expect(held("tuition", line)[0].message).toBe(
      `group G1 has 2 rows (lines ${line}, ${line + 1}) that differ in tutor_id; a group's rows must agree, so all are held back: correct them or give them different group_ids`,
    );
  });

  it("says why a tuition year is refused, and a tutor needed training", async () => {
    const line = COURSES.findIndex(([c]) => c.academic_year === "2019/20") + 2;
    expect(held("tuition", line)[0].message).toBe("academic_year 2019/20 is outside the National Tutoring Programme, which ran 2020/21 to 2023/24");
    const ta = COURSES.findIndex(([c]) => c.start_date === "2022-01-10") + 2;
    expect(await db.one(`select message from programme_breaches where line = ?`, [ta])).toEqual({
      message:
        "a school-led course starting 2022-01-10 taught by a teaching assistant whose tutor training is not passed (tutor_trained N); from 1 November 2021 such a tutor needed it",
    });
  });

  it("types the new tuition columns into stg_tuition", async () => {
    const line = COURSES.findIndex(([c]) => c.hourly_cost_gbp === "£42.50") + 2;
    expect(
      await db.one(
        `select subject, route, group_size, group_id, tutor_type, tutor_trained, funding_source, hourly_cost_gbp, entry_reason
      from stg_tuition where _line = ?`,
        [line],
      ),
    ).toEqual({
      subject: "science",
      route: "school_led",
      group_size: 1,
      group_id: null,
      tutor_type: "qualified_teacher",
      tutor_trained: true,
      funding_source: "ntp",
      hourly_cost_gbp: 42.5,
      entry_reason: "disadvantaged",
    });
  });

  it("lists each programme-rule breach with its line and column, and loads the row", async () => {
    const breaches = await db.all<Q>(`select dataset, line::INTEGER as line, "column", value, rule, message from programme_breaches`);
    const expected = COURSES.flatMap(([, e], i) => (e.startsWith("breach:") ? [`${i + 2}:${e.slice(7)}`] : []));
    const nc12 = COURSES.length + 2; // C99, the pupil in NC year 12
    expect(breaches.map((b) => `${b.line}:${b.rule}:${b.column}`).sort()).toEqual([...expected, `${nc12}:nc_year_out_of_scope:nc_year`].sort());
    const loaded = await db.all<{ line: number }>(`select _line::INTEGER as line from stg_tuition`);
    for (const b of breaches) expect(loaded.map((l) => l.line)).toContain(b.line);
    expect(breaches.find((b) => b.rule === "nc_year_out_of_scope")!.message).toContain("NC year 12 in 2022/23");
    expect(breaches.find((b) => b.rule === "group_over_size")!.message).toMatch(/^group G3 has 3 rows \(lines \d+, \d+, \d+\) but a group_size of 2$/);
  });
});

describe("headers each profile needs", () => {
  it("refuses an ntp tuition file without route, naming the column", async () => {
    const dir = ntpFolder();
    writeCsv(
      dir,
      "tuition",
      tuition().map(({ route: _r, ...rest }) => rest),
    );
    const raw = JSON.parse((await import("node:fs")).readFileSync(join(dir, "settings.json"), "utf8"));
    await expect(validated(dir, raw)).rejects.toThrow(/tuition\.csv[\s\S]*required column route missing/);
  });

  it("reads a 2009 folder's ntp-named columns as extra columns, and leaves the new stg columns NULL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-ntp-2009-"));
    writeCsv(
      dir,
      "schools",
      SCHOOLS.slice(0, 1).map((s) => ({ ...s, national_challenge: "N", ecaw: "N" })),
    );
    writeCsv(dir, "pupils", [
      {
        upn: upn(1),
        academic_year: "2009/10",
        urn: "100001",
        nc_year: "5",
        gender: "F",
        fsm: "N",
        cla: "N",
        first_language: "ENG",
        sen: "N",
        ethnicity: "WBRI",
        fsm6: "Y",
      },
    ]);
    writeCsv(dir, "attainment", [{ upn: upn(1), subject: "maths", assessment: "ks2", assessed_on: "2010-05-10", result: "4b", test_name: "NGRT" }]);
    writeCsv(dir, "tuition", [
      {
        tuition_id: "C1",
        upn: upn(1),
        urn: "100001",
        academic_year: "2009/10",
        subject: "science",
        tutor_id: "T1",
        start_date: "2009-10-01",
        end_date: "2009-12-01",
        allocation: "core",
        entry_reason: "falling_behind",
        itp_agreed: "Y",
        mid_check: "Y",
        targets_set: "3",
        targets_met: "2",
        route: "school_led",
      },
    ]);
    const db = await validated(dir, { la: LA, build_date: "2010-09-30", max_quarantine_share: 1 });
    const extra = await db.all<{ dataset: string; extra: string[] }>(`select dataset, extra_columns as extra from ingest_files order by dataset`);
    expect(extra).toEqual([
      { dataset: "attainment", extra: ["test_name"] },
      { dataset: "pupils", extra: ["fsm6"] },
      { dataset: "schools", extra: [] },
      { dataset: "tuition", extra: ["route"] },
    ]);
    // 2009's code lists still hold: subject science is bad_code there
    const rules = await db.all(`select dataset, "column", rule from quarantine order by dataset`);
    expect(rules).toEqual([{ dataset: "tuition", column: "subject", rule: "bad_code" }]);
    expect(await db.one(`select test_name from stg_attainment`)).toEqual({ test_name: null });
    expect((await db.all(`select 1 from duckdb_tables() where table_name = 'programme_breaches'`)).length).toBe(0);
  });
});

describe("ntp code lists in the unknown-value report and value_aliases", () => {
  it("lists an unknown route, tutor type or SEN code with the ntp codes, and reads a pasted alias", async () => {
    const dir = ntpFolder();
    const raw = JSON.parse((await import("node:fs")).readFileSync(join(dir, "settings.json"), "utf8"));
    const db = await validated(dir, raw);
    const report = await buildValidateReport(db);
    expect(report.programme).toBe("ntp");
    const unknown = report.unknownValues.map((u) => `${u.dataset}.${u.column}=${u.value}`);
    expect(unknown).toEqual(expect.arrayContaining(["tuition.route=partner", "tuition.tutor_type=volunteer", "tuition.funding_source=grant", "pupils.sen=A"]));
    const block = valueAliasesBlock(report.unknownValues, report.programme);
    expect(block.tuition.route.partner).toBe("<one of: tuition_partner|academic_mentor|school_led>");

    const aliased = await validated(dir, { ...raw, value_aliases: { tuition: { route: { partner: "tuition_partner" } }, pupils: { sen: { A: "K" } } } });
    const line = COURSES.findIndex(([c]) => c.route === "partner") + 2;
    expect(await aliased.all(`select rule from quarantine where dataset = 'tuition' and line = ?`, [line])).toEqual([]);
    expect(await aliased.one(`select route from stg_tuition where _line = ?`, [line])).toEqual({ route: "tuition_partner" });
    expect(await aliased.one(`select sen from stg_pupils where _line = 4`)).toEqual({ sen: "K" });
  });

  it("refuses an alias to a code of the other profile, naming the key", () => {
    expect(() => checkValueAliases(parseSettings({ la: LA, value_aliases: { pupils: { sen: { "SEN support": "K" } } } }))).toThrow(
      /value_aliases\.pupils\.sen\."SEN support": "K" is not a value pupils\.sen accepts \(one of: N\|A\|P\|S\)/,
    );
    expect(() => checkValueAliases(parseSettings({ la: LA, programme: "ntp", value_aliases: { pupils: { sen: { "School Action": "A" } } } }))).toThrow(
      /value_aliases\.pupils\.sen\."School Action": "A" is not a value pupils\.sen accepts \(one of: N\|K\|E\)/,
    );
    expect(() => checkValueAliases(parseSettings({ la: LA, value_aliases: { tuition: { route: { TP: "tuition_partner" } } } }))).toThrow(
      /value_aliases\.tuition\.route: not a column of tuition/,
    );
  });
});

describe("synth --programme ntp --faults (programmes.md §6.3)", () => {
  it("quarantines each planted fault with exactly its rule, loads every other row, and lists the breaches truth.json lists", async () => {
    const dir = mkdtempSync(join(tmpdir(), "validate-ntp-synth-"));
    await synthesise({ scale: "la", seed: 11, out: dir, programme: "ntp", schools: 20, faults: true });
    const { readFileSync } = await import("node:fs");
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
    const db = await validated(dir, JSON.parse(readFileSync(join(dir, "settings.json"), "utf8")));
    const key = (r: { file: string; line: number; column: string | null; rule: string }) => `${r.file}:${r.line}:${r.column}:${r.rule}`;
    const faults: string[] = truth.faults.rows.map(key);
    expect(faults.length).toBeGreaterThan(20);
    const held = await db.all<{ file: string; line: number; column: string | null; rule: string }>(
      `select file, line::INTEGER as line, "column", rule from quarantine`,
    );
    expect(held.map(key).sort()).toEqual([...faults].sort());
    const breaches = await db.all<{ rule: string; ids: string[] }>(
      `select b.rule, list(t.tuition_id order by t.tuition_id) as ids from programme_breaches b join stg_tuition t on t._line = b.line group by b.rule`,
    );
    const expected = Object.entries(truth.programme_rule_breaches as Record<string, string[]>).filter(([, ids]) => ids.length > 0);
    expect(expected.length).toBeGreaterThan(0);
    expect(Object.fromEntries(breaches.map((b) => [b.rule, b.ids]))).toEqual(Object.fromEntries(expected.map(([rule, ids]) => [rule, [...ids].sort()])));
  }, 120_000);
});
