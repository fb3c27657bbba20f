// Chart functions: (data, {width, ...}) → a Plot figure, so pages stay prose and layout.
// Every chart plots only published numbers; suppressed or unavailable values (c, x, z) are
// left out of the marks and named in the chart's text alternative instead.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { isSymbol, num } from "./format.js";

function missingNote(rows, key, label) {
  const missing = rows.filter((r) => isSymbol(r[key]));
  return missing.length ? ` Not plotted: ${missing.map((r) => `${label(r)} (${r[key] ?? "–"})`).join(", ")}.` : "";
}

/**
 * Forest plot: estimates with 95% confidence intervals, one line per row.
 * rows: published rows; estimate/low/high: column names; label(row) → y label; facet(row) → panel.
 */
export function forestPlot(rows, { width, estimate, low, high, label = (r) => r.group_label, facet, xLabel = "Estimate (95% CI)", description } = {}) {
  const data = rows
    .filter((r) => num(r[estimate]) !== undefined && num(r[low]) !== undefined && num(r[high]) !== undefined)
    .map((r) => ({ label: label(r), facet: facet ? facet(r) : undefined, est: num(r[estimate]), lo: num(r[low]), hi: num(r[high]) }));
  const labels = [...new Set(data.map((d) => d.label))];
  const facets = facet ? [...new Set(data.map((d) => d.facet))] : [undefined];
  const rowsPerFacet = facet ? d3.max(facets, (f) => data.filter((d) => d.facet === f).length) ?? 1 : labels.length;
  return Plot.plot({
    width,
    height: Math.max(120, 40 + facets.length * (rowsPerFacet * 22 + 24)),
    marginLeft: Math.min(260, 8 + 6.5 * (d3.max(labels, (l) => l.length) ?? 10)),
    marginRight: facet ? 8 : 20,
    x: { label: xLabel, grid: true },
    y: { label: null },
    fy: facet ? { label: null, axis: "right", tickFormat: () => "" } : undefined,
    facet: facet ? { data, y: "facet", label: null } : undefined,
    ariaLabel: description ?? `Forest plot of ${xLabel}`,
    ariaDescription: `${data.map((d) => `${d.facet ? `${d.facet}, ` : ""}${d.label}: ${d.est} (95% CI ${d.lo} to ${d.hi})`).join("; ")}.${missingNote(rows, estimate, label)}`,
    marks: [
      Plot.ruleX([0], { stroke: "currentColor", strokeOpacity: 0.5 }),
      Plot.ruleY(data, { y: "label", x1: "lo", x2: "hi", stroke: "var(--theme-foreground-focus)", strokeWidth: 2 }),
      Plot.dot(data, { y: "label", x: "est", r: 4, fill: "var(--theme-foreground-focus)", tip: true, title: (d) => `${d.label}: ${d.est} (${d.lo} to ${d.hi})` }),
      facet ? Plot.text(data, Plot.selectFirst({ fy: "facet", frameAnchor: "top-left", dy: -14, dx: -4, text: "facet", fontWeight: 600, textAnchor: "end" })) : null,
    ],
  });
}

/** Paired bars: tutees vs comparison pupils, one pair per group. series: [{key, name}]. */
export function pairedBars(rows, { width, series, label = (r) => r.group_label, xLabel, description } = {}) {
  const long = rows.flatMap((r) => series.map((s) => ({ group: label(r), who: s.name, value: num(r[s.key]), raw: r[s.key] })));
  const data = long.filter((d) => d.value !== undefined);
  const missing = long.filter((d) => d.value === undefined);
  const groups = [...new Set(long.map((d) => d.group))];
  return Plot.plot({
    width,
    height: Math.max(100, groups.length * (series.length * 18 + 8) + 60),
    marginLeft: Math.min(260, 8 + 6.5 * (d3.max(groups, (l) => l.length) ?? 10)),
    x: { label: xLabel, grid: true },
    y: { axis: null, domain: series.map((s) => s.name) },
    fy: { label: null, domain: groups, axis: "left" },
    color: { legend: true, domain: series.map((s) => s.name), range: ["#3b6fb6", "#9a9a9a"] },
    ariaLabel: description ?? xLabel,
    ariaDescription: `${data.map((d) => `${d.group}, ${d.who}: ${d.raw}`).join("; ")}.${missing.length ? ` Not shown: ${missing.map((d) => `${d.group}, ${d.who} (${d.raw ?? "–"})`).join(", ")}.` : ""}`,
    marks: [
      Plot.barX(data, { x: "value", y: "who", fy: "group", fill: "who", tip: true }),
      Plot.ruleX([0]),
    ],
  });
}

/** Horizontal bars of one indicator, one bar per row. */
export function bars(rows, { width, value, label = (r) => r.group_label, xLabel, description, color } = {}) {
  const data = rows.map((r) => ({ label: label(r), value: num(r[value]), raw: r[value] })).filter((d) => d.value !== undefined);
  return Plot.plot({
    width,
    height: Math.max(80, data.length * 26 + 50),
    marginLeft: Math.min(260, 8 + 6.5 * (d3.max(data, (d) => d.label.length) ?? 10)),
    x: { label: xLabel, grid: true },
    y: { label: null, domain: data.map((d) => d.label) },
    ariaLabel: description ?? xLabel,
    ariaDescription: `${data.map((d) => `${d.label}: ${d.raw}`).join("; ")}.${missingNote(rows, value, label)}`,
    marks: [
      Plot.barX(data, { x: "value", y: "label", fill: color ?? "var(--theme-foreground-focus)", tip: true }),
      Plot.text(data, { x: "value", y: "label", text: "raw", dx: 4, textAnchor: "start", fill: "currentColor" }),
      Plot.ruleX([0]),
    ],
  });
}

/** Places used beside places funded, grouped by label. */
export function usedVsFunded(rows, { width, used = "places", funded = "places_funded", label = (r) => r.subject, description } = {}) {
  return pairedBars(rows, {
    width,
    label,
    series: [
      { key: used, name: "Places used" },
      { key: funded, name: "Places funded" },
    ],
    xLabel: "Places",
    description: description ?? "Places used and places funded",
  });
}

/**
 * Funnel plot of schools' adjusted progress against their number of tutees, centred on the LA
 * mean with 95% and 99.8% limits mean ± z·sd/√n (measures.md §11).
 */
export function funnelPlot(schools, { width, mean, sd, n = "n_tutees", value = "adjusted_progress", name = (r) => r.school_name ?? r.urn, description } = {}) {
  const data = schools.map((r) => ({ name: name(r), n: num(r[n]), y: num(r[value]), raw: r[value] })).filter((d) => d.n !== undefined && d.y !== undefined && d.n > 0);
  const maxN = Math.max(10, d3.max(data, (d) => d.n) ?? 10);
  const limits = [];
  if (Number.isFinite(mean) && Number.isFinite(sd)) {
    for (let k = 2; k <= maxN; k += Math.max(1, maxN / 100)) {
      const h = sd / Math.sqrt(k);
      limits.push({ n: k, lo95: mean - 1.96 * h, hi95: mean + 1.96 * h, lo998: mean - 3.09 * h, hi998: mean + 3.09 * h });
    }
  }
  const outside = (d) => limits.length && Math.abs(d.y - mean) > 1.96 * (sd / Math.sqrt(d.n));
  const suppressed = schools.length - data.length;
  return Plot.plot({
    width,
    height: 380,
    x: { label: "Tutees in the school (n)", grid: true },
    y: { label: "Adjusted progress (points)", grid: true },
    ariaLabel: description ?? "Funnel plot of schools' adjusted progress",
    ariaDescription: `${data.length} schools plotted against the LA mean ${mean} with 95% and 99.8% limits. ${data.filter(outside).map((d) => `${d.name} (n ${d.n}, ${d.raw}) is outside the 95% limits`).join("; ") || "No school is outside the 95% limits."}${suppressed ? ` ${suppressed} schools not plotted (figures suppressed or not available).` : ""}`,
    marks: [
      Number.isFinite(mean) ? Plot.ruleY([mean], { stroke: "currentColor", strokeOpacity: 0.6 }) : null,
      Plot.line(limits, { x: "n", y: "lo95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.line(limits, { x: "n", y: "hi95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.line(limits, { x: "n", y: "lo998", stroke: "currentColor", strokeOpacity: 0.4 }),
      Plot.line(limits, { x: "n", y: "hi998", stroke: "currentColor", strokeOpacity: 0.4 }),
      Plot.dot(data, { x: "n", y: "y", r: 3.5, fill: (d) => (outside(d) ? "var(--theme-foreground-focus)" : "#888"), tip: true, title: (d) => `${d.name}\nn = ${d.n}, adjusted progress ${d.raw}` }),
    ],
  });
}

/** Viewpoints: mean response (1–4) before and after, an arrow per item, a panel per respondent. */
export function prePost(rows, { width, description } = {}) {
  const data = rows
    .map((r) => ({ respondent: r.respondent, item: r.item, pre: num(r.mean_pre), post: num(r.mean_post), rawPre: r.mean_pre, rawPost: r.mean_post }))
    .filter((d) => d.pre !== undefined && d.post !== undefined);
  const respondents = [...new Set(data.map((d) => d.respondent))];
  const items = [...new Set(data.map((d) => d.item))];
  return Plot.plot({
    width,
    height: Math.max(120, respondents.length * (items.length * 20 + 30) + 40),
    marginLeft: 110,
    x: { domain: [1, 4], label: "Mean response (1 = strongly disagree, 4 = strongly agree)", grid: true },
    y: { label: null, domain: items },
    fy: { label: null, domain: respondents },
    facet: { data, y: "respondent", label: null },
    ariaLabel: description ?? "Viewpoints before and after tuition",
    ariaDescription: data.map((d) => `${d.respondent}, ${d.item}: ${d.rawPre} before, ${d.rawPost} after`).join("; "),
    marks: [
      Plot.frame({ strokeOpacity: 0.2 }),
      Plot.arrow(data, { x1: "pre", x2: "post", y: "item", stroke: "var(--theme-foreground-focus)", strokeWidth: 2, headLength: 6 }),
      Plot.dot(data, { x: "pre", y: "item", fill: "#888", r: 3 }),
    ],
  });
}
