// Small dense linear algebra for the impact models (measures.md §3). The pupil rows never
// come here: DuckDB aggregates X'X and X'y per model, and this module solves the K×K
// system (K ≈ 20). Numerically careful on purpose: columns are scaled to unit diagonal
// before an in-order (R lm-style) pivoted Cholesky, so a collinear or constant column is
// dropped by a relative tolerance instead of producing a huge, meaningless coefficient.

import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** Why a design column is not in the fitted model. */
export type DropReason = "empty" | "constant" | "collinear";

export interface LeastSquaresFit {
  /** Indices (into the columns given) of the columns kept, in order. */
  kept: number[];
  /** Columns left out, with the reason, in column order. */
  dropped: { index: number; reason: DropReason }[];
  /** Coefficient per column given (NaN for dropped columns). */
  beta: number[];
  /** (X'X)^-1 over the kept columns, indexed by position in `kept`. */
  inverse: number[][];
}

/** Relative pivot below which a column counts as a linear combination of earlier ones. */
export const COLLINEAR_TOLERANCE = 1e-10;

/**
 * Solves the normal equations X'X β = X'y from cross-products.
 * `constant[j]` marks columns known to be constant in the sample (reported as such, not
 * as collinear); a column with a zero diagonal (an all-zero dummy) is "empty".
 * Columns are taken in the order given, each kept only if its part not explained by the
 * kept columns before it is at least `tol` of its own scale — so the intercept and the
 * treatment indicator, listed first, are never dropped in favour of a covariate.
 */
export function solveNormalEquations(xtx: number[][], xty: number[], constant: boolean[] = [], tol = COLLINEAR_TOLERANCE): LeastSquaresFit {
  const k = xty.length;
  const scale = xtx.map((row, j) => Math.sqrt(row[j]!));
  const kept: number[] = [];
  const dropped: { index: number; reason: DropReason }[] = [];
  // L holds the Cholesky factor of the scaled kept submatrix, rows by position in `kept`.
  const L: number[][] = [];
  for (let j = 0; j < k; j++) {
    if (constant[j] && j !== 0) {
      dropped.push({ index: j, reason: "constant" });
      continue;
    }
    if (!(scale[j]! > 0)) {
      dropped.push({ index: j, reason: "empty" });
      continue;
    }
    const row: number[] = [];
    let d = 1;
    for (let p = 0; p < kept.length; p++) {
      const i = kept[p]!;
      let s = xtx[j]![i]! / (scale[j]! * scale[i]!);
      for (let q = 0; q < p; q++) s -= row[q]! * L[p]![q]!;
      const v = s / L[p]![p]!;
      row.push(v);
      d -= v * v;
    }
    if (d < tol) {
      dropped.push({ index: j, reason: "collinear" });
      continue;
    }
    row.push(Math.sqrt(d));
    L.push(row);
    kept.push(j);
  }
  const m = kept.length;
  // Inverse of the scaled matrix C = L L' from L^-1, then unscale: A^-1 = D^-1 C^-1 D^-1.
  const linv: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    linv[i]![i] = 1 / L[i]![i]!;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let p = j; p < i; p++) s -= L[i]![p]! * linv[p]![j]!;
      linv[i]![j] = s / L[i]![i]!;
    }
  }
  const inverse: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = i; p < m; p++) s += linv[p]![i]! * linv[p]![j]!;
      const v = s / (scale[kept[i]!]! * scale[kept[j]!]!);
      inverse[i]![j] = v;
      inverse[j]![i] = v;
    }
  }
  const beta = new Array<number>(k).fill(Number.NaN);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += inverse[i]![j]! * xty[kept[j]!]!;
    beta[kept[i]!] = s;
  }
  return { kept, dropped, beta, inverse };
}

/** CR1 small-sample factor G/(G−1) · (N−1)/(N−K) (Stata's and sandwich's HC1 cluster). */
export function cr1Factor(g: number, n: number, k: number): number {
  return (g / (g - 1)) * ((n - 1) / (n - k));
}

// ---- Student t quantile -------------------------------------------------------------

/**
 * Quantile t(p, df) of Student's t, for 0 < p < 1 and df > 0 (need not be whole): stdlib's
 * (a port of Boost's), kept rather than our own incomplete beta and Newton steps (issue 18).
 * Arguments out of range throw here, naming them, where the library would quietly give NaN.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile needs 0 < p < 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`t quantile needs df > 0, got ${df}`);
  return tQuantile(p, df);
}

/** EEF months' additional progress from an effect size (measures.md §3), g already rounded to 2 dp. */
export function eefMonths(gRounded: number): number {
  const a = Math.abs(gRounded);
  // Upper bound of each band, in hundredths, for 0..11 months; ≥ 0.96 is 12.
  const upper = [1, 9, 18, 26, 35, 44, 52, 61, 69, 78, 87, 95];
  const h = Math.round(a * 100);
  let months = 12;
  for (let m = 0; m < upper.length; m++) {
    if (h <= upper[m]!) {
      months = m;
      break;
    }
  }
  return gRounded < 0 ? -months : months;
}
