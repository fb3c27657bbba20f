// The binomial bound of the planted-effect tests (impact_planted, and ntp-impact-planted's
// Standardised score and KS tests): the fewest of n intervals that must cover their target; fewer
// is evidence of under-coverage.
import binomialQuantile from "@stdlib/stats-base-dists-binomial-quantile";

/**
 * The smallest count k with P(Bin(n, p) ≤ k) ≥ alpha: with n intervals each covering with
 * probability p, fewer covered than k happens with probability under alpha, so it is evidence of
 * under-coverage.
 */
export function binomialLowerBound(n: number, p: number, alpha: number): number {
  return binomialQuantile(alpha, n, p);
}
