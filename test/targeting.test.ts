// mart_targeting (measures.md §7) on a dozen pupils, figures worked by hand from the spec;
// then two LAs in one run: each LA gets exactly its single-LA figures, plus National rows.
import { afterEach, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { parseSettings, type ResolvedSettings } from "../pipelines/core/settings.ts";
import { buildDescriptiveMarts } from "../pipelines/measures/descriptive.ts";
import { transform } from "../pipelines/transform/index.ts";
import { addStagedPupilKey } from "./helpers/staged-pupil-key.ts";

const la = (code: string) => ({ old_code: code, name: `LA ${code}`, gss_code: `E10000${code}`, region_code: "E12000009", region_name: "South West" });
const YEAR = "2009/10";

// pupil: [upn, nc_year, fsm, urn, maths baseline (2009-10-01), maths course [allocation, entry reason] | null]
type P = [string, number, boolean, string, string | null, [string, string] | null];
// LA 999. Maths courses all 2009-11-01 → 2010-02-01, so the median start is 2009-11-01.
// Y5 baseline ARE (end of Y4) = 21; Y8 (end of Y7) = 30; Y10 (end of Y9) = 36.
const LA999: P[] = [
  ["T1", 5, true, "100001", "3c", ["fsm", "falling_behind"]], // 19 below
  ["T2", 5, true, "100001", "3b", ["core", "below_expected_on_entry"]], // 21 not below
  ["T3", 5, false, "100001", "2a", ["core", "below_expected_on_entry"]], // 17 below
  ["T4", 8, false, "100002", "5c", ["cla", "looked_after"]], // 31 not below
  ["T5", 2, false, "100001", "1a", ["core", "below_expected_on_entry"]], // Y2: not eligible, still a tutee; Y1 ARE: unclassifiable
  ["C1", 5, true, "100001", "3c", null], // untutored: 19 below
  ["C2", 5, false, "100001", "3a", null], // 23 not below
  ["C3", 8, false, "100002", "4a", null], // 29 < 30 below
  ["C4", 10, false, "100002", "5a", null], // Y10 at a National Challenge school: eligible; 35 < 36 below
  ["C5", 10, false, "100004", "4a", null], // Y10 not NC: not eligible
  ["C6", 7, false, "100002", null, null], // eligible, no baseline
  ["C7", 1, true, "100001", null, null], // Y1: not eligible
];
const LA998: P[] = [
  ["U1", 4, true, "200001", "2a", ["fsm", "below_expected_on_entry"]],
  ["U2", 4, false, "200001", "2b", null],
  ["U3", 4, false, "200001", "3c", null],
];

async function build(las: string[], pupils: P[]): Promise<Db> {
  const db = await Db.open(":memory:");
  await db.run(`create table stg_schools (urn VARCHAR, laestab VARCHAR, school_name VARCHAR, la_code VARCHAR, phase VARCHAR,
    academy BOOLEAN, national_challenge BOOLEAN, ecaw BOOLEAN, _file VARCHAR, _line INTEGER)`);
  await db.run(`insert into stg_schools values
    ('100001', '9990001', 'One', '999', 'primary', false, false, false, 's', 2),
    ('100002', '9990002', 'Two', '999', 'secondary', false, true, false, 's', 3),
    ('100004', '9990004', 'Four', '999', 'secondary', false, false, false, 's', 4),
    ('200001', '9980001', 'Other', '998', 'primary', false, false, false, 's', 5)`);
  await db.run(`create table stg_pupils (upn VARCHAR, upn_temporary BOOLEAN, academic_year VARCHAR, urn VARCHAR, nc_year INTEGER,
    gender VARCHAR, fsm BOOLEAN, cla BOOLEAN, first_language VARCHAR, sen VARCHAR, ethnicity VARCHAR, _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_attainment (upn VARCHAR, subject VARCHAR, assessment VARCHAR, assessed_on DATE, result VARCHAR,
    _file VARCHAR, _line INTEGER)`);
  await db.run(`create table stg_tuition (tuition_id VARCHAR, upn VARCHAR, urn VARCHAR, academic_year VARCHAR, subject VARCHAR,
    tutor_id VARCHAR, start_date DATE, end_date DATE, allocation VARCHAR, entry_reason VARCHAR, itp_agreed BOOLEAN,
    mid_check BOOLEAN, targets_set INTEGER, targets_met INTEGER, _file VARCHAR, _line INTEGER)`);
  for (const [upn, nc, fsm, urn, base, course] of pupils) {
    // C6 has a blank SEN: no SEN row of the breakdown, but counted in every total
    await db.run(`insert into stg_pupils values (?, false, ?, ?, ?, 'F', ?, ?, 'ENG', ?, 'WBRI', 'p', 2)`, [
      upn,
      YEAR,
      urn,
      nc,
      fsm,
      upn === "T4",
      upn === "C6" ? null : "N",
    ]);
    if (base) await db.run(`insert into stg_attainment values (?, 'maths', 'ta', '2009-10-01', ?, 'a', 2)`, [upn, base]);
    if (course) {
      await db.run(`insert into stg_tuition values (?, ?, ?, ?, 'maths', 'TU1', '2009-11-01', '2010-02-01', ?, ?, true, true, 2, 1, 't', 2)`, [
        `M-${upn}`,
        upn,
        urn,
        YEAR,
        course[0],
        course[1],
      ]);
    }
  }
  const settings: ResolvedSettings = parseSettings(las.length === 1 ? { la: la(las[0]) } : { las: las.map(la) });
  await addStagedPupilKey(db);
  await transform(db, settings);
  await buildDescriptiveMarts(db, settings);
  return db;
}

let db: Db | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

const get = async (d: Db, laCode: string, subject: string, group: string) =>
  (await d.all(`select * from mart_targeting where la_code = ? and subject = ? and group_label = ?`, [laCode, subject, group]))[0] as Record<string, unknown>;

describe("mart_targeting (measures.md §7)", () => {
  it("compares tutees with the eligible cohort and counts the untutored below ARE", async () => {
    db = await build(["999"], LA999);
    const total = await get(db, "999", "Mathematics", "Total");
    // Tutees T1..T5 (5, T5 in Y2 included: tutees are all pupils with tuition).
    // Eligible: T1 T2 T3 T4 C1 C2 C3 C4 C6 = 9 (T5, C7 out of Y3–9; C5 Y10 outside NC).
    expect([total.tgt_tutees, total.tgt_cohort, total.tutee_share_pct, total.cohort_share_pct, total.representation_ratio]).toEqual([5, 9, 100, 100, 1]);
    // Tutees' baselines: classifiable T1..T4 (T5's Y1 ARE does not exist); below: T1 T3 → 2 of 4 = 50%
    expect([total.tgt_tutees_are_baseline, total.tgt_tutees_below_are, total.tgt_pct_tutees_below_are]).toEqual([4, 2, 50]);
    // Entry reasons and place types, pupils: falling_behind T1; looked_after T4; below_expected T2 T3 T5
    expect([total.entry_below_expected, total.entry_falling_behind, total.entry_looked_after]).toEqual([3, 1, 1]);
    expect([total.alloc_core, total.alloc_fsm, total.alloc_cla, total.alloc_ecaw]).toEqual([3, 1, 1, 0]);
    // Untutored eligible pupils in maths: C1 C2 C3 C4 C6; baselines at the median start (2009-11-01):
    // C1 19 < 21 below, C2 23 not, C3 29 < 30 below, C4 35 < 36 below, C6 none → 4 classified, 3 below
    expect([total.untutored_are_baseline, total.untutored_below_are]).toEqual([4, 3]);

    const fsm = await get(db, "999", "Mathematics", "FSM eligible");
    // FSM tutees T1 T2 = 2 of 5 = 40%; FSM eligible pupils T1 T2 C1 = 3 of 9 (C7 is not eligible)
    expect([fsm.tgt_tutees, fsm.tgt_cohort, fsm.tutee_share_pct]).toEqual([2, 3, 40]);
    expect(fsm.cohort_share_pct).toBeCloseTo(300 / 9, 12);
    // ratio = (2/5) / (3/9) = 1.2
    expect(fsm.representation_ratio).toBeCloseTo(1.2, 12);
    expect([fsm.untutored_are_baseline, fsm.untutored_below_are]).toEqual([1, 1]);

    // T5 (Y2) has no key stage: left out of the key-stage rows, kept in the total.
    // KS2 tutees T1 T2 T3, KS3 T4: 3 + 1 = 4 of the 5.
    const ks2 = await get(db, "999", "Mathematics", "Key stage 2");
    const ks3 = await get(db, "999", "Mathematics", "Key stage 3");
    expect([ks2.tgt_tutees, ks3.tgt_tutees, ks2.tutee_share_pct, ks3.tutee_share_pct]).toEqual([3, 1, 60, 20]);
    // SEN: the 9 eligible less C6 (blank) = 8 with no SEN provision; the other SEN labels 0
    const sen = await db.all(`select group_label, tgt_cohort from mart_targeting
      where la_code = '999' and subject = 'Mathematics' and breakdown = 'sen_provision' order by group_label`);
    expect(sen).toEqual([
      { group_label: "No SEN provision", tgt_cohort: 8 },
      { group_label: "School Action", tgt_cohort: 0 },
      { group_label: "School Action Plus", tgt_cohort: 0 },
      { group_label: "Statement", tgt_cohort: 0 },
    ]);
    const ks4 = await get(db, "999", "Mathematics", "Key stage 4");
    // No KS4 tutees; KS4 eligible: C4 only (C5 not eligible) → share 0 of tutees, 1 of 9 of the cohort: ratio 0
    expect([ks4.tgt_tutees, ks4.tgt_cohort, ks4.tutee_share_pct, ks4.representation_ratio]).toEqual([0, 1, 0, 0]);

    // English: nobody has English tuition: shares not available; no English baselines → 0 untutored classified
    const en = await get(db, "999", "English", "Total");
    expect([en.tgt_tutees, en.tgt_cohort, en.tutee_share_pct, en.representation_ratio]).toEqual([0, 9, null, null]);
    expect(en.tutee_share_pct_na_reason).toMatch(/no pupils with tuition/);
    expect([en.untutored_are_baseline, en.untutored_below_are]).toEqual([0, 0]);

    // Subject Total: distinct pupils; the % below ARE is z there
    const tot = await get(db, "999", "Total", "Total");
    expect([tot.tgt_tutees, tot.tgt_cohort, tot.tgt_pct_tutees_below_are, tot.tgt_pct_tutees_below_are_na_reason]).toEqual([5, 9, null, "z"]);
    // ... and so are the untutored pupils below ARE (§7 measures that need a baseline, §5), on
    // every row of subject Total, although 4 maths baselines were classified above
    const untutoredTotal = await db.all(`select distinct untutored_are_baseline, untutored_are_baseline_na_reason,
      untutored_below_are, untutored_below_are_na_reason from mart_targeting where subject = 'Total'`);
    expect(untutoredTotal).toEqual([
      { untutored_are_baseline: null, untutored_are_baseline_na_reason: "z", untutored_below_are: null, untutored_below_are_na_reason: "z" },
    ]);
  });

  it("gives each LA of a national run exactly its single-LA figures, plus National rows", async () => {
    const alone = await build(["999"], LA999);
    const aloneRows = await alone.all(`select * from mart_targeting order by all`);
    const aloneAtt = await alone.all(`select * from mart_attainment order by all`);
    alone.close();
    db = await build(["999", "998"], [...LA999, ...LA998]);
    expect(await db.all(`select * from mart_targeting where la_code = '999' order by all`)).toEqual(aloneRows);
    expect(await db.all(`select * from mart_attainment where la_code = '999' order by all`)).toEqual(aloneAtt);
    const nat = await get(db, "National", "Mathematics", "Total");
    // 999: 5 tutees, 9 eligible; 998: U1 tutee, U1 U2 U3 eligible (Y4) → 6 and 12
    expect([nat.tgt_tutees, nat.tgt_cohort]).toEqual([6, 12]);
    // 998's untutored: U2 (2b 15 < Y3 ARE 18: below), U3 (3c 19 ≥ 18: not) at 998's own median start → 3 + 1 below
    expect([nat.untutored_are_baseline, nat.untutored_below_are]).toEqual([6, 4]);
    const natAtt = await db.one(`select count(*) as n from mart_attainment where la_code = 'National' and urn is not null`);
    expect(natAtt).toEqual({ n: 0 });
  });
});
