// The ntp impact models' solve (measures.md §3): each model group's normal equations from its
// sums over schools (ntp_impact_totals, made by ntp-sums.ts), solved by the runner both
// programmes share (grouped-ols.ts), and its school-clustered CR1 covariance, whose meat
// ntp_impact_scores.sql makes from each school's sums and the coefficients. ntp-impact.ts reads
// the estimates off each fit.
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { type CellFit, cellTotal, type CellSums, sandwich, solveCells } from "./grouped-ols.ts";
import { MIN_COMPARISON, MIN_PART, MIN_SCHOOLS, NTP_SCALES, type NtpImpactModel } from "./models.ts";
import { covariateSum, type GroupSums, type SumsRow } from "./ntp-sums.ts";

const SQL_DIR = join(import.meta.dirname, "sql");

type Row = Record<string, string | number | null>;

/** A model group's solved normal equations: the fit, its parts' positions and its columns as SQL names them. */
export interface Solved {
  fit: CellFit;
  partIndex: Map<string, number>;
  /** Each design column's name in ntp_impact_beta (ntp_impact_scores.sql). */
  sqlNames: string[];
  cov?: number[][];
}

/** The reason a model group is not fitted (measures.md §3 minimums), or null. */
export function modelNa(group: GroupSums | undefined): string | null {
  const rows = group?.rows ?? [];
  const nC = count(rows.filter((r) => r.cell === "comparison"));
  const nT = count(rows) - nC;
  if (nT < MIN_PART) return `fewer than ${MIN_PART} tutees in the model`;
  if (nC < MIN_COMPARISON) return `fewer than ${MIN_COMPARISON} comparison pupils in the model`;
  if ((group?.nSchools ?? 0) < MIN_SCHOOLS) return `fewer than ${MIN_SCHOOLS} schools in the model`;
  return null;
}

export const count = (rs: readonly SumsRow[]) => rs.reduce((a, r) => a + r.n, 0);

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
export async function solveAll(db: Db, sums: Map<string, GroupSums>, models: readonly NtpImpactModel[]): Promise<Map<number, Solved>> {
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
