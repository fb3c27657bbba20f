// The ntp profile's impact models (programmes.md §3 §2–§3, §5; measures.md §3): each entry of
// models.ts NTP_IMPACT_MODELS fitted on each outcome measure's sample, over the whole cohort and,
// where the entry says so, over each §5 group, by the runner both programmes share (grouped-ols.ts);
// school-clustered CR1 standard errors; each part's difference from the reference part, SE
// √(V_ii + V_jj − 2V_ij). A model publishes rows of mart_ntp_impact (one per part) or columns of
// the whole-cohort and §5 rows (the dose), beside which each such row gets its balance (§3) and
// mart_ntp_attainment its §6 figures (ntp-attainment.ts).
// No pupil row is read here: one GROUP BY in DuckDB sums each model's cells per school, scale and
// NC year (ntp-sums.ts, ntp_impact_cluster_sums.sql), from which each model is solved with its CR1
// covariance (ntp-solve.ts), and the balance and §6 figures read.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { requireNtpTransform } from "../transform/ntp.ts";
import { MIN_PART, NTP_BREAKDOWNS, NTP_IMPACT_MODELS, type NtpBreakdown, type NtpImpactModel, OUTCOME_MEASURES } from "./models.ts";
import { attainmentFigures, writeAttainmentMart } from "./ntp-attainment.ts";
import { BALANCE_COLUMNS, balanceFigures, balanceNotApplicable } from "./ntp-balance.ts";
import { type GroupSums, groupKeyOf, type MeasureKey, measureKeyOf, ntpGroupSums, type SumsRow, sideSums } from "./ntp-sums.ts";
import { count, modelNa, type Solved, solveAll } from "./ntp-solve.ts";
import { studentTQuantile } from "./ols.ts";

export { MIN_PART, NTP_BREAKDOWNS, NTP_IMPACT_ROW_MODELS, OUTCOME_MEASURES } from "./models.ts";
export { BALANCE_VARIABLES, balanceName } from "./ntp-balance.ts";

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
  models?: NtpImpactModel[];
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
function columnFigures(model: NtpImpactModel, group: GroupSums | undefined, solved: Map<number, Solved>, na: string | null): Row {
  const out: Row = {};
  const results = fitModel(group, model, solved);
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
  const { measures } = selection;
  for (const m of measures ?? [])
    if (!(OUTCOME_MEASURES as readonly string[]).includes(m))
      throw new Error(
        `pipelines/measures/ntp-impact.ts: the manifest's outcome measure "${m}" is not one of ${OUTCOME_MEASURES.join(", ")} (programmes.md §2)`,
      );
  // the samples and a tutee's place cost (§14, for the cost per point of impact, §9) come from the transform
  await requireNtpTransform(db, "int_ntp_analysis_pupils", "The NTP impact models");
  await ensureRunContext(db, settings);
  await db.runFile(join(SQL_DIR, "ntp_impact_sample.sql"));
  await buildNtpImpactFromSample(db, settings.ntp?.expected_standardised_score ?? 85, selection);
}

/**
 * Builds mart_ntp_impact and mart_ntp_attainment from ntp_impact_sample, ntp_impact_excluded and
 * ntp_impact_keys (ntp_impact_sample.sql; the R oracle test loads its fixture as that table).
 * `expectedStd`: the expected_standardised_score setting (§1).
 */
export async function buildNtpImpactFromSample(db: Db, expectedStd: number, selection: NtpModelSelection = {}): Promise<void> {
  const { measures, breakdowns = NTP_BREAKDOWNS, models = NTP_IMPACT_MODELS } = selection;
  const sums = await ntpGroupSums(db, models, breakdowns, expectedStd, measures);
  const solved = await solveAll(db, sums, models);
  const excluded = await db.all<MeasureKey & { n: number }>("select * from ntp_impact_excluded");
  const keys = await db.all<MeasureKey>("select * from ntp_impact_keys order by time_period, la_code, subject, outcome_measure");
  const rowModels = models.filter((m) => m.publish === "rows");
  const columnModels = models.filter((m) => m.publish === "columns");
  const rows: Row[] = [];
  const attainment: Row[] = [];
  for (const key of keys.filter((k) => !measures || measures.includes(k.outcome_measure))) {
    const { time_period, la_code, subject, outcome_measure } = key;
    const nExcluded = excluded.find((e) => measureKeyOf(e) === measureKeyOf(key))?.n ?? 0;
    const measureNa = measureNotAvailable(time_period, outcome_measure);
    const fits = (m: NtpImpactModel, def: NtpBreakdown) =>
      (m.groups === "each_group" || def.breakdown === "total") && (m.outcomes as readonly string[]).includes(outcome_measure);
    for (const def of breakdowns) {
      const keyRows: { impact: Row; attainment: Row }[] = [];
      for (const label of def.labels) {
        const groupOf = (m: NtpImpactModel) => sums.get(groupKeyOf(key, m.id, def.breakdown, label));
        for (const model of rowModels) {
          // A model of its own breakdown (routes, sizes) is fitted over the whole cohort only (§3, §4).
          if (!fits(model, def)) continue;
          // the whole cohort's and §5 groups' own rows, which carry the columns models and balance
          const own = model.breakdown === "total";
          const breakdown = own ? def.breakdown : model.breakdown;
          const group = groupOf(model);
          const results = fitModel(group, model, solved);
          // the §5 group's comparison pupils in the model (every model of the manifest has them all)
          const comparison = sideSums((group?.rows ?? []).filter((r) => r.cell === "comparison"));
          for (const [i, out] of results.entries()) {
            const part = model.parts[i]!;
            const tutees = sideSums((group?.rows ?? []).filter((r) => isTutee(r, model, part.value)));
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
                ...columnModels.map((c) =>
                  c.breakdown === model.breakdown && fits(c, def) ? columnFigures(c, groupOf(c), solved, measureNa) : columnsNotApplicable(c),
                ),
              ),
              ...(own ? balanceFigures(tutees, comparison, measureNa) : balanceNotApplicable()),
            };
            const att: Row = {
              ...keyCols,
              ...attainmentFigures(tutees, comparison, outcome_measure, measureNa),
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

/** A row of a model's sums is of a tutee of `part` (a model of no column: every tutee is). */
const isTutee = (r: SumsRow, model: NtpImpactModel, part: string): boolean =>
  r.cell !== "comparison" && (model.column === undefined || r.cell === `part:${part}`);

/** Σ (y − ȳ)² of the pupils of some rows, from their Σy, Σy² and count. */
function sumOfSquares(rows: readonly SumsRow[]): number {
  const { n, s_y, s_yy } = rows.reduce((a, r) => ({ n: a.n + r.n, s_y: a.s_y + r.s_y, s_yy: a.s_yy + r.s_yy }), { n: 0, s_y: 0, s_yy: 0 });
  return Math.max(0, s_yy - (s_y * s_y) / n);
}

/** One model over one group, from its sums and its solved fit (solveAll); one result per part. */
function fitModel(group: GroupSums | undefined, model: NtpImpactModel, solved: Map<number, Solved>): PartResult[] {
  const rows = group?.rows ?? [];
  const comparison = rows.filter((r) => r.cell === "comparison");
  const g = group?.nSchools ?? 0;
  const nC = count(comparison);
  const tuteesOf = (value: string) => rows.filter((r) => r.cell === `part:${value}`);
  const base = (value: string): Row => ({ n_t: count(tuteesOf(value)), n_c: nC, n_schools: g });
  const na = modelNa(group);
  if (na) return model.parts.map((p) => ({ label: p.label, figures: { ...base(p.value), na_reason: na } }));
  const { fit, partIndex, cov } = solved.get(group!.gid)!;

  const kk = fit.kept.length;
  const v = (a: number, b: number): number => cov![a]![b]!;
  const tCrit = studentTQuantile(0.975, g - 1);
  const posOf = (value: string) => fit.kept.indexOf(partIndex.get(value)!);
  const ssC = sumOfSquares(comparison);
  const ref = model.reference;
  return model.parts.map((p) => {
    const tutees = tuteesOf(p.value);
    const figures: Row = { ...base(p.value) };
    const pos = posOf(p.value);
    const nT = count(tutees);
    if (nT < MIN_PART) figures.na_reason = `fewer than ${MIN_PART} tutees in this part of the model`;
    else if (pos < 0) figures.na_reason = "this part is collinear with the covariates";
    else {
      const b = fit.beta[partIndex.get(p.value)!]!;
      const se = Math.sqrt(v(pos, pos));
      // g: s_pooled and J from this part's tutees and all comparison pupils (§3)
      const sPooled = Math.sqrt((sumOfSquares(tutees) + ssC) / (nT + nC - 2));
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
      const costs = group?.costs.get(`part:${p.value}`);
      if (costs?.known) {
        const cost = costs.cost ?? 0;
        figures.tutee_cost_gbp = cost;
        if (b - tCrit * se > 0) figures.cost_per_point_gbp = cost / (b * nT);
        else figures.cost_per_point_gbp_na_reason = "Not available: the impact is not above 0 with its confidence interval excluding 0";
      } else figures.cost_per_point_gbp_na_reason = "Not available: the course costs of the model's tutees are not known";
      if (ref !== undefined && p.value !== ref) {
        const rPos = posOf(ref);
        if (count(tuteesOf(ref)) >= MIN_PART && rPos >= 0) {
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
