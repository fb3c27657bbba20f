// Hand-worked cases for the transform models (measures.md §1, §2, §5, §7). Every expected
// value below is worked out from the spec in the comment beside it, not read off the code.
// Staging tables are built directly (columns per docs/architecture.md), so ingest and
// validate are not needed.
import { afterEach, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseSettings } from "../pipelines/core/settings.ts";
import { buildDescriptiveMarts } from "../pipelines/measures/descriptive.ts";
import { transform } from "../pipelines/transform/index.ts";
import { addStagedPupilKey } from "./helpers/staged-pupil-key.ts";

const LA = { old_code: "999", name: "Testshire", gss_code: "E10000999", region_code: "E12000009", region_name: "South West" };
const SETTINGS = parseSettings({ la: LA, academic_years: ["2009/10"], build_date: "2010-09-30" });
const YEAR = "2009/10";

type School = [urn: string, national_challenge: boolean, ecaw: boolean];
// upn, nc_year, gender, fsm, cla, first_language, sen, ethnicity, urn
type Pupil = [string, number, string, boolean, boolean, string | null, string | null, string | null, string?];
type Result = [upn: string, subject: string, assessment: string, assessed_on: string, result: string];
// upn, subject, start, end, allocation?, entry_reason?, urn?
type Course = [string, string, string, string, string?, string?, string?];

interface Fixture {
  schools?: School[];
  pupils: Pupil[];
  /** census rows of other years: [upn, academic_year, nc_year] */
  otherYears?: [string, string, number][];
  attainment?: Result[];
  tuition?: Course[];
  refused?: [upn: string, subject: string][];
}

const DEFAULT_SCHOOLS: School[] = [
  ["100001", false, false],
  ["100002", true, false], // National Challenge secondary
  ["100003", false, true], // ECaW primary
  ["100004", false, false], // secondary, not National Challenge
];

async function build(f: Fixture): Promise<Db> {
  const db = await Db.open(":memory:");
  await db.run(`create table stg_schools (urn VARCHAR, laestab VARCHAR, school_name VARCHAR, la_code VARCHAR, phase VARCHAR,
    academy BOOLEAN, national_challenge BOOLEAN, ecaw BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_pupils (upn VARCHAR, upn_temporary BOOLEAN, academic_year VARCHAR, urn VARCHAR, nc_year INTEGER,
    gender VARCHAR, fsm BOOLEAN, cla BOOLEAN, first_language VARCHAR, sen VARCHAR, ethnicity VARCHAR, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_attainment (upn VARCHAR, subject VARCHAR, assessment VARCHAR, assessed_on DATE, result VARCHAR,
    _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_sessions (tuition_id VARCHAR, session_date DATE, minutes INTEGER, in_school_day BOOLEAN,
    attended BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition_refused (upn VARCHAR, academic_year VARCHAR, subject VARCHAR)`);
  for (const [urn, nc, ecaw] of f.schools ?? DEFAULT_SCHOOLS) {
    await db.run(`insert into stg_schools values (?, ?, 'School ' || ?, '999', 'primary', false, ?, ?, 'schools.csv', 2)`, [
      urn,
      `999${urn.slice(2)}`,
      urn,
      nc,
      ecaw,
    ]);
  }
  for (const [upn, nc, gender, fsm, cla, lang, sen, eth, urn] of f.pupils) {
    await db.run(`insert into stg_pupils values (?, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pupils.csv', 2)`, [
      upn,
      YEAR,
      urn ?? (nc >= 7 ? "100002" : "100001"),
      nc,
      gender,
      fsm,
      cla,
      lang,
      sen,
      eth,
    ]);
  }
  for (const [upn, year, nc] of f.otherYears ?? []) {
    await db.run(
      `insert into stg_pupils select upn, false, ?, urn, ?, gender, fsm, cla, first_language, sen, ethnicity, _file, 3
      from stg_pupils where upn = ? and academic_year = ?`,
      [year, nc, upn, YEAR],
    );
  }
  for (const [upn, subject, assessment, on, result] of f.attainment ?? []) {
    await db.run(`insert into stg_attainment values (?, ?, ?, ?::date, ?, 'attainment.csv', 2)`, [upn, subject, assessment, on, result]);
  }
  let id = 0;
  for (const [upn, subject, start, end, allocation, reason, urn] of f.tuition ?? []) {
    id++;
    const school = urn ?? (await db.one<{ urn: string }>(`select urn from stg_pupils where upn = ? and academic_year = ?`, [upn, YEAR]))!.urn;
    await db.run(`insert into stg_tuition values (?, ?, ?, ?, ?, 'T1', ?::date, ?::date, ?, ?, true, true, 3, 2, 'tuition.csv', 2)`, [
      `C${id}`,
      upn,
      school,
      YEAR,
      subject,
      start,
      end,
      allocation ?? "core",
      reason ?? "below_expected_on_entry",
    ]);
  }
  for (const [upn, subject] of f.refused ?? []) await db.run(`insert into stg_tuition_refused values (?, ?, ?)`, [upn, YEAR, subject]);
  await addStagedPupilKey(db);
  await transform(db, SETTINGS);
  return db;
}

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

// A plain default pupil: Y5, male, not FSM/CLA, English, no SEN, White British.
const pupil = (
  upn: string,
  nc = 5,
  extra: Partial<{ gender: string; fsm: boolean; cla: boolean; lang: string | null; sen: string | null; eth: string | null; urn: string }> = {},
): Pupil => [
  upn,
  nc,
  extra.gender ?? "M",
  extra.fsm ?? false,
  extra.cla ?? false,
  extra.lang === undefined ? "ENG" : extra.lang,
  extra.sen === undefined ? "N" : extra.sen,
  extra.eth === undefined ? "WBRI" : extra.eth,
  extra.urn,
];

describe("point scores (measures.md §1)", () => {
  it("scores every kind of result, and keeps P-scales and codes unscored with their reason", async () => {
    // P1: a Y6 pupil, one maths result per date. P2: a Y10 pupil (GCSE context for ta).
    const r = (upn: string, a: string, on: string, result: string): Result => [upn, "maths", a, on, result];
    db = await build({
      pupils: [pupil("P1", 6), pupil("P2", 10)],
      attainment: [
        r("P1", "ta", "2009-10-01", "W"), // 3
        r("P1", "ta", "2009-10-02", "1"), // 6·1+3 = 9
        r("P1", "ta", "2009-10-03", "2c"), // 6·2+1 = 13
        r("P1", "ta", "2009-10-04", "2b"), // 15
        r("P1", "ta", "2009-10-05", "2a"), // 6·2+5 = 17
        r("P1", "ks2", "2010-05-10", "4"), // 27
        r("P1", "ta", "2009-10-07", "8a"), // 6·8+5 = 53
        r("P1", "ta", "2009-10-08", "EP"), // 57
        r("P1", "ta", "2009-10-09", "P4"), // P-scale: not scored
        r("P1", "ta", "2009-10-10", "A"), // Y6 ta: a code (absent), not scored
        r("P1", "ks2", "2009-10-11", "B"), // KS2: code B
        r("P1", "ta", "2009-10-12", "D"), // code D
        r("P1", "ta", "2009-10-13", "N"), // code N
        r("P1", "ta", "2009-10-14", "T"), // code T
        r("P2", "ks4", "2010-06-01", "A*"), // 58
        r("P2", "ta", "2009-12-01", "A"), // Y10 ta: GCSE A = 52
        r("P2", "ta", "2009-12-02", "B"), // 46
        r("P2", "ta", "2009-12-03", "C"), // 40
        r("P2", "ta", "2009-12-04", "D"), // 34
        r("P2", "ta", "2009-12-05", "E"), // 28
        r("P2", "ta", "2009-12-06", "F"), // 22
        r("P2", "ta", "2009-12-07", "G"), // 16
        r("P2", "ta", "2009-12-08", "U"), // 0
        r("P2", "ta", "2009-12-09", "5b"), // an NC level in Y10 is still NC points: 33
      ],
    });
    const rows = await db.all<{ upn: string; result: string; points: number | null; scale: string; unscored_reason: string | null }>(
      `select upn, result, points, scale, unscored_reason from int_results order by upn, assessed_on`,
    );
    const got = Object.fromEntries(rows.map((x) => [`${x.upn}:${x.result}`, [x.points, x.unscored_reason]]));
    expect(got).toEqual({
      "P1:W": [3, null],
      "P1:1": [9, null],
      "P1:2c": [13, null],
      "P1:2b": [15, null],
      "P1:2a": [17, null],
      "P1:4": [27, null],
      "P1:8a": [53, null],
      "P1:EP": [57, null],
      "P1:P4": [null, "p_scale"],
      "P1:A": [null, "code_a"],
      "P1:B": [null, "code_b"],
      "P1:D": [null, "code_d"],
      "P1:N": [null, "code_n"],
      "P1:T": [null, "code_t"],
      "P2:A*": [58, null],
      "P2:A": [52, null],
      "P2:B": [46, null],
      "P2:C": [40, null],
      "P2:D": [34, null],
      "P2:E": [28, null],
      "P2:F": [22, null],
      "P2:G": [16, null],
      "P2:U": [0, null],
      "P2:5b": [33, null],
    });
    expect(rows.find((x) => x.result === "C")!.scale).toBe("gcse");
    expect(rows.find((x) => x.result === "5b")!.scale).toBe("nc");
  });

  it("infers the NC year of a date from another year's census row to tell codes from GCSE grades", async () => {
    // P3 is on the 2009/10 census in Y10 only. A ta dated March 2009 falls in 2008/09, when
    // P3 was in Y9 (10 − 1): 'A' there is the code "absent". A ta in March 2010 (Y10): GCSE A.
    // P4 has a 2008/09 census row in Y9 and a 2009/10 row in Y10 (NC year from its own row).
    db = await build({
      pupils: [pupil("P3", 10), pupil("P4", 10)],
      otherYears: [["P4", "2008/09", 9]],
      attainment: [
        ["P3", "maths", "ta", "2009-03-01", "A"],
        ["P3", "maths", "ta", "2010-03-01", "A"],
        ["P4", "maths", "ta", "2009-03-01", "A"],
      ],
    });
    const rows = await db.all(`select upn, assessed_on::varchar as d, nc_year_at_date, points, unscored_reason from int_results order by upn, d`);
    expect(rows).toEqual([
      { upn: "P3", d: "2009-03-01", nc_year_at_date: 9, points: null, unscored_reason: "code_a" },
      { upn: "P3", d: "2010-03-01", nc_year_at_date: 10, points: 52, unscored_reason: null },
      { upn: "P4", d: "2009-03-01", nc_year_at_date: 9, points: null, unscored_reason: "code_a" },
    ]);
  });

  it("falls back from English to reading+writing only when there is no english row that date", async () => {
    db = await build({
      pupils: [pupil("E1", 6)],
      attainment: [
        // 2009-10-01: reading 4b (27), writing 3a (23), no english row → (27 + 23) / 2 = 25
        ["E1", "reading", "ta", "2009-10-01", "4b"],
        ["E1", "writing", "ta", "2009-10-01", "3a"],
        // 2009-11-01: english 4c (25) wins; reading 5a is ignored → 25
        ["E1", "english", "ta", "2009-11-01", "4c"],
        ["E1", "reading", "ta", "2009-11-01", "5a"],
        ["E1", "writing", "ta", "2009-11-01", "5a"],
        // 2009-12-01: english holds a code (A, absent, Y6) → no English score that date, no fallback
        ["E1", "english", "ta", "2009-12-01", "A"],
        ["E1", "reading", "ta", "2009-12-01", "4a"],
        ["E1", "writing", "ta", "2009-12-01", "4a"],
        // 2010-01-10: reading only → no score (both needed)
        ["E1", "reading", "ta", "2010-01-10", "4a"],
        // 2010-05-10: reading ks2 4 (27) beats reading ta 5c (31); writing ta 3b (21) → (27 + 21) / 2 = 24
        ["E1", "reading", "ks2", "2010-05-10", "4"],
        ["E1", "reading", "ta", "2010-05-10", "5c"],
        ["E1", "writing", "ta", "2010-05-10", "3b"],
      ],
    });
    const rows = await db.all(`select assessed_on::varchar as d, points from int_scores where subject = 'English' order by d`);
    expect(rows).toEqual([
      { d: "2009-10-01", points: 25 },
      { d: "2009-11-01", points: 25 },
      { d: "2010-05-10", points: 24 },
    ]);
  });

  it("lets a statutory result beat ta, and averages equals", async () => {
    db = await build({
      pupils: [pupil("S1", 6)],
      attainment: [
        // ks2 4 (27) and ta 5c (31) on one date → 27
        ["S1", "maths", "ks2", "2010-05-10", "4"],
        ["S1", "maths", "ta", "2010-05-10", "5c"],
        // two statutory results on one date, ks2 4 (27) and ks3 5 (33) → mean 30; ta ignored
        ["S1", "maths", "ks2", "2010-06-10", "4"],
        ["S1", "maths", "ks3", "2010-06-10", "5"],
        ["S1", "maths", "ta", "2010-06-10", "2c"],
        // a statutory code does not beat a scored ta: ks2 code T, ta 4a (29) → 29
        ["S1", "maths", "ks2", "2010-07-01", "T"],
        ["S1", "maths", "ta", "2010-07-01", "4a"],
      ],
    });
    const rows = await db.all(`select assessed_on::varchar as d, points from int_scores order by d`);
    expect(rows).toEqual([
      { d: "2010-05-10", points: 27 },
      { d: "2010-06-10", points: 30 },
      { d: "2010-07-01", points: 29 },
    ]);
  });
});

describe("baseline and outcome windows (measures.md §2)", () => {
  it("includes a score exactly 365 days before the start and on the start date, excludes the end date itself", async () => {
    // Every tutee: maths tuition 2009-11-01 → 2010-02-01. 2009-11-01 − 365 days = 2008-11-01
    // (no 29 February between); 2010-02-01 + 365 days = 2011-02-01.
    const course = (upn: string): Course => [upn, "maths", "2009-11-01", "2010-02-01"];
    db = await build({
      pupils: ["B1", "B2", "B3", "B4"].map((u) => pupil(u, 5)),
      tuition: ["B1", "B2", "B3", "B4"].map(course),
      attainment: [
        ["B1", "maths", "ta", "2008-11-01", "2c"], // exactly 365 days before: baseline 13
        ["B1", "maths", "ta", "2010-02-01", "3c"], // on the end date: not an outcome
        ["B1", "maths", "ta", "2011-02-01", "3a"], // exactly end + 365: outcome 23
        ["B2", "maths", "ta", "2008-10-31", "2c"], // 366 days before: no baseline
        ["B2", "maths", "ta", "2011-02-02", "3a"], // end + 366: no outcome
        ["B3", "maths", "ta", "2009-06-01", "2c"], // earlier in the window
        ["B3", "maths", "ta", "2009-11-01", "2a"], // on the start date: the latest, baseline 17
        ["B3", "maths", "ta", "2009-12-01", "4c"], // during tuition: neither
        ["B3", "maths", "ta", "2010-03-01", "3b"], // earliest after the end: outcome 21
        ["B3", "maths", "ta", "2010-07-01", "4b"], // later: not the outcome
        ["B4", "maths", "ta", "2009-10-01", "P6"], // not scored: no baseline
        ["B4", "maths", "ta", "2010-03-01", "3b"],
      ],
    });
    const rows = await db.all(`select upn, baseline, outcome, progress, in_model_sample from int_analysis_pupils order by upn`);
    expect(rows).toEqual([
      { upn: "B1", baseline: 13, outcome: 23, progress: 10, in_model_sample: true },
      { upn: "B2", baseline: null, outcome: null, progress: null, in_model_sample: false },
      { upn: "B3", baseline: 17, outcome: 21, progress: 4, in_model_sample: true },
      { upn: "B4", baseline: null, outcome: 21, progress: null, in_model_sample: false },
    ]);
  });

  it("gives comparison pupils the median start and end of their NC year (earlier middle for an even count)", async () => {
    // Four Y5 maths tutees. Starts sorted: 10-01, 10-05, 10-20, 11-01 → 2nd = 2009-10-05.
    // Ends sorted: 01-10, 01-20, 02-15, 03-01 → 2nd = 2010-01-20 (not the end of the 10-05 start).
    // A Y5 tutee with two courses has one place: start = earliest start, end = latest end.
    db = await build({
      pupils: [
        ...["T1", "T2", "T3", "T4"].map((u) => pupil(u, 5)),
        pupil("C1", 5), // comparison
        pupil("C2", 5), // English tuition only: still a maths comparison pupil
        pupil("C3", 5), // maths tuition refused by validation: not a comparison pupil
        pupil("C4", 7), // Y7: nobody in Y7 has maths tuition → not a comparison pupil
      ],
      tuition: [
        ["T1", "maths", "2009-10-01", "2010-03-01"],
        ["T2", "maths", "2009-11-01", "2010-01-10"],
        ["T3", "maths", "2009-10-20", "2009-12-01"],
        ["T3", "maths", "2010-01-05", "2010-01-20"],
        ["T4", "maths", "2009-10-05", "2010-02-15"],
        ["C2", "english", "2009-10-05", "2010-02-15"],
      ],
      refused: [["C3", "maths"]],
      attainment: [
        // C1: baseline the latest ≤ 2009-10-05 (3c 19 on 2009-10-05 itself), outcome the
        // earliest after 2010-01-20 (3a 23 on 2010-01-21) → progress 4
        ["C1", "maths", "ta", "2009-07-01", "2c"],
        ["C1", "maths", "ta", "2009-10-05", "3c"],
        ["C1", "maths", "ta", "2010-01-20", "4c"],
        ["C1", "maths", "ta", "2010-01-21", "3a"],
      ],
    });
    const anchors = await db.all(`select subject, nc_year, n_places, anchor_start::varchar as s, anchor_end::varchar as e from int_anchors order by subject`);
    expect(anchors).toEqual([
      { subject: "English", nc_year: 5, n_places: 1, s: "2009-10-05", e: "2010-02-15" },
      { subject: "Mathematics", nc_year: 5, n_places: 4, s: "2009-10-05", e: "2010-01-20" },
    ]);
    const places = await db.all(`select upn, n_courses, start_date::varchar as s, end_date::varchar as e from int_places where upn = 'T3'`);
    expect(places).toEqual([{ upn: "T3", n_courses: 2, s: "2009-10-20", e: "2010-01-20" }]);
    const comparison = await db.all(
      `select upn, anchor_start::varchar as s, anchor_end::varchar as e, baseline, outcome, progress
       from int_analysis_pupils where subject = 'Mathematics' and not tutored order by upn`,
    );
    expect(comparison).toEqual([
      { upn: "C1", s: "2009-10-05", e: "2010-01-20", baseline: 19, outcome: 23, progress: 4 },
      { upn: "C2", s: "2009-10-05", e: "2010-01-20", baseline: null, outcome: null, progress: null },
    ]);
    // English: T1..T4 and C1, C3, C4? C3's refused row was maths, so C3 is an English comparison
    // pupil; C4 is Y7 (no English tuition in Y7): no. C2 is the English tutee.
    const english = await db.all(`select upn, tutored from int_analysis_pupils where subject = 'English' order by upn`);
    expect(english).toEqual([
      { upn: "C1", tutored: false },
      { upn: "C2", tutored: true },
      { upn: "C3", tutored: false },
      { upn: "T1", tutored: false },
      { upn: "T2", tutored: false },
      { upn: "T3", tutored: false },
      { upn: "T4", tutored: false },
    ]);
  });
});

describe("ARE and expected progress (measures.md §1)", () => {
  it("classifies baseline against the previous NC year, outcome against the current, GCSE against C", async () => {
    // All tutored in maths 2009-11-01 → 2010-02-01; baseline dated 2009-10-01, outcome 2010-03-01.
    // Y5: baseline ARE = end of Y4 = 15 + 3·2 = 21; outcome ARE = end of Y5 = 24.
    // Y3: baseline ARE = end of Y2 = 15. Y10 (National Challenge school): baseline NC scale
    // against end of Y9 = 36; outcome on the GCSE scale against C (40), on the NC scale: none.
    // Y2 (ECaW school, out of scope but analysed): baseline ARE end of Y1: none → unclassifiable.
    const rows: [string, number, string, string, string?][] = [
      ["A1", 5, "3b", "4c"], // 21 → not below; 25 ≥ 24 → at
      ["A2", 5, "3a", "3a"], // 23 ≥ 21 → not below; 23 < 24 → not at
      ["A3", 5, "3c", "4c"], // 19 < 21 → below; 25 → at (converted)
      ["A4", 3, "1a", "2b"], // 11 < 15 → below; Y3 outcome ARE 18: 15 → not at
      ["A5", 10, "5b", "C"], // 33 < 36 → below; GCSE C 40 ≥ 40 → at
      ["A6", 10, "6c", "6a"], // 37 ≥ 36 → not below; NC scale in Y10 → unclassifiable
      ["A7", 10, "D", "B"], // Y10 ta D = GCSE 34 < 40 → below; B 46 → at
      ["A8", 2, "1c", "2c", "100003"], // Y2: baseline unclassifiable; outcome ARE end of Y2 = 15: 13 → not at
    ];
    db = await build({
      pupils: rows.map(([u, nc, , , urn]) => pupil(u, nc, { urn })),
      tuition: rows.map(([u]) => [u, "maths", "2009-11-01", "2010-02-01"] as Course),
      attainment: rows.flatMap(([u, , b, o]) => [[u, "maths", "ta", "2009-10-01", b] as Result, [u, "maths", "ta", "2010-03-01", o] as Result]),
    });
    const got = await db.all(`select upn, below_are_baseline as b, at_are_outcome as o from int_analysis_pupils order by upn`);
    expect(got).toEqual([
      { upn: "A1", b: false, o: true },
      { upn: "A2", b: false, o: false },
      { upn: "A3", b: true, o: true },
      { upn: "A4", b: true, o: false },
      { upn: "A5", b: true, o: true },
      { upn: "A6", b: false, o: null },
      { upn: "A7", b: true, o: true },
      { upn: "A8", b: null, o: false },
    ]);
  });

  it("counts expected progress in whole levels: ≥ 2 from KS1 to KS2, ≥ 3 from KS2 to KS4 (GCSE level-equivalents)", async () => {
    const rows: [string, number, [string, string, string][]][] = [
      [
        "X1",
        6,
        [
          ["ks1", "2006-05-15", "2c"],
          ["ks2", "2010-05-10", "4"],
        ],
      ], // 4 − 2 = 2 → yes (2c is whole level 2)
      [
        "X2",
        6,
        [
          ["ks1", "2006-05-15", "2a"],
          ["ks2", "2010-05-10", "3"],
        ],
      ], // 3 − 2 = 1 → no
      [
        "X3",
        6,
        [
          ["ks1", "2006-05-15", "W"],
          ["ks2", "2010-05-10", "2"],
        ],
      ], // 2 − 0 = 2 → yes
      ["X4", 6, [["ks2", "2010-05-10", "4"]]], // no KS1 result → NULL
      [
        "X5",
        11,
        [
          ["ks2", "2005-05-10", "4"],
          ["ks4", "2010-06-01", "C"],
        ],
      ], // C = 7; 7 − 4 = 3 → yes
      [
        "X6",
        11,
        [
          ["ks2", "2005-05-10", "5"],
          ["ks4", "2010-06-01", "C"],
        ],
      ], // 7 − 5 = 2 → no
      [
        "X7",
        11,
        [
          ["ks2", "2005-05-10", "W"],
          ["ks4", "2010-06-01", "G"],
        ],
      ], // G = 3; 3 − 0 = 3 → yes
      [
        "X8",
        11,
        [
          ["ks2", "2005-05-10", "W"],
          ["ks4", "2010-06-01", "U"],
        ],
      ], // U is below G → no
      [
        "X9",
        5,
        [
          ["ks1", "2007-05-15", "2b"],
          ["ks2", "2010-05-10", "5"],
        ],
      ], // Y5 (KS2 pupil with a KS2 result anyway): 5 − 2 = 3 → yes
    ];
    db = await build({
      pupils: rows.map(([u, nc]) => pupil(u, nc)),
      tuition: rows.map(([u]) => [u, "maths", "2009-11-01", "2010-02-01"] as Course),
      attainment: rows.flatMap(([u, , rs]) => rs.map(([a, on, res]) => [u, "maths", a, on, res] as Result)),
    });
    const got = await db.all(`select upn, expected_progress as ep from int_analysis_pupils order by upn`);
    expect(got.map((r) => r.ep)).toEqual([true, false, true, null, true, false, true, false, true]);
  });
});

describe("pupils, eligibility and group labels (measures.md §5, §7; outputs.md §1)", () => {
  it("labels every group in EES vocabulary and derives the covariates", async () => {
    db = await build({
      pupils: [
        pupil("G1", 4, { gender: "F", fsm: true, lang: "ENB", sen: "A", eth: "WIRT" }),
        pupil("G2", 8, { cla: true, lang: "POL", sen: "P", eth: "CHNE" }),
        pupil("G3", 10, { lang: null, sen: "S", eth: "MWBC" }), // NC school: eligible
        pupil("G4", 10, { lang: "NOT", sen: null, eth: "BAFR", urn: "100004" }), // not NC: not eligible
        pupil("G5", 2, { lang: "REF", eth: "OOTH" }), // Y2: not eligible, no key stage
        pupil("G6", 12, { eth: "REFU" }),
        pupil("G7", 6, { eth: null }),
        pupil("G8", 6, { eth: "NOBT" }),
        pupil("G9", 6, { eth: "ABAN" }),
      ],
    });
    const rows = await db.all(
      `select upn, key_stage, eligible, eal, sen_any, fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major
       from int_pupils order by upn`,
    );
    const E = "Known or believed to be English",
      O = "Known or believed to be other than English";
    const F = "FSM eligible",
      NF = "Not known to be FSM eligible",
      L = "Looked after",
      NL = "Not looked after";
    expect(rows).toEqual([
      {
        upn: "G1",
        key_stage: "Key stage 2",
        eligible: true,
        eal: false,
        sen_any: true,
        fsm_status: F,
        cla_status: NL,
        first_language: E,
        sex: "Female",
        sen_provision: "School Action",
        ethnicity_major: "White",
      },
      {
        upn: "G2",
        key_stage: "Key stage 3",
        eligible: true,
        eal: true,
        sen_any: true,
        fsm_status: NF,
        cla_status: L,
        first_language: O,
        sex: "Male",
        sen_provision: "School Action Plus",
        ethnicity_major: "Asian / Asian British",
      },
      {
        upn: "G3",
        key_stage: "Key stage 4",
        eligible: true,
        eal: null,
        sen_any: true,
        fsm_status: NF,
        cla_status: NL,
        first_language: "Unknown",
        sex: "Male",
        sen_provision: "Statement",
        ethnicity_major: "Mixed / Multiple ethnic groups",
      },
      {
        upn: "G4",
        key_stage: "Key stage 4",
        eligible: false,
        eal: null,
        sen_any: null,
        fsm_status: NF,
        cla_status: NL,
        first_language: "Unknown",
        sex: "Male",
        sen_provision: null,
        ethnicity_major: "Black / African / Caribbean / Black British",
      },
      {
        upn: "G5",
        key_stage: null,
        eligible: false,
        eal: null,
        sen_any: false,
        fsm_status: NF,
        cla_status: NL,
        first_language: "Unknown",
        sex: "Male",
        sen_provision: "No SEN provision",
        ethnicity_major: "Other ethnic group",
      },
      {
        upn: "G6",
        key_stage: null,
        eligible: false,
        eal: false,
        sen_any: false,
        fsm_status: NF,
        cla_status: NL,
        first_language: E,
        sex: "Male",
        sen_provision: "No SEN provision",
        ethnicity_major: "Unknown",
      },
      {
        upn: "G7",
        key_stage: "Key stage 2",
        eligible: true,
        eal: false,
        sen_any: false,
        fsm_status: NF,
        cla_status: NL,
        first_language: E,
        sex: "Male",
        sen_provision: "No SEN provision",
        ethnicity_major: "Unknown",
      },
      {
        upn: "G8",
        key_stage: "Key stage 2",
        eligible: true,
        eal: false,
        sen_any: false,
        fsm_status: NF,
        cla_status: NL,
        first_language: E,
        sex: "Male",
        sen_provision: "No SEN provision",
        ethnicity_major: "Unknown",
      },
      {
        upn: "G9",
        key_stage: "Key stage 2",
        eligible: true,
        eal: false,
        sen_any: false,
        fsm_status: NF,
        cla_status: NL,
        first_language: E,
        sex: "Male",
        sen_provision: "No SEN provision",
        ethnicity_major: "Asian / Asian British",
      },
    ]);
  });

  it("puts each analysed pupil in their group of every breakdown once (int_pupil_groups), none where the group is unknown", async () => {
    // Both Y5, maths tuition 2009-11-01 → 2010-02-01. U1: SEN A, a maths 2c (13 points) in the
    // baseline window; the ARE of the year before (Y4) is 15 + 3·(4 − 2) = 21, and 13 < 21 − 6, so
    // well below expected. U2: SEN blank (no SEN group) and no baseline (no band).
    db = await build({
      pupils: [pupil("U1", 5, { sen: "A", fsm: true }), pupil("U2", 5, { sen: null, gender: "F" })],
      tuition: [
        ["U1", "maths", "2009-11-01", "2010-02-01"],
        ["U2", "maths", "2009-11-01", "2010-02-01"],
      ],
      attainment: [["U1", "maths", "ta", "2009-06-01", "2c"]],
    });
    const rows = await db.all(`select upn, subject, breakdown, group_label from int_pupil_groups order by upn, breakdown`);
    const common = (upn: string) => [
      { upn, subject: "Mathematics", breakdown: "cla_status", group_label: "Not looked after" },
      { upn, subject: "Mathematics", breakdown: "ethnicity_major", group_label: "White" },
      { upn, subject: "Mathematics", breakdown: "first_language", group_label: "Known or believed to be English" },
    ];
    expect(rows).toEqual([
      ...common("U1"),
      { upn: "U1", subject: "Mathematics", breakdown: "fsm_status", group_label: "FSM eligible" },
      { upn: "U1", subject: "Mathematics", breakdown: "key_stage", group_label: "Key stage 2" },
      { upn: "U1", subject: "Mathematics", breakdown: "prior_attainment", group_label: "Well below expected" },
      { upn: "U1", subject: "Mathematics", breakdown: "sen_provision", group_label: "School Action" },
      { upn: "U1", subject: "Mathematics", breakdown: "sex", group_label: "Male" },
      { upn: "U1", subject: "Mathematics", breakdown: "total", group_label: "Total" },
      ...common("U2"),
      { upn: "U2", subject: "Mathematics", breakdown: "fsm_status", group_label: "Not known to be FSM eligible" },
      { upn: "U2", subject: "Mathematics", breakdown: "key_stage", group_label: "Key stage 2" },
      { upn: "U2", subject: "Mathematics", breakdown: "sex", group_label: "Female" },
      { upn: "U2", subject: "Mathematics", breakdown: "total", group_label: "Total" },
    ]);
    // A breakdown added to the label grid without its column stops the model, naming it and the
    // rule to extend (group_label_of, the one statement of which column holds a breakdown's group).
    await db.run(`insert into int_group_labels values ('route', 'Online', 1)`);
    await expect(db.runFile("pipelines/transform/sql/int_pupil_groups.sql")).rejects.toThrow(/group_label\.sql: breakdown 'route'/);
  });

  it("counts hours from attended sessions, full places at 10 hours, and costs a place", async () => {
    db = await build({
      pupils: [pupil("H1", 5), pupil("H2", 5)],
      tuition: [
        ["H1", "maths", "2009-11-01", "2010-02-01"],
        ["H2", "maths", "2009-11-01", "2010-02-01"],
      ],
    });
    // No session rows at all (sessions file absent): hours, full place and cost are not available.
    expect(await db.all(`select hours, full_place, cost_gbp from int_places where upn = 'H1'`)).toEqual([{ hours: null, full_place: null, cost_gbp: null }]);
    // C1 (H1): 10 attended sessions of 60 min + 1 missed (0 min, not attended) = 10 hours → full place.
    // C2 (H2): 9 attended of 60 + 1 attended of 59 = 9h59m → not full.
    for (let i = 0; i < 10; i++) await db.run(`insert into stg_sessions values ('C1', '2009-11-10', 60, true, true, 's', 2)`);
    await db.run(`insert into stg_sessions values ('C1', '2009-11-11', 0, true, false, 's', 2)`);
    for (let i = 0; i < 9; i++) await db.run(`insert into stg_sessions values ('C2', '2009-11-10', 60, true, true, 's', 2)`);
    await db.run(`insert into stg_sessions values ('C2', '2009-11-11', 59, false, true, 's', 2)`);
    await transform(db, SETTINGS);
    const rows = await db.all(`select upn, sessions, sessions_attended, hours, full_place, cost_gbp from int_places order by upn`);
    // cost = (hours + 2) × 27 + 100 (defaults): H1 (12 × 27) + 100 = 424; H2 (11 + 59/60) × 27 + 100
    expect(rows).toEqual([
      { upn: "H1", sessions: 11, sessions_attended: 10, hours: 10, full_place: true, cost_gbp: 424 },
      { upn: "H2", sessions: 10, sessions_attended: 10, hours: 9 + 59 / 60, full_place: false, cost_gbp: expect.closeTo((11 + 59 / 60) * 27 + 100, 9) },
    ]);
  });
});

describe("out-of-scope tuition is loaded and counted, not refused (inputs.md; mart_data_quality)", () => {
  it("counts KS4 outside National Challenge, years outside the programme and place types that do not fit", async () => {
    const c = (upn: string, allocation: string): Course => [upn, "maths", "2009-11-01", "2010-02-01", allocation];
    db = await build({
      pupils: [
        pupil("K1", 10, { urn: "100004" }), // KS4 at a school outside National Challenge → ks4
        pupil("K2", 1), // Y1 at a school without ECaW → year
        pupil("K3", 1, { urn: "100003" }), // Y1 at an ECaW school: year in scope; ecaw place outside Y3–4 → place type
        pupil("K4", 5), // fsm place for a pupil not FSM → place type
        pupil("K5", 12), // Y12 → year
        pupil("K6", 4, { urn: "100003" }), // ecaw place, Y4 at an ECaW school: fits
        pupil("K7", 5, { cla: true }), // cla place for a looked-after pupil: fits
        pupil("K8", 11), // KS4 at a National Challenge school: fits
      ],
      tuition: [c("K1", "core"), c("K2", "core"), c("K3", "ecaw"), c("K4", "fsm"), c("K5", "core"), c("K6", "ecaw"), c("K7", "cla"), c("K8", "core")],
    });
    await buildDescriptiveMarts(db, SETTINGS);
    const row = await db.one(`select dq_places, dq_out_of_scope_ks4, dq_out_of_scope_year, dq_out_of_scope_place_type
      from mart_data_quality where subject = 'Mathematics'`);
    expect(row).toEqual({ dq_places: 8, dq_out_of_scope_ks4: 1, dq_out_of_scope_year: 2, dq_out_of_scope_place_type: 2 });
    // ... and all eight are still places, and tutees in the analysis
    expect(await db.one(`select count(*) as n from int_analysis_pupils where tutored`)).toEqual({ n: 8 });
  });
});
