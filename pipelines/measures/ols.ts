// Small dense linear algebra for the impact models (measures.md §3). The pupil rows never
// come here: DuckDB aggregates X'X and X'y per model, and this module solves the K×K
// system (K ≈ 20). Numerically careful on purpose: columns are scaled to unit diagonal
// before an in-order (R lm-style) pivoted Cholesky, so a collinear or constant column is
// dropped by a relative tolerance instead of producing a huge, meaningless coefficient.

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
export function solveNormalEquations(
  xtx: number[][],
  xty: number[],
  constant: boolean[] = [],
  tol = COLLINEAR_TOLERANCE,
): LeastSquaresFit {
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

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta (modified Lentz), valid for x < (a+1)/(a+b+2). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Upper tail P(T > t) of Student's t with df degrees of freedom, for t ≥ 0. */
function studentTUpper(t: number, df: number): number {
  // P(|T| > t) = I_{df/(df+t²)}(df/2, 1/2); computed from the side that keeps precision.
  const t2 = t * t;
  const x = df / (df + t2);
  if (x > 0.5) return 0.5 * (1 - incompleteBeta(t2 / (df + t2), 0.5, df / 2));
  return 0.5 * incompleteBeta(x, df / 2, 0.5);
}

/** Student t distribution function P(T ≤ t). */
export function studentTCdf(t: number, df: number): number {
  return t >= 0 ? 1 - studentTUpper(t, df) : studentTUpper(-t, df);
}

/** Student t density. */
function studentTDensity(t: number, df: number): number {
  const ln = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(ln);
}

/**
 * Quantile t(p, df) of Student's t, for 0 < p < 1 and df > 0 (need not be whole).
 * Exact closed forms for df = 1 and 2; otherwise Newton on the upper tail from a normal
 * start, safeguarded by bisection, to full double precision.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`t quantile needs 0 < p < 1, got ${p}`);
  if (!(df > 0)) throw new RangeError(`t quantile needs df > 0, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const q = 1 - p; // target upper tail
  let lo = 0;
  let hi = 1;
  while (studentTUpper(hi, df) > q) hi *= 2;
  let t = Math.min(Math.max(normalQuantile(p), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = studentTUpper(t, df) - q; // decreasing in t
    if (f > 0) lo = t;
    else hi = t;
    const step = f / studentTDensity(t, df);
    let next = t + step;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-15 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

/** Standard normal quantile (Acklam, refined by one Halley step: ~1e-15). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Complementary error function (W. J. Cody's rational approximations, ~1e-16). */
function erfc(x: number): number {
  // erfc via the regularised incomplete gamma would do; the t-based route is simpler:
  // erfc(x) = 1 - erf(x), erf from the series / continued fraction.
  const ax = Math.abs(x);
  let r: number;
  if (ax < 2) {
    // Taylor series of erf, converges fast for |x| < 2.
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    r = 1 - (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // Continued fraction (Lentz) for erfc, accurate for |x| ≥ 2.
    const tiny = 1e-300;
    let f = ax;
    let c = ax;
    let d = 0;
    for (let n = 1; n < 500; n++) {
      const an = n / 2;
      d = ax + an * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = ax + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      const del = c * d;
      f *= del;
      if (Math.abs(del - 1) < 1e-16) break;
    }
    r = Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
  }
  return x >= 0 ? r : 2 - r;
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
