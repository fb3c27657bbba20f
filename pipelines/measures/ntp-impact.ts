// The ntp profile's impact models on the Standardised score measure (programmes.md §3 §2–§3,
// §5): the §3 model of measures.md with the ntp covariates (disadvantaged, cla, eal, female,
// sen_any), a baseline slope per key stage (KS1 = Y1–2) and NC-year dummies, school-clustered
// CR1 standard errors; fitted over the whole cohort and over each disadvantage group. Each fit
// is one entry of NTP_IMPACT_SPLITS: `tutored` whole, split into the three routes, or into the
// four group sizes; route and size rows publish each part's impact and its difference from the
// reference part (school-led; three pupils), SE √(V_ii + V_jj − 2V_ij).
// One LA's pupils fit in memory (tens of thousands of rows × ~25 columns), so the design is
// built here rather than as SQL cross-products (measures/impact.ts does that for national runs).
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { attainmentFigures, writeAttainmentMart } from "./ntp-attainment.ts";
import { cr1Factor, solveNormalEquations, studentTQuantile } from "./ols.ts";

const SQL_DIR = join(import.meta.dirname, "sql");
const TRANSFORM_SQL_DIR = join(import.meta.dirname, "..", "transform", "sql");

/** measures.md §3 minimums; a part below MIN_PART tutees is `x` but stays in its model as its own dummy (§3). */
export const MIN_PART = 10;
const MIN_COMPARISON = 10;
const MIN_SCHOOLS = 5;

export interface NtpSplit {
  breakdown: "total" | "route" | "group_size";
  /** The sample column a tutee's part is read from; undefined = one part, all tutees. */
  column?: "route" | "group_size";
  parts: { value: string; label: string }[];
  /** Value of the part the others are compared with (§3: school-led; three pupils). */
  reference?: string;
}

/** The model manifest: one entry per way `tutored` enters the model. */
export const NTP_IMPACT_SPLITS: NtpSplit[] = [
  { breakdown: "total", parts: [{ value: "tutored", label: "Total" }] },
  {
    breakdown: "route",
    column: "route",
    reference: "school_led",
    parts: [
      { value: "tuition_partner", label: "Tuition partner" },
      { value: "academic_mentor", label: "Academic mentor" },
      { value: "school_led", label: "School-led tutoring" },
    ],
  },
  {
    breakdown: "group_size",
    column: "group_size",
    reference: "3",
    parts: [
      { value: "1", label: "One-to-one" },
      { value: "2", label: "Two pupils" },
      { value: "3", label: "Three pupils" },
      { value: "4+", label: "Four or more pupils" },
    ],
  },
];

/**
 * The dose model (measures.md §3 "Dose"; programmes.md §3): the whole-cohort and §5 models again
 * with `tutored` split into a full and a partial place (`place`, from int_ntp_analysis_pupils'
 * full_place). Its figures are columns of those rows, named as the 2009 return's (b_full ...), not
 * rows of their own: a pupil group's row then reads its impact and its dose side by side.
 */
/** A split fitSplit can fit: a manifest entry (NtpSplit) or the dose split (its parts from `place`). */
export type FittedSplit = Omit<NtpSplit, "column"> & { column?: NtpSplit["column"] | "place" };
export const DOSE_SPLIT: FittedSplit = {
  breakdown: "total",
  column: "place",
  parts: [
    { value: "full", label: "Full place" },
    { value: "partial", label: "Partial place" },
  ],
};
const DOSE_COLUMNS: Record<string, { n: string; b: string; se: string; ciLow: string; ciHigh: string }> = {
  full: { n: "n_full", b: "b_full", se: "se_full", ciLow: "ci_full_low", ciHigh: "ci_full_high" },
  partial: { n: "n_partial", b: "b_partial", se: "se_partial", ciLow: "ci_partial_low", ciHigh: "ci_partial_high" },
};
const DOSE_ESTIMATES = ["b", "se", "ciLow", "ciHigh"] as const;

/**
 * The dose columns of one whole-cohort or §5 row: each place's tutees and, when each of the two
 * has ≥ MIN_PART tutees and the model's minimums hold (measures.md §3), each one's impact, SE and
 * CI; else every estimate x with the reason (both, even when one part is large enough: the spec
 * estimates the dose only when each has ≥ 10). `na`: a reason every figure is x, counts too.
 */
export function doseFigures(pupils: SampleRow[], na: string | null): Row {
  const out: Row = {};
  const results = fitSplit(pupils, DOSE_SPLIT);
  const short = DOSE_SPLIT.parts.find((_, i) => (results[i]!.figures.n_t as number) < MIN_PART);
  const reason =
    na ??
    (short ? `fewer than ${MIN_PART} tutees with a ${short.value} place in the model` : ((results.find((r) => r.figures.na_reason)?.figures.na_reason as string | undefined) ?? null));
  for (const [i, part] of DOSE_SPLIT.parts.entries()) {
    const cols = DOSE_COLUMNS[part.value]!;
    const f = results[i]!.figures;
    out[cols.n] = na ? null : f.n_t!;
    if (na) out[`${cols.n}_na_reason`] = na;
    for (const e of DOSE_ESTIMATES) {
      const key = { b: "b", se: "se", ciLow: "ci_low", ciHigh: "ci_high" }[e];
      out[cols[e]] = reason ? null : f[key]!;
      if (reason) out[`${cols[e]}_na_reason`] = reason;
    }
  }
  return out;
}

/**
 * Balance (measures.md §3 "Balance"; programmes.md §3): on a whole-cohort or §5 row, the model's
 * tutees and comparison pupils side by side: mean baseline (points; `x` where the model mixes
 * baseline scales, whose points do not add up) and % disadvantaged, looked after, EAL, female and
 * with SEN (sen_any), each with the standardised difference (difference / SD pooled over the two,
 * weighted by n − 1, as the 2009 profile's mart_balance). Each share's pupils are a count column
 * of its own (bal_<x>_n_t, _n_c; level none) so disclosure control sees the count a share implies.
 */
export const BALANCE_VARIABLES = ["baseline", "disadvantaged", "cla", "eal", "female", "sen_any"] as const;
/**
 * A variable's name in its columns, the 2009 return's where the EES screener refuses the variable's
 * own: female is `girls` (an indicator may not name a group, and "female" contains "male"), sen_any
 * is `senprov` (a name with "sen" must be a harmonised variable's).
 */
export const balanceName = (v: (typeof BALANCE_VARIABLES)[number]): string => ({ female: "girls", sen_any: "senprov" } as Record<string, string>)[v] ?? v;
const BALANCE_COLUMNS: string[] = BALANCE_VARIABLES.map(balanceName).flatMap((v) => [`bal_${v}_t`, `bal_${v}_c`, `bal_${v}_std_diff`, ...(v === "baseline" ? [] : [`bal_${v}_n_t`, `bal_${v}_n_c`])]);

export function balanceFigures(tutees: SampleRow[], comparison: SampleRow[], na: string | null): Row {
  const out: Row = {};
  const mixed = new Set([...tutees, ...comparison].map(scaleOf)).size > 1;
  const stats = (rows: SampleRow[], v: (typeof BALANCE_VARIABLES)[number]) => {
    const xs = rows.map((r) => (v === "baseline" ? r.baseline : r[v] ? 1 : 0));
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    return { n: xs.length, sum: xs.reduce((a, x) => a + x, 0), mean, ss: xs.reduce((a, x) => a + (x - mean) ** 2, 0) };
  };
  for (const v of BALANCE_VARIABLES) {
    const name = balanceName(v);
    const cols = [`bal_${name}_t`, `bal_${name}_c`, `bal_${name}_std_diff`];
    const reason =
      na ??
      (tutees.length === 0 || comparison.length === 0
        ? "no tutees or no comparison pupils in the model"
        : v === "baseline" && mixed
          ? "the model's baselines are on more than one scale"
          : null);
    const t = stats(tutees, v);
    const c = stats(comparison, v);
    if (v !== "baseline") {
      Object.assign(out, { [`bal_${name}_n_t`]: na ? null : t.sum, [`bal_${name}_n_c`]: na ? null : c.sum });
      if (na) Object.assign(out, { [`bal_${name}_n_t_na_reason`]: na, [`bal_${name}_n_c_na_reason`]: na });
    }
    if (reason) {
      for (const col of cols) Object.assign(out, { [col]: null, [`${col}_na_reason`]: reason });
      continue;
    }
    const scale = v === "baseline" ? 1 : 100;
    out[`bal_${name}_t`] = scale * t.mean;
    out[`bal_${name}_c`] = scale * c.mean;
    const sd = t.n + c.n > 2 ? Math.sqrt((t.ss + c.ss) / (t.n + c.n - 2)) : 0;
    if (sd > 0) out[`bal_${name}_std_diff`] = (t.mean - c.mean) / sd;
    else Object.assign(out, { [`bal_${name}_std_diff`]: null, [`bal_${name}_std_diff_na_reason`]: "no variation among the model's pupils" });
  }
  return out;
}

/** Every balance column `z` (a route or group-size row, programmes.md §3). */
function balanceNotApplicable(): Row {
  const out: Row = {};
  for (const c of BALANCE_COLUMNS) Object.assign(out, { [c]: null, [`${c}_na_reason`]: "not applicable: balance is on the whole cohort's and pupil groups' rows" });
  return out;
}

/** Every dose column `z` (a route or group-size row: the dose is fitted on the whole-cohort and §5 rows only). */
function doseNotApplicable(): Row {
  const out: Row = {};
  for (const cols of Object.values(DOSE_COLUMNS))
    for (const c of [cols.n, ...DOSE_ESTIMATES.map((e) => cols[e])]) Object.assign(out, { [c]: null, [`${c}_na_reason`]: "not applicable: the dose is on the whole cohort's and pupil groups' rows" });
  return out;
}

/**
 * The §5 breakdowns of the ntp profile: each group is a model of its own over its pupils (the
 * model drops a covariate constant in it), and its §6 figures. `of` gives a pupil's group (null:
 * in no group of the breakdown, e.g. a blank SEN code). `concern`: the group whose row carries the
 * gap (group of concern minus the other, measures.md §5) of a two-valued breakdown. FSM is
 * replaced by disadvantage (programmes.md §1); prior attainment is the baseline against the
 * expected standard of its own scale (§5 choice: below / at or above).
 */
export interface BreakdownGroups {
  breakdown: string;
  labels: string[];
  of: (r: SampleRow, expectedStd: number) => string | null;
  concern?: string;
}
export const NTP_BREAKDOWNS: BreakdownGroups[] = [
  { breakdown: "total", labels: ["Total"], of: () => "Total" },
  {
    breakdown: "disadvantage_status",
    labels: ["Disadvantaged", "Not known to be disadvantaged"],
    of: (r) => (r.disadvantaged ? "Disadvantaged" : "Not known to be disadvantaged"),
    concern: "Disadvantaged",
  },
  { breakdown: "cla_status", labels: ["Looked after", "Not looked after"], of: (r) => (r.cla ? "Looked after" : "Not looked after"), concern: "Looked after" },
  {
    breakdown: "first_language",
    labels: ["Known or believed to be English", "Known or believed to be other than English"],
    of: (r) => (r.eal ? "Known or believed to be other than English" : "Known or believed to be English"),
    concern: "Known or believed to be other than English",
  },
  { breakdown: "sex", labels: ["Female", "Male"], of: (r) => (r.female ? "Female" : "Male"), concern: "Male" },
  {
    breakdown: "sen_provision",
    labels: ["No SEN provision", "SEN support / SEN without an EHC plan", "Education, health and care plan"],
    of: (r) => r.sen_provision ?? null,
  },
  {
    breakdown: "ethnicity_major",
    labels: [
      "White",
      "Mixed / Multiple ethnic groups",
      "Asian / Asian British",
      "Black / African / Caribbean / Black British",
      "Other ethnic group",
      "Unknown",
    ],
    of: (r) => r.ethnicity_major ?? "Unknown",
  },
  { breakdown: "key_stage", labels: ["Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4"], of: (r) => `Key stage ${r.key_stage}` },
  {
    breakdown: "prior_attainment",
    labels: ["Below expected", "At or above expected"],
    of: (r, e) => (r.baseline === null || r.baseline === undefined ? null : atExpected(scaleOf(r), r.baseline, e) ? "At or above expected" : "Below expected"),
  },
];

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
export const scaleOf = (r: SampleRow): string => r.baseline_scale ?? "std";
/** The scale of each outcome measure's outcome (§2). */
export const OUTCOME_SCALE: Record<string, string> = { "Standardised score": "std", "KS2 scaled score": "ks2", "GCSE grade": "gcse9" };

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

type Row = Record<string, string | number | boolean | null>;

const COVARIATES = ["disadvantaged", "cla", "eal", "female", "sen_any"] as const;
/** Baseline scales (§1) in the order a model's reference scale is chosen: the first present. */
const SCALES = ["std", "ks1", "ks2", "gcse9"];

/**
 * Which models to fit, each field defaulting to all: the outcome measures (default: every measure
 * with tutees), the §5 breakdowns (NTP_BREAKDOWNS entries) and the splits of `tutored`
 * (NTP_IMPACT_SPLITS entries). A run fits everything; a test that reads a few rows of the marts
 * asks for just their models (each fit is ~31 per measure and subject otherwise).
 */
export interface NtpImpactManifest {
  measures?: readonly string[];
  breakdowns?: BreakdownGroups[];
  splits?: NtpSplit[];
}

/**
 * Builds int_ntp_analysis_pupils, ntp_impact_sample (the pupils the models use: baseline,
 * outcome and every covariate known) and mart_ntp_impact (with mart_ntp_attainment: the rows
 * of the manifest's models only). After buildNtpMarts.
 */
export async function buildNtpImpactMart(db: Db, settings: ResolvedSettings, manifest: NtpImpactManifest = {}): Promise<void> {
  const { measures, breakdowns = NTP_BREAKDOWNS, splits = NTP_IMPACT_SPLITS } = manifest;
  for (const m of measures ?? [])
    if (!(OUTCOME_MEASURES as readonly string[]).includes(m))
      throw new Error(`pipelines/measures/ntp-impact.ts: the manifest's outcome measure "${m}" is not one of ${OUTCOME_MEASURES.join(", ")} (programmes.md §2)`);
  await ensureRunContext(db, settings);
  // the GSS ethnic groups' rules the 2009 profile's transform builds (an ntp run has no 2009 transform)
  await db.runFile(join(TRANSFORM_SQL_DIR, "int_ethnicity_groups.sql"));
  await db.runFile(join(SQL_DIR, "int_ntp_analysis_pupils.sql"));
  // a tutee's place cost (§14, every course in the subject) for the cost per point of impact (§9), when the cost marts were built
  const costs = (await tableExists(db, "int_ntp_courses"))
    ? "(select academic_year, upn, subject, sum(cost_gbp) as place_cost_gbp from int_ntp_courses group by all)"
    : "(select null::VARCHAR as academic_year, null::VARCHAR as upn, null::VARCHAR as subject, null::DOUBLE as place_cost_gbp where false)";
  await db.run(`create or replace temp table ntp_impact_sample as
    select a.*, c.place_cost_gbp from int_ntp_analysis_pupils as a
    left join ${costs} as c on a.tutored and c.academic_year = a.academic_year and c.upn = a.upn and c.subject = a.subject
    where a.baseline is not null and a.outcome is not null
      and a.cla is not null and a.eal is not null and a.female is not null and a.sen_any is not null`);
  const sample = await db.all<SampleRow & { outcome_measure: string }>(`select time_period, la_code, urn, subject, outcome_measure, tutored, route, group_size,
      nc_year, key_stage, baseline, baseline_scale, outcome, disadvantaged, cla, eal, female, sen_any, sen_provision, ethnicity_major, place_cost_gbp,
      case when tutored then case when full_place then 'full' else 'partial' end end as place
    from ntp_impact_sample ${measures ? `where outcome_measure in (${measures.map(() => "?").join(", ") || "null"})` : ""}
    order by time_period, la_code, subject, outcome_measure, urn, upn`, measures ? [...measures] : undefined);
  const excluded = await db.all<{ time_period: string; la_code: string; subject: string; outcome_measure: string; n: number }>(`
    select time_period, la_code, subject, outcome_measure, count(*)::INTEGER as n from int_ntp_analysis_pupils
    where baseline is not null and outcome is not null
      and (cla is null or eal is null or female is null or sen_any is null)
    group by all`);
  // Every measure with tutees in its NC years gets its rows, even with no pupil in its model (KS2 in 2020/21: `x`, §4).
  const keys = await db.all<{ time_period: string; la_code: string; subject: string; outcome_measure: string }>(`
    select distinct time_period, la_code, subject, outcome_measure from int_ntp_analysis_pupils where tutored
    order by time_period, la_code, subject, outcome_measure`);
  const keyOf = (r: { time_period: string; la_code: string; subject: string; outcome_measure: string }) =>
    `${r.time_period}\u0001${r.la_code}\u0001${r.subject}\u0001${r.outcome_measure}`;
  const expectedStd = settings.ntp?.expected_standardised_score ?? 85;
  const rows: Row[] = [];
  const attainment: Row[] = [];
  const models = new Map<string, SampleRow[]>(keys.filter((k) => !measures || measures.includes(k.outcome_measure)).map((k) => [keyOf(k), []]));
  for (const r of sample) models.get(keyOf(r))?.push(r);
  for (const [key, pupils] of models) {
    const [time_period, la_code, subject, outcome_measure] = key.split("\u0001") as [string, string, string, string];
    const nExcluded = excluded.find((e) => keyOf(e) === key)?.n ?? 0;
    const measureNa = measureNotAvailable(time_period, outcome_measure);
    for (const def of breakdowns) {
      const keyRows: { impact: Row; attainment: Row }[] = [];
      for (const label of def.labels) {
        const members = pupils.filter((r) => def.of(r, expectedStd) === label);
        for (const split of splits) {
          // A split by route or size is a breakdown of its own: fitted over the whole cohort only (§3, §4).
          if (def.breakdown !== "total" && split.breakdown !== "total") continue;
          const breakdown = split.breakdown === "total" ? def.breakdown : split.breakdown;
          const results = fitSplit(members, split);
          for (const [i, out] of results.entries()) {
            const part = split.parts[i]!;
            const tutees = members.filter((r) => r.tutored && (split.column === undefined || r[split.column] === part.value));
            // KS2 in 2020/21: every figure x with the reason, counts too (a NULL count is x, not an empty denominator's z)
            if (measureNa) Object.assign(out.figures, { na_reason: measureNa, cost_per_point_gbp_na_reason: measureNa, n_t: null, n_c: null, n_schools: null });
            const keyCols = { time_period, la_code, urn: null, subject, breakdown, group_label: split.breakdown === "total" ? label : out.label, outcome_measure };
            const impact: Row = {
              ...keyCols,
              n_excluded_unknown_covariate: def.breakdown === "total" && split.breakdown === "total" && !measureNa ? nExcluded : null,
              ...(measureNa && def.breakdown === "total" && split.breakdown === "total" ? { n_excluded_unknown_covariate_na_reason: measureNa } : {}),
              ...out.figures,
              ...(split.breakdown === "total" ? doseFigures(members, measureNa) : doseNotApplicable()),
              ...(split.breakdown === "total" ? balanceFigures(tutees, members.filter((r) => !r.tutored), measureNa) : balanceNotApplicable()),
            };
            const att: Row = {
              ...keyCols,
              ...attainmentFigures(tutees, members.filter((r) => !r.tutored), outcome_measure, expectedStd, measureNa),
            };
            rows.push(impact);
            attainment.push(att);
            if (split.breakdown === "total") keyRows.push({ impact, attainment: att });
          }
        }
      }
      if (def.concern) addGap(def, keyRows);
    }
  }
  await writeMart(db, rows);
  await writeAttainmentMart(db, attainment);
}

/** The outcome measures of §2, in the order the return lists them. */
export const OUTCOME_MEASURES = ["Standardised score", "KS2 scaled score", "GCSE grade"] as const;

/**
 * A measure with no results that year, whatever the data (§4): KS2 tests were not taken in 2021,
 * so KS2 scaled score in 2020/21 is `x`. (GCSE grades of 2020/21 were teacher-assessed: published,
 * with the footnote the data guidance gives.)
 */
export function measureNotAvailable(timePeriod: string, outcomeMeasure: string): string | null {
  return timePeriod === "202021" && outcomeMeasure === "KS2 scaled score" ? "no KS2 tests in 2021" : null;
}

/**
 * The gap of a two-valued breakdown (measures.md §5), on the row of the group of concern
 * (disadvantaged, looked after, other than English, male): in impact, b(concern) − b(other), SE
 * √(SE₁² + SE₂²) (the two models use disjoint pupils) and a normal 95% CI ± 1.96·SE, as the 2009
 * profile's mart_gaps; in mean progress, among tutees and among comparison pupils (the
 * difference of the two §6 means); the other group's row has none.
 */
function addGap(def: BreakdownGroups, groupRows: { impact: Row; attainment: Row }[]): void {
  const concern = groupRows.find((r) => r.impact.group_label === def.concern);
  const other = groupRows.find((r) => r.impact.group_label !== def.concern);
  const elsewhere = `not applicable: the gap is on the ${def.concern} row`;
  if (other) {
    other.impact.diff_na_reason = elsewhere;
    other.attainment.gap_progress_t_na_reason = elsewhere;
    other.attainment.gap_progress_c_na_reason = elsewhere;
  }
  if (!concern || !other) return;
  for (const side of ["t", "c"] as const) {
    const a = concern.attainment[`mean_progress_${side}`];
    const b = other.attainment[`mean_progress_${side}`];
    if (typeof a === "number" && typeof b === "number") Object.assign(concern.attainment, { [`gap_progress_${side}`]: a - b, [`gap_progress_${side}_na_reason`]: null });
    else concern.attainment[`gap_progress_${side}_na_reason`] = concern.attainment[`mean_progress_${side}_na_reason`] ?? "mean progress not available for both groups";
  }
  const ci = concern.impact;
  if (typeof ci.b !== "number" || typeof other.impact.b !== "number") {
    ci.diff_na_reason = (ci.na_reason as string | null) ?? "impact not estimated for both groups";
    return;
  }
  const d = ci.b - other.impact.b;
  const se = Math.sqrt((ci.se as number) ** 2 + (other.impact.se as number) ** 2);
  Object.assign(ci, { b_diff: d, se_diff: se, ci_low_diff: d - Z_975 * se, ci_high_diff: d + Z_975 * se, diff_na_reason: null });
}

const Z_975 = 1.959963984540054;

interface PartResult {
  label: string;
  figures: Row;
}

/** Fits one split over one group's pupils; one result per part (exported for the R oracle test). */
export function fitSplit(pupils: SampleRow[], split: FittedSplit): PartResult[] {
  const partOf = (r: SampleRow): string | undefined => (!r.tutored ? undefined : split.column ? (r[split.column] ?? undefined) : "tutored");
  const comparison = pupils.filter((r) => !r.tutored);
  const schools = new Set(pupils.map((r) => r.urn));
  const g = schools.size;
  const nC = comparison.length;
  const tuteesOf = (value: string) => pupils.filter((r) => partOf(r) === value);
  const base = (value: string): Row => {
    const t = tuteesOf(value);
    return { n_t: t.length, n_c: nC, n_schools: g };
  };
  let modelNa: string | null = null;
  const nT = pupils.filter((r) => r.tutored).length;
  if (nT < MIN_PART) modelNa = `fewer than ${MIN_PART} tutees in the model`;
  else if (nC < MIN_COMPARISON) modelNa = `fewer than ${MIN_COMPARISON} comparison pupils in the model`;
  else if (g < MIN_SCHOOLS) modelNa = `fewer than ${MIN_SCHOOLS} schools in the model`;
  if (modelNa) return split.parts.map((p) => ({ label: p.label, figures: { ...base(p.value), na_reason: modelNa } }));

  // Design: intercept, one dummy per part, a baseline slope per key stage and baseline scale (a
  // model of one scale has one slope per key stage), an intercept dummy per scale other than the
  // first present of SCALES (§3: a model mixing scales), NC-year dummies (the lowest year present
  // is the reference), the covariates. Slopes of key stages absent from the model are empty
  // columns, which the solver drops.
  const present = new Set(pupils.map(scaleOf));
  for (const s of present) if (!SCALES.includes(s)) throw new Error(`ntp impact model: baseline scale "${s}" is not one of ${SCALES.join(", ")}`);
  const scales = SCALES.filter((s) => present.has(s));
  const years = [...new Set(pupils.map((r) => r.nc_year))].sort((a, b) => a - b);
  const columns = [
    "one",
    ...split.parts.map((p) => `part:${p.value}`),
    ...scales.flatMap((s, si) => [1, 2, 3, 4].map((ks) => (si === 0 ? `baseline_ks${ks}` : `baseline_ks${ks}_${s}`))),
    ...scales.slice(1).map((s) => `scale_${s}`),
    ...years.slice(1).map((y) => `year_${y}`),
    ...COVARIATES,
  ];
  const k = columns.length;
  const partIndex = new Map(split.parts.map((p, i) => [p.value, 1 + i]));
  const blIndex = 1 + split.parts.length;
  const scaleIndex = new Map(scales.map((s, i) => [s, i]));
  const interceptIndex = blIndex + 4 * scales.length;
  const yearBase = interceptIndex + scales.length - 1;
  const yearIndex = new Map(years.slice(1).map((y, i) => [y, yearBase + i]));
  const covIndex = yearBase + years.length - 1;
  const xRow = (r: SampleRow): number[] => {
    const x = new Array<number>(k).fill(0);
    x[0] = 1;
    const part = partOf(r);
    if (part !== undefined) x[partIndex.get(part)!] = 1;
    const si = scaleIndex.get(scaleOf(r))!;
    x[blIndex + 4 * si + r.key_stage - 1] = r.baseline;
    if (si > 0) x[interceptIndex + si - 1] = 1;
    const yi = yearIndex.get(r.nc_year);
    if (yi !== undefined) x[yi] = 1;
    for (const [i, c] of COVARIATES.entries()) x[covIndex + i] = r[c] ? 1 : 0;
    return x;
  };
  const xs = pupils.map(xRow);
  const xtx = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  xs.forEach((x, i) => {
    const y = pupils[i]!.outcome;
    for (let a = 0; a < k; a++) {
      if (x[a] === 0) continue;
      xty[a] += x[a]! * y;
      for (let b = 0; b < k; b++) xtx[a]![b] += x[a]! * x[b]!;
    }
  });
  const n = pupils.length;
  const constant = columns.map((c, j) => (COVARIATES as readonly string[]).includes(c) && (xtx[j]![j] === 0 || xtx[j]![j] === n));
  const fit = solveNormalEquations(xtx, xty, constant);
  const kk = fit.kept.length;
  // CR1 sandwich over the kept columns: bread · Σ_schools u_g u_gᵀ · bread, u_g = Σ x_i e_i.
  const meat = Array.from({ length: kk }, () => new Array<number>(kk).fill(0));
  const bySchool = new Map<string, number[]>();
  xs.forEach((x, i) => {
    const e = pupils[i]!.outcome - x.reduce((acc, v, j) => acc + (Number.isNaN(fit.beta[j]!) ? 0 : v * fit.beta[j]!), 0);
    const urn = pupils[i]!.urn;
    if (!bySchool.has(urn)) bySchool.set(urn, new Array<number>(kk).fill(0));
    const u = bySchool.get(urn)!;
    for (const [q, col] of fit.kept.entries()) u[q] += x[col]! * e;
  });
  for (const u of bySchool.values()) for (let a = 0; a < kk; a++) for (let b = 0; b < kk; b++) meat[a]![b] += u[a]! * u[b]!;
  const c = cr1Factor(g, n, kk);
  const bread = fit.inverse;
  const v = (a: number, b: number): number => {
    // V_ab = c · (bread · meat · bread)_ab, a and b positions in `kept`
    let s = 0;
    for (let p = 0; p < kk; p++) {
      if (bread[a]![p] === 0) continue;
      for (let q = 0; q < kk; q++) s += bread[a]![p]! * meat[p]![q]! * bread[q]![b]!;
    }
    return c * s;
  };
  const tCrit = studentTQuantile(0.975, g - 1);
  const posOf = (value: string) => fit.kept.indexOf(partIndex.get(value)!);
  const sd = (rows: SampleRow[]) => {
    const m = rows.reduce((a, r) => a + r.outcome, 0) / rows.length;
    return rows.reduce((a, r) => a + (r.outcome - m) ** 2, 0);
  };
  const ssC = sd(comparison);
  const ref = split.reference;
  return split.parts.map((p) => {
    const tutees = tuteesOf(p.value);
    const figures: Row = { ...base(p.value) };
    const pos = posOf(p.value);
    if (tutees.length < MIN_PART) figures.na_reason = `fewer than ${MIN_PART} tutees in this part of the model`;
    else if (pos < 0) figures.na_reason = "this part is collinear with the covariates";
    else {
      const b = fit.beta[partIndex.get(p.value)!]!;
      const se = Math.sqrt(v(pos, pos));
      // g: s_pooled and J from this part's tutees and all comparison pupils (§3)
      const nT = tutees.length;
      const sPooled = Math.sqrt((sd(tutees) + ssC) / (nT + nC - 2));
      const j = 1 - 3 / (4 * (nT + nC) - 9);
      Object.assign(figures, {
        b,
        se,
        ci_low: b - tCrit * se,
        ci_high: b + tCrit * se,
        df: g - 1,
        s_pooled: sPooled,
        g: (b / sPooled) * j,
        k_params: kk,
        na_reason: null,
      });
      // §9 (programmes.md §14): the model tutees' cost / (b × n_t), only where b > 0 and its CI excludes 0
      const costs = tutees.map((r) => r.place_cost_gbp);
      if (costs.every((c) => typeof c === "number")) {
        const cost = (costs as number[]).reduce((a, c) => a + c, 0);
        figures.tutee_cost_gbp = cost;
        if (b - tCrit * se > 0) figures.cost_per_point_gbp = cost / (b * nT);
        else figures.cost_per_point_gbp_na_reason = "Not available: the impact is not above 0 with its confidence interval excluding 0";
      } else figures.cost_per_point_gbp_na_reason = "Not available: the course costs of the model's tutees are not known";
      if (ref !== undefined && p.value !== ref) {
        const rPos = posOf(ref);
        if (tuteesOf(ref).length >= MIN_PART && rPos >= 0) {
          const d = b - fit.beta[partIndex.get(ref)!]!;
          const dSe = Math.sqrt(Math.max(0, v(pos, pos) + v(rPos, rPos) - 2 * v(pos, rPos)));
          Object.assign(figures, { b_diff: d, se_diff: dSe, ci_low_diff: d - tCrit * dSe, ci_high_diff: d + tCrit * dSe });
        } else figures.diff_na_reason = `the reference part has fewer than ${MIN_PART} tutees`;
      } else figures.diff_na_reason = ref === undefined ? "not applicable: no reference part" : "not applicable: the reference part";
    }
    return { label: p.label, figures };
  });
}

/** The key columns of mart_ntp_impact, which mart_ntp_attainment shares row for row. */
export const NTP_MART_KEYS: [string, string][] = [
  ["time_period", "VARCHAR"],
  ["la_code", "VARCHAR"],
  ["urn", "VARCHAR"],
  ["subject", "VARCHAR"],
  ["breakdown", "VARCHAR"],
  ["group_label", "VARCHAR"],
  ["outcome_measure", "VARCHAR"],
];

const MART_COLUMNS: [string, string][] = [
  ...NTP_MART_KEYS,
  ["n_t", "INTEGER"],
  ["n_c", "INTEGER"],
  ["n_schools", "INTEGER"],
  ["n_excluded_unknown_covariate", "INTEGER"],
  ["n_excluded_unknown_covariate_na_reason", "VARCHAR"],
  ["b", "DOUBLE"],
  ["se", "DOUBLE"],
  ["ci_low", "DOUBLE"],
  ["ci_high", "DOUBLE"],
  ["df", "INTEGER"],
  ["s_pooled", "DOUBLE"],
  ["g", "DOUBLE"],
  ["k_params", "INTEGER"],
  ["tutee_cost_gbp", "DOUBLE"],
  ["cost_per_point_gbp", "DOUBLE"],
  ["cost_per_point_gbp_na_reason", "VARCHAR"],
  ["na_reason", "VARCHAR"],
  ["b_diff", "DOUBLE"],
  ["se_diff", "DOUBLE"],
  ["ci_low_diff", "DOUBLE"],
  ["ci_high_diff", "DOUBLE"],
  // disclosure control reads <indicator>_na_reason: each difference figure carries the difference's reason
  ["b_diff_na_reason", "VARCHAR"],
  ["se_diff_na_reason", "VARCHAR"],
  ["ci_low_diff_na_reason", "VARCHAR"],
  ["ci_high_diff_na_reason", "VARCHAR"],
  // the dose model (measures.md §3), each figure with its own reason
  ...Object.values(DOSE_COLUMNS).flatMap((cols): [string, string][] =>
    [cols.n, ...DOSE_ESTIMATES.map((e) => cols[e])].flatMap((c): [string, string][] => [
      [c, c === cols.n ? "INTEGER" : "DOUBLE"],
      [`${c}_na_reason`, "VARCHAR"],
    ]),
  ),
  // balance (measures.md §3), each figure with its own reason
  ...BALANCE_COLUMNS.flatMap((c): [string, string][] => [
    [c, c.endsWith("_n_t") || c.endsWith("_n_c") ? "INTEGER" : "DOUBLE"],
    [`${c}_na_reason`, "VARCHAR"],
  ]),
];

/** mart_ntp_impact: one row per time_period × la_code × subject × breakdown × group_label (urn NULL), outcome_measure a further column. */
async function writeMart(db: Db, rows: Row[]): Promise<void> {
  const full = rows.map((r): Row => {
    const diffReason = r.b_diff === undefined ? ((r.na_reason as string | null | undefined) ?? r.diff_na_reason ?? null) : null;
    const excludedReason =
      r.n_excluded_unknown_covariate === null ? ((r.n_excluded_unknown_covariate_na_reason as string | undefined) ?? "not applicable: counted on the whole cohort's Total row") : null;
    return {
      ...r,
      n_excluded_unknown_covariate_na_reason: excludedReason,
      b_diff_na_reason: diffReason,
      se_diff_na_reason: diffReason,
      ci_low_diff_na_reason: diffReason,
      ci_high_diff_na_reason: diffReason,
    };
  });
  await db.writeTable("mart_ntp_impact", MART_COLUMNS, full);
}

async function tableExists(db: Db, table: string): Promise<boolean> {
  return (await db.one(`select 1 as x from information_schema.tables where table_name = ?`, [table])) !== undefined;
}
