// Random-effects meta-analysis of LA impact estimates (outputs.md §1, "a National impact").
// It reproduces what R's metafor::rma(yi, sei = se, method = "REML") gives with its default
// settings, because that is what the Department's analysts would check us against:
//   - τ² starts from the Hedges (HE) estimate, floored at 0;
//   - Fisher scoring on the REML likelihood, halving a step that would take τ² below 0,
//     stopping when a step changes τ² by no more than 1e-5, refusing after 100 steps;
//   - where the REML likelihood at τ² = 0 beats the converged value by more than
//     .Machine$double.eps^0.25, τ² is set to 0 (metafor's ll0check);
//   - the estimate, its SE and CI on the normal scale (test = "z"), I² from the "typical"
//     within-LA variance (Higgins & Thompson), the prediction interval as predict() gives it.
// Stopping where metafor stops (rather than iterating to machine precision) is deliberate:
// published figures then agree with metafor's to far below their decimal places.
// Reimplemented from the method as metafor's documentation and source describe it.

export class MetaAnalysisError extends Error {
  override name = "MetaAnalysisError";
}

/** qnorm(0.975): metafor's critical value for 95% intervals with test = "z". */
export const Z_975 = 1.959963984540054;
/** metafor's control defaults for REML (rma.uni: threshold, maxiter, tol). */
export const REML_THRESHOLD = 1e-5;
export const REML_MAXITER = 100;
const LL0_TOL = Number.EPSILON ** 0.25;

export interface RandomEffects {
  /** Estimates pooled. */
  k: number;
  estimate: number;
  se: number;
  ciLow: number;
  ciHigh: number;
  /** Between-estimate variance τ² (REML). */
  tau2: number;
  /** I², in percent. */
  i2: number;
  piLow: number;
  piHigh: number;
  /** Fisher scoring steps taken (0 for k = 1). */
  iterations: number;
}

/** The REML random-effects model of estimates `yi` with standard errors `sei`. */
export function randomEffects(yi: number[], sei: number[]): RandomEffects {
  if (yi.length !== sei.length) throw new MetaAnalysisError(`Meta-analysis: ${yi.length} estimates but ${sei.length} standard errors.`);
  const k = yi.length;
  if (k === 0) throw new MetaAnalysisError("Meta-analysis: no estimate to pool.");
  yi.forEach((y, i) => {
    if (!Number.isFinite(y)) throw new MetaAnalysisError(`Meta-analysis: estimate ${i + 1} is ${y}, not a number.`);
    if (!(Number.isFinite(sei[i]) && sei[i] > 0))
      throw new MetaAnalysisError(`Meta-analysis: standard error ${i + 1} is ${sei[i]}; it must be a positive number.`);
  });
  const vi = sei.map((s) => s * s);

  let tau2 = 0;
  let iterations = 0;
  if (k > 1) {
    tau2 = Math.max(0, hedges(yi, vi));
    let change = REML_THRESHOLD + 1;
    while (change > REML_THRESHOLD) {
      iterations++;
      const old = tau2;
      let adj = fisherStep(yi, vi, tau2);
      while (tau2 + adj < 0) adj /= 2;
      tau2 += adj;
      change = Math.abs(old - tau2);
      if (iterations > REML_MAXITER) {
        throw new MetaAnalysisError(
          `Meta-analysis: the REML Fisher scoring did not converge in ${REML_MAXITER} steps (k = ${k}); no national estimate can be made.`,
        );
      }
    }
    if (restrictedLogLik(yi, vi, 0) - restrictedLogLik(yi, vi, tau2) > LL0_TOL && tau2 > REML_THRESHOLD) tau2 = 0;
  }

  const { mu, sumW } = weightedMean(yi, vi, tau2);
  const se = Math.sqrt(1 / sumW);
  const piHalf = Z_975 * Math.sqrt(se * se + tau2);
  return {
    k,
    estimate: mu,
    se,
    ciLow: mu - Z_975 * se,
    ciHigh: mu + Z_975 * se,
    tau2,
    i2: k > 1 ? (100 * tau2) / (typicalVariance(vi) + tau2) : 0,
    piLow: mu - piHalf,
    piHigh: mu + piHalf,
    iterations,
  };
}

/** Hedges' (HE) method-of-moments τ²: unweighted residual sum of squares less its expectation under τ² = 0. */
function hedges(yi: number[], vi: number[]): number {
  const k = yi.length;
  const mean = yi.reduce((s, y) => s + y, 0) / k;
  const rss = yi.reduce((s, y) => s + (y - mean) ** 2, 0);
  const trPV = vi.reduce((s, v) => s + v, 0) * (1 - 1 / k);
  return (rss - trPV) / (k - 1);
}

/**
 * One Fisher scoring step of REML τ² for the intercept-only model, with
 * P = W − w wᵀ / Σw (W = diag(w), w = 1/(v + τ²)): (y'PPy − tr P) / tr(PP). Written with
 * sums, as P y = w ∘ (y − μ̂) and tr(PP) = Σw² − 2Σw³/Σw + (Σw²)²/(Σw)², so no k×k matrix is formed.
 */
function fisherStep(yi: number[], vi: number[], tau2: number): number {
  const w = vi.map((v) => 1 / (v + tau2));
  const s1 = sum(w);
  const s2 = sum(w.map((x) => x * x));
  const s3 = sum(w.map((x) => x * x * x));
  const mu = sum(w.map((x, i) => x * yi[i])) / s1;
  const yPPy = sum(w.map((x, i) => (x * (yi[i] - mu)) ** 2));
  const trP = s1 - s2 / s1;
  const trPP = s2 - (2 * s3) / s1 + (s2 * s2) / (s1 * s1);
  return (yPPy - trP) / trPP;
}

/**
 * The REML log-likelihood up to a constant common to every τ² (metafor's full REML likelihood
 * adds ½ log det(X'X) and −½(k − 1) log 2π, which cancel in the comparison it is used for).
 */
function restrictedLogLik(yi: number[], vi: number[], tau2: number): number {
  const { mu, sumW, w } = weightedMean(yi, vi, tau2);
  const rss = sum(w.map((x, i) => x * (yi[i] - mu) ** 2));
  return -0.5 * sum(vi.map((v) => Math.log(v + tau2))) - 0.5 * Math.log(sumW) - 0.5 * rss;
}

function weightedMean(yi: number[], vi: number[], tau2: number): { mu: number; sumW: number; w: number[] } {
  const w = vi.map((v) => 1 / (v + tau2));
  const sumW = sum(w);
  return { mu: sum(w.map((x, i) => x * yi[i])) / sumW, sumW, w };
}

/** Higgins & Thompson's "typical" within-study variance: (k − 1) / (Σw − Σw²/Σw), w = 1/v. */
function typicalVariance(vi: number[]): number {
  const w = vi.map((v) => 1 / v);
  const s1 = sum(w);
  return (vi.length - 1) / (s1 - sum(w.map((x) => x * x)) / s1);
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
