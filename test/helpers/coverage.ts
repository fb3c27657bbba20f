// The binomial bound of the planted-effect tests (impact_planted, ntp-impact-planted and its KS
// twin): how many of n intervals at least must cover their target before under-coverage is ruled out.
import binomialQuantile from "@stdlib/stats-base-dists-binomial-quantile";

/**
 * The smallest count k with P(Bin(n, p) ≤ k) ≥ alpha: with n intervals each covering with
 * probability p, fewer covered than k happens with probability under alpha, so it is evidence of
 * under-coverage.
 */
export function binomialLowerBound(n: number, p: number, alpha: number): number {
  return binomialQuantile(alpha, n, p);
}
