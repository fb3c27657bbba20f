// mart_attainment (measures.md §6) and mart_data_quality on a dozen pupils whose figures are
// worked out by hand below from the spec. Staging tables are built directly
// (docs/architecture.md), then transform + buildDescriptiveMarts run as in the pipeline.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseSettings } from "../pipelines/core/settings.ts";
import { buildDescriptiveMarts } from "../pipelines/measures/descriptive.ts";
import { transform } from "../pipelines/transform/index.ts";
import { addStagedPupilKey } from "./helpers/staged-pupil-key.ts";

const LA = { old_code: "999", name: "Testshire", gss_code: "E10000999", region_code: "E12000009", region_name: "South West" };
const YEAR = "2009/10";

// Every maths course runs 2009-11-01 → 2010-02-01, so the comparison anchors (medians) are
// the same dates; baselines are dated 2009-10-01 and outcomes 2010-03-01.
// Y5: baseline ARE (end of Y4) 21, outcome ARE (end of Y5) 24. Y6: 24 and 27.
// pupil: [upn, nc_year, fsm, urn, maths baseline, maths outcome, tutored in maths]
const PUPILS: [string, number, boolean, string, string | null, string | null, boolean][] = [
  ["T1", 5, true, "100001", "3c", "4c", true], // 19 below → 25 at (converted), progress 6
  ["T2", 5, true, "100001", "3b", "3a", true], // 21 not below → 23 not at, progress 2
  ["T3", 5, false, "100001", "2a", "3a", true], // 17 below → 23 not at, progress 6
  ["T4", 5, false, "100001", "4c", "4a", true], // 25 not below → 29 at, progress 4
  ["T5", 5, false, "100003", "3c", "4b", true], // 19 below → 27 at (converted), progress 8
  ["T6", 5, false, "100001", "3c", null, true], // no outcome: not analysed (data quality: no outcome)
  ["T7", 6, false, "100001", "4c", "4b", true], // Y6: 25 ≥ 24 not below → 27 ≥ 27 at, progress 2; KS1 2b → KS2 4: expected
  ["C1", 5, true, "100001", "3c", "3b", false], // 19 below → 21 not at, progress 2
  ["C2", 5, false, "100001", "3a", "4c", false], // 23 not below → 25 at, progress 2
  ["C3", 5, false, "100001", "2b", "2a", false], // 15 below → 17 not at, progress 2
  ["C4", 5, false, "100001", null, null, false], // no results: not analysed
];

async function stage(db: Db): Promise<void> {
  await db.run(`create table stg_schools (urn VARCHAR, laestab VARCHAR, school_name VARCHAR, la_code VARCHAR, phase VARCHAR,
    academy BOOLEAN, national_challenge BOOLEAN, ecaw BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`insert into stg_schools values
    ('100001', '9990001', 'One', '999', 'primary', false, false, false, 's', 2),
    ('100003', '9990003', 'Three', '999', 'primary', false, false, true, 's', 3)`);
  await db.run(`create table stg_pupils (upn VARCHAR, upn_temporary BOOLEAN, academic_year VARCHAR, urn VARCHAR, nc_year INTEGER,
    gender VARCHAR, fsm BOOLEAN, cla BOOLEAN, first_language VARCHAR, sen VARCHAR, ethnicity VARCHAR, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_attainment (upn VARCHAR, subject VARCHAR, assessment VARCHAR, assessed_on DATE, result VARCHAR,
    _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  for (const [upn, nc, fsm, urn, base, out, tutored] of PUPILS) {
    await db.run(`insert into stg_pupils values (?, false, ?, ?, ?, 'M', ?, false, 'ENG', 'N', 'WBRI', 'p', 2)`, [upn, YEAR, urn, nc, fsm]);
    if (base) await db.run(`insert into stg_attainment values (?, 'maths', 'ta', '2009-10-01', ?, 'a', 2)`, [upn, base]);
    if (out) await db.run(`insert into stg_attainment values (?, 'maths', 'ta', '2010-03-01', ?, 'a', 2)`, [upn, out]);
    if (tutored) {
      await db.run(
        `insert into stg_tuition values (?, ?, ?, ?, 'maths', 'TU1', '2009-11-01', '2010-02-01', 'core',
        'below_expected_on_entry', true, true, 2, 1, 't', 2)`,
        [`M-${upn}`, upn, urn, YEAR],
      );
    }
  }
  // T7's key-stage results: KS1 2b (whole level 2), KS2 4 → 2 levels: expected progress.
  await db.run(`insert into stg_attainment values ('T7', 'maths', 'ks1', '2006-05-15', '2b', 'a', 2),
    ('T7', 'maths', 'ks2', '2010-05-10', '4', 'a', 2)`);
  // T1 is also tutored in English: 3c (19) → 4c (25). A P-scale and a code B for the data-quality counts.
  await db.run(
    `insert into stg_tuition values ('E-T1', 'T1', '100001', ?, 'english', 'TU2', '2009-11-01', '2010-02-01', 'fsm',
    'falling_behind', true, true, 2, 1, 't', 2)`,
    [YEAR],
  );
  await db.run(`insert into stg_attainment values ('T1', 'english', 'ta', '2009-10-01', '3c', 'a', 2),
    ('T1', 'english', 'ta', '2010-03-01', '4c', 'a', 2), ('C4', 'english', 'ta', '2010-03-01', 'P5', 'a', 2),
    ('C4', 'reading', 'ks2', '2010-05-10', 'B', 'a', 2)`);
}

let db: Db;
beforeAll(async () => {
  db = await Db.open(":memory:");
  await stage(db);
  await addStagedPupilKey(db);
  const settings = parseSettings({ la: LA, build_date: "2010-09-30" });
  await transform(db, settings);
  await buildDescriptiveMarts(db, settings);
});
afterAll(() => db.close());

const row = async (where: string, params: (string | null)[]) =>
  (await db.all(`select * from mart_attainment where ${where}`, params))[0] as Record<string, unknown>;

describe("mart_attainment (measures.md §6)", () => {
  it("gives the LA's tutees and comparison pupils side by side", async () => {
    const r = await row(`la_code = '999' and urn is null and subject = 'Mathematics' and breakdown = 'total'`, []);
    // Tutees with baseline and outcome: T1 T2 T3 T4 T5 T7 (T6 has no outcome).
    expect(r.pupils_att_t).toBe(6);
    expect(r.mean_baseline_t).toBeCloseTo((19 + 21 + 17 + 25 + 19 + 25) / 6, 12); // 21
    expect(r.mean_outcome_t).toBeCloseTo((25 + 23 + 23 + 29 + 27 + 27) / 6, 12);
    expect(r.mean_progress_t).toBeCloseTo((6 + 2 + 6 + 4 + 8 + 2) / 6, 12);
    // below ARE at baseline: T1 T3 T5 of 6 classifiable; at ARE at outcome: T1 T4 T5 T7 of 6
    expect([r.are_baseline_t, r.below_are_baseline_t, r.pct_below_are_baseline_t]).toEqual([6, 3, 50]);
    expect([r.are_outcome_t, r.at_are_outcome_t]).toEqual([6, 4]);
    expect(r.pct_at_are_outcome_t).toBeCloseTo(400 / 6, 12);
    // conversion: of T1 T3 T5 (below), T1 and T5 reach ARE → 2 of 3
    expect([r.conversion_base_t, r.converted_t]).toEqual([3, 2]);
    expect(r.conversion_pct_t).toBeCloseTo(200 / 3, 12);
    // expected progress: only T7 has both key-stage results, and made it
    expect([r.ks_pair_t, r.expected_progress_t, r.pct_expected_progress_t]).toEqual([1, 1, 100]);
    // Comparison: C1 C2 C3 (C4 has no scores): baselines 19 23 15, outcomes 21 25 17
    expect(r.pupils_att_c).toBe(3);
    expect([r.mean_baseline_c, r.mean_outcome_c, r.mean_progress_c]).toEqual([19, 21, 2]);
    expect([r.are_baseline_c, r.below_are_baseline_c, r.at_are_outcome_c]).toEqual([3, 2, 1]);
    expect(r.pct_below_are_baseline_c).toBeCloseTo(200 / 3, 12);
    expect([r.conversion_base_c, r.converted_c, r.conversion_pct_c]).toEqual([2, 0, 0]);
    // nobody in the comparison group has two key-stage results: not available, with a reason
    expect([r.ks_pair_c, r.pct_expected_progress_c]).toEqual([0, null]);
    expect(r.pct_expected_progress_c_na_reason).toMatch(/both key-stage results/);
    expect(r.na_reason).toBeNull();
  });

  it("breaks the figures down by group, with every label present", async () => {
    const fsm = await row(`la_code = '999' and urn is null and subject = 'Mathematics' and group_label = 'FSM eligible'`, []);
    // FSM tutees T1 (19→25) and T2 (21→23); FSM comparison C1 (19→21)
    expect([fsm.pupils_att_t, fsm.mean_baseline_t, fsm.mean_outcome_t, fsm.mean_progress_t]).toEqual([2, 20, 24, 4]);
    expect([fsm.pct_below_are_baseline_t, fsm.pct_at_are_outcome_t, fsm.conversion_pct_t]).toEqual([50, 50, 100]);
    expect([fsm.pupils_att_c, fsm.mean_progress_c]).toEqual([1, 2]);
    const ks3 = await row(`la_code = '999' and urn is null and subject = 'Mathematics' and group_label = 'Key stage 3'`, []);
    expect([ks3.pupils_att_t, ks3.pupils_att_c, ks3.mean_progress_t]).toEqual([0, 0, null]);
    expect(ks3.mean_progress_t_na_reason).toMatch(/no tutees/);
    const labels = await db.all(`select breakdown, count(*) as n from mart_attainment
      where la_code = '999' and urn is null and subject = 'English' group by breakdown order by breakdown`);
    expect(labels).toEqual([
      { breakdown: "cla_status", n: 2 },
      { breakdown: "ethnicity_major", n: 6 },
      { breakdown: "first_language", n: 3 },
      { breakdown: "fsm_status", n: 2 },
      { breakdown: "key_stage", n: 3 },
      { breakdown: "prior_attainment", n: 4 },
      { breakdown: "sen_provision", n: 4 },
      { breakdown: "sex", n: 2 },
      { breakdown: "total", n: 1 },
    ]);
  });

  it("gives school rows by census school, and a subject Total of distinct pupils with the rest z", async () => {
    const s1 = await row(`urn = '100001' and subject = 'Mathematics' and breakdown = 'total'`, []);
    const s3 = await row(`urn = '100003' and subject = 'Mathematics' and breakdown = 'total'`, []);
    // 100001: T1 T2 T3 T4 T7 (baselines 19 21 17 25 25 → 107/5); 100003: T5 only, no comparison pupils
    expect([s1.la_code, s1.pupils_att_t, s1.pupils_att_c]).toEqual(["999", 5, 3]);
    expect(s1.mean_baseline_t).toBeCloseTo(107 / 5, 12);
    expect([s3.pupils_att_t, s3.mean_progress_t, s3.pupils_att_c, s3.mean_progress_c]).toEqual([1, 8, 0, null]);
    // English: T1 only (19 → 25)
    const en = await row(`la_code = '999' and urn is null and subject = 'English' and breakdown = 'total'`, []);
    expect([en.pupils_att_t, en.mean_progress_t, en.pupils_att_c]).toEqual([1, 6, 0]);
    // Total: distinct tutees over both subjects = T1 T2 T3 T4 T5 T7 = 6; comparison C1 C2 C3 = 3
    const tot = await row(`la_code = '999' and urn is null and subject = 'Total' and breakdown = 'total'`, []);
    expect([tot.pupils_att_t, tot.pupils_att_c, tot.mean_progress_t, tot.mean_progress_t_na_reason, tot.na_reason]).toEqual([6, 3, null, "z", "z"]);
    // one LA: no National rows; grid = (LA + 2 schools) × (3 subjects × 23 labels + the 4 prior-attainment
    // bands, which are a subject's: English and Mathematics only, measures.md §5)
    const n = await db.one<{ n: number; national: number }>(
      `select count(*) as n, count(*) filter (where la_code = 'National') as national from mart_attainment`,
    );
    expect(n).toEqual({ n: 3 * (3 * 23 + 2 * 4), national: 0 });
  });
});

describe("mart_data_quality", () => {
  it("counts unscored results by reason, tutees without baseline or outcome, and out-of-scope places", async () => {
    const rows = await db.all(`select subject, dq_results_scored, dq_unscored_p_scale, dq_unscored_code_b, dq_places,
      dq_no_baseline, dq_no_outcome, dq_out_of_scope_year, dq_out_of_scope_place_type from mart_data_quality order by subject`);
    // Maths results: 10 pupils' baseline/outcome rows (T1..T5, T7, C1..C3: 9 × 2, + T6 baseline = 19) + T7 KS1 + KS2 = 21.
    // English: T1's two results scored; C4's P5 (P-scale) and reading ks2 B (code B; reading counts as English).
    // Places: 7 maths (T6 no outcome), 1 English (T1, fsm allocation, T1 is FSM: fits).
    expect(rows).toEqual([
      {
        subject: "English",
        dq_results_scored: 2,
        dq_unscored_p_scale: 1,
        dq_unscored_code_b: 1,
        dq_places: 1,
        dq_no_baseline: 0,
        dq_no_outcome: 0,
        dq_out_of_scope_year: 0,
        dq_out_of_scope_place_type: 0,
      },
      {
        subject: "Mathematics",
        dq_results_scored: 21,
        dq_unscored_p_scale: 0,
        dq_unscored_code_b: 0,
        dq_places: 7,
        dq_no_baseline: 0,
        dq_no_outcome: 1,
        dq_out_of_scope_year: 0,
        dq_out_of_scope_place_type: 0,
      },
      {
        subject: "Total",
        dq_results_scored: 23,
        dq_unscored_p_scale: 1,
        dq_unscored_code_b: 1,
        dq_places: 8,
        dq_no_baseline: 0,
        dq_no_outcome: 1,
        dq_out_of_scope_year: 0,
        dq_out_of_scope_place_type: 0,
      },
    ]);
  });
});
