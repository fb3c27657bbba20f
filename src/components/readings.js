// Plain-English readings of the headline estimates (outputs.md §3): where the 95% CI includes
// 0 the reading says there is no clear evidence of a difference, never "N months".
import { isSymbol, num, show } from "./format.js";

const SUBJECT_WORD = { English: "English", Mathematics: "maths" };

/**
 * impact row → one sentence. Uses b and its CI for "is there a difference",
 * months and g (with CI) for the size.
 */
export function impactReading(row, subject) {
  const s = SUBJECT_WORD[subject] ?? subject;
  if (!row) return `No impact estimate was published for ${s}.`;
  const b = row.b, lo = row.ci_low, hi = row.ci_high;
  if (isSymbol(b)) {
    return b === "c"
      ? `The impact in ${s} is not shown, to protect the confidentiality of a small number of pupils.`
      : `There were too few tutees, comparison pupils or schools to estimate the impact in ${s}.`;
  }
  const g = row.g, glo = row.g_ci_low, ghi = row.g_ci_high;
  const ci = isSymbol(lo) || isSymbol(hi) ? "" : ` (${show(b)} points, 95% confidence interval ${show(lo)} to ${show(hi)})`;
  if (num(lo) === undefined || num(hi) === undefined || (num(lo) <= 0 && num(hi) >= 0)) {
    return `There is no clear evidence of a difference in ${s} progress between tutees and similar pupils who were not tutored${ci}.`;
  }
  const months = num(row.months);
  const es = isSymbol(g) ? "" : `; effect size ${show(g)}${isSymbol(glo) || isSymbol(ghi) ? "" : `, 95% CI ${show(glo)} to ${show(ghi)}`}`;
  if (months === undefined || months === 0) {
    return `Tutees made ${num(b) > 0 ? "slightly more" : "slightly less"} progress in ${s} than similar pupils who were not tutored, less than one month's difference${ci}${es}.`;
  }
  const n = Math.abs(months);
  return `Tutees made about ${n} month${n === 1 ? "" : "s"}' ${months > 0 ? "additional" : "less"} progress in ${s} than similar pupils who were not tutored${ci}${es}.`;
}
