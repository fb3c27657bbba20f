// The footnotes of published_footnotes (one row per x cell) as a list a reader can follow:
// one entry per reason, with the figures it applies to grouped by topic, subject and group.
// Hundreds of rows shown one by one would bury the few reasons there are.
import { BREAKDOWN_LABEL, el } from "./format.js";

const BREAKDOWN_ORDER = Object.keys(BREAKDOWN_LABEL);

function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a cell is, in words: "English, all pupils" or "Mathematics, Free school meals: FSM eligible". */
export function cellPlace(f, { withYear = false } = {}) {
  const group = f.breakdown === "total" || f.breakdown == null ? "all pupils" : `${BREAKDOWN_LABEL[f.breakdown] ?? f.breakdown}: ${f.group_label}`;
  const la = f.la_code === "National" ? " (National)" : "";
  const year = withYear && f.time_period ? `${String(f.time_period).slice(0, 4)}/${String(f.time_period).slice(4)}, ` : "";
  return `${year}${f.subject ?? "All subjects"}${la}, ${group}`;
}

/**
 * Plain data behind the list: reasons (most cells first), each with its places, each place
 * with the labels of the figures that are x there for that reason.
 */
export function groupFootnotes(footnotes, catalogue = []) {
  const byIndicator = new Map(catalogue.map((c) => [c.indicator, c]));
  const label = (ind) => byIndicator.get(ind)?.label ?? String(ind).replaceAll("_", " ");
  const topic = (ind) => byIndicator.get(ind)?.grouping ?? "Other figures";
  const withYear = new Set(footnotes.map((f) => f.time_period)).size > 1;
  const reasons = new Map();
  for (const f of footnotes) {
    const reason = f.reason ?? "Not available";
    if (!reasons.has(reason)) reasons.set(reason, { reason, cells: 0, places: new Map() });
    const r = reasons.get(reason);
    r.cells += 1;
    const key = [topic(f.indicator), f.time_period, f.la_code, f.subject, f.breakdown, f.group_label].join("\u0001");
    if (!r.places.has(key)) {
      r.places.set(key, {
        topic: topic(f.indicator),
        place: cellPlace(f, { withYear }),
        figures: [],
        sort: [
          topic(f.indicator),
          String(f.time_period ?? ""),
          f.la_code === "National" ? "1" : "0",
          String(f.subject ?? ""),
          String(BREAKDOWN_ORDER.indexOf(f.breakdown)).padStart(2, "0"),
          String(f.group_label ?? ""),
        ],
      });
    }
    const figures = r.places.get(key).figures;
    // a label repeating its topic ("Impact: standard error" under Impact) loses the repeat
    const full = label(f.indicator);
    const l = full.startsWith(`${topic(f.indicator)}: `) ? full.slice(topic(f.indicator).length + 2) : full;
    if (!figures.includes(l)) figures.push(l);
  }
  return [...reasons.values()]
    .sort((a, b) => b.cells - a.cells || compareText(a.reason, b.reason))
    .map(({ reason, cells, places }) => ({
      reason,
      cells,
      places: [...places.values()]
        .sort((a, b) => a.sort.reduce((acc, v, i) => acc || compareText(v, b.sort[i]), 0))
        .map(({ topic, place, figures }) => ({ topic, place, figures })),
    }));
}

/** The list as DOM: a <ul> of reasons, each opening (details) onto the figures it explains. */
export function footnoteList(footnotes, catalogue = []) {
  if (!footnotes.length) return el("p", {}, "No figure is x (not available) in this run.");
  const groups = groupFootnotes(footnotes, catalogue);
  return el(
    "ul",
    { class: "footnotes" },
    groups.map((g) =>
      el(
        "li",
        {},
        el(
          "details",
          {},
          el("summary", {}, el("strong", {}, g.reason), ` — ${g.cells.toLocaleString("en-GB")} ${g.cells === 1 ? "figure" : "figures"}`),
          el(
            "ul",
            {},
            g.places.map((p) => el("li", {}, `${p.topic} · ${p.place}: `, p.figures.join("; "))),
          ),
        ),
      ),
    ),
  );
}
