// The ntp profile's attainment and progress (programmes.md §3 §6, measures.md §6) per outcome
// measure: tutees and comparison pupils side by side, over the pupils of the impact model (a
// baseline, an outcome and every covariate known), per row of mart_ntp_impact (on a route or size
// row, that part's tutees and all comparison pupils). Baselines are judged against the expected
// standard of their own scale, outcomes against the measure's (KS2 ≥ 100, GCSE ≥ 4, std ≥ the
// expected_standardised_score setting), plus the high standard (KS2 ≥ 110, GCSE ≥ 5, std ≥ 115).
// Mean baseline and mean progress are `z` except on Standardised score, where baseline and
// outcome share a scale (§2). Levels of progress do not exist for ntp (§1: `z`), so none is made.
// Computed beside the impact models (ntp-impact.ts) from the same grouped sums (ntp-sums.ts:
// ntp_impact_cluster_sums.sql counts each standard and sums baseline, outcome and progress).
import type { Db } from "../core/db.ts";
import { OUTCOME_SCALE } from "./models.ts";
import { NTP_MART_KEYS } from "./ntp-impact.ts";
import type { SideSums } from "./ntp-sums.ts";

type Row = Record<string, string | number | boolean | null>;

const SIDES = ["t", "c"] as const;
const ONE_SCALE = "Standardised score";

/** §6 figures of one row: _t over the sums of `tutees`, _c over `comparison`; NULL figures carry their reason. */
export function attainmentFigures(tutees: SideSums, comparison: SideSums, outcomeMeasure: string, measureNa: string | null): Row {
  if (OUTCOME_SCALE[outcomeMeasure] === undefined)
    throw new Error(`ntp attainment: outcome_measure "${outcomeMeasure}" is not one of ${Object.keys(OUTCOME_SCALE).join(", ")}`);
  const out: Row = {};
  for (const [side, sums] of SIDES.map((s) => [s, s === "t" ? tutees : comparison] as const)) {
    const { n, n_below: below, n_at_outcome: atOutcome, n_converted: converted, n_high: high } = sums;
    const mean = (sum: number) => sum / n;
    const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : null);
    const figures: Row = {
      [`pupils_att_${side}`]: n,
      [`mean_baseline_${side}`]: outcomeMeasure === ONE_SCALE && n > 0 ? mean(sums.s_b) : null,
      [`mean_outcome_${side}`]: n > 0 ? mean(sums.s_y) : null,
      [`mean_progress_${side}`]: outcomeMeasure === ONE_SCALE && n > 0 ? mean(sums.s_progress) : null,
      [`below_expected_baseline_${side}`]: below,
      [`pct_below_expected_baseline_${side}`]: pct(below, n),
      [`at_expected_outcome_${side}`]: atOutcome,
      [`pct_at_expected_outcome_${side}`]: pct(atOutcome, n),
      [`converted_${side}`]: converted,
      [`conversion_pct_${side}`]: pct(converted, below),
      [`high_standard_outcome_${side}`]: high,
      [`pct_high_standard_outcome_${side}`]: pct(high, n),
      // set on the row of a two-valued breakdown's group of concern (ntp-impact.ts addGap)
      [`gap_progress_${side}_na_reason`]: "not applicable: a gap is published on the row of the group of concern of a two-valued breakdown",
    };
    if (outcomeMeasure !== ONE_SCALE) {
      const why = "not applicable: baseline and outcome are on different scales (programmes.md §3 §2)";
      figures[`mean_baseline_${side}_na_reason`] = why;
      figures[`mean_progress_${side}_na_reason`] = why;
    }
    // a figure with nothing to base it on says why (published x where the measure has tutees at all)
    for (const [c, v] of Object.entries(figures))
      if (v === null && figures[`${c}_na_reason`] === undefined)
        figures[`${c}_na_reason`] =
          c.startsWith("conversion_pct") && n > 0 ? "no pupils below the expected standard at baseline" : "no pupils with a baseline and an outcome";
    Object.assign(out, figures);
  }
  // KS2 scaled score in 2020/21: every figure `x` with the reason, whatever the (empty) sample says
  // (a NULL count is x; disclosure reads the row's na_reason for it)
  if (measureNa) {
    for (const c of FIGURES) Object.assign(out, { [c]: null, ...(COUNTS.includes(c) ? {} : { [`${c}_na_reason`]: measureNa }) });
    out.na_reason = measureNa;
  }
  return out;
}

const COUNTS = SIDES.flatMap((s) =>
  ["pupils_att", "below_expected_baseline", "at_expected_outcome", "converted", "high_standard_outcome"].map((c) => `${c}_${s}`),
);
const FIGURES = SIDES.flatMap((s) =>
  [
    "pupils_att",
    "mean_baseline",
    "mean_outcome",
    "mean_progress",
    "below_expected_baseline",
    "pct_below_expected_baseline",
    "at_expected_outcome",
    "pct_at_expected_outcome",
    "converted",
    "conversion_pct",
    "high_standard_outcome",
    "pct_high_standard_outcome",
    "gap_progress",
  ].map((c) => `${c}_${s}`),
);

/** mart_ntp_attainment: one row per row of mart_ntp_impact (same keys and outcome_measure). */
export async function writeAttainmentMart(db: Db, rows: Row[]): Promise<void> {
  const columns: [string, string][] = [
    ...NTP_MART_KEYS,
    ...FIGURES.map((c): [string, string] => [c, COUNTS.includes(c) ? "INTEGER" : "DOUBLE"]),
    ...FIGURES.filter((c) => !COUNTS.includes(c)).map((c): [string, string] => [`${c}_na_reason`, "VARCHAR"]),
    ["na_reason", "VARCHAR"],
  ];
  await db.writeTable("mart_ntp_attainment", columns, rows);
}
