// Plain-English readings of estimates (outputs.md §3): "tutees made about N points (about M
// months) more progress than similar pupils, 95% CI a to b"; where the 95% CI includes 0, "no
// clear evidence of a difference", and then never "N months". A suppressed or unavailable
// estimate says so with its symbol. Points are shown to 1 dp as the site shows impact
// (measures.md §12), whatever the published precision.
// No d3 or Plot import here: the overview imports this module and must stay light (issue 17).
import { BREAKDOWN_LABEL, el, formatNumber, isSymbol, num, rounded } from "./format.js";

const SUBJECT_WORD = { English: "English", Mathematics: "maths" };

/** True unless both bounds are numbers on the same side of 0: without a CI there is no evidence. */
export function ciIncludesZero(low, high) {
  const lo = num(low),
    hi = num(high);
  return lo === undefined || hi === undefined || (lo <= 0 && hi >= 0);
}

const points = (v) => formatNumber(rounded(v, 1));
const plural = (n, one, many) => (n === 1 ? one : many);

/** "(about 2 months)", "(less than a month)", or "" when months are not published. */
function monthsPhrase(months) {
  const m = num(months);
  if (m === undefined) return "";
  const n = Math.abs(m);
  return n === 0 ? " (less than a month)" : ` (about ${n} ${plural(n, "month", "months")})`;
}

/**
 * One estimate of impact in words. row: a published impact row (b, ci_low, ci_high, months);
 * options: {subject} leads with "In English, ", {label} leads with "FSM eligible: " (for lists of
 * groups); a string is taken as the subject.
 */
export function impactReading(row, options = {}) {
  const { subject, label } = typeof options === "string" ? { subject: options } : options;
  const s = subject ? (SUBJECT_WORD[subject] ?? subject) : "";
  // Each reading as [subject of the sentence when it has no lead, the rest].
  const say = (opener, clause) => {
    if (label) return `${label}: ${clause}.`;
    if (s) return `In ${s}, ${opener ? `${opener} ` : ""}${clause}.`;
    const text = `${opener ? `${opener} ` : ""}${clause}`;
    return `${text[0].toUpperCase()}${text.slice(1)}.`;
  };
  if (!row) return say("", "no estimate was published");
  const b = row.b;
  if (b === "c") return say("the estimate is", "suppressed (c) to protect the confidentiality of a small number of pupils");
  if (b === "x") return say("the estimate is", "not available (x): too few tutees, comparison pupils or schools to estimate it");
  if (isSymbol(b)) return say("the estimate is", "not applicable (z)");
  const ci = isSymbol(row.ci_low) || isSymbol(row.ci_high) ? "" : `, 95% CI ${points(row.ci_low)} to ${points(row.ci_high)}`;
  if (ciIncludesZero(row.ci_low, row.ci_high)) {
    return say("there is", `no clear evidence of a difference in progress between tutees and similar pupils (estimate ${points(b)} points${ci})`);
  }
  // "points" even for 1.0: a figure with decimals takes the plural.
  const size = formatNumber(rounded(Math.abs(num(b)), 1));
  const more = num(b) > 0 ? "more" : "less";
  return say("", `tutees made about ${size} points${monthsPhrase(row.months)} ${more} progress than similar pupils${ci}`);
}

/** The EEF-style months cell: the published months only where the CI excludes 0 (outputs.md §3). */
export function monthsCell(row) {
  if (!row) return "–";
  if (isSymbol(row.months)) return formatNumber(row.months);
  if (ciIncludesZero(row.ci_low, row.ci_high)) return "No clear difference";
  const m = num(row.months);
  return `${m > 0 ? "+" : ""}${formatNumber(row.months)}`;
}

/** Big headline figure for a subject card: "+2 months", "No clear difference", or the symbol. */
export function headlineFigure(row) {
  if (!row) return "–";
  if (isSymbol(row.b)) return formatNumber(row.b);
  if (ciIncludesZero(row.ci_low, row.ci_high)) return "No clear difference";
  const m = num(row.months);
  if (m === undefined) return `${num(row.b) > 0 ? "+" : ""}${points(row.b)} points`;
  if (m === 0) return "Less than a month";
  return `${m > 0 ? "+" : "−"}${Math.abs(m)} ${plural(Math.abs(m), "month", "months")}`;
}

/** The characteristic a balance indicator is about, from its metadata label ("… standardised difference in baseline"). */
function characteristic(indicator, catalogue) {
  const label = catalogue?.find((c) => c.indicator === indicator)?.label;
  const m = label && /standardised difference in (.+)$/.exec(label);
  // "with SEN provision" reads "for SEN provision" in a list of differences.
  return (
    m
      ? m[1]
      : indicator
          .replace(/^m?bal_/, "")
          .replace(/_std_diff$/, "")
          .replaceAll("_", " ")
  ).replace(/^with /, "");
}

/** Model-sample standardised differences of a balance row beyond `limit` in size: [{indicator, value, label}]. */
export function imbalances(row, catalogue, { limit = 0.25, prefix = "bal_" } = {}) {
  if (!row) return [];
  return Object.keys(row)
    .filter((k) => k.startsWith(prefix) && k.endsWith("_std_diff") && num(row[k]) !== undefined && Math.abs(num(row[k])) > limit)
    .map((k) => ({ indicator: k, value: row[k], label: characteristic(k, catalogue) }));
}

/**
 * A short paragraph when tutees and comparison pupils were not alike before tuition (any model-sample
 * standardised difference beyond 0.25 in size): the estimate then leans on the model's adjustment.
 * balance: the balance rows of one subject (total row and groups); returns "" when all are within 0.25.
 */
export function balanceReading(balance, catalogue, { subject, limit = 0.25 } = {}) {
  const rows = (balance ?? []).filter((r) => subject === undefined || r.subject === subject);
  const total = rows.find((r) => r.breakdown === "total");
  const overall = imbalances(total, catalogue, { limit });
  const groups = rows.filter((r) => r.breakdown !== "total");
  const groupsOff = groups.filter((r) => imbalances(r, catalogue, { limit }).length > 0).length;
  if (!overall.length && !groupsOff) return "";
  const s = subject ? `${SUBJECT_WORD[subject] ?? subject} ` : "";
  const list = (items) =>
    items
      .map((d) => `${formatNumber(d.value)} for ${d.label}`)
      .join(", ")
      .replace(/, ([^,]*)$/, " and $1");
  const poor = `beyond ±${limit} is usually read as a poor match`;
  const inGroups = `${groupsOff} of ${groups.length} groups`;
  const first = !overall.length
    ? `Overall, ${s}tutees and comparison pupils were alike before tuition, but in ${inGroups} at least one standardised difference is beyond ±${limit} (${poor}). The estimates for those groups lean`
    : `Before tuition, ${s}tutees and comparison pupils were not alike: standardised ${plural(overall.length, "difference", "differences")} of ${list(overall)} (${poor})${groupsOff ? `, and in ${inGroups} at least one is beyond ±${limit}` : ""}. The estimate therefore leans`;
  return `${first} on the model's adjustment for these characteristics, and anything the model does not see, such as why a pupil was chosen, stays in it. The exact-matching estimate, which compares tutees only with identical comparison pupils, is the check.`;
}

/** "English: 249 places used of 300 funded (83.0% of the funded places)." from a delivery row. */
export function placesReading(row) {
  const used = row.places,
    funded = row.places_funded;
  const lead = row.subject ? `${row.subject}: ` : "";
  if (isSymbol(used)) return `${lead}places used ${formatNumber(used)} (${used === "c" ? "suppressed" : "not available"}).`;
  const u = `${formatNumber(used)} ${num(used) === 1 ? "place" : "places"} used`;
  if (isSymbol(funded)) return `${lead}${u}; places funded ${funded === "c" ? "suppressed (c)" : "not recorded (no allocation for this subject)"}.`;
  const pct = isSymbol(row.pct_funded_places_used) ? "" : ` (${formatNumber(row.pct_funded_places_used, "%")} of the funded places)`;
  return `${lead}${u} of ${formatNumber(funded)} funded${pct}.`;
}

/**
 * A gap row in words: did tuition do more for the group of concern (FSM, looked after, EAL, male)
 * than for the other pupils? Same rule: where the CI includes 0, no clear evidence.
 */
export function gapReading(row) {
  const who = `${row.group_label} (${SUBJECT_WORD[row.subject] ?? row.subject})`;
  const d = row.gap_impact;
  if (d === "c") return `${who}: suppressed (c) to protect the confidentiality of a small number of pupils.`;
  if (d === "z") return `${who}: not applicable (z).`;
  if (isSymbol(d)) return `${who}: not available (x): too few pupils in one of the two groups to estimate it.`;
  const ci =
    isSymbol(row.gap_impact_ci_low) || isSymbol(row.gap_impact_ci_high) ? "" : `, 95% CI ${points(row.gap_impact_ci_low)} to ${points(row.gap_impact_ci_high)}`;
  if (ciIncludesZero(row.gap_impact_ci_low, row.gap_impact_ci_high)) {
    return `${who}: no clear evidence that tuition did more or less for these pupils than for the others (difference ${points(d)} points${ci}).`;
  }
  return `${who}: tuition did about ${formatNumber(rounded(Math.abs(num(d)), 1))} points ${num(d) > 0 ? "more" : "less"} for these pupils than for the others${ci}.`;
}

/** Readings of every group, as a list under each breakdown's label (rows already in the report's order). */
export function groupReadings(rows, reading) {
  const byBreakdown = new Map();
  for (const r of rows) if (r.breakdown !== "total") byBreakdown.set(r.breakdown, [...(byBreakdown.get(r.breakdown) ?? []), r]);
  return el(
    "ul",
    { class: "readings" },
    [...byBreakdown].map(([breakdown, groupRows]) =>
      el(
        "li",
        {},
        el("strong", {}, BREAKDOWN_LABEL[breakdown] ?? breakdown),
        el(
          "ul",
          {},
          groupRows.map((r) => el("li", {}, reading(r))),
        ),
      ),
    ),
  );
}

/** A paired change in viewpoints in words (mean change on the 1–4 scale with its 95% CI). */
export function changeReading(row, label) {
  const d = row.mean_change;
  const lead = label ? `${label}: ` : "";
  if (d === "c") return `${lead}suppressed (c) to protect the confidentiality of a small number of respondents.`;
  if (isSymbol(d)) return `${lead}not available (${d ?? "x"}): no answers both before and after tuition.`;
  const ci =
    isSymbol(row.mean_change_ci_low) || isSymbol(row.mean_change_ci_high)
      ? ""
      : `, 95% CI ${formatNumber(row.mean_change_ci_low)} to ${formatNumber(row.mean_change_ci_high)}`;
  if (ciIncludesZero(row.mean_change_ci_low, row.mean_change_ci_high)) return `${lead}no clear evidence of a change (mean change ${formatNumber(d)}${ci}).`;
  return `${lead}answers ${num(d) > 0 ? "rose" : "fell"} by about ${formatNumber(String(Math.abs(num(d)).toFixed(2)))} on the 1–4 scale after tuition${ci}.`;
}
