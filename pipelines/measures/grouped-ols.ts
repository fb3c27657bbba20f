// The one OLS runner of both programmes' impact models (measures.md §3): the pupils of a model
// are summed into cells (Σ a·b of every pair of shared design columns and y per cell: the 2009
// profile's comparison / full / partial place, summed by DuckDB in impact.ts; the ntp profile's
// comparison pupils and each part of a model, summed by DuckDB in ntp-sums.ts), and each model's normal
// equations are assembled from the cells it is fitted on. A treatment column is the indicator of
// some cells, so its cross-products are sums over those cells and never need a pupil row.
import { cr1Factor, type LeastSquaresFit, solveNormalEquations } from "./ols.ts";

/** A cell's sums: its pupils and Σ a·b over them for two design columns (or y); "one" is the intercept. */
export interface CellSums {
  n: number;
  s: (a: string, b: string) => number;
}

/** Σ a·b over the cells of the model that have pupils (in the order given); `only` narrows it to some of them. */
export type CellTotal = (a: string, b: string, only?: readonly string[]) => number;

export function cellTotal(cells: Partial<Record<string, CellSums>>, sample: readonly string[]): CellTotal {
  const present = sample.filter((c) => cells[c] && cells[c]!.n > 0);
  return (a, b, only = present) => only.filter((c) => present.includes(c)).reduce((acc, c) => acc + cells[c]!.s(a, b), 0);
}

/** A solved model: ols.ts's fit over `columns` (intercept, the treatments, then the shared columns) and its pupils. */
export interface CellFit extends LeastSquaresFit {
  columns: string[];
  n: number;
  /** Each treatment column's cells. */
  treatments: Map<string, readonly string[]>;
}

/** The model's Σ a·b (b = "y": Σ a·y) over the cells `total` sums, a treatment being the indicator of its cells. */
function designSum(total: CellTotal, treatments: Map<string, readonly string[]>): (a: string, b: string) => number {
  return (a, b) => {
    const ta = treatments.get(a);
    const tb = treatments.get(b);
    if (ta && tb)
      return total(
        "one",
        "one",
        ta.filter((c) => tb.includes(c)),
      );
    if (ta) return total("one", b, ta);
    if (tb) return total(a, "one", tb);
    return total(a, b);
  };
}

/**
 * Fits y on the intercept, one indicator per treatment (1 for the pupils of its cells) and the
 * shared columns, in that order (the solver keeps earlier columns first, so a treatment is never
 * dropped for a covariate). A `binary` column 0 or 1 for every pupil is dropped as constant.
 */
export function solveCells(
  total: CellTotal,
  treatments: readonly (readonly [string, readonly string[]])[],
  shared: readonly string[],
  binary: readonly string[],
): CellFit {
  const treatCells = new Map(treatments);
  const columns = ["one", ...treatments.map(([t]) => t), ...shared];
  const n = total("one", "one");
  const k = columns.length;
  const xtx: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const xty = new Array<number>(k).fill(0);
  const constant = new Array<boolean>(k).fill(false);
  const value = designSum(total, treatCells);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) xtx[i]![j] = value(columns[i]!, columns[j]!);
    xty[i] = value(columns[i]!, "y");
    if (binary.includes(columns[i]!)) {
      const s = xtx[i]![i]!;
      constant[i] = s === n || s === 0;
    }
  }
  return { ...solveNormalEquations(xtx, xty, constant), columns, n, treatments: treatCells };
}

/**
 * The cluster-robust (CR1) covariance of a fit over the positions of its kept columns (measures.md
 * §3: clusters are schools): bread · meat · bread times cr1Factor, where the meat Σ_g u_g u_gᵀ is
 * made of each cluster's score u_g = X_g′y_g − X_g′X_g β, from its sums, not its pupils (in SQL:
 * ntp_impact_scores.sql).
 */
export function sandwich(fit: CellFit, meat: readonly (readonly number[])[], clusters: number): number[][] {
  const c = cr1Factor(clusters, fit.n, fit.kept.length);
  const bread = fit.inverse;
  const half = bread.map((row) => meat.map((_, q) => row.reduce((acc, v, p) => acc + v * meat[p]![q]!, 0)));
  return half.map((row) => bread.map((_, b) => c * row.reduce((acc, v, q) => acc + v * bread[q]![b]!, 0)));
}
