// mart_evidence (issue 19 item 5) on a small fixture, every expected figure worked out by hand
// from its definition: the MDES multiplier from R's qt(), the pooled SD and J of measures.md §3
// from the fixture's outcomes, the tutees lost counted from the rows put in, and the largest
// standardised difference from the fixture's own means and SDs (not from mart_balance).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, Row } from "../pipelines/core/db.ts";
import { buildImpactMarts } from "../pipelines/measures/impact.ts";
import { buildEvidenceMart, mdesMultiplier } from "../pipelines/measures/evidence.ts";
import { fixtureDb, fixtureSettings, rng, type FixturePupil } from "./oracle/fixture.ts";

// R 4.x: sprintf("%.10f", qt(0.975, df) + qt(0.8, df)) and qnorm(0.975) + qnorm(0.8)
const R_MULTIPLIER: [number, number][] = [
  [4, 2.7764451052 + 0.9409645772],
  [9, 2.2621571628 + 0.8834038597],
  [29, 2.0452296421 + 0.8541919859],
  [199, 1.9719565443 + 0.8434311999],
];

describe("mdesMultiplier: Bloom's M = t(0.975, df) + t(0.8, df)", () => {
  it.each(R_MULTIPLIER)("df %i matches R's qt", (df, m) => {
    expect(mdesMultiplier(df)).toBeCloseTo(m, 8);
  });
  it("tends to the normal 2.8016 (qnorm(0.975) + qnorm(0.8)) for many schools", () => {
    expect(mdesMultiplier(1e7)).toBeCloseTo(2.8015852, 5);
  });
});

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const ss = (v: number[]) => {
  const m = mean(v);
  return v.reduce((a, b) => a + (b - m) ** 2, 0);
};
/** (mean_t − mean_c) / pooled SD (each SD with n − 1), as measures.md §3 standardises. */
const stdDiff = (t: number[], c: number[]) => (mean(t) - mean(c)) / Math.sqrt((ss(t) + ss(c)) / (t.length + c.length - 2));

describe("mart_evidence on a fixture of 10 schools", () => {
  const schools = 10;
  const pupils: FixturePupil[] = [];
  const r = rng(19);
  for (let s = 0; s < schools; s++) {
    for (let i = 0; i < 14; i++) {
      const tutored = i < 4;
      const baseline = 21 + Math.floor(r() * 4) * 2;
      pupils.push({
        urn: `10000${s}`,
        upn: `P${s}_${i}`,
        nc_year: 5 + (i % 2),
        tutored,
        fsm: r() < (tutored ? 0.5 : 0.2),
        eal: r() < 0.3,
        female: r() < 0.5,
        cla: i === 0 && s < 6,
        sen_any: r() < 0.25,
        baseline,
        outcome: baseline + 3 + (tutored ? 1.5 : 0) + Math.round((r() - 0.5) * 8),
      });
    }
  }
  // Tutees the model never sees: 3 with no baseline, 2 with no outcome, 1 with neither.
  const lost = [
    { baseline: null, outcome: 30 },
    { baseline: null, outcome: 28 },
    { baseline: null, outcome: 27 },
    { baseline: 25, outcome: null },
    { baseline: 23, outcome: null },
    { baseline: null, outcome: null },
  ];
  let db: Db;
  let row: Row;
  let impact: Row;

  beforeAll(async () => {
    db = await fixtureDb(pupils);
    for (const [i, l] of lost.entries()) {
      await db.run(
        `insert into int_analysis_pupils (academic_year, time_period, la_code, urn, upn, nc_year, key_stage, fsm, cla, eal, female,
           sen_any, eligible, subject, tutored, full_place, baseline, outcome, in_model_sample)
         values ('2009/10', '200910', '919', '100000', ?, 5, 'Key stage 2', false, false, false, true, false, true, 'English', true, true, ?, ?, false)`,
        [`L${i}`, l.baseline, l.outcome],
      );
    }
    await buildImpactMarts(db, fixtureSettings());
    await buildEvidenceMart(db);
    row = (await db.all("select * from mart_evidence where subject = 'English'"))[0]!;
    impact = (await db.all("select * from mart_impact where subject = 'English' and breakdown = 'total'"))[0]!;
  });
  afterAll(async () => db?.close());

  it("has one row per subject of the whole cohort, and z on subject Total", async () => {
    const rows = await db.all<{ subject: string; breakdown: string; na_reason: string | null; mdes: number | null }>(
      "select subject, breakdown, na_reason, mdes from mart_evidence order by subject",
    );
    expect(rows.map((x) => [x.subject, x.breakdown, x.na_reason])).toEqual([
      ["English", "total", null],
      ["Total", "total", "z"],
    ]);
    expect(rows[1]!.mdes).toBeNull();
  });

  it("MDES = (t(0.975, G−1) + t(0.8, G−1)) · SE · J / s_pooled, with s_pooled and J worked from the outcomes", () => {
    const t = pupils.filter((p) => p.tutored).map((p) => p.outcome);
    const c = pupils.filter((p) => !p.tutored).map((p) => p.outcome);
    const sPooled = Math.sqrt((ss(t) + ss(c)) / (t.length + c.length - 2));
    const j = 1 - 3 / (4 * (t.length + c.length) - 9);
    const m = R_MULTIPLIER.find(([df]) => df === schools - 1)![1];
    const se = Number(impact.se);
    expect(Number(row.ev_n_t)).toBe(t.length);
    expect(Number(row.ev_n_c)).toBe(c.length);
    expect(Number(row.mde_points)).toBeCloseTo(m * se, 8);
    expect(Number(row.mdes)).toBeCloseTo((m * se * j) / sPooled, 8);
  });

  it("lost share = tutees with no baseline or no outcome / all tutees, counted by hand", () => {
    const tutees = pupils.filter((p) => p.tutored).length + lost.length;
    expect(Number(row.ev_tutees)).toBe(tutees);
    expect(Number(row.ev_tutees_lost)).toBe(6);
    expect(Number(row.lost_share)).toBeCloseTo((100 * 6) / tutees, 10);
  });

  it("largest imbalance before adjustment is the largest |standardised difference| of the six balance measures", () => {
    const tut = pupils.filter((p) => p.tutored);
    const com = pupils.filter((p) => !p.tutored);
    const measures: ((p: FixturePupil) => number)[] = [
      (p) => p.baseline,
      (p) => +p.fsm,
      (p) => +(p.cla ?? false),
      (p) => +(p.eal ?? false),
      (p) => +p.female,
      (p) => +(p.sen_any ?? false),
    ];
    const expected = Math.max(...measures.map((f) => Math.abs(stdDiff(tut.map(f), com.map(f)))));
    expect(Number(row.max_std_diff)).toBeCloseTo(expected, 10);
  });

  it("largest imbalance after matching: the matched sample is exact on baseline, fsm, eal and sex, so only cla or SEN can differ", async () => {
    const b = (await db.all("select * from mart_balance where subject = 'English' and breakdown = 'total'"))[0]!;
    for (const k of ["mbal_baseline_std_diff", "mbal_fsm_std_diff", "mbal_eal_std_diff", "mbal_girls_std_diff"]) {
      expect(Math.abs(Number(b[k]))).toBeLessThan(1e-12);
    }
    const expected = Math.max(Math.abs(Number(b.mbal_cla_std_diff)), Math.abs(Number(b.mbal_senprov_std_diff)));
    expect(Number(row.max_std_diff_matched)).toBeCloseTo(expected, 12);
  });

  it("an impact that is not estimated leaves the MDES x with the impact's reason", async () => {
    const few = await fixtureDb(pupils.filter((p) => Number(p.urn.slice(-1)) < 4));
    await buildImpactMarts(few, fixtureSettings());
    await buildEvidenceMart(few);
    const e = (await few.all("select mdes, mdes_na_reason, mde_points_na_reason from mart_evidence where subject = 'English'"))[0]!;
    await few.close();
    expect(e.mdes).toBeNull();
    expect(e.mdes_na_reason).toBe("impact not estimated: fewer than 5 schools in the model");
    expect(e.mde_points_na_reason).toBe(e.mdes_na_reason);
  });
});
