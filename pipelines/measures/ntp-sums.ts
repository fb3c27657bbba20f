// The grouped sufficient statistics of the ntp impact models (issue #18: X'X and X'y per
// cluster by GROUP BY in DuckDB, never pupil rows in JavaScript): the selected models, the §5
// breakdowns' group expressions and the §1 standards as temp tables, one GROUP BY over the pupils
// of every selected model and group (ntp_impact_cluster_sums.sql), and the per-row sums that
// ntp-impact.ts solves each model from and reads its balance and §6 figures from.
import { join } from "node:path";
import { type Db, literal } from "../core/db.ts";
import { NTP_COVARIATES, NTP_SCALES, type NtpBreakdown, type NtpImpactModel, OUTCOME_SCALE } from "./models.ts";
import { writeNtpStandards } from "./ntp-sample.ts";

const SQL_DIR = join(import.meta.dirname, "sql");
const HERE = "pipelines/measures/ntp-sums.ts";

/** One row of ntp_impact_totals: a model group's pupils of one cell, baseline scale and NC year (summed over schools). */
export interface SumsRow {
  cell: string;
  scale: string;
  nc_year: number;
  key_stage: number;
  n: number;
  s_b: number;
  s_bb: number;
  s_y: number;
  s_by: number;
  s_yy: number;
  s_progress: number;
  n_below: number;
  n_at_outcome: number;
  n_converted: number;
  n_high: number;
  [sum: string]: string | number;
}

/** A model's sums over one group of one measure key: its id in SQL, schools, rows, and each part's tutees' place cost. */
export interface GroupSums {
  gid: number;
  modelId: string;
  nSchools: number;
  rows: SumsRow[];
  costs: Map<string, { cost: number | null; known: boolean }>;
}

export type MeasureKey = {
  time_period: string;
  la_code: string;
  subject: string;
  outcome_measure: string;
};

export const measureKeyOf = (r: MeasureKey): string => `${r.time_period}\u0001${r.la_code}\u0001${r.subject}\u0001${r.outcome_measure}`;
export const groupKeyOf = (key: MeasureKey, modelId: string, breakdown: string, label: string): string =>
  `${measureKeyOf(key)}\u0001${modelId}\u0001${breakdown}\u0001${label}`;

/** The column of ntp_impact_cluster_sums holding Σ a·b of two covariates (a = b: Σ a). */
export function covariateSum(a: string, b: string): string {
  if (a === b) return `s_${a}`;
  const [p, q] = NTP_COVARIATES.indexOf(a as never) < NTP_COVARIATES.indexOf(b as never) ? [a, b] : [b, a];
  return `s_${p}_${q}`;
}

/**
 * Sums every selected model over each measure's sample (ntp_impact_sample, restricted to
 * `measures` when given) and each group of each selected breakdown, and reads the sums back,
 * keyed by groupKeyOf.
 */
export async function ntpGroupSums(
  db: Db,
  models: readonly NtpImpactModel[],
  breakdowns: readonly NtpBreakdown[],
  expectedStd: number,
  measures?: readonly string[],
): Promise<Map<string, GroupSums>> {
  await writeSelection(db, models, breakdowns, measures);
  await writeNtpStandards(db, expectedStd);
  await db.runFile(join(SQL_DIR, "ntp_impact_pupils.sql"));
  await checkStandards(db);
  await db.run(pupilGroupsSql(breakdowns));
  await db.runFile(join(SQL_DIR, "ntp_impact_cluster_sums.sql"));
  const out = new Map<string, GroupSums>();
  const byGid = new Map<number, GroupSums>();
  for (const r of await db.all<MeasureKey & { gid: number; model_id: string; breakdown: string; group_label: string; n_schools: number }>(
    "select * from ntp_impact_groups order by gid",
  )) {
    const g: GroupSums = { gid: r.gid, modelId: r.model_id, nSchools: r.n_schools, rows: [], costs: new Map() };
    out.set(groupKeyOf(r, r.model_id, r.breakdown, r.group_label), g);
    byGid.set(r.gid, g);
  }
  for (const r of await db.all("select * from ntp_impact_totals order by gid, cell, scale, nc_year"))
    byGid.get(Number(r.gid))!.rows.push(r as unknown as SumsRow);
  for (const r of await db.all("select * from ntp_impact_part_costs order by gid, cell"))
    byGid.get(Number(r.gid))!.costs.set(String(r.cell), { cost: r.cost_gbp === null ? null : Number(r.cost_gbp), known: r.cost_known === true });
  return out;
}

/** ntp_impact_models: the selected models as SQL reads them (what ntp_impact_cluster_sums.sql needs of each). */
async function writeSelection(db: Db, models: readonly NtpImpactModel[], breakdowns: readonly NtpBreakdown[], measures?: readonly string[]): Promise<void> {
  const ids = new Set<string>();
  for (const m of models) {
    if (ids.has(m.id)) throw new Error(`${HERE}: two selected ntp impact models share the id "${m.id}"; each model's sums are keyed by its id`);
    ids.add(m.id);
    const unsummed = m.covariates.filter((c) => !(NTP_COVARIATES as readonly string[]).includes(c));
    if (unsummed.length)
      throw new Error(`${HERE}: ntp model ${m.id} has covariates ${unsummed.join(", ")} that ntp_impact_cluster_sums.sql does not sum (NTP_COVARIATES)`);
  }
  const labels = new Set<string>();
  for (const b of breakdowns) {
    if (labels.has(b.breakdown)) throw new Error(`${HERE}: the breakdown "${b.breakdown}" is selected twice`);
    labels.add(b.breakdown);
  }
  const rows = models.map((m, i) => ({
    model_ord: i + 1,
    model_id: m.id,
    part_column: m.column ?? null,
    parts: m.parts.map((p) => p.value),
    sample_comparison: m.sample.includes("comparison"),
    sample_tutees: m.sample.includes("tutees"),
    each_group: m.groups === "each_group",
    outcomes: m.outcomes.filter((o) => !measures || measures.includes(o)),
  }));
  await db.run(
    `create or replace temp table ntp_impact_models as
     select m.model_ord, m.model_id, m.part_column, m.parts, m.sample_comparison, m.sample_tutees, m.each_group, m.outcomes
     from (select unnest(from_json(?, '[{"model_ord":"INTEGER","model_id":"VARCHAR","part_column":"VARCHAR","parts":["VARCHAR"],"sample_comparison":"BOOLEAN","sample_tutees":"BOOLEAN","each_group":"BOOLEAN","outcomes":["VARCHAR"]}]')) as m)`,
    [JSON.stringify(rows)],
  );
}

/** Fails on a baseline scale or outcome measure with no §1 standard (the figures would be silently wrong). */
async function checkStandards(db: Db): Promise<void> {
  const scale = await db.one<{ scale: string }>(`select scale from ntp_impact_pupils where scale not in (${NTP_SCALES.map(() => "?").join(", ")}) limit 1`, [
    ...NTP_SCALES,
  ]);
  if (scale) throw new Error(`ntp impact model: baseline scale "${scale.scale}" is not one of ${NTP_SCALES.join(", ")}`);
  const measure = await db.one<{ outcome_measure: string }>(
    `select outcome_measure from ntp_impact_pupils where outcome_measure not in (select outcome_measure from ntp_outcome_scales) limit 1`,
  );
  if (measure) throw new Error(`ntp attainment: outcome_measure "${measure.outcome_measure}" is not one of ${Object.keys(OUTCOME_SCALE).join(", ")}`);
}

/** ntp_impact_pupil_groups: each pupil once per selected breakdown, in its group (the manifest's SQL expression; none: left out). */
function pupilGroupsSql(breakdowns: readonly NtpBreakdown[]): string {
  const groups = breakdowns.map((b) => `{'breakdown': ${literal(b.breakdown)}, 'group_label': (${b.sql})::VARCHAR}`);
  return `create or replace temp view ntp_impact_pupil_groups as
    select * exclude (g), g.breakdown, g.group_label
    from (select p.*, unnest([${groups.join(", ")}]) as g from ntp_impact_pupils as p)
    where g.group_label is not null`;
}

/** Sums of one side of a row (a part's tutees, or the comparison pupils) for balance and the §6 figures. */
export interface SideSums {
  n: number;
  scales: Set<string>;
  s_b: number;
  s_bb: number;
  s_y: number;
  s_progress: number;
  n_below: number;
  n_at_outcome: number;
  n_converted: number;
  n_high: number;
  /** Σ of each covariate (its pupils). */
  cov: Record<string, number>;
}

export function sideSums(rows: readonly SumsRow[]): SideSums {
  const out: SideSums = {
    n: 0,
    scales: new Set(),
    s_b: 0,
    s_bb: 0,
    s_y: 0,
    s_progress: 0,
    n_below: 0,
    n_at_outcome: 0,
    n_converted: 0,
    n_high: 0,
    cov: Object.fromEntries(NTP_COVARIATES.map((c) => [c, 0])),
  };
  for (const r of rows) {
    out.n += r.n;
    out.scales.add(r.scale);
    for (const k of ["s_b", "s_bb", "s_y", "s_progress", "n_below", "n_at_outcome", "n_converted", "n_high"] as const) out[k] += r[k];
    for (const c of NTP_COVARIATES) out.cov[c]! += r[covariateSum(c, c)] as number;
  }
  return out;
}
