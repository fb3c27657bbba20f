// The ntp pages' shared parts (programmes.md §4): the report's order and words for the ntp filters,
// and readings of route and group-size estimates. Generic over what the run published: breakdowns,
// outcome measures and subjects come from the rows, labelled and ordered by the metadata's filters
// (the loaders' `layout`, export/layout.ts); a value this module does not list is shown after the
// listed ones, in its own words, never dropped.
// No d3 or Plot import here: the overview imports this module and must stay light (issue 17).
import { el, formatNumber, isSymbol, num, rounded } from "./format.js";
import { ciIncludesZero } from "./readings.js";
import { GROUP_ORDER } from "./order.js";

/** Filter values in programmes.md §4's order; the pupil breakdowns shared with 2009 in its order, with ntp's own SEN and key stage lists. */
export const NTP_GROUP_ORDER = {
  ...GROUP_ORDER,
  sen_provision: ["No SEN provision", "SEN support / SEN without an EHC plan", "Education, health and care plan"],
  key_stage: ["Key stage 1", "Key stage 2", "Key stage 3", "Key stage 4"],
  route: ["Tuition partner", "Academic mentor", "School-led tutoring"],
  group_size: ["One-to-one", "Two pupils", "Three pupils", "Four or more pupils"],
  disadvantage_status: ["Disadvantaged", "Not known to be disadvantaged"],
};
export const NTP_OUTCOME_ORDER = ["Standardised score", "KS2 scaled score", "GCSE grade", "Total"];

const position = (list, value) => {
  const i = (list ?? []).indexOf(value);
  return i === -1 ? (list ?? []).length : i;
};
const text = (a, b) => (String(a ?? "") < String(b ?? "") ? -1 : String(a ?? "") > String(b ?? "") ? 1 : 0);

/** Words and order of an ntp page, from its data's layout (the return's filters and subject order). */
export function ntpWords(layout) {
  const filters = layout?.filters ?? [];
  const subjectOrder = layout?.subjectOrder ?? [];
  // Breakdowns: total first, then the filters in the metadata's order (subject and outcome measure are not breakdowns).
  const breakdownOrder = ["total", ...filters.map((f) => f.col).filter((c) => c !== "subject" && c !== "outcome_measure")];
  const filterLabel = Object.fromEntries(filters.map((f) => [f.col, f.label]));
  const breakdownLabel = (b) => (b === "total" ? "All pupils" : (filterLabel[b] ?? words(b)));
  const groupLabel = (r) => (r.breakdown === "total" ? "All pupils" : r.group_label);
  const compare = (a, b) =>
    position(subjectOrder, a.subject) - position(subjectOrder, b.subject) ||
    text(a.subject, b.subject) ||
    position(NTP_OUTCOME_ORDER, a.outcome_measure) - position(NTP_OUTCOME_ORDER, b.outcome_measure) ||
    text(a.outcome_measure, b.outcome_measure) ||
    position(breakdownOrder, a.breakdown) - position(breakdownOrder, b.breakdown) ||
    text(a.breakdown, b.breakdown) ||
    position(NTP_GROUP_ORDER[a.breakdown], a.group_label) - position(NTP_GROUP_ORDER[b.breakdown], b.group_label) ||
    text(a.group_label, b.group_label);
  const inOrder = (rows) => [...(rows ?? [])].sort(compare);
  /** Distinct values of a key in the report's order. */
  const valuesOf = (rows, key) => [
    ...new Set(
      inOrder(rows)
        .map((r) => r[key])
        .filter((v) => v != null),
    ),
  ];
  return { breakdownLabel, groupLabel, filterLabel, inOrder, valuesOf, breakdownOrder };
}

/** A label inside a sentence: "Group size" → "group size", but "NTP route" stays as it is. */
export function inSentence(label) {
  const t = String(label ?? "");
  return /^[A-Z][a-z]/.test(t) ? t[0].toLowerCase() + t.slice(1) : t;
}

/** A code in words: "tutor_type" → "Tutor type". */
export function words(code) {
  const s = String(code ?? "")
    .replaceAll("_", " ")
    .trim();
  return s ? s[0].toUpperCase() + s.slice(1) : "–";
}

const points = (v) => formatNumber(rounded(v, 1));

/** The symbol's meaning for a reading ("suppressed (c) …"), or null for a number. */
function symbolClause(value, what = "the estimate is") {
  if (value === "c") return `${what} suppressed (c) to protect the confidentiality of a small number of pupils`;
  if (value === "z") return `${what} not applicable (z)`;
  if (isSymbol(value)) return `${what} not available (x): too few tutees, comparison pupils or schools to estimate it`;
  return null;
}

/**
 * One ntp impact estimate in words (outputs.md §3): "tutees made about N points more progress
 * on the <measure> than similar pupils, 95% CI a to b", or no clear evidence where the CI includes 0.
 */
export function ntpImpactReading(row, label) {
  const lead = label ? `${label}: ` : "";
  const measure = inSentence(row.outcome_measure ?? "outcome");
  const sym = symbolClause(row.b);
  if (sym) return `${lead}${sym}.`;
  const ci = isSymbol(row.ci_low) || isSymbol(row.ci_high) ? "" : `, 95% CI ${points(row.ci_low)} to ${points(row.ci_high)}`;
  if (ciIncludesZero(row.ci_low, row.ci_high))
    return `${lead}no clear evidence of a difference in ${measure} between tutees and similar pupils (estimate ${points(row.b)} points${ci}).`;
  return `${lead}tutees scored about ${points(Math.abs(num(row.b)))} points ${num(row.b) > 0 ? "higher" : "lower"} on the ${measure} than similar untutored pupils${ci}.`;
}

/**
 * The part of a breakdown the others are compared with: the group whose published difference is
 * `z` while another group's is not (the return's reference: school-led tutoring, three pupils, not
 * known to be disadvantaged), or undefined when the breakdown publishes no differences.
 */
export function referenceOf(rows) {
  const withDiff = rows.filter((r) => r.b_diff !== undefined && r.b_diff !== "z");
  if (!withDiff.length) return undefined;
  return rows.find((r) => r.b_diff === "z");
}

/** A published difference (this part − the reference part) in words. */
export function differenceReading(row, reference) {
  const lead = `${row.group_label} − ${reference.group_label}: `;
  const sym = symbolClause(row.b_diff, "the difference is");
  if (sym) return `${lead}${sym}.`;
  const ci = isSymbol(row.ci_low_diff) || isSymbol(row.ci_high_diff) ? "" : `, 95% CI ${points(row.ci_low_diff)} to ${points(row.ci_high_diff)}`;
  if (ciIncludesZero(row.ci_low_diff, row.ci_high_diff))
    return `${lead}no clear evidence that the impact differs from ${inSentence(reference.group_label)} (difference ${points(row.b_diff)} points${ci}).`;
  return `${lead}the impact was about ${points(Math.abs(num(row.b_diff)))} points ${num(row.b_diff) > 0 ? "larger" : "smaller"} than for ${inSentence(reference.group_label)}${ci}.`;
}

/** "x: <reason>" lines of the return's footnotes for some rows, as a list (or null). */
export function footnoteList(footnotes, catalogue, filter = () => true) {
  const notes = (footnotes ?? []).filter(filter);
  if (!notes.length) return null;
  const label = (i) => catalogue?.find((c) => c.indicator === i)?.label ?? words(i);
  const byReason = new Map();
  for (const n of notes) {
    const key = `${label(n.indicator)}|${n.reason}`;
    byReason.set(key, [...(byReason.get(key) ?? []), `${n.subject}, ${n.group_label}`]);
  }
  return el(
    "ul",
    { class: "footnotes muted" },
    [...byReason].map(([key, where]) => {
      const [what, reason] = key.split("|");
      return el("li", {}, el("strong", {}, `${what}: `), `${reason} (${where.join("; ")}).`);
    }),
  );
}

/** A whole-number money or count cell with its unit: "£1,434,280". */
export function money(value) {
  return formatNumber(value, "£");
}
