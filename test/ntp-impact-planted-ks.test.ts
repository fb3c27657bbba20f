// Planted-effect coverage of the KS2 scaled score and GCSE grade models (programmes.md §3 §2, §5
// "KS2 and GCSE derive from it"): over a few seeds of `synth --programme ntp`, the whole-cohort
// 95% CIs of each measure and subject cover the mean effect truth.json gives their model tutees on
// that measure (observed minus untutored result, same draws) in no fewer cells than a binomial
// lower bound at the nominal 95% allows (P < 0.001 of fewer by chance; with 40 cells a 90% floor
// would fail by chance about one time in ten, so it is not used here); and the KS2 model really
// mixes baseline scales (Year 6 tutees without a standardised baseline enter on KS1). Kept to ~35 s
// of CPU: NTP_PLANTED_KS_SEEDS (default 10) seeds of 40 schools, each fitting only the models read
// (each measure's whole cohort); the Standardised score's 40-seed coverage with its 90% floor is
// ntp-impact-planted.test.ts.
import { describe, expect, it } from "vitest";
import { NTP_BREAKDOWNS, NTP_IMPACT_ROW_MODELS } from "../pipelines/measures/ntp-impact.ts";
import { withNtpSeed } from "./helpers/ntp-seed.ts";
import { binomialLowerBound } from "./helpers/coverage.ts";

const SEEDS = Number(process.env.NTP_PLANTED_KS_SEEDS ?? 10);
const SCHOOLS = 40;
/** truth.json's name of each measure's effect. */
const EFFECT: Record<string, "ks2_scaled_score" | "gcse_grade"> = { "KS2 scaled score": "ks2_scaled_score", "GCSE grade": "gcse_grade" };

interface Cell {
  seed: number;
  measure: string;
  subject: string;
  covered: boolean;
}

async function runSeed(seed: number): Promise<{ cells: Cell[]; scales: Set<string> }> {
  // only the models read here: the whole cohort's of the two measures (no route, size or §5 breakdown)
  return withNtpSeed(
    seed,
    SCHOOLS,
    {
      measures: ["KS2 scaled score", "GCSE grade"],
      breakdowns: NTP_BREAKDOWNS.filter((b) => b.breakdown === "total"),
      models: NTP_IMPACT_ROW_MODELS.filter((s) => s.breakdown === "total"),
    },
    async (db, truth) => {
      const effect = new Map<string, Record<string, number | null>>();
      for (const p of truth.places) effect.set(`${p.upn}|${p.subject === "maths" ? "Mathematics" : "English"}`, p.effect);
      const tutees = await db.all<{ upn: string; subject: string; outcome_measure: string; baseline_scale: string }>(
        "select upn, subject, outcome_measure, baseline_scale from ntp_impact_sample where tutored and outcome_measure in ('KS2 scaled score', 'GCSE grade')",
      );
      const rows = await db.all<{ subject: string; outcome_measure: string; n_t: number; b: number | null; ci_low: number; ci_high: number }>(
        `select subject, outcome_measure, n_t, b, ci_low, ci_high from mart_ntp_impact
       where breakdown = 'total' and outcome_measure in ('KS2 scaled score', 'GCSE grade')`,
      );
      const cells: Cell[] = [];
      for (const r of rows) {
        expect(r.b, `seed ${seed} ${r.outcome_measure} ${r.subject}: estimated`).not.toBeNull();
        const members = tutees.filter((t) => t.subject === r.subject && t.outcome_measure === r.outcome_measure);
        expect(members.length).toBe(r.n_t);
        const effects = members.map((m) => effect.get(`${m.upn}|${m.subject}`)?.[EFFECT[r.outcome_measure]!]);
        expect(
          effects.every((e) => typeof e === "number"),
          `seed ${seed} ${r.outcome_measure} ${r.subject}: every model tutee has an effect in truth.json`,
        ).toBe(true);
        const target = (effects as number[]).reduce((a, e) => a + e, 0) / effects.length;
        cells.push({ seed, measure: r.outcome_measure, subject: r.subject, covered: r.ci_low <= target && target <= r.ci_high });
      }
      const scales = new Set(tutees.filter((t) => t.outcome_measure === "KS2 scaled score").map((t) => t.baseline_scale));
      return { cells, scales };
    },
  );
}

describe(`KS2 scaled score and GCSE grade planted effects over ${SEEDS} seeds, ${SCHOOLS} schools`, () => {
  it("whole-cohort CIs cover the mean effect of their model tutees on the measure as often as nominal 95% coverage allows", async () => {
    const cells: Cell[] = [];
    const scales = new Set<string>();
    for (let seed = 101; seed < 101 + SEEDS; seed++) {
      const got = await runSeed(seed);
      cells.push(...got.cells);
      for (const s of got.scales) scales.add(s);
    }
    // each measure and subject a cell in every seed
    expect(cells.length).toBe(SEEDS * 4);
    // synth gives 10% of Year 6 tutees no standardised baseline: the KS2 model mixes std and KS1
    expect([...scales].sort()).toEqual(["ks1", "std"]);
    const covered = cells.filter((c) => c.covered).length;
    console.log(
      `KS2/GCSE planted-effect coverage (${SEEDS} seeds): ${covered}/${cells.length}; ` +
        Object.keys(EFFECT)
          .map((m) => `${m} ${cells.filter((c) => c.measure === m && c.covered).length}/${cells.filter((c) => c.measure === m).length}`)
          .join(", "),
    );
    expect(covered).toBeGreaterThanOrEqual(binomialLowerBound(cells.length, 0.95, 0.001));
  }, 600_000);
});
