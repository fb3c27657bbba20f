// mart_viewpoints (measures.md §10) on a hand-built case: means and % agree at pre and
// post, and the paired change with respondents of one type averaged first, with a
// paired-t 95% CI checked against printed t-table quantiles.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Db, type Row } from "../pipelines/core/db.ts";
import { parseSettings, type ResolvedSettings } from "../pipelines/core/settings.ts";
import { buildProgrammeMarts } from "../pipelines/measures/programme.ts";
import { runTransformModels } from "../pipelines/transform/index.ts";

const LA = { old_code: "919", name: "Hertfordshire", gss_code: "E10000015", region_code: "E12000006", region_name: "East of England" };
const settings: ResolvedSettings = parseSettings({ la: LA });

// t(0.975, df) from printed tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2, to 3 dp there;
// more digits from the closed forms: df 1 tan(0.475π), df 2 0.95/√(2·0.975·0.025)).
const T_975 = { 1: 12.706204736, 2: 4.30265273, 3: 3.182446305 } as const;

const SECRET = "PRIVATE-COMMENT-TEXT";

async function contractTables(db: Db): Promise<void> {
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_viewpoints (response_id VARCHAR, tuition_id VARCHAR, respondent VARCHAR, stage VARCHAR,
    item VARCHAR, response INTEGER, comment VARCHAR, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table int_pupils (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, urn VARCHAR, upn VARCHAR,
    nc_year INTEGER, key_stage VARCHAR, fsm BOOLEAN, cla BOOLEAN, eal BOOLEAN, female BOOLEAN, sen VARCHAR, sen_any BOOLEAN,
    ethnicity_major VARCHAR, eligible BOOLEAN, fsm_status VARCHAR, cla_status VARCHAR, first_language VARCHAR, sex VARCHAR,
    sen_provision VARCHAR)`);
  await db.run(`create table int_places (academic_year VARCHAR, time_period VARCHAR, la_code VARCHAR, arranging_urn VARCHAR,
    upn VARCHAR, subject VARCHAR, n_courses INTEGER, start_date DATE, end_date DATE, sessions INTEGER, sessions_attended INTEGER,
    hours DOUBLE, full_place BOOLEAN, cost_gbp DOUBLE)`);
}

async function courseWithPlace(db: Db, id: string, upn: string, urn: string, subject: "english" | "maths"): Promise<void> {
  await db.run(
    `insert into stg_tuition values (?, ?, ?, '2009/10', ?, 'T', date '2009-10-01', date '2010-03-01', 'core',
    'falling_behind', true, true, 1, 1, 'tuition.csv', 2)`,
    [id, upn, urn, subject],
  );
  await db.run(
    `insert into int_places values ('2009/10', '200910', '919', ?, ?, ?, 1, date '2009-10-01', date '2010-03-01',
    10, 10, 10, true, 400)`,
    [urn, upn, subject === "english" ? "English" : "Mathematics"],
  );
}

let answerNo = 0;
async function answer(db: Db, course: string, respondent: string, stage: "pre" | "post", item: string, response: number): Promise<void> {
  answerNo += 1;
  await db.run(`insert into stg_viewpoints values (?, ?, ?, ?, ?, ?, ?, 'viewpoints.csv', ?)`, [
    `R${answerNo}`,
    course,
    respondent,
    stage,
    item,
    response,
    `${SECRET} ${answerNo}`,
    answerNo + 1,
  ]);
}

/*
 * Courses: V1 (pupil A, English, S1 100001), V2 (B, English, S1), V3 (C, Maths, S1),
 * V4 (D, English, S2 100002).
 * Item `confidence`:
 *   pupil   V1 pre 2 post 4 | V2 pre 1 post 2 | V3 pre 2 post 3 | V4 pre 3 post 3
 *   parent  V1 pre 2 and 3 (two parents), post 4 | V2 pre 1, post 2 and 4 | V4 pre 2 only
 *   teacher V1 post 3 only
 * Item `enjoyment`: pupil V1 pre 4 only.
 */
async function buildCase(db: Db): Promise<void> {
  await contractTables(db);
  await courseWithPlace(db, "V1", "A", "100001", "english");
  await courseWithPlace(db, "V2", "B", "100001", "english");
  await courseWithPlace(db, "V3", "C", "100001", "maths");
  await courseWithPlace(db, "V4", "D", "100002", "english");
  const c = "confidence";
  await answer(db, "V1", "pupil", "pre", c, 2);
  await answer(db, "V1", "pupil", "post", c, 4);
  await answer(db, "V2", "pupil", "pre", c, 1);
  await answer(db, "V2", "pupil", "post", c, 2);
  await answer(db, "V3", "pupil", "pre", c, 2);
  await answer(db, "V3", "pupil", "post", c, 3);
  await answer(db, "V4", "pupil", "pre", c, 3);
  await answer(db, "V4", "pupil", "post", c, 3);
  await answer(db, "V1", "parent", "pre", c, 2);
  await answer(db, "V1", "parent", "pre", c, 3);
  await answer(db, "V1", "parent", "post", c, 4);
  await answer(db, "V2", "parent", "pre", c, 1);
  await answer(db, "V2", "parent", "post", c, 2);
  await answer(db, "V2", "parent", "post", c, 4);
  await answer(db, "V4", "parent", "pre", c, 2);
  await answer(db, "V1", "teacher", "post", c, 3);
  await answer(db, "V1", "pupil", "pre", "enjoyment", 4);
}

async function get(db: Db, k: { urn?: string | null; subject: string; respondent: string; item?: string }): Promise<Row> {
  const rows = await db.all(
    `select * from mart_viewpoints where la_code = '919' and urn is not distinct from ? and subject = ? and breakdown = ? and group_label = ?`,
    [k.urn ?? null, k.subject, k.respondent, k.item ?? "confidence"],
  );
  expect(rows, JSON.stringify(k)).toHaveLength(1);
  return rows[0]!;
}

let db: Db;
beforeEach(async () => {
  db = await Db.open(":memory:");
  await buildCase(db);
});
afterEach(() => db.close());

describe("mart_viewpoints: pre and post", () => {
  it("gives n, mean and % agree (3 or 4) at each stage", async () => {
    await buildFromPlaces(db, settings);
    const r = await get(db, { subject: "English", respondent: "pupil" });
    // pre 2, 1, 3: mean 2, one agrees; post 4, 2, 3: mean 3, two agree
    expect([r.n_pre, r.agree_pre, r.n_post, r.agree_post]).toEqual([3, 1, 3, 2]);
    expect(r.mean_pre).toBeCloseTo(2, 12);
    expect(r.pct_agree_pre).toBeCloseTo(100 / 3, 12);
    expect(r.mean_post).toBeCloseTo(3, 12);
    expect(r.pct_agree_post).toBeCloseTo(200 / 3, 12);
    expect([r.respondent, r.item]).toEqual(["pupil", "confidence"]);
  });

  it("counts every answer at a stage, several respondents of one type included", async () => {
    await buildFromPlaces(db, settings);
    const r = await get(db, { subject: "English", respondent: "parent" });
    // pre 2, 3, 1, 2: n 4, mean 2, one agrees; post 4, 2, 4: n 3, mean 10/3, two agree
    expect([r.n_pre, r.agree_pre, r.n_post, r.agree_post]).toEqual([4, 1, 3, 2]);
    expect(r.mean_pre).toBeCloseTo(2, 12);
    expect(r.mean_post).toBeCloseTo(10 / 3, 12);
  });

  it("keeps items apart and marks a stage with no answers as not available", async () => {
    await buildFromPlaces(db, settings);
    const enjoy = await get(db, { subject: "English", respondent: "pupil", item: "enjoyment" });
    expect([enjoy.n_pre, enjoy.n_post, enjoy.n_paired]).toEqual([1, 0, 0]);
    const teacher = await get(db, { subject: "English", respondent: "teacher" });
    expect(teacher.n_pre).toBe(0);
    expect(teacher.mean_pre).toBeNull();
    expect(String(teacher.mean_pre_na_reason)).toMatch(/no answers before tuition/);
    expect(teacher.mean_change).toBeNull();
    expect(String(teacher.mean_change_na_reason)).toMatch(/both before and after/);
  });
});

describe("mart_viewpoints: paired change", () => {
  it("pairs courses with both stages and gives the paired-t 95% CI", async () => {
    await buildFromPlaces(db, settings);
    const r = await get(db, { subject: "English", respondent: "pupil" });
    // changes V1 +2, V2 +1, V4 0: mean 1, SD √((1 + 0 + 1)/2) = 1, CI 1 ± t(.975, 2)·1/√3
    expect(r.n_paired).toBe(3);
    expect(r.mean_change).toBeCloseTo(1, 12);
    expect(r.sd_change).toBeCloseTo(1, 12);
    const half = (T_975[2] * 1) / Math.sqrt(3); // 2.48414
    expect(r.mean_change_ci_low).toBeCloseTo(1 - half, 7);
    expect(r.mean_change_ci_high).toBeCloseTo(1 + half, 7);
    expect(r.mean_change_ci_low).toBeCloseTo(-1.48414, 4);
  });

  it("averages several respondents of one type on one course and stage before pairing", async () => {
    await buildFromPlaces(db, settings);
    const r = await get(db, { subject: "English", respondent: "parent" });
    // V1: pre mean (2 + 3)/2 = 2.5, post 4 → +1.5; V2: pre 1, post (2 + 4)/2 = 3 → +2; V4 has no post.
    // mean 1.75, SD |2 − 1.5|/√2 = 0.353553, CI 1.75 ± 12.7062·0.353553/√2 = 1.75 ± 3.176551
    expect(r.n_paired).toBe(2);
    expect(r.mean_change).toBeCloseTo(1.75, 12);
    expect(r.sd_change).toBeCloseTo(0.5 / Math.SQRT2, 12);
    expect(r.mean_change_ci_low).toBeCloseTo(1.75 - (T_975[1] * (0.5 / Math.SQRT2)) / Math.SQRT2, 7);
    expect(r.mean_change_ci_high).toBeCloseTo(4.926551, 5);
  });

  it("pools both subjects in Total", async () => {
    await buildFromPlaces(db, settings);
    const r = await get(db, { subject: "Total", respondent: "pupil" });
    // adds V3 (+1): changes 2, 1, 0, 1: mean 1, SD √(2/3), CI 1 ± t(.975, 3)·√(2/3)/2
    expect([r.n_pre, r.n_post, r.n_paired]).toEqual([4, 4, 4]);
    expect(r.pct_agree_pre).toBeCloseTo(25, 12);
    expect(r.pct_agree_post).toBeCloseTo(75, 12);
    expect(r.sd_change).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(r.mean_change_ci_high).toBeCloseTo(1 + (T_975[3] * Math.sqrt(2 / 3)) / 2, 7);
  });

  it("gives no CI from a single pair, per school, and saying why", async () => {
    await buildFromPlaces(db, settings);
    const s2 = await get(db, { urn: "100002", subject: "English", respondent: "pupil" });
    expect([s2.n_paired, s2.mean_change]).toEqual([1, 0]);
    expect(s2.mean_change_ci_low).toBeNull();
    expect(String(s2.mean_change_ci_low_na_reason)).toMatch(/at least two/);
    const s1 = await get(db, { urn: "100001", subject: "English", respondent: "pupil" });
    expect(s1.n_paired).toBe(2); // V1 +2, V2 +1
    expect(s1.mean_change).toBeCloseTo(1.5, 12);
  });
});

describe("comments", () => {
  it("never leave stg_viewpoints", async () => {
    await buildFromPlaces(db, settings);
    const control = await db.one<{ n: number }>(`select count(*) as n from stg_viewpoints t where t::varchar like '%${SECRET}%'`);
    expect(control?.n).toBe(17);
    const tables = await db.all<{ table_name: string }>(`select table_name from information_schema.tables where table_name like 'mart_%'`);
    for (const { table_name } of tables) {
      const hits = await db.one<{ n: number }>(`select count(*) as n from "${table_name}" t where t::varchar like '%${SECRET}%'`);
      expect(hits?.n, table_name).toBe(0);
    }
    const cols = await db.all(`select table_name, column_name from information_schema.columns
      where table_name like 'mart_%' and column_name ilike '%comment%'`);
    expect(cols).toHaveLength(0);
  });
});

/** int_programme_places (a transform model) over the hand-built int_places, then the programme marts. */
async function buildFromPlaces(db: Db, s: ResolvedSettings): Promise<void> {
  await runTransformModels(db, s, ["int_programme_places"]);
  await buildProgrammeMarts(db, s);
}
