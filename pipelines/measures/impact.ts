// The impact models of measures.md §3 (primary and dose), §4 (exact matching), the gap
// measures of §5, cost per point of §9 and the school comparisons of §11.
//
// Scales to national data without pulling pupil rows into JavaScript: one GROUP BY in DuckDB
// sums the cross-products X'X, X'y per model, school (the cluster) and cell (comparison / full
// place / partial place); their sums over schools are each model's normal equations, which
// TypeScript solves (grouped-ols.ts); the coefficients go back into DuckDB, and each school's
// CR1 score and §11 residuals follow from its own sums and the coefficients, in SQL, without
// reading the pupils again. Which models are fitted, over which breakdowns, and which columns
// they fill is the manifest in models.ts.
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { literal, type Db, type Row } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { defineGroupLabel } from "../transform/index.ts";
import { roundHalfAway } from "../core/round.ts";
import { cellTotal, solveCells } from "./grouped-ols.ts";
import { cr1Factor, eefMonths, studentTQuantile, type DropReason } from "./ols.ts";
import {
  CELLS,
  COVARIATES,
  IMPACT_BREAKDOWNS,
  IMPACT_MODELS,
  MIN_COMPARISON,
  MIN_SCHOOLS,
  MIN_TUTEES,
  TREATMENTS,
  primaryModel,
  splitBlocks,
  splitColumns,
  type Cell,
  type ImpactBreakdown,
  type ImpactModel,
  type TreatmentId,
} from "./models.ts";

export { MIN_COMPARISON, MIN_DOSE_GROUP, MIN_SCHOOLS, MIN_TUTEES } from "./models.ts";

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), "sql");

/** Design columns shared by every model, in fitting order (intercept first): the manifest's COVARIATES. */
const COMMON = COVARIATES.map((c) => c.col);
const NC_DUMMIES = COVARIATES.filter((c) => c.kind === "nc_year").map((c) => c.col);
const BINARY_COVARIATES = COVARIATES.filter((c) => c.kind === "binary").map((c) => c.col);
/** Names of the covariates and treatments in dropped_covariates and the reasons. */
const LABEL: Record<string, string> = {
  ...Object.fromEntries(COVARIATES.map((c) => [c.col, c.label])),
  ...Object.fromEntries(Object.entries(TREATMENTS).map(([id, t]) => [id, t.label])),
};
const KEY = ["time_period", "la_code", "subject", "breakdown", "group_label"] as const;

/** SQL column holding Σ a·b for two design columns (or y). */
function sumName(a: string, b: string): string {
  return `s__${a}__${b}`;
}
function sqlExpr(c: string): string {
  return c === "one" ? "1.0" : c;
}
const PAIRS: [string, string][] = [];
{
  const cols = [...COMMON, "y"];
  for (let i = 0; i < cols.length; i++) for (let j = i; j < cols.length; j++) PAIRS.push([cols[i]!, cols[j]!]);
}
const KIND: Record<string, string> = Object.fromEntries(COVARIATES.map((c) => [c.col, c.kind]));
/**
 * The column of impact_cluster_sums that holds Σ a·b, or null where the sum is 0 by design. Two
 * NC-year dummies, or two key stages' baselines, are never both non-zero for one pupil (Σ = 0),
 * and a 0/1 column's square is the column itself (Σ x·x = Σ 1·x, the same integer): the pass over
 * the pupils leaves those 53 of the 190 sums out, exactly, and spends a third less on the rest.
 */
function storedPair(a: string, b: string): string | null {
  const order = [...COMMON, "y"];
  const [p, q] = order.indexOf(a) <= order.indexOf(b) ? [a, b] : [b, a];
  const kind = KIND[p];
  if (p !== q && (kind === "nc_year" || kind === "baseline") && KIND[q] === kind) return null;
  if (p === q && (kind === "nc_year" || kind === "binary")) return sumName("one", p);
  return sumName(p, q);
}
const STORED_PAIRS = PAIRS.filter(([a, b]) => storedPair(a, b) === sumName(a, b));

interface CellSums {
  n: number;
  nExcluded: number;
  cost: number;
  doseUnknown: number;
  costUnknown: number;
  s: (a: string, b: string) => number;
}

interface ModelKey {
  time_period: string;
  la_code: string;
  subject: string;
  breakdown: string;
  group_label: string;
}

/** One variant's solved system: the design columns used and what the sandwich needs. */
interface Solved {
  columns: string[];
  beta: number[];
  /** Rows of (X'X)^-1 for the coefficients whose SE we report, zero for dropped columns. */
  weights: Record<string, number[]>;
  dropped: { name: string; reason: DropReason }[];
  k: number;
  n: number;
}

/** Builds the cross-product system of one variant from the cells and solves it. */
function solveVariant(cells: Partial<Record<Cell, CellSums>>, treatment: TreatmentId[], use: Cell[]): Solved {
  // The runner both programmes share (grouped-ols.ts); treatments are indicators of cells (models.ts TREATMENTS).
  const total = cellTotal(cells, use);
  // The lowest NC year present is the reference category (left out, not "dropped").
  const reference = NC_DUMMIES.find((d) => total("one", d) > 0);
  const fit = solveCells(
    total,
    treatment.map((t) => [t, TREATMENTS[t].cells] as const),
    COMMON.filter((c) => c !== "one" && c !== reference),
    BINARY_COVARIATES,
  );
  const { columns, n } = fit;
  const k = columns.length;
  const weights: Record<string, number[]> = {};
  for (const t of treatment) {
    const pos = fit.kept.indexOf(columns.indexOf(t));
    const w = new Array<number>(k).fill(0);
    if (pos >= 0) for (const [q, col] of fit.kept.entries()) w[col] = fit.inverse[pos]![q]!;
    weights[t] = w;
  }
  return {
    columns,
    beta: fit.beta.map((b) => (Number.isNaN(b) ? 0 : b)),
    weights,
    dropped: fit.dropped.filter((d) => columns[d.index] !== "one").map((d) => ({ name: columns[d.index]!, reason: d.reason })),
    k: fit.kept.length,
    n,
  };
}

function keyOf(r: Row): string {
  return KEY.map((k) => String(r[k])).join("\u0001");
}

/** The models a run fits (models.ts); a test may pass its own manifest to see an entry reach the marts. */
export interface ImpactManifest {
  models: ImpactModel[];
  breakdowns: ImpactBreakdown[];
}

/** Builds mart_impact, mart_balance, mart_matched, mart_gaps and mart_school_progress. */
export async function buildImpactMarts(
  db: Db,
  settings: ResolvedSettings,
  manifest: ImpactManifest = { models: IMPACT_MODELS, breakdowns: IMPACT_BREAKDOWNS },
): Promise<void> {
  const { models: manifestModels } = manifest;
  const context = await ensureRunContext(db, settings);
  await writeManifestTables(db, manifest);
  // the design matrix, once per pupil, then per model and per model's fitted rows
  await defineGroupLabel(db);
  for (const file of ["impact_pupils.sql", "impact_design.sql", "impact_model_rows.sql"]) await db.runFile(join(SQL_DIR, file));

  await aggregateCrossProducts(db, context.several_las);
  const sums = await db.all("select * from impact_sums");
  const schools = new Map((await db.all("select * from impact_schools")).map((r) => [keyOf(r), Number(r.g)]));
  const models = new Map<string, { key: ModelKey; cells: Partial<Record<Cell, CellSums>> }>();
  for (const r of sums) {
    const id = keyOf(r);
    let m = models.get(id);
    if (!m) {
      m = { key: Object.fromEntries(KEY.map((k) => [k, String(r[k])])) as unknown as ModelKey, cells: {} };
      models.set(id, m);
    }
    const cell = r.cell as Cell;
    m.cells[cell] = {
      n: Number(r.n),
      nExcluded: Number(r.n_excluded),
      cost: Number(r.cost_gbp ?? 0),
      doseUnknown: Number(r.n_dose_unknown ?? 0),
      costUnknown: Number(r.n_cost_unknown ?? 0),
      s: (a, b) => {
        if (a === "one" && b === "one") return Number(r.n);
        const column = storedPair(a, b);
        return column === null ? 0 : Number(r[column] ?? 0);
      },
    };
  }

  const estimates: Row[] = [];
  const coefficients: Row[] = [];
  for (const { key, cells } of models.values()) {
    const est = estimateModel(manifestModels, key, cells, schools.get(keyOf(key as unknown as Row)) ?? 0);
    estimates.push(est.row);
    if (est.coef) coefficients.push({ ...key, ...est.coef });
  }
  await writeCoefficients(db, manifestModels, coefficients);
  await scoreSchools(db, manifestModels);
  await finishEstimates(db, manifestModels, estimates);

  for (const file of ["mart_impact.sql", "impact_matched_cells.sql", "mart_matched.sql", "mart_balance.sql", "mart_gaps.sql", "mart_school_progress.sql"]) {
    await db.runFile(join(SQL_DIR, file));
  }
}

/**
 * The manifest as SQL reads it, through bound parameters: impact_breakdowns (the breakdowns
 * whose models impact_design.sql gives each pupil to, whether each has a subject Total row, and the
 * two groups of each of mart_gaps' gaps) and the
 * variable impact_split_reasons (the na_reason column of each split model, which mart_impact.sql
 * sets to z on subject Total rows).
 */
async function writeManifestTables(db: Db, manifest: ImpactManifest): Promise<void> {
  primaryModel(manifest.models);
  await db.run(
    `create or replace temp table impact_breakdowns as
     select b.breakdown, b.subject_total, b.gap_concern, b.gap_other, b.ord
     from (select unnest(from_json(?, '[{"breakdown":"VARCHAR","subject_total":"BOOLEAN","gap_concern":"VARCHAR","gap_other":"VARCHAR","ord":"INTEGER"}]'), recursive := true)) as b`,
    [
      JSON.stringify(
        manifest.breakdowns.map((b, ord) => ({
          breakdown: b.id,
          subject_total: b.subjectTotal,
          gap_concern: b.gap?.concern ?? null,
          gap_other: b.gap?.other ?? null,
          ord,
        })),
      ),
    ],
  );
  const reasons = manifest.models.filter((m) => m.role === "split").map((m) => splitColumns(m).naReason);
  await db.run(`set variable impact_split_reasons = from_json(?, '["VARCHAR"]')`, [JSON.stringify(reasons)]);
}

/**
 * The one pass over the pupils: Σ of every cross-product per model, school and cell
 * (impact_cluster_sums), the grouped sufficient statistics every later step reads. The models'
 * X'X, X'y are their sums over schools (impact_sums), and a school's CR1 score is a function of
 * its own sums and the coefficients (scoreSchools), so no pupil row is read twice.
 */
async function aggregateCrossProducts(db: Db, national: boolean): Promise<void> {
  // `known` in the key rather than FILTER on each of the ~190 sums: DuckDB plans FILTER
  // aggregates one by one, which costs seconds even on a handful of rows. The sums of a
  // group of pupils with an unknown covariate are never read: only its count (n_excluded).
  const sumsSql = STORED_PAIRS.map(([a, b]) => `sum(${a === "one" ? sqlExpr(b) : `${a} * ${b}`}) as ${sumName(a, b)}`).join(",\n  ");
  const keyCols = KEY.join(", ");
  // The breakdown is written into the statement (a literal, not a bound parameter): a constant,
  // impact_design's group_label_of folds to that breakdown's label column (impact_design.sql).
  const clusterSums = (breakdown: string) => `
    select ${keyCols}, urn, cell, known,
        count(*) as n, sum(cost_gbp) as cost_gbp,
        sum(dose_unknown) as n_dose_unknown, sum(cost_unknown) as n_cost_unknown,
        sum(progress) as sum_progress,
        ${sumsSql}
    from impact_design(${literal(breakdown)})
    group by all`;
  // One breakdown a statement: a pass over all of them at once holds every group's ~190 running
  // sums (a national run's millions of school × group × cell keys, ~1.6 KB each) in one hash
  // table, which outgrew the memory limit and spilled partial sums of nearly every pupil row
  // (over 40 GB of temporary files, then no space left). A breakdown's keys are a ninth of them;
  // each group's sums are the same pupils' either way.
  const breakdowns = (await db.all<{ breakdown: string }>(`select breakdown from impact_breakdowns order by ord`)).map((r) => r.breakdown);
  await db.run(`create or replace temp table impact_cluster_sums as ${clusterSums("total")} limit 0`);
  for (const breakdown of breakdowns) await db.run(`insert into impact_cluster_sums ${clusterSums(breakdown)}`);
  const pairCols = STORED_PAIRS.map(([a, b]) => sumName(a, b));
  await db.run(`
    create or replace temp table impact_sums as
    with
    counts as (
        select ${keyCols}, cell, coalesce(sum(n) filter (where not known), 0)::bigint as n_excluded
        from impact_cluster_sums group by all
    ),
    sums as (
        select ${keyCols}, cell,
            sum(n)::bigint as n, sum(cost_gbp) as cost_gbp,
            sum(n_dose_unknown) as n_dose_unknown, sum(n_cost_unknown) as n_cost_unknown,
            ${pairCols.map((c) => `sum(${c}) as ${c}`).join(", ")}
        from impact_cluster_sums where known
        group by all
    ),
    final as (
        select c.*, coalesce(s.n, 0) as n, s.* exclude (${keyCols}, cell, n)
        from counts as c
        left join sums as s using (${keyCols}, cell)
    )
    select * from final`);
  // Schools per model: a school lies in one LA, so National G is the sum over LAs.
  await db.run(`
    create or replace temp table impact_schools as
    select ${keyCols}, count(distinct urn) as g
    from impact_cluster_sums where known
    group by all`);
  if (national) {
    const cols = ["n_excluded", "n", "cost_gbp", "n_dose_unknown", "n_cost_unknown", ...pairCols];
    await db.run(`
      insert into impact_sums by name
      select time_period, 'National' as la_code, subject, breakdown, group_label, cell,
        ${cols.map((c) => `sum(${c}) as ${c}`).join(", ")}
      from impact_sums group by time_period, subject, breakdown, group_label, cell`);
    await db.run(`
      insert into impact_schools
      select time_period, 'National', subject, breakdown, group_label, sum(g)
      from impact_schools group by time_period, subject, breakdown, group_label`);
    // The National model pools every LA's pupils: its schools' sums are the LAs' (impact_model_rows.sql),
    // and a school lies in one LA, so each National school row is its LA's row, copied. Summing
    // them (a GROUP BY holding ~190 running sums a key for one row each) cost CPU and, all at
    // once, more memory than a tenth of the national data had at a 600 MB limit.
    await db.run(`insert into impact_cluster_sums by name
      select * replace ('National' as la_code) from impact_cluster_sums where la_code <> 'National'`);
  }
}

interface Estimate {
  row: Row;
  coef?: Row;
}

/** Solves each model of the manifest on one key's cells: primary, split (dose) and comparison-only. */
function estimateModel(models: ImpactModel[], key: ModelKey, cells: Partial<Record<Cell, CellSums>>, g: number): Estimate {
  const n = (c: Cell) => cells[c]?.n ?? 0;
  const nT = n("full") + n("partial");
  const nC = n("comparison");
  const nExcluded = CELLS.reduce((acc, c) => acc + (cells[c]?.nExcluded ?? 0), 0);
  const cost = (cells.full?.cost ?? 0) + (cells.partial?.cost ?? 0);
  const doseUnknown = (cells.full?.doseUnknown ?? 0) + (cells.partial?.doseUnknown ?? 0);
  const costUnknown = (cells.full?.costUnknown ?? 0) + (cells.partial?.costUnknown ?? 0);
  // Outcome SDs from the sums of the (shifted) outcome: shifting leaves variances alone.
  const moments = (use: Cell[]) => {
    const m = use.reduce((a, c) => a + n(c), 0);
    const s1 = use.reduce((a, c) => a + (cells[c] ? cells[c]!.s("one", "y") : 0), 0);
    const s2 = use.reduce((a, c) => a + (cells[c] ? cells[c]!.s("y", "y") : 0), 0);
    return { m, ss: Math.max(0, s2 - (s1 * s1) / m) };
  };
  const nOf = (t: TreatmentId) => TREATMENTS[t].cells.reduce((acc, c) => acc + n(c), 0);
  const row: Row = {
    ...key,
    n_t: nT,
    n_c: nC,
    n_schools: g,
    n_excluded_unknown_covariate: nExcluded,
    tutee_cost_gbp: costUnknown > 0 ? null : cost,
  };
  for (const m of models.filter((x) => x.role === "split")) for (const t of m.treatments) row[`n_${t}`] = nOf(t);
  let na: string | null = null;
  if (nT < MIN_TUTEES) na = `fewer than ${MIN_TUTEES} tutees in the model`;
  else if (nC < MIN_COMPARISON) na = `fewer than ${MIN_COMPARISON} comparison pupils in the model`;
  else if (g < MIN_SCHOOLS) na = `fewer than ${MIN_SCHOOLS} schools in the model`;
  const coef: Row = {};
  let any = false;
  const primary = primaryModel(models);
  if (!na) {
    const main = solveVariant(cells, primary.treatments, primary.sample);
    const t = main.columns.indexOf("tutored");
    if (main.dropped.some((d) => d.name === "tutored")) na = "tuition is collinear with the covariates in this group";
    else if (main.n - main.k < 1) na = "more parameters than pupils";
    else {
      const mt = moments(["full", "partial"]);
      const mc = moments(["comparison"]);
      Object.assign(row, {
        b: main.beta[t],
        k_params: main.k,
        df: g - 1,
        t_crit: studentTQuantile(0.975, g - 1),
        cr1: cr1Factor(g, main.n, main.k),
        s_pooled: Math.sqrt((mt.ss + mc.ss) / (nT + nC - 2)),
        j_correction: 1 - 3 / (4 * (nT + nC) - 9),
        dropped_covariates: main.dropped.map((d) => `${LABEL[d.name]} (${d.reason})`).join("; ") || null,
      });
      Object.assign(coef, packCoefficients(primary.prefix, main, primary.treatments));
      any = true;
      for (const split of models.filter((x) => x.role === "split")) Object.assign(coef, estimateSplit(split, cells, g, nOf, doseUnknown, row));
    }
  }
  row.na_reason = na;
  // a split model is fitted only where the primary is
  if (na) for (const split of models.filter((x) => x.role === "split")) row[split.naReason!] = "impact not estimated";
  // §11: comparison-only LA model on the whole cohort, for schools' adjusted progress.
  for (const model of models.filter((x) => x.role === "school_progress")) {
    if (key.breakdown === "total" && key.la_code !== "National" && model.sample.reduce((acc, c) => acc + n(c), 0) > 0) {
      const comp = solveVariant(cells, model.treatments, model.sample);
      if (comp.n - comp.k >= 1) {
        Object.assign(coef, packCoefficients(model.prefix, comp, model.treatments));
        coef[`${model.prefix}_df`] = comp.n - comp.k;
        any = true;
      }
    }
  }
  return { row, coef: any ? coef : undefined };
}

/** A split model (tutored split into treatments, e.g. the dose model): fills its columns of row, returns its coefficients. */
function estimateSplit(
  model: ImpactModel,
  cells: Partial<Record<Cell, CellSums>>,
  g: number,
  nOf: (t: TreatmentId) => number,
  doseUnknown: number,
  row: Row,
): Row {
  const naReason = model.naReason!;
  const min = model.minPerTreatment ?? 0;
  const few = model.treatments.find((t) => nOf(t) < min);
  if (model.needsHours && doseUnknown > 0) row[naReason] = "hours delivered not known for every tutee in the model";
  else if (few) row[naReason] = `fewer than ${min} tutees with a ${TREATMENTS[few].label} in the model`;
  else {
    const fit = solveVariant(cells, model.treatments, model.sample);
    const lost = fit.dropped.find((d) => (model.treatments as string[]).includes(d.name));
    if (lost) row[naReason] = `${LABEL[lost.name]} is collinear with the covariates in this group`;
    else if (fit.n - fit.k < 1) row[naReason] = "more parameters than pupils";
    else {
      for (const t of model.treatments) row[model.estimates![t]!.b] = fit.beta[fit.columns.indexOf(t)];
      row[model.cr1!] = cr1Factor(g, fit.n, fit.k);
      return packCoefficients(model.prefix, fit, model.treatments);
    }
  }
  return {};
}

/** Flattens a variant's coefficients (and SE weights) into named columns for SQL. */
function packCoefficients(prefix: string, s: Solved, treatment: string[]): Row {
  const out: Row = {};
  for (const c of [...COMMON, ...treatment]) {
    const i = s.columns.indexOf(c);
    out[`${prefix}_${c}`] = i >= 0 ? s.beta[i] : 0;
    for (const t of treatment) out[`${prefix}w_${t}_${c}`] = i >= 0 ? s.weights[t]![i] : 0;
  }
  return out;
}

function coefficientColumns(models: ImpactModel[]): string[] {
  const cols: string[] = [];
  for (const m of models) {
    for (const c of [...COMMON, ...m.treatments]) {
      cols.push(`${m.prefix}_${c}`);
      for (const t of m.treatments) cols.push(`${m.prefix}w_${t}_${c}`);
    }
  }
  return [...cols, ...models.filter((m) => m.role === "school_progress").map((m) => `${m.prefix}_df`)];
}

/** Loads the coefficients into DuckDB (Db.writeTable: appended, each value as its column's type). */
async function writeCoefficients(db: Db, models: ImpactModel[], rows: Row[]): Promise<void> {
  const columns = [...KEY.map((k) => [k, "varchar"] as const), ...coefficientColumns(models).map((c) => [c, "double"] as const)];
  await db.writeTable("impact_coef", columns, rows, { temp: true });
}

/** Each published estimate's score column: model × treatment (the sandwich's meat is its per-school sum squared). */
function scoredTreatments(models: ImpactModel[]): { model: ImpactModel; treatment: TreatmentId; name: string }[] {
  return models
    .filter((m) => m.role === "primary" || m.role === "split")
    .flatMap((m) => m.treatments.map((t) => ({ model: m, treatment: t, name: `${m.prefix}_${t}` })));
}

/** Σ a·b over a school's pupils of one cell, as SQL on impact_cluster_sums. */
function pairSum(a: string, b: string): string {
  return storedPair(a, b) ?? "0.0";
}

/**
 * Per-school CR1 scores and §11 residuals from each school's sums (impact_cluster_sums), not its
 * pupils. Within one cell a treatment column is a constant (models.ts TREATMENTS), so it folds into
 * the intercept: with b̂ and ŵ the cell's coefficients and score weights, Σ over the cell's pupils of
 * x_j (y − x'b̂) is R_j = S(j,y) − Σ_k S(j,k) b̂_k, a school's score Σ_cells Σ_j ŵ_j R_j, and its
 * residuals' sum of squares S(y,y) − Σ_k b̂_k (S(k,y) + R_k).
 */
async function scoreSchools(db: Db, models: ImpactModel[]): Promise<void> {
  const keyCols = KEY.join(", ");
  // the cell's coefficient (or, with w, score weight) of design column k
  const folded = (p: string, treat: readonly TreatmentId[], k: string, w?: string) => {
    const coef = (c: string) => `coalesce(${w ? `${p}w_${w}_${c}` : `${p}_${c}`}, 0)`;
    return k === "one" ? `(${[coef("one"), ...treat.map((t) => `${coef(t)} * ${TREATMENTS[t].sql}`)].join(" + ")})` : coef(k);
  };
  const moments = (m: ImpactModel) =>
    COMMON.map(
      (j) =>
        `${pairSum(j, "y")} - (${COMMON.filter((k) => storedPair(j, k) !== null)
          .map((k) => `${pairSum(j, k)} * ${folded(m.prefix, m.treatments, k)}`)
          .join(" + ")}) as r_${m.prefix}_${j}`,
    );
  const scored = scoredTreatments(models);
  const scoredModels = models.filter((m) => m.role === "primary" || m.role === "split");
  const primary = primaryModel(models);
  // a model fitted on some cells only scores its own pupils (cells are the manifest's, never input values)
  const inSample = (m: ImpactModel) => (CELLS.every((c) => m.sample.includes(c)) ? "" : ` * (cell in (${m.sample.map((c) => `'${c}'`).join(", ")}))::double`);
  await db.run(`
    create or replace temp table impact_meat as
    with
    joined as (
        select s.*, c.* exclude (${keyCols})
        from impact_cluster_sums as s
        join impact_coef as c using (${keyCols})
        where s.known and c.${primary.prefix}_one is not null
    ),
    residual_moments as (
        select *, ${scoredModels.flatMap(moments).join(",\n            ")}
        from joined
    ),
    scored as (
        select ${keyCols}, urn,
            ${scored.map((s) => `(${COMMON.map((j) => `${folded(s.model.prefix, s.model.treatments, j, s.treatment)} * r_${s.model.prefix}_${j}`).join(" + ")})${inSample(s.model)} as u_${s.name}`).join(",\n            ")}
        from residual_moments
    ),
    per_school as (
        select ${keyCols}, urn, ${scored.map((s) => `sum(u_${s.name}) as u_${s.name}`).join(", ")}
        from scored group by all
    ),
    final as (
        select ${keyCols}, ${scored.map((s) => `sum(u_${s.name} * u_${s.name}) as meat_${s.name}`).join(", ")}
        from per_school group by all
    )
    select * from final`);
  // §11: residuals of the comparison-only model; RSS from comparison pupils, schools' means from tutees.
  for (const model of models.filter((m) => m.role === "school_progress")) {
    const p = model.prefix;
    await db.run(`
      create or replace temp table impact_school_residuals as
      with
      joined as (
          select s.*, c.* exclude (${keyCols})
          from impact_cluster_sums as s
          join impact_coef as c using (${keyCols})
          where s.known and c.${p}_one is not null and s.breakdown = 'total' and s.la_code <> 'National'
      ),
      residual_moments as (
          select *, ${moments(model).join(", ")}
          from joined
      ),
      final as (
          select time_period, la_code, subject, urn, cell, ${p}_df as c_df,
              n, r_${p}_one as sum_residual,
              ${pairSum("y", "y")} - (${COMMON.map((k) => `${folded(p, model.treatments, k)} * (${pairSum(k, "y")} + r_${p}_${k})`).join(" + ")}) as rss,
              sum_progress
          from residual_moments
      )
      select * from final`);
  }
}

/**
 * Turns the solved systems and meats into impact_estimates, whose columns are mart_impact's in
 * its order: counts, the primary model's figures, each split model's block (models.ts
 * splitColumns), cost per point. mart_impact.sql takes the split blocks as they come.
 */
async function finishEstimates(db: Db, models: ImpactModel[], estimates: Row[]): Promise<void> {
  const meat = new Map((await db.all("select * from impact_meat")).map((r) => [keyOf(r), r]));
  const primary = primaryModel(models);
  const p = primary.estimates!.tutored!;
  const splits = models.filter((m) => m.role === "split");
  const out = estimates.map((e) => {
    const m = meat.get(keyOf(e));
    const r: Row = { ...e };
    const t = Number(e.t_crit);
    if (e[p.b] !== undefined && m) {
      const se = Math.sqrt(Number(e.cr1) * Number(m[`meat_${primary.prefix}_tutored`]));
      const b = Number(e[p.b]);
      const scale = Number(e.j_correction) / Number(e.s_pooled);
      Object.assign(r, { [p.se]: se, [p.ciLow]: b - t * se, [p.ciHigh]: b + t * se });
      if (Number(e.s_pooled) > 0) {
        const g = b * scale;
        Object.assign(r, { g, g_ci_low: (b - t * se) * scale, g_ci_high: (b + t * se) * scale, months: eefMonths(roundHalfAway(g, 2)) });
      } else r.na_reason = "outcomes do not vary";
      const nT = Number(e.n_t);
      if (e.tutee_cost_gbp === null) r.cost_per_point_gbp_na_reason = "cost not known for every tutee in the model";
      else if (!(b > 0)) r.cost_per_point_gbp_na_reason = "impact is not positive";
      else if (!(b - t * se > 0)) r.cost_per_point_gbp_na_reason = "confidence interval of the impact includes 0";
      else r.cost_per_point_gbp = Number(e.tutee_cost_gbp) / (b * nT);
    } else r.cost_per_point_gbp_na_reason = "impact not estimated";
    for (const split of splits) {
      const cols = splitColumns(split);
      const first = split.estimates![split.treatments[0]!]!;
      if (e[first.b] !== undefined && m) {
        const c = Number(e[split.cr1!]);
        for (const tr of split.treatments) {
          const est = split.estimates![tr]!;
          const se = Math.sqrt(c * Number(m[`meat_${split.prefix}_${tr}`]));
          const b = Number(e[est.b]);
          Object.assign(r, { [est.se]: se, [est.ciLow]: b - t * se, [est.ciHigh]: b + t * se });
        }
      }
      // the export footnotes each x with <indicator>_na_reason: a split model's figures share one
      for (const f of cols.footnotes) r[f] = r[cols.naReason] ?? null;
    }
    return r;
  });
  const splitCols = splitBlocks(models);
  const cols = [
    ...KEY,
    "n_t",
    "n_c",
    "n_schools",
    "n_excluded_unknown_covariate",
    p.b,
    p.se,
    p.ciLow,
    p.ciHigh,
    "t_crit",
    "df",
    "k_params",
    "dropped_covariates",
    "g",
    "g_ci_low",
    "g_ci_high",
    "months",
    "s_pooled",
    "j_correction",
    "na_reason",
    ...splitCols.flatMap((c) => [...c.counts, ...c.estimates, c.naReason, ...c.footnotes]),
    "tutee_cost_gbp",
    "cost_per_point_gbp",
    "cost_per_point_gbp_na_reason",
  ];
  const text = new Set([...KEY, "dropped_covariates", "na_reason", "cost_per_point_gbp_na_reason", ...splitCols.flatMap((c) => [c.naReason, ...c.footnotes])]);
  const ints = new Set(["n_t", "n_c", "n_schools", "n_excluded_unknown_covariate", "df", "k_params", "months", ...splitCols.flatMap((c) => c.counts)]);
  // a figure that is not a finite number (0/0 on a degenerate group) is not available: NULL
  const finite = out.map((r) => Object.fromEntries(cols.map((c) => [c, typeof r[c] === "number" && !Number.isFinite(r[c]) ? null : r[c]])));
  const columns = cols.map((c) => [c, text.has(c) ? "varchar" : ints.has(c) ? "integer" : "double"] as const);
  await db.writeTable("impact_estimates", columns, finite, { temp: true });
}
