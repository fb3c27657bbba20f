// A school's verdict for its School Improvement Partner: one sentence per subject from the
// school's adjusted progress and its place in the funnel (measures.md §11). The funnel is
// centred on the LA mean adjusted progress of tutees; a school is "above" or "below" only
// outside the 95% limit for a school of its number of tutees, otherwise "within" the limits.
// Where the school's figures are suppressed (c), not available (x) or absent, there are too
// few tutees to say anything, and the sentence says so rather than guessing.
// Plain strings only (no DOM, no d3): unit-tested in test/school-verdict.test.ts.
import { formatNumber, isSymbol, num } from "./format.js";

const SUBJECT_WORD = { English: "English", Mathematics: "maths" };
const FLAG = { 1: "above", "-1": "below", 0: "within" };

/**
 * Where a school's published comparison row puts it: {position: "above" | "below" | "within" |
 * "too-few", reason?, symbol?}. The pipeline's funnel_flag decides (it is computed before
 * rounding); it is checked against the published, rounded figures, which can only tie with a
 * limit, never cross it, so a flag that contradicts them is a fault and stops the page.
 */
export function funnelPosition(row) {
  if (!row) return { position: "too-few", reason: "none" };
  for (const key of ["adj_tutees", "adjusted_progress", "funnel_flag"]) {
    if (isSymbol(row[key])) return { position: "too-few", reason: row[key] === "x" ? "not-available" : "suppressed", symbol: row[key] ?? "–" };
  }
  const position = FLAG[String(row.funnel_flag)];
  if (!position)
    throw new Error(
      `School ${row.urn}, ${row.subject}: funnel_flag is "${row.funnel_flag}", not 1 (above), 0 (within) or -1 (below) as measures.md §11 defines it.`,
    );
  const a = num(row.adjusted_progress),
    lo = num(row.funnel_95_low),
    hi = num(row.funnel_95_high);
  if (lo !== undefined && hi !== undefined) {
    const seen = a > hi ? "above" : a < lo ? "below" : a > lo && a < hi ? "within" : undefined;
    if (seen && seen !== position)
      throw new Error(
        `School ${row.urn}, ${row.subject}: funnel_flag says ${position} the 95% limits, but adjusted progress ${row.adjusted_progress} against limits ${row.funnel_95_low} to ${row.funnel_95_high} is ${seen} them.`,
      );
  }
  return { position };
}

/** "2.7 points more progress than similar untutored pupils" (or less, or the same). */
function progressPhrase(value) {
  const a = num(value);
  if (a === 0) return "the same progress as similar untutored pupils";
  const size = formatNumber(String(value).replace(/^-/, ""));
  return `${size} ${size === "1" ? "point" : "points"} ${a > 0 ? "more" : "less"} progress than similar untutored pupils`;
}

const tutees = (n) => `${formatNumber(n)} ${num(n) === 1 ? "tutee" : "tutees"}`;

/**
 * The verdict for one subject, one sentence. row: the school's published school_progress row
 * for the subject (or undefined); who: how to name the school ("Oak Primary", default "this school").
 */
export function verdictSentence(row, { subject = row?.subject, who = "this school" } = {}) {
  const s = SUBJECT_WORD[subject] ?? subject ?? "this subject";
  const { position, reason, symbol } = funnelPosition(row);
  if (position === "too-few") {
    const why = {
      none: `none of ${who}'s pupils is among the tutees in the LA's model (tutored in ${s}, with a baseline and an outcome)`,
      suppressed: `${who}'s figures are suppressed (${symbol}) because so few of its tutees are in the LA's model that publishing them could identify pupils`,
      "not-available": `${who}'s adjusted progress is not available (${symbol})`,
    }[reason];
    return `In ${s}, there are too few tutees to say: ${why}.`;
  }
  const n = row.adj_tutees;
  const ci =
    isSymbol(row.adjusted_ci_low) || isSymbol(row.adjusted_ci_high)
      ? ""
      : ` (95% CI ${formatNumber(row.adjusted_ci_low)} to ${formatNumber(row.adjusted_ci_high)})`;
  const made = `they made ${progressPhrase(row.adjusted_progress)}${ci}`;
  const centre = isSymbol(row.funnel_centre) ? "" : ` (centred on the LA's tutees' mean of ${formatNumber(row.funnel_centre)} points)`;
  const forSize = `for a school with ${tutees(n)}${centre}`;
  const a = num(row.adjusted_progress);
  if (position === "within") {
    return `In ${s}, ${who}'s ${tutees(n)} did neither better nor worse than the LA's tutees beyond what chance allows: ${made}, within the funnel's 95% limits of ${formatNumber(row.funnel_95_low)} to ${formatNumber(row.funnel_95_high)} points ${forSize}.`;
  }
  const above = position === "above";
  const limit = above ? row.funnel_95_high : row.funnel_95_low;
  const far = above ? row.funnel_998_high : row.funnel_998_low;
  // Beyond the 99.8% limit too: said only when the rounded figures show it (they cannot cross it wrongly).
  const beyond = num(far) !== undefined && (above ? a > num(far) : a < num(far)) ? `, and beyond its 99.8% limit of ${formatNumber(far)} points too` : "";
  return `In ${s}, ${who}'s ${tutees(n)} did ${above ? "better" : "worse"} than the LA's tutees: ${made}, ${above ? "above" : "below"} the funnel's 95% ${above ? "upper" : "lower"} limit of ${formatNumber(limit)} points ${forSize}${beyond}.`;
}

/** A few words per subject for a heading line: "English: above the LA's tutees · Maths: too few tutees to say". */
export function verdictSummary(rowsBySubject) {
  const words = { above: "above the LA's tutees", below: "below the LA's tutees", within: "within the funnel's limits", "too-few": "too few tutees to say" };
  return Object.entries(rowsBySubject)
    .map(([subject, row]) => {
      const s = SUBJECT_WORD[subject] ?? subject;
      return `${s[0].toUpperCase()}${s.slice(1)}: ${words[funnelPosition(row).position]}`;
    })
    .join(" · ");
}
