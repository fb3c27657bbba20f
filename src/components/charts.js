// Chart functions: (data, {width, ...}) → a Plot figure, so pages stay prose and layout.
// Every chart plots only published numbers; suppressed or unavailable values (c, x, z) are
// left out of the marks and named in the chart's text alternative instead.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { formatNumber, isSymbol, num } from "./format.js";
import { itemLabel, respondentLabel } from "./labels.js";

/**
 * Plot labels its mark groups with aria-label, which ARIA allows only on elements with a role:
 * the chart is one image (role img, its aria-label and aria-description the text alternative)
 * made of labelled groups.
 */
function accessible(chart) {
  const svgs = chart.tagName.toLowerCase() === "svg" ? [chart] : [...chart.querySelectorAll("svg")];
  for (const svg of svgs) {
    for (const g of svg.querySelectorAll("g[aria-label]")) g.setAttribute("role", "group");
    if (svg.hasAttribute("aria-label")) svg.setAttribute("role", "img");
  }
  return chart;
}

function missingNote(rows, key, label) {
  const missing = rows.filter((r) => isSymbol(r[key]));
  return missing.length ? ` Not plotted: ${missing.map((r) => `${label(r)} (${r[key] ?? "–"})`).join(", ")}.` : "";
}

/**
 * Rows grouped under headings on one y axis: [{key, facet, label}] in order, each facet opened by a
 * heading row (key "facet|") drawn as its name in capitals, so long group lists need no facets.
 * On a narrow screen the left margin is at most half the chart and long labels wrap onto more
 * lines (each row then gets taller) instead of being cut off at the chart's edge.
 */
function groupedAxis(items, facet, width) {
  const domain = [];
  const seen = new Set();
  for (const d of items) {
    if (facet && d.facet && !seen.has(d.facet)) {
      seen.add(d.facet);
      domain.push(`${d.facet}|`);
    }
    if (!domain.includes(d.key)) domain.push(d.key);
  }
  const tickFormat = (k) => (k.endsWith("|") ? k.slice(0, -1).toUpperCase() : k.slice(k.indexOf("|") + 1));
  const longest = d3.max(domain, (k) => tickFormat(k).length) ?? 10;
  // Plot's default 10px sans-serif: about 6.2 px a character in capitals and mixed text.
  const wanted = Math.min(300, 12 + 6.2 * longest);
  const marginLeft = Math.min(wanted, Math.max(110, (width ?? 640) / 2));
  const perLine = Math.max(8, Math.floor((marginLeft - 12) / 6.2));
  const lines = d3.max(domain, (k) => Math.ceil(tickFormat(k).length / perLine)) ?? 1;
  const step = 20 + 11 * (lines - 1);
  const axis = Plot.axisY({ tickFormat, tickSize: 0, lineWidth: (marginLeft - 12) / 10, label: null });
  return { domain, tickFormat, marginLeft, step, axis };
}

/** x domain covering every interval and 0, so the zero line (no difference) is always on the chart. */
function spanWithZero(data, ...keys) {
  const values = data.flatMap((d) => keys.map((k) => d[k])).filter(Number.isFinite);
  const [lo, hi] = d3.extent([0, ...values]);
  return lo === hi ? [-1, 1] : d3.scaleLinear().domain([lo, hi]).nice().domain();
}

/**
 * Forest plot: estimates with 95% confidence intervals, one line per row.
 * rows: published rows; estimate/low/high: column names; label(row) → y label; facet(row) → heading.
 */
export function forestPlot(
  rows,
  {
    width,
    estimate,
    low,
    high,
    label = (r) => r.group_label,
    facet,
    xLabel = "Estimate (95% CI)",
    xLabelShort,
    description,
    zeroLabel = "0 = no difference",
  } = {},
) {
  width = Math.max(280, width || 640);
  // Plot's 10px axis label and notes: about 5.2 px a character. A label too long for a phone's
  // width would run off the chart's left edge: the shorter wording, where the page gives one.
  const textWidth = (s) => 5.2 * s.length;
  const axisLabel = xLabelShort && textWidth(`${xLabel} →`) > width - 10 ? xLabelShort : xLabel;
  const keyed = rows.map((r) => ({ r, facet: facet ? facet(r) : "", label: label(r) })).map((d) => ({ ...d, key: `${d.facet}|${d.label}` }));
  const data = keyed
    .filter(({ r }) => num(r[estimate]) !== undefined && num(r[low]) !== undefined && num(r[high]) !== undefined)
    .map((d) => ({ ...d, est: num(d.r[estimate]), lo: num(d.r[low]), hi: num(d.r[high]) }));
  const axis = groupedAxis(keyed, facet, width);
  const domain = spanWithZero(data, "lo", "hi");
  // The zero line's note reads to the right of the line, or to its left where the line is too
  // near the right edge for it (a narrow chart whose intervals are mostly below 0).
  const zeroAt = axis.marginLeft + ((0 - domain[0]) / (domain[1] - domain[0])) * (width - axis.marginLeft - 20);
  const zeroLeft = zeroAt + 3 + textWidth(zeroLabel) > width;
  return accessible(
    Plot.plot({
      width,
      height: 60 + axis.domain.length * axis.step,
      marginLeft: axis.marginLeft,
      marginRight: 20,
      x: { label: axisLabel, grid: true, domain },
      y: { label: null, domain: axis.domain, axis: null },
      ariaLabel: description ?? `Forest plot of ${xLabel}`,
      ariaDescription: `${data.map((d) => `${d.facet ? `${d.facet}, ` : ""}${d.label}: ${d.est} (95% CI ${d.lo} to ${d.hi})`).join("; ")}.${missingNote(rows, estimate, (r) => `${facet ? `${facet(r)}, ` : ""}${label(r)}`)}`,
      marks: [
        axis.axis,
        // The zero line: no difference between tutees and comparison pupils.
        Plot.ruleX([0], { stroke: "currentColor", strokeWidth: 1.5 }),
        Plot.text([0], {
          x: (d) => d,
          frameAnchor: "top",
          dy: -10,
          dx: zeroLeft ? -3 : 3,
          textAnchor: zeroLeft ? "end" : "start",
          text: () => zeroLabel,
          fill: "currentColor",
          fontSize: 10,
        }),
        Plot.ruleY(data, { y: "key", x1: "lo", x2: "hi", stroke: "#3b6fb6", strokeWidth: 2 }),
        Plot.dot(data, { y: "key", x: "est", r: 4, fill: "#3b6fb6", tip: true, title: (d) => `${d.label}: ${d.est} (${d.lo} to ${d.hi})` }),
        Plot.text(
          keyed.filter(({ r }) => isSymbol(r[estimate])),
          { y: "key", frameAnchor: "left", dx: 4, text: ({ r }) => r[estimate] ?? "–", fill: "currentColor", fontStyle: "italic" },
        ),
      ],
    }),
  );
}

/** Dot pairs: two series (e.g. tutees and comparison pupils) per row, grouped under headings. */
export function dumbbell(rows, { width, series, label = (r) => r.group_label, facet, xLabel, description } = {}) {
  width = Math.max(280, width || 640);
  const keyed = rows.map((r) => ({ r, facet: facet ? facet(r) : "", label: label(r) })).map((d) => ({ ...d, key: `${d.facet}|${d.label}` }));
  const long = keyed.flatMap((d) => series.map((s) => ({ ...d, who: s.name, value: num(d.r[s.key]), raw: d.r[s.key] })));
  const data = long.filter((d) => d.value !== undefined);
  const missing = long.filter((d) => d.value === undefined);
  const axis = groupedAxis(keyed, facet, width);
  return accessible(
    Plot.plot({
      width,
      height: 70 + axis.domain.length * axis.step,
      marginLeft: axis.marginLeft,
      x: { label: xLabel, grid: true },
      y: { label: null, domain: axis.domain, axis: null },
      color: { legend: true, domain: series.map((s) => s.name), range: ["#3b6fb6", "#8a8a8a"] },
      symbol: { domain: series.map((s) => s.name), range: ["circle", "square"] },
      ariaLabel: description ?? xLabel,
      ariaDescription: `${data.map((d) => `${d.facet ? `${d.facet}, ` : ""}${d.label}, ${d.who}: ${d.raw}`).join("; ")}.${missing.length ? ` Not shown: ${missing.map((d) => `${d.label}, ${d.who} (${d.raw ?? "–"})`).join(", ")}.` : ""}`,
      marks: [
        axis.axis,
        Plot.link(
          keyed.filter((d) => series.every((s) => num(d.r[s.key]) !== undefined)),
          { y: "key", x1: (d) => num(d.r[series[0].key]), x2: (d) => num(d.r[series[1].key]), stroke: "currentColor", strokeOpacity: 0.3 },
        ),
        Plot.dot(data, { y: "key", x: "value", fill: "who", symbol: "who", r: 4, tip: true, title: (d) => `${d.label}, ${d.who}: ${d.raw}` }),
        Plot.text(
          keyed.filter((d) => series.some((s) => isSymbol(d.r[s.key]))),
          // At the right edge, clear of the dots, which sit mostly left of it.
          {
            y: "key",
            frameAnchor: "right",
            textAnchor: "end",
            dx: -2,
            text: (d) => series.map((s) => `${s.name}: ${d.r[s.key] ?? "–"}`).join(", "),
            fill: "currentColor",
            fontStyle: "italic",
          },
        ),
      ],
    }),
  );
}

/** Paired bars: tutees vs comparison pupils, one pair per group. series: [{key, name}]. */
export function pairedBars(rows, { width, series, label = (r) => r.group_label, xLabel, description } = {}) {
  width = Math.max(280, width || 640);
  const long = rows.flatMap((r) => series.map((s) => ({ group: label(r), who: s.name, value: num(r[s.key]), raw: r[s.key] })));
  const data = long.filter((d) => d.value !== undefined);
  const missing = long.filter((d) => d.value === undefined);
  const groups = [...new Set(long.map((d) => d.group))];
  return accessible(
    Plot.plot({
      width,
      height: Math.max(100, groups.length * (series.length * 18 + 8) + 60),
      marginLeft: Math.min(260, 8 + 6.5 * (d3.max(groups, (l) => l.length) ?? 10)),
      x: { label: xLabel, grid: true },
      y: { axis: null, domain: series.map((s) => s.name) },
      fy: { label: null, domain: groups, axis: "left" },
      color: { legend: true, domain: series.map((s) => s.name), range: ["#3b6fb6", "#9a9a9a"] },
      ariaLabel: description ?? xLabel,
      ariaDescription: `${data.map((d) => `${d.group}, ${d.who}: ${d.raw}`).join("; ")}.${missing.length ? ` Not shown: ${missing.map((d) => `${d.group}, ${d.who} (${d.raw ?? "–"})`).join(", ")}.` : ""}`,
      marks: [Plot.barX(data, { x: "value", y: "who", fy: "group", fill: "who", tip: true }), Plot.ruleX([0])],
    }),
  );
}

/** Horizontal bars of one indicator, one bar per row (grouped under headings with facet). */
export function bars(rows, { width, value, label = (r) => r.group_label, facet, xLabel, description, color, unit = "" } = {}) {
  width = Math.max(280, width || 640);
  const keyed = rows.map((r) => ({ r, facet: facet ? facet(r) : "", label: label(r) })).map((d) => ({ ...d, key: `${d.facet}|${d.label}` }));
  const data = keyed.map((d) => ({ ...d, value: num(d.r[value]), raw: d.r[value] })).filter((d) => d.value !== undefined);
  const axis = groupedAxis(keyed, facet, width);
  return accessible(
    Plot.plot({
      width,
      height: Math.max(80, axis.domain.length * (axis.step + 4) + 50),
      marginLeft: axis.marginLeft,
      marginRight: 60,
      x: { label: xLabel, grid: true },
      y: { label: null, domain: axis.domain, axis: null },
      ariaLabel: description ?? xLabel,
      ariaDescription: `${data.map((d) => `${d.facet ? `${d.facet}, ` : ""}${d.label}: ${d.raw}`).join("; ")}.${missingNote(rows, value, label)}`,
      marks: [
        axis.axis,
        Plot.barX(data, {
          x: "value",
          y: "key",
          fill: color ?? "#3b6fb6",
          insetTop: 3,
          insetBottom: 3,
          tip: true,
          title: (d) => `${d.label}: ${formatNumber(d.raw, unit)}`,
        }),
        Plot.text(data, { x: "value", y: "key", text: (d) => formatNumber(d.raw, unit), dx: 4, textAnchor: "start", fill: "currentColor" }),
        Plot.text(
          keyed.filter(({ r }) => isSymbol(r[value])),
          { y: "key", frameAnchor: "left", dx: 4, text: ({ r }) => r[value] ?? "–", fill: "currentColor", fontStyle: "italic" },
        ),
        Plot.ruleX([0]),
      ],
    }),
  );
}

/** Places used beside places funded, grouped by label. */
export function usedVsFunded(rows, { width, used = "places", funded = "places_funded", label = (r) => r.subject, description } = {}) {
  width = Math.max(280, width || 640);
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
export function funnelPlot(
  schools,
  { width, mean, sd, n = "adj_tutees", value = "adjusted_progress", flag = "funnel_flag", name = (r) => r.school_name ?? r.urn, description } = {},
) {
  width = Math.max(280, width || 640);
  const data = schools
    .map((r) => ({ name: name(r), n: num(r[n]), y: num(r[value]), raw: r[value], flag: r[flag] }))
    .filter((d) => d.n !== undefined && d.y !== undefined && d.n > 0);
  const maxN = Math.max(10, d3.max(data, (d) => d.n) ?? 10);
  const limits = [];
  if (Number.isFinite(mean) && Number.isFinite(sd)) {
    for (let k = 2; k <= maxN; k += Math.max(1, maxN / 100)) {
      const h = sd / Math.sqrt(k);
      limits.push({ n: k, lo95: mean - 1.96 * h, hi95: mean + 1.96 * h, lo998: mean - 3.09 * h, hi998: mean + 3.09 * h });
    }
  }
  // Above/below as published (funnel_flag 1 / -1), never re-derived from rounded figures.
  const outside = (d) => d.flag === "1" || d.flag === "-1";
  const suppressed = schools.length - data.length;
  const WITHIN = "Within the 95% limits",
    OUTSIDE = "Outside the 95% limits (above or below)";
  return accessible(
    Plot.plot({
      width,
      height: 380,
      x: { label: "Tutees in the school (n)", grid: true },
      y: { label: "Adjusted progress (points)", grid: true },
      // The legend says what the red dots are; the lines are named in the caption under the chart.
      color: { legend: true, domain: [WITHIN, OUTSIDE], range: ["#8a8a8a", "#c0392b"] },
      ariaLabel: description ?? "Funnel plot of schools' adjusted progress",
      ariaDescription: `${data.length} schools plotted against the LA mean ${mean} with 95% and 99.8% limits. ${
        data
          .filter(outside)
          .map((d) => `${d.name} (n ${d.n}, ${d.raw}) is outside the 95% limits`)
          .join("; ") || "No school is outside the 95% limits."
      }${suppressed ? ` ${suppressed} schools not plotted (figures suppressed or not available).` : ""}`,
      marks: [
        Number.isFinite(mean) ? Plot.ruleY([mean], { stroke: "currentColor", strokeOpacity: 0.6 }) : null,
        Plot.line(limits, { x: "n", y: "lo95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
        Plot.line(limits, { x: "n", y: "hi95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
        Plot.line(limits, { x: "n", y: "lo998", stroke: "currentColor", strokeOpacity: 0.4 }),
        Plot.line(limits, { x: "n", y: "hi998", stroke: "currentColor", strokeOpacity: 0.4 }),
        Plot.dot(data, {
          x: "n",
          y: "y",
          r: 3.5,
          fill: (d) => (outside(d) ? OUTSIDE : WITHIN),
          tip: true,
          title: (d) =>
            `${d.name}\nn = ${d.n}, adjusted progress ${d.raw} (${outside(d) ? (d.flag === "1" ? "above" : "below") + " the LA's tutees" : "within the limits"})`,
        }),
      ],
    }),
  );
}

/**
 * Viewpoints: mean response (1–4) before and after, an arrow per statement, statements grouped under
 * their respondents on one axis (facet labels at the side were cut off on narrow screens).
 */
export function prePost(rows, { width, description } = {}) {
  width = Math.max(280, width || 640);
  const keyed = rows
    .map((r) => ({ r, facet: respondentLabel(r.breakdown), label: itemLabel(r.group_label) }))
    .map((d) => ({ ...d, key: `${d.facet}|${d.label}` }));
  const data = keyed
    .map((d) => ({ ...d, pre: num(d.r.mean_pre), post: num(d.r.mean_post), rawPre: d.r.mean_pre, rawPost: d.r.mean_post }))
    .filter((d) => d.pre !== undefined && d.post !== undefined);
  const missing = keyed.filter((d) => num(d.r.mean_pre) === undefined || num(d.r.mean_post) === undefined);
  const axis = groupedAxis(keyed, (d) => d.facet, width);
  return accessible(
    Plot.plot({
      width,
      height: 60 + axis.domain.length * axis.step,
      marginLeft: axis.marginLeft,
      marginRight: 20,
      x: { domain: [1, 4], label: "Mean answer (1 = strongly disagree, 4 = strongly agree)", grid: true },
      y: { label: null, domain: axis.domain, axis: null },
      ariaLabel: description ?? "Viewpoints before and after tuition",
      ariaDescription: `${data.map((d) => `${d.facet}, ${d.label}: ${d.rawPre} before, ${d.rawPost} after`).join("; ")}.${missing.length ? ` Not shown: ${missing.map((d) => `${d.facet}, ${d.label} (before ${d.r.mean_pre ?? "–"}, after ${d.r.mean_post ?? "–"})`).join(", ")}.` : ""}`,
      marks: [
        axis.axis,
        Plot.arrow(data, { x1: "pre", x2: "post", y: "key", stroke: "#3b6fb6", strokeWidth: 2, headLength: 6 }),
        Plot.dot(data, { x: "pre", y: "key", fill: "#888", r: 3 }),
        Plot.text(missing, {
          y: "key",
          frameAnchor: "left",
          dx: 4,
          text: (d) => `before ${d.r.mean_pre ?? "–"}, after ${d.r.mean_post ?? "–"}`,
          fill: "currentColor",
          fontStyle: "italic",
        }),
      ],
    }),
  );
}
