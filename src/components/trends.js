// Trends over academic years (issue 19 item 4; outputs.md §3 "trend over years"): the overview's
// headline figures of every year side by side, and a note where the comparison pupils or the
// programme changed between two years, so a change in impact is not read without its context.
// From the published (suppressed) rows only: a symbol stays a symbol and is never compared.
import { academicYear, formatNumber, num, rounded, show, withCi } from "./format.js";
import { monthsCell } from "./readings.js";

/**
 * A count "changed a lot" between two consecutive years when it moved by more than this share
 * of the earlier year's (a quarter: beyond what a stable programme's year-to-year churn gives).
 */
export const CHANGE_SHARE = 0.25;

/** The headline figures, in the order the overview shows them; `from` is the published table. */
export const TREND_FIGURES = [
  { label: "Effect size (95% CI)", from: "impact", value: (r) => withCi(r.g, r.g_ci_low, r.g_ci_high) },
  { label: "Impact in points (95% CI)", from: "impact", value: (r) => withCi(rounded(r.b, 1), rounded(r.ci_low, 1), rounded(r.ci_high, 1)) },
  { label: "Months' additional progress", from: "impact", value: (r) => monthsCell(r) },
  { label: "Tutees in the model", from: "impact", value: (r) => show(r.n_t) },
  { label: "Comparison pupils in the model", from: "impact", value: (r) => show(r.n_c) },
  { label: "Places used", from: "delivery", value: (r) => show(r.places) },
  { label: "Places funded", from: "delivery", value: (r) => show(r.places_funded) },
  { label: "Total cost", from: "value", value: (r) => show(r.total_cost_gbp, "£") },
  { label: "Cost per tutee", from: "value", value: (r) => show(r.cost_per_tutee_gbp, "£") },
];

/** The whole-cohort row of a table for one LA, subject and year (undefined if none). */
function totalRow(tables, from, { laCode, subject, timePeriod }) {
  return (tables[from] ?? []).find(
    (r) => r.la_code === laCode && r.urn == null && r.breakdown === "total" && r.subject === subject && r.time_period === timePeriod,
  );
}

/** Column key of a year in the side-by-side table. */
export const yearKey = (timePeriod) => `y${timePeriod}`;

/**
 * One row per subject and figure, one column per academic year (`y200910`, ...): the text the
 * overview shows ("–" where the year has no row for it).
 */
export function yearsSideBySide(tables, { laCode, periods, subjects }) {
  const rows = [];
  for (const subject of subjects) {
    for (const f of TREND_FIGURES) {
      const row = { subject, figure: f.label };
      for (const tp of periods) {
        const r = totalRow(tables, f.from, { laCode, subject, timePeriod: tp });
        row[yearKey(tp)] = r ? f.value(r) : "–";
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The columns of that table, for dataTable. */
export function yearColumns(periods) {
  return [{ key: "subject", label: "Subject" }, { key: "figure", label: "Figure" }, ...periods.map((tp) => ({ key: yearKey(tp), label: academicYear(tp) }))];
}

/** The counts whose change the note reports: who the tutees are compared with, and what the programme funded. */
const WATCHED = [
  {
    from: "impact",
    column: "n_c",
    what: "comparison pupils in the model",
    why: "the tutees are compared with a different group of pupils, so read a change in impact with care",
  },
  { from: "delivery", column: "places_funded", what: "places funded", why: "the programme's allocation changed" },
];

/**
 * Sentences, one per subject, pair of consecutive years and watched count that moved by more than
 * CHANGE_SHARE of the earlier year's, or that is published in one year and not the other. A
 * suppressed or unavailable count in both years says nothing (nothing to compare).
 */
export function changeNotes(tables, { laCode, periods, subjects }) {
  const notes = [];
  for (let i = 1; i < periods.length; i++) {
    const [p0, p1] = [periods[i - 1], periods[i]];
    for (const subject of subjects) {
      for (const w of WATCHED) {
        const v0 = totalRow(tables, w.from, { laCode, subject, timePeriod: p0 })?.[w.column];
        const v1 = totalRow(tables, w.from, { laCode, subject, timePeriod: p1 })?.[w.column];
        const [n0, n1] = [num(v0), num(v1)];
        const between = `${academicYear(p0)} and ${academicYear(p1)}`;
        if (n0 === undefined && n1 === undefined) continue;
        if (n0 === undefined || n1 === undefined) {
          notes.push(
            `${subject}: the ${w.what} are ${formatNumber(v0 ?? "–")} in ${academicYear(p0)} and ${formatNumber(v1 ?? "–")} in ${academicYear(p1)}, so the two years cannot be compared on them.`,
          );
          continue;
        }
        const change = n0 === 0 ? (n1 === 0 ? 0 : Infinity) : (n1 - n0) / n0;
        if (Math.abs(change) <= CHANGE_SHARE) continue;
        const size = Number.isFinite(change) ? `${change > 0 ? "up" : "down"} ${Math.round(Math.abs(change) * 100)}%` : "up from none";
        notes.push(`${subject}: the ${w.what} went from ${formatNumber(v0)} to ${formatNumber(v1)} between ${between} (${size}): ${w.why}.`);
      }
    }
  }
  return notes;
}
