// The ntp profile's impact models (programmes.md §3 §2–§3, §5; measures.md §3): each entry of
// models.ts NTP_IMPACT_MODELS fitted on each outcome measure's sample, over the whole cohort and,
// where the entry says so, over each §5 group, by the runner both programmes share (grouped-ols.ts);
// school-clustered CR1 standard errors; each part's difference from the reference part, SE
// √(V_ii + V_jj − 2V_ij). A model publishes rows of mart_ntp_impact (one per part) or columns of
// the whole-cohort and §5 rows (the dose), beside which each such row gets its balance (§3) and
// mart_ntp_attainment its §6 figures (ntp-attainment.ts).
// One LA's pupils fit in memory (tens of thousands of rows × ~25 columns), so the cells' sums and
// the schools' scores are made here rather than in SQL (impact.ts does that for national runs).
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { requireNtpTransform } from "../transform/ntp.ts";
import { cellTotal, type CellSums, clusterCovariance, solveCells } from "./grouped-ols.ts";
import {
  MIN_COMPARISON,
  MIN_PART,
  MIN_SCHOOLS,
  NTP_BREAKDOWNS,
  NTP_IMPACT_MODELS,
  NTP_SCALES,
  type NtpBreakdown,
  type NtpImpactModel,
  OUTCOME_MEASURES,
} from "./models.ts";
import { attainmentFigures, writeAttainmentMart } from "./ntp-attainment.ts";
import { BALANCE_COLUMNS, balanceFigures, balanceNotApplicable } from "./ntp-balance.ts";
import { type SampleRow, scaleOf } from "./ntp-sample.ts";
import { studentTQuantile } from "./ols.ts";

export { MIN_PART, NTP_BREAKDOWNS, NTP_IMPACT_SPLITS, OUTCOME_MEASURES } from "./models.ts";
export { BALANCE_VARIABLES, balanceFigures, balanceName } from "./ntp-balance.ts";
export type { SampleRow } from "./ntp-sample.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

type Row = Record<string, string | number | boolean | null>;

/**
 * Which of the manifest's models a build fits, each field defaulting to all: the outcome
 * measures (default: every measure with tutees), the §5 breakdowns (NTP_BREAKDOWNS entries) and
 * the models (NTP_IMPACT_MODELS entries). A run fits everything; a test that reads a few rows of
 * the marts asks for just their models (each fit is ~31 per measure and subject otherwise), or
 * adds an entry of its own.
 */
export interface NtpModelSelection {
  measures?: readonly string[];
  breakdowns?: NtpBreakdown[];
  splits?: NtpImpactModel[];
}

const ESTIMATES = [
  ["b", "b"],
  ["se", "se"],
  ["ciLow", "ci_low"],
  ["ciHigh", "ci_high"],
] as const;

/**
 * The columns of a model published as columns (the dose) on one whole-cohort or §5 row: each
 * part's tutees and, when each part has ≥ MIN_PART tutees and the model's minimums hold
 * (measures.md §3), each one's impact, SE and CI; else every estimate x with the reason (all of
 * them, even when one part is large enough). `na`: a reason every figure is x, counts too.
 */
export function columnFigures(model: NtpImpactModel, pupils: SampleRow[], na: string | null): Row {
  const out: Row = {};
  const results = fitSplit(pupils, model);
  const short = model.parts.find((_, i) => (results[i]!.figures.n_t as number) < MIN_PART);
  const reason =
    na ??
    (short
      ? `fewer than ${MIN_PART} tutees with a ${short.label.toLowerCase()} in the model`
      : ((results.find((r) => r.figures.na_reason)?.figures.na_reason as string | undefined) ?? null));
  for (const [i, part] of model.parts.entries()) {
    const cols = partColumns(model, part.value);
    const f = results[i]!.figures;
    out[cols.n] = na ? null : f.n_t!;
    if (na) out[`${cols.n}_na_reason`] = na;
    for (const [e, key] of ESTIMATES) {
      out[cols[e]] = reason ? null : f[key]!;
      if (reason) out[`${cols[e]}_na_reason`] = reason;
    }
  }
  return out;
}

/** The dose columns (measures.md §3: full and partial place) of one whole-cohort or §5 row. */
export function doseFigures(pupils: SampleRow[], na: string | null): Row {
  const dose = NTP_IMPACT_MODELS.find((m) => m.id === "dose");
  if (!dose) throw new Error("pipelines/measures/models.ts: NTP_IMPACT_MODELS has no dose entry");
  return columnFigures(dose, pupils, na);
}

function partColumns(model: NtpImpactModel, part: string) {
  const cols = model.columns?.[part];
  if (!cols) throw new Error(`pipelines/measures/models.ts: ntp model ${model.id} publishes columns but names none for its part "${part}"`);
  return cols;
}

/** A model's columns in mart order: each part's count, b, SE and CI. */
const modelColumns = (model: NtpImpactModel): string[] =>
  model.parts.flatMap((p) => {
    const c = partColumns(model, p.value);
    return [c.n, ...ESTIMATES.map(([e]) => c[e])];
  });

/** Every column of a columns model `z` (a row its model is not published on). */
function columnsNotApplicable(model: NtpImpactModel): Row {
  const out: Row = {};
  for (const c of modelColumns(model))
    Object.assign(out, { [c]: null, [`${c}_na_reason`]: `not applicable: the ${model.id} is on the whole cohort's and pupil groups' rows` });
  return out;
}

/**
 * Builds ntp_impact_sample (the pupils the models use: baseline, outcome and every covariate
 * known) and mart_ntp_impact (with mart_ntp_attainment: the rows of the selected models only).
 * After transformNtp (pipelines/transform/ntp.ts: int_ntp_analysis_pupils, int_ntp_place_costs).
 */
export async function buildNtpImpactMart(db: Db, settings: ResolvedSettings, selection: NtpModelSelection = {}): Promise<void> {
  const { measures, breakdowns = NTP_BREAKDOWNS, splits: models = NTP_IMPACT_MODELS } = selection;
  for (const m of measures ?? [])
    if (!(OUTCOME_MEASURES as readonly string[]).includes(m))
      throw new Error(
        `pipelines/measures/ntp-impact.ts: the manifest's outcome measure "${m}" is not one of ${OUTCOME_MEASURES.join(", ")} (programmes.md §2)`,
      );
  // the samples and a tutee's place cost (§14, for the cost per point of impact, §9) come from the transform
  await requireNtpTransform(db, "int_ntp_analysis_pupils", "The NTP impact models");
  await ensureRunContext(db, settings);
  await db.runFile(join(SQL_DIR, "ntp_impact_sample.sql"));
  const sample = await db.all<SampleRow & { outcome_measure: string }>(
    `select time_period, la_code, urn, subject, outcome_measure, tutored, route, group_size, place, nc_year, key_stage, baseline, baseline_scale,
      outcome, disadvantaged, cla, eal, female, sen_any, sen_provision, ethnicity_major, place_cost_gbp
    from ntp_impact_sample ${measures ? `where outcome_measure in (${measures.map(() => "?").join(", ") || "null"})` : ""}
    order by time_period, la_code, subject, outcome_measure, urn, upn`,
    measures ? [...measures] : undefined,
  );
  const excluded = await db.all<{ time_period: string; la_code: string; subject: string; outcome_measure: string; n: number }>(
    "select * from ntp_impact_excluded",
  );
  const keys = await db.all<{ time_period: string; la_code: string; subject: string; outcome_measure: string }>(
    "select * from ntp_impact_keys order by time_period, la_code, subject, outcome_measure",
  );
  const keyOf = (r: { time_period: string; la_code: string; subject: string; outcome_measure: string }) =>
    `${r.time_period}\u0001${r.la_code}\u0001${r.subject}\u0001${r.outcome_measure}`;
  const expectedStd = settings.ntp?.expected_standardised_score ?? 85;
  const rowModels = models.filter((m) => m.publish === "rows");
  const columnModels = models.filter((m) => m.publish === "columns");
  const rows: Row[] = [];
  const attainment: Row[] = [];
  const keyed = new Map<string, SampleRow[]>(keys.filter((k) => !measures || measures.includes(k.outcome_measure)).map((k) => [keyOf(k), []]));
  for (const r of sample) keyed.get(keyOf(r))?.push(r);
  for (const [key, pupils] of keyed) {
    const [time_period, la_code, subject, outcome_measure] = key.split("\u0001") as [string, string, string, string];
    const nExcluded = excluded.find((e) => keyOf(e) === key)?.n ?? 0;
    const measureNa = measureNotAvailable(time_period, outcome_measure);
    const fits = (m: NtpImpactModel, def: NtpBreakdown) =>
      (m.groups === "each_group" || def.breakdown === "total") && (m.outcomes as readonly string[]).includes(outcome_measure);
    for (const def of breakdowns) {
      const keyRows: { impact: Row; attainment: Row }[] = [];
      for (const label of def.labels) {
        const members = pupils.filter((r) => def.of(r, expectedStd) === label);
        const comparison = members.filter((r) => !r.tutored);
        for (const model of rowModels) {
          // A model of its own breakdown (routes, sizes) is fitted over the whole cohort only (§3, §4).
          if (!fits(model, def)) continue;
          // the whole cohort's and §5 groups' own rows, which carry the columns models and balance
          const own = model.breakdown === "total";
          const breakdown = own ? def.breakdown : model.breakdown;
          const results = fitSplit(members, model);
          for (const [i, out] of results.entries()) {
            const part = model.parts[i]!;
            const tutees = members.filter((r) => r.tutored && (model.column === undefined || r[model.column] === part.value));
            // KS2 in 2020/21: every figure x with the reason, counts too (a NULL count is x, not an empty denominator's z)
            if (measureNa) Object.assign(out.figures, { na_reason: measureNa, cost_per_point_gbp_na_reason: measureNa, n_t: null, n_c: null, n_schools: null });
            const keyCols = { time_period, la_code, urn: null, subject, breakdown, group_label: own ? label : out.label, outcome_measure };
            const first = def.breakdown === "total" && own;
            const impact: Row = {
              ...keyCols,
              n_excluded_unknown_covariate: first && !measureNa ? nExcluded : null,
              ...(measureNa && first ? { n_excluded_unknown_covariate_na_reason: measureNa } : {}),
              ...out.figures,
              ...Object.assign(
                {},
                ...columnModels.map((c) => (c.breakdown === model.breakdown && fits(c, def) ? columnFigures(c, members, measureNa) : columnsNotApplicable(c))),
              ),
              ...(own ? balanceFigures(tutees, comparison, measureNa) : balanceNotApplicable()),
            };
            const att: Row = {
              ...keyCols,
              ...attainmentFigures(tutees, comparison, outcome_measure, expectedStd, measureNa),
            };
            rows.push(impact);
            attainment.push(att);
            if (own) keyRows.push({ impact, attainment: att });
          }
        }
      }
      if (def.concern) addGap(def, keyRows);
    }
  }
  await writeMart(db, rows, columnModels);
  await writeAttainmentMart(db, attainment);
}

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
function addGap(def: NtpBreakdown, groupRows: { impact: Row; attainment: Row }[]): void {
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
    if (typeof a === "number" && typeof b === "number")
      Object.assign(concern.attainment, { [`gap_progress_${side}`]: a - b, [`gap_progress_${side}_na_reason`]: null });
    else
      concern.attainment[`gap_progress_${side}_na_reason`] =
        concern.attainment[`mean_progress_${side}_na_reason`] ?? "mean progress not available for both groups";
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

/** Fits one model over one group's pupils; one result per part (exported for the R oracle test). */
export function fitSplit(all: SampleRow[], split: NtpImpactModel): PartResult[] {
  const pupils = all.filter((r) => split.sample.includes(r.tutored ? "tutees" : "comparison"));
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
  // first present of NTP_SCALES (§3: a model mixing scales), NC-year dummies (the lowest year
  // present is the reference), the covariates. Slopes of key stages absent from the model are
  // empty columns, which the solver drops.
  const present = new Set(pupils.map(scaleOf));
  for (const s of present)
    if (!(NTP_SCALES as readonly string[]).includes(s)) throw new Error(`ntp impact model: baseline scale "${s}" is not one of ${NTP_SCALES.join(", ")}`);
  const scales: string[] = NTP_SCALES.filter((s) => present.has(s));
  const years = [...new Set(pupils.map((r) => r.nc_year))].sort((a, b) => a - b);
  const covariates = split.covariates;
  const parts = split.parts.map((p) => `part:${p.value}`);
  const shared = [
    ...scales.flatMap((s, si) => [1, 2, 3, 4].map((ks) => (si === 0 ? `baseline_ks${ks}` : `baseline_ks${ks}_${s}`))),
    ...scales.slice(1).map((s) => `scale_${s}`),
    ...years.slice(1).map((y) => `year_${y}`),
    ...covariates,
  ];
  const columns = ["one", ...parts, ...shared];
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
    const part = partIndex.get(partOf(r) ?? "");
    if (part !== undefined) x[part] = 1;
    const si = scaleIndex.get(scaleOf(r))!;
    x[blIndex + 4 * si + r.key_stage - 1] = r.baseline;
    if (si > 0) x[interceptIndex + si - 1] = 1;
    const yi = yearIndex.get(r.nc_year);
    if (yi !== undefined) x[yi] = 1;
    for (const [i, c] of covariates.entries()) x[covIndex + i] = r[c] ? 1 : 0;
    return x;
  };
  // Cells: each school's pupils of each part, and its pupils with no part (comparison pupils, a
  // tutee whose part is not listed); the model sums them all, each school's score sums its own.
  const sums = new Map<string, Map<string, { n: number; xtx: number[][]; xty: number[] }>>();
  for (const r of pupils) {
    const x = xRow(r);
    const part = partOf(r);
    const cell = part !== undefined && partIndex.has(part) ? `part:${part}` : "none";
    if (!sums.has(r.urn)) sums.set(r.urn, new Map());
    const school = sums.get(r.urn)!;
    let c = school.get(cell);
    if (!c) school.set(cell, (c = { n: 0, xtx: Array.from({ length: k }, () => new Array<number>(k).fill(0)), xty: new Array<number>(k).fill(0) }));
    c.n++;
    for (let a = 0; a < k; a++) {
      if (x[a] === 0) continue;
      c.xty[a] += x[a]! * r.outcome;
      for (let b = 0; b < k; b++) c.xtx[a]![b] += x[a]! * x[b]!;
    }
  }
  const at = new Map(columns.map((c, j) => [c, j]));
  const clusters = [...sums.values()].map((school) => {
    const cells: Record<string, CellSums> = {};
    for (const [id, c] of school) cells[id] = { n: c.n, s: (a, b) => (b === "y" ? c.xty[at.get(a)!]! : c.xtx[at.get(a)!]![at.get(b)!]!) };
    return cellTotal(cells, ["none", ...parts]);
  });
  const fit = solveCells(
    (a, b, only) => clusters.reduce((acc, t) => acc + t(a, b, only), 0),
    parts.map((p) => [p, [p]] as const),
    shared,
    covariates,
  );
  const kk = fit.kept.length;
  const cov = clusterCovariance(fit, clusters);
  const v = (a: number, b: number): number => cov[a]![b]!;
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

const DIFFERENCE = ["b_diff", "se_diff", "ci_low_diff", "ci_high_diff"];
const typed = (cols: string[], type: string): [string, string][] => cols.map((c) => [c, type]);

/** mart_ntp_impact's columns: the keys, the figures of each row, then each columns model's, then balance, each figure with its own reason. */
function martColumns(columnModels: NtpImpactModel[]): [string, string][] {
  return [
    ...NTP_MART_KEYS,
    ...typed(["n_t", "n_c", "n_schools", "n_excluded_unknown_covariate"], "INTEGER"),
    ["n_excluded_unknown_covariate_na_reason", "VARCHAR"],
    ...typed(["b", "se", "ci_low", "ci_high"], "DOUBLE"),
    ["df", "INTEGER"],
    ...typed(["s_pooled", "g"], "DOUBLE"),
    ["k_params", "INTEGER"],
    ...typed(["tutee_cost_gbp", "cost_per_point_gbp"], "DOUBLE"),
    ...typed(["cost_per_point_gbp_na_reason", "na_reason"], "VARCHAR"),
    ...typed(DIFFERENCE, "DOUBLE"),
    // disclosure control reads <indicator>_na_reason: each difference figure carries the difference's reason
    ...typed(
      DIFFERENCE.map((c) => `${c}_na_reason`),
      "VARCHAR",
    ),
    ...columnModels.flatMap((m) => {
      const counts = new Set(m.parts.map((p) => partColumns(m, p.value).n));
      return modelColumns(m).flatMap((c): [string, string][] => [
        [c, counts.has(c) ? "INTEGER" : "DOUBLE"],
        [`${c}_na_reason`, "VARCHAR"],
      ]);
    }),
    ...BALANCE_COLUMNS.flatMap((c): [string, string][] => [
      [c, c.endsWith("_n_t") || c.endsWith("_n_c") ? "INTEGER" : "DOUBLE"],
      [`${c}_na_reason`, "VARCHAR"],
    ]),
  ];
}

/** mart_ntp_impact: one row per time_period × la_code × subject × breakdown × group_label (urn NULL), outcome_measure a further column. */
async function writeMart(db: Db, rows: Row[], columnModels: NtpImpactModel[]): Promise<void> {
  const full = rows.map((r): Row => {
    const diffReason = r.b_diff === undefined ? ((r.na_reason as string | null | undefined) ?? r.diff_na_reason ?? null) : null;
    const excludedReason =
      r.n_excluded_unknown_covariate === null
        ? ((r.n_excluded_unknown_covariate_na_reason as string | undefined) ?? "not applicable: counted on the whole cohort's Total row")
        : null;
    return { ...r, n_excluded_unknown_covariate_na_reason: excludedReason, ...Object.fromEntries(DIFFERENCE.map((c) => [`${c}_na_reason`, diffReason])) };
  });
  await db.writeTable("mart_ntp_impact", martColumns(columnModels), full);
}
