// The ntp profile's impact models (programmes.md §3 §2–§3, §5; measures.md §3): each entry of
// models.ts NTP_IMPACT_MODELS fitted on each outcome measure's sample, over the whole cohort and,
// where the entry says so, over each §5 group, by the runner both programmes share (grouped-ols.ts);
// school-clustered CR1 standard errors; each part's difference from the reference part, SE
// √(V_ii + V_jj − 2V_ij). A model publishes rows of mart_ntp_impact (one per part) or columns of
// the whole-cohort and §5 rows (the dose), beside which each such row gets its balance (§3) and
// mart_ntp_attainment its §6 figures (ntp-attainment.ts).
// No pupil row is read here: one GROUP BY in DuckDB sums each model's cells per school, scale and
// NC year (ntp-sums.ts, ntp_impact_cluster_sums.sql), from which each model's normal equations and
// each school's CR1 score are assembled, and the balance and §6 figures read.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { requireNtpTransform } from "../transform/ntp.ts";
import { type CellFit, cellTotal, type CellSums, sandwich, solveCells } from "./grouped-ols.ts";
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
import { covariateSum, type GroupSums, groupKeyOf, type MeasureKey, measureKeyOf, ntpGroupSums, type SumsRow, sideSums } from "./ntp-sums.ts";
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

/** A model group's solved normal equations: the fit, its parts' positions and its columns as SQL names them. */
interface Solved {
  fit: CellFit;
  partIndex: Map<string, number>;
  /** Each design column's name in ntp_impact_beta (ntp_impact_scores.sql). */
  sqlNames: string[];
  cov?: number[][];
}

/** The reason a model group is not fitted (measures.md §3 minimums), or null. */
function modelNa(group: GroupSums | undefined): string | null {
  const rows = group?.rows ?? [];
  const nC = count(rows.filter((r) => r.cell === "comparison"));
  const nT = count(rows) - nC;
  if (nT < MIN_PART) return `fewer than ${MIN_PART} tutees in the model`;
  if (nC < MIN_COMPARISON) return `fewer than ${MIN_COMPARISON} comparison pupils in the model`;
  if ((group?.nSchools ?? 0) < MIN_SCHOOLS) return `fewer than ${MIN_SCHOOLS} schools in the model`;
  return null;
}

const count = (rs: readonly SumsRow[]) => rs.reduce((a, r) => a + r.n, 0);

/**
 * Solves one model over one group from its sums summed over schools (ntp_impact_totals): the
 * normal equations are exact sums, so the coefficients are those of the pupils' own design.
 */
function solveModel(group: GroupSums, model: NtpImpactModel): Solved {
  const rows = group.rows;
  // Design: intercept, one dummy per part, a baseline slope per key stage and baseline scale (a
  // model of one scale has one slope per key stage), an intercept dummy per scale other than the
  // first present of NTP_SCALES (§3: a model mixing scales), NC-year dummies (the lowest year
  // present is the reference), the covariates. Slopes of key stages absent from the model are
  // empty columns, which the solver drops.
  const present = new Set(rows.map((r) => r.scale));
  for (const s of present)
    if (!(NTP_SCALES as readonly string[]).includes(s)) throw new Error(`ntp impact model: baseline scale "${s}" is not one of ${NTP_SCALES.join(", ")}`);
  const scales: string[] = NTP_SCALES.filter((s) => present.has(s));
  const years = [...new Set(rows.map((r) => r.nc_year))].sort((a, b) => a - b);
  const covariates = model.covariates;
  const parts = model.parts.map((p) => `part:${p.value}`);
  const blNames = scales.flatMap((s) => [1, 2, 3, 4].map((ks) => `bl:${s}:${ks}`));
  const shared = [
    ...scales.flatMap((s, si) => [1, 2, 3, 4].map((ks) => (si === 0 ? `baseline_ks${ks}` : `baseline_ks${ks}_${s}`))),
    ...scales.slice(1).map((s) => `scale_${s}`),
    ...years.slice(1).map((y) => `year_${y}`),
    ...covariates,
  ];
  const sqlNames = [
    "one",
    ...parts,
    ...blNames,
    ...scales.slice(1).map((s) => `scale:${s}`),
    ...years.slice(1).map((y) => `year:${y}`),
    ...covariates.map((c) => `cov:${c}`),
  ];
  const columns = ["one", ...parts, ...shared];
  const k = columns.length;
  const partIndex = new Map(model.parts.map((p, i) => [p.value, 1 + i]));
  const cellIndex = new Map(model.parts.map((p, i) => [`part:${p.value}`, 1 + i]));
  const blIndex = 1 + model.parts.length;
  const scaleIndex = new Map(scales.map((s, i) => [s, i]));
  const interceptIndex = blIndex + 4 * scales.length;
  const yearBase = interceptIndex + scales.length - 1;
  const yearIndex = new Map(years.slice(1).map((y, i) => [y, yearBase + i]));
  const covIndex = yearBase + years.length - 1;
  // Cells: the pupils of each part, and the pupils with no part (comparison pupils, a tutee whose
  // part is not listed). Within a row of sums the intercept, part, scale and year columns are 1 or
  // 0 for every pupil: Σ of their products is the row's count, with the baseline its Σb, with a
  // covariate the covariate's count.
  const sums = new Map<string, { n: number; xtx: number[][]; xty: number[] }>();
  for (const r of rows) {
    const cell = cellIndex.has(r.cell) ? r.cell : "none";
    let c = sums.get(cell);
    if (!c) sums.set(cell, (c = { n: 0, xtx: Array.from({ length: k }, () => new Array<number>(k).fill(0)), xty: new Array<number>(k).fill(0) }));
    c.n += r.n;
    const si = scaleIndex.get(r.scale)!;
    const ones = [0, cellIndex.get(r.cell), si > 0 ? interceptIndex + si - 1 : undefined, yearIndex.get(r.nc_year)].filter((i): i is number => i !== undefined);
    const bl = blIndex + 4 * si + r.key_stage - 1;
    const add = (a: number, b: number, v: number) => {
      c.xtx[a]![b] += v;
      if (a !== b) c.xtx[b]![a] += v;
    };
    for (const [ai, a] of ones.entries()) {
      for (const b of ones.slice(ai)) add(a, b, r.n);
      add(a, bl, r.s_b);
      for (const [j, cov] of covariates.entries()) add(a, covIndex + j, r[covariateSum(cov, cov)] as number);
      c.xty[a] += r.s_y;
    }
    add(bl, bl, r.s_bb);
    c.xty[bl] += r.s_by;
    for (const [i, ci] of covariates.entries()) {
      add(bl, covIndex + i, r[`s_b_${ci}`] as number);
      c.xty[covIndex + i] += r[`s_y_${ci}`] as number;
      for (const [j, cj] of covariates.entries()) if (j >= i) add(covIndex + i, covIndex + j, r[covariateSum(ci, cj)] as number);
    }
  }
  const at = new Map(columns.map((c, j) => [c, j]));
  const cells: Record<string, CellSums> = {};
  for (const [id, c] of sums) cells[id] = { n: c.n, s: (a, b) => (b === "y" ? c.xty[at.get(a)!]! : c.xtx[at.get(a)!]![at.get(b)!]!) };
  const fit = solveCells(
    cellTotal(cells, ["none", ...parts]),
    parts.map((p) => [p, [p]] as const),
    shared,
    covariates,
  );
  return { fit, partIndex, sqlNames };
}

/**
 * Solves every model group that meets the minimums, then its CR1 covariance: the coefficients go
 * to DuckDB (ntp_impact_beta), ntp_impact_scores.sql makes the meat from each school's sums.
 */
async function solveAll(db: Db, sums: Map<string, GroupSums>, models: readonly NtpImpactModel[]): Promise<Map<number, Solved>> {
  const byId = new Map(models.map((m) => [m.id, m]));
  const solved = new Map<number, Solved>();
  const beta: Row[] = [];
  for (const group of sums.values()) {
    const model = byId.get(group.modelId);
    if (!model || modelNa(group)) continue;
    const s = solveModel(group, model);
    solved.set(group.gid, s);
    for (const [pos, j] of s.fit.kept.entries()) beta.push({ gid: group.gid, col: s.sqlNames[j]!, pos, beta: s.fit.beta[j]! });
  }
  await db.writeTable(
    "ntp_impact_beta",
    [
      ["gid", "INTEGER"],
      ["col", "VARCHAR"],
      ["pos", "INTEGER"],
      ["beta", "DOUBLE"],
    ],
    beta,
    { temp: true },
  );
  await db.runFile(join(SQL_DIR, "ntp_impact_scores.sql"));
  const meats = new Map<number, number[][]>();
  for (const [gid, s] of solved)
    meats.set(
      gid,
      Array.from({ length: s.fit.kept.length }, () => new Array<number>(s.fit.kept.length).fill(0)),
    );
  for (const r of await db.all<{ gid: number; a: number; b: number; meat: number }>("select * from ntp_impact_meat")) {
    const m = meats.get(r.gid)!;
    m[r.a]![r.b] = r.meat;
    m[r.b]![r.a] = r.meat;
  }
  const groups = new Map([...sums.values()].map((g) => [g.gid, g]));
  for (const [gid, s] of solved) s.cov = sandwich(s.fit, meats.get(gid)!, groups.get(gid)!.nSchools);
  return solved;
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
