// "Strength of evidence" beside a headline impact (issue 19, item 5): what the design could
// detect, how many tutees were lost, how alike the groups were, the exact-matching estimate
// beside the primary one, and one sentence on how far to trust the figure. No rating: the EEF's
// padlocks are awarded by its reviewers to its own trials, and this design has none to borrow.
// Thresholds used in the sentence, each a published convention rather than a grade:
// - |standardised difference| over 0.25: the What Works Clearinghouse's limit for baseline
//   equivalence (Procedures and Standards Handbook), as the balance paragraph already uses;
// - an estimate whose CI excludes 0 yet is below the MDES tends to overstate the true effect
//   (Gelman & Carlin 2014, "type M error"); one whose CI includes 0 with |g| below the MDES says
//   little, since an effect that small would often be missed;
// - a fifth of tutees lost: stated as a caution, the figure itself is always shown beside it.
// No d3 or Plot: the overview imports this module and must stay light (issue 17).
import { el, formatNumber, isSymbol, num, rounded, SYMBOL_MEANING } from "./format.js";
import { ciIncludesZero } from "./readings.js";

export const IMBALANCE_LIMIT = 0.25;
export const LOST_LIMIT = 20;

const SUBJECT_WORD = { English: "English", Mathematics: "maths" };
const points = (v) => formatNumber(rounded(v, 1));

/** "a, b and c" */
function list(items) {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * One sentence on how far to trust a subject's headline impact. impact: the published impact row
 * (b, ci_low, ci_high, g); matched: the published exact-matching row (att); evidence: the published
 * strength-of-evidence row (mdes, lost_share, max_std_diff, max_std_diff_matched).
 */
export function evidenceSentence(impact, matched, evidence, subject) {
  const s = subject ? `${SUBJECT_WORD[subject] ?? subject} ` : "";
  if (!impact || isSymbol(impact.b)) {
    const symbol = impact?.b;
    const why = symbol === "c" || symbol === "x" || symbol === "z" ? `: the estimate is ${symbol}, ${SYMBOL_MEANING[symbol]}` : "";
    return `There is no ${s}estimate to weigh${why}.`;
  }
  const cautions = [];
  const supports = [];
  const b = num(impact.b);
  const g = num(impact.g);
  const mdes = num(evidence?.mdes);
  const clear = !ciIncludesZero(impact.ci_low, impact.ci_high);
  if (mdes !== undefined) {
    const below = g !== undefined && Math.abs(g) < mdes;
    if (!clear && (g === undefined || below))
      cautions.push(`the design could reliably detect only an effect size of ${formatNumber(evidence.mdes)} or more, so a smaller effect may have gone unseen`);
    else if (clear && below)
      cautions.push(
        `the estimate is smaller than the effect size of ${formatNumber(evidence.mdes)} the design could reliably detect, and such clear results tend to overstate the true effect`,
      );
    else supports.push(`the design could reliably detect an effect size of ${formatNumber(evidence.mdes)}`);
  }
  const att = num(matched?.att);
  if (att === undefined) cautions.push("there is no exact-matching estimate to check it against");
  else if (b !== undefined && Math.sign(att) !== Math.sign(b))
    cautions.push(`the exact-matching estimate (${points(matched.att)} points) points the other way`);
  else supports.push(`the exact-matching estimate (${points(matched.att)} points) agrees in direction`);
  const before = num(evidence?.max_std_diff);
  const after = num(evidence?.max_std_diff_matched);
  if (before !== undefined && before > IMBALANCE_LIMIT)
    cautions.push(
      `tutees and comparison pupils differed by up to ${formatNumber(evidence.max_std_diff)} standard deviations before adjustment, beyond the ±${IMBALANCE_LIMIT} usually read as a poor match`,
    );
  else if (before !== undefined) supports.push("tutees and comparison pupils were alike before tuition");
  // A suppressed largest difference may hide a poor match: never read its absence as balance.
  else if (evidence?.max_std_diff === "c")
    cautions.push(
      "how alike tutees and comparison pupils were before tuition cannot be shown here (c: it involves a small group; see the balance on the impact page)",
    );
  if (after !== undefined && after > IMBALANCE_LIMIT)
    cautions.push(
      `even exactly matched pupils differ by ${formatNumber(evidence.max_std_diff_matched)} standard deviations in a characteristic not matched on`,
    );
  const lost = num(evidence?.lost_share);
  if (lost !== undefined && lost >= LOST_LIMIT)
    cautions.push(`${formatNumber(evidence.lost_share, "%")} of tutees had no baseline or no outcome and are not in it`);
  else if (lost === 0) supports.push("no tutee was lost for want of a baseline or an outcome");
  else if (lost !== undefined) supports.push(`${formatNumber(evidence.lost_share, "%")} of tutees were lost for want of a baseline or an outcome`);
  if (cautions.length) return `Read the ${s}figure with caution: ${list(cautions)}.`;
  const why = supports.length ? `: ${list(supports)}` : "";
  return `Nothing here weakens the ${s}figure beyond the limits of any comparison with pupils who were not chosen at random${why}.`;
}

/** The block's lines as [term, text] for one subject (symbols shown as they are). */
export function evidenceItems(impact, matched, evidence) {
  const e = evidence ?? {};
  const m = matched ?? {};
  const pointsOf = (v) => (isSymbol(v) ? formatNumber(v) : `${points(v)} points`);
  return [
    [
      "Smallest effect the design could reliably detect (80% power)",
      isSymbol(e.mdes) ? formatNumber(e.mdes) : `effect size ${formatNumber(e.mdes)} (${pointsOf(e.mde_points)})`,
    ],
    [
      "Tutees not analysed for want of a baseline or an outcome",
      isSymbol(e.lost_share)
        ? formatNumber(e.lost_share)
        : `${formatNumber(e.lost_share, "%")} (${formatNumber(e.ev_tutees_lost)} of ${formatNumber(e.ev_tutees)})`,
    ],
    [
      "Largest standardised difference at baseline",
      `${formatNumber(e.max_std_diff)} before adjustment; ${formatNumber(e.max_std_diff_matched)} in the exactly matched sample`,
    ],
    [
      "Exact-matching estimate beside the primary",
      `${pointsOf(m.att)} against ${pointsOf(impact?.b)}${m.n_matched_t == null ? "" : ` (${formatNumber(m.n_matched_t)} matched tutees)`}`,
    ],
  ];
}

/** A small card: the four figures and the sentence. */
export function evidenceBlock(impact, matched, evidence, subject) {
  return el(
    "div",
    { class: "card evidence" },
    el("h3", {}, subject),
    el(
      "dl",
      {},
      evidenceItems(impact, matched, evidence).flatMap(([term, text]) => [el("dt", {}, term), el("dd", {}, text)]),
    ),
    el("p", { class: "reading" }, evidenceSentence(impact, matched, evidence, subject)),
  );
}
