// A pupil of the ntp profile's impact sample (ntp_impact_sample: baseline, outcome and every
// covariate known) as the models, the §5 groups and the §6 attainment read it, and the standards
// of its scales (programmes.md §3 §1).

export type SampleRow = {
  time_period: string;
  la_code: string;
  urn: string;
  subject: string;
  tutored: boolean;
  route: string | null;
  group_size: string | null;
  nc_year: number;
  key_stage: number;
  baseline: number;
  outcome: number;
  disadvantaged: boolean;
  cla: boolean;
  eal: boolean;
  female: boolean;
  sen_any: boolean;
  sen_provision?: string | null;
  ethnicity_major?: string | null;
  /** Scale of the baseline (§1: ks1, ks2, gcse9, std); absent = std. A model mixing scales gets a slope and an intercept per scale (§3). */
  baseline_scale?: string;
  /** Dose (measures.md §3): a tutee's `full` or `partial` place (full_place); null for comparison pupils. */
  place?: string | null;
  /** §14 cost of the pupil's courses in the subject and year (tutees; NULL without the cost marts). */
  place_cost_gbp?: number | null;
};

export const scaleOf = (r: SampleRow): string => r.baseline_scale ?? "std";

/** §1 expected standard of a scale: ks1 ≥ 8, ks2 ≥ 100, gcse9 ≥ 4, std ≥ the expected_standardised_score setting. */
export function atExpected(scale: string, score: number, expectedStd: number): boolean {
  const bar = { ks1: 8, ks2: 100, gcse9: 4, std: expectedStd }[scale];
  if (bar === undefined) throw new Error(`ntp attainment: scale "${scale}" has no expected standard (ks1, ks2, gcse9, std)`);
  return score >= bar;
}

/** §1 high standard: ks1 10, ks2 ≥ 110, gcse9 ≥ 5, std ≥ 115 (choice). */
export function atHigh(scale: string, score: number): boolean {
  const bar = { ks1: 10, ks2: 110, gcse9: 5, std: 115 }[scale];
  if (bar === undefined) throw new Error(`ntp attainment: scale "${scale}" has no high standard (ks1, ks2, gcse9, std)`);
  return score >= bar;
}
