// The one rounding function every output shares (measures.md §12): half away from zero.
// Works on the decimal string so 1.005 rounds to 1.01, as a person expects, not 1.00.
export function roundHalfAway(value: number, dp: number): number {
  if (!Number.isFinite(value)) return value;
  const sign = value < 0 ? -1 : 1;
  const abs = Math.abs(value);
  // toPrecision(15) strips binary noise (1.0049999999999999 -> 1.005) before rounding.
  const clean = Number(abs.toPrecision(15));
  const shifted = shiftDecimal(clean, dp);
  const rounded = Math.round(shifted);
  return sign * shiftDecimal(rounded, -dp);
}

// x·10^n through the decimal string; String(x) may already be exponential (1e-9, 1e+21).
function shiftDecimal(x: number, n: number): number {
  const [mantissa, exponent = "0"] = String(x).split("e");
  return Number(`${mantissa}e${Number(exponent) + n}`);
}

/** Formats a rounded number with exactly dp decimals, no thousands separators. */
export function formatFixed(value: number, dp: number): string {
  const r = roundHalfAway(value, dp);
  return (Object.is(r, -0) ? 0 : r).toFixed(dp);
}
