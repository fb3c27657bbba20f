// The overview's charts drawn as plain SVG, without Plot: Plot and the d3 it imports are 488 KB
// in 44 requests (262 KB even tree-shaken into one file), more than the overview's whole budget
// (under 300 KB in under 15 requests, issue 17). Same calls and options as charts.js for the
// charts the overview uses (forestPlot, bars, usedVsFunded) plus trendLines; like charts.js,
// only published numbers are drawn, and c, x, z are named in the text alternative instead.
import { formatNumber, isSymbol, num } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const BLUE = "#3b6fb6";
const GREY = "#8a8a8a";
const ROW = 24;
const CHAR = 6.2; // px per character of the 10 px sans-serif labels

function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) node.setAttribute(k, String(v));
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** Round tick values spanning [lo, hi] (1, 2 or 5 × 10^k apart), about `count` of them. */
export function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  // k × 0.1 in binary is 0.30000000000000004 for k = 3: ticks are rounded to the step's decimals.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number((Math.round(t / step) * step).toFixed(decimals)));
  return ticks;
}

/** The x domain: the values and 0 (bars start at 0; the forest plot's zero line is no difference), widened to round ticks. */
function domainWithZero(values) {
  const all = [0, ...values.filter(Number.isFinite)];
  let lo = Math.min(...all),
    hi = Math.max(...all);
  if (lo === hi) return [lo - 1, hi + 1];
  const ticks = niceTicks(lo, hi);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : hi - lo;
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  return [lo, hi];
}

/** Long labels wrap onto more lines (never cut) within the left margin. */
function wrap(text, perLine) {
  const words = String(text).split(/\s+/);
  const lines = [""];
  for (const w of words) {
    const cur = lines[lines.length - 1];
    if (cur && (cur + " " + w).length > perLine) lines.push(w);
    else lines[lines.length - 1] = cur ? `${cur} ${w}` : w;
  }
  return lines;
}

/**
 * One row per item on a shared x axis; draw(item, x, yMid) returns the row's marks.
 * items: [{label, ...}]; values: every number to fit on the axis.
 */
function rowChart(items, values, { width, xLabel, description, detail, draw, format = (v) => formatNumber(String(v)), zero = false, legend }) {
  width = Math.max(280, width || 640);
  const longest = Math.max(4, ...items.map((d) => String(d.label).length));
  const marginLeft = Math.min(Math.max(60, 12 + CHAR * longest), Math.max(110, width / 2));
  const perLine = Math.max(8, Math.floor((marginLeft - 12) / CHAR));
  const marginRight = 64;
  const rows = items.map((d) => ({ ...d, lines: wrap(d.label, perLine) }));
  const heights = rows.map((r) => ROW + 11 * (r.lines.length - 1));
  const top = legend ? 28 : 12;
  const plotHeight = heights.reduce((a, b) => a + b, 0);
  const height = top + plotHeight + 40;
  const [lo, hi] = domainWithZero(values);
  const x = (v) => marginLeft + ((v - lo) / (hi - lo)) * (width - marginLeft - marginRight);
  const svg = svgEl("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": description ?? xLabel,
    "aria-description": detail,
    class: "light-chart",
    style: "max-width: 100%; height: auto; font: 10px sans-serif; overflow: visible",
  });
  if (legend)
    svg.append(
      svgEl(
        "g",
        { "aria-hidden": "true" },
        legend.flatMap((l, i) => [
          svgEl("rect", { x: marginLeft + i * 130, y: 6, width: 10, height: 10, fill: l.color }),
          svgEl("text", { x: marginLeft + i * 130 + 14, y: 15, fill: "currentColor" }, l.name),
        ]),
      ),
    );
  // As many ticks as fit their labels (about 75 px each for "£1,000,000"), so none overlap on a phone.
  const longestTick = Math.max(...niceTicks(lo, hi).map((t) => format(t).length));
  const ticks = niceTicks(lo, hi, Math.max(2, Math.floor((width - marginLeft - marginRight) / (CHAR * longestTick + 16))));
  svg.append(
    svgEl(
      "g",
      { "aria-hidden": "true" },
      ticks.flatMap((t) => [
        svgEl("line", {
          x1: x(t),
          x2: x(t),
          y1: top,
          y2: top + plotHeight,
          stroke: "currentColor",
          "stroke-opacity": t === 0 && zero ? 1 : 0.1,
          "stroke-width": t === 0 && zero ? 1.5 : 1,
        }),
        svgEl("text", { x: x(t), y: top + plotHeight + 14, "text-anchor": "middle", fill: "currentColor" }, format(t)),
      ]),
      svgEl("text", { x: width - marginRight, y: top + plotHeight + 32, "text-anchor": "end", fill: "currentColor" }, `${xLabel} →`),
    ),
  );
  const marks = svgEl("g", { "aria-label": description ?? xLabel, role: "group" });
  let y = top;
  rows.forEach((r, i) => {
    const mid = y + heights[i] / 2;
    marks.append(
      svgEl(
        "text",
        { x: marginLeft - 8, y: mid - 5.5 * (r.lines.length - 1) + 3, "text-anchor": "end", fill: "currentColor" },
        r.lines.map((line, j) => svgEl("tspan", { x: marginLeft - 8, dy: j ? 11 : 0 }, line)),
      ),
    );
    marks.append(...draw(r, x, mid));
    y += heights[i];
  });
  svg.append(marks);
  return svg;
}

function missingNote(rows, key, label) {
  const missing = rows.filter((r) => isSymbol(r[key]));
  return missing.length ? ` Not plotted: ${missing.map((r) => `${label(r)} (${r[key] ?? "–"})`).join(", ")}.` : "";
}

const withFacet = (facet, label) => (r) => (facet && facet(r) ? `${facet(r)}: ${label(r)}` : label(r));

/** Forest plot: estimates with 95% confidence intervals and the zero line (no difference). */
export function forestPlot(rows, { width, estimate, low, high, label = (r) => r.group_label, facet, xLabel = "Estimate (95% CI)", description } = {}) {
  const name = withFacet(facet, label);
  const items = rows.map((r) => ({ r, label: name(r), est: num(r[estimate]), lo: num(r[low]), hi: num(r[high]) }));
  const shown = items.filter((d) => d.est !== undefined && d.lo !== undefined && d.hi !== undefined);
  const detail = `${shown.map((d) => `${d.label}: ${d.r[estimate]} (95% CI ${d.r[low]} to ${d.r[high]})`).join("; ")}.${missingNote(rows, estimate, name)}`;
  return rowChart(
    items,
    shown.flatMap((d) => [d.lo, d.hi]),
    {
      width,
      xLabel,
      description: description ?? `Forest plot of ${xLabel}`,
      detail,
      zero: true,
      draw: (d, x, y) =>
        d.est === undefined || d.lo === undefined || d.hi === undefined
          ? [svgEl("text", { x: x(0) + 4, y: y + 3, fill: "currentColor", "font-style": "italic" }, d.r[estimate] ?? "–")]
          : [
              svgEl("line", { x1: x(d.lo), x2: x(d.hi), y1: y, y2: y, stroke: BLUE, "stroke-width": 2 }),
              svgEl("circle", { cx: x(d.est), cy: y, r: 4, fill: BLUE }, svgEl("title", {}, `${d.label}: ${d.r[estimate]} (${d.r[low]} to ${d.r[high]})`)),
            ],
    },
  );
}

/** Horizontal bars of one published value per row, each labelled with its value. */
export function bars(rows, { width, value, label = (r) => r.group_label, facet, xLabel, description, color, unit = "" } = {}) {
  const name = withFacet(facet, label);
  const items = rows.map((r) => ({ r, label: name(r), v: num(r[value]) }));
  const detail = `${items
    .filter((d) => d.v !== undefined)
    .map((d) => `${d.label}: ${formatNumber(d.r[value], unit)}`)
    .join("; ")}.${missingNote(rows, value, name)}`;
  return rowChart(
    items,
    items.map((d) => d.v),
    {
      width,
      xLabel,
      description: description ?? xLabel,
      detail,
      format: (t) => formatNumber(String(t), unit),
      draw: (d, x, y) =>
        d.v === undefined
          ? [svgEl("text", { x: x(0) + 4, y: y + 3, fill: "currentColor", "font-style": "italic" }, d.r[value] ?? "–")]
          : [
              svgEl(
                "rect",
                { x: Math.min(x(0), x(d.v)), y: y - 8, width: Math.abs(x(d.v) - x(0)), height: 16, fill: color ?? BLUE },
                svgEl("title", {}, `${d.label}: ${formatNumber(d.r[value], unit)}`),
              ),
              svgEl("text", { x: Math.max(x(0), x(d.v)) + 4, y: y + 3, fill: "currentColor" }, formatNumber(d.r[value], unit)),
            ],
    },
  );
}

/** Places used beside places funded, per row (subject). */
export function usedVsFunded(rows, { width, used = "places", funded = "places_funded", label = (r) => r.subject, description } = {}) {
  const series = [
    { key: used, name: "Places used", color: BLUE },
    { key: funded, name: "Places funded", color: GREY },
  ];
  const items = rows.map((r) => ({ r, label: label(r) }));
  const detail = items.map((d) => series.map((s) => `${d.label}, ${s.name.toLowerCase()}: ${formatNumber(d.r[s.key])}`).join("; ")).join("; ") + ".";
  return rowChart(
    items,
    items.flatMap((d) => series.map((s) => num(d.r[s.key]))),
    {
      width,
      xLabel: "Places",
      description: description ?? "Places used and places funded",
      detail,
      legend: series,
      draw: (d, x, y) =>
        series.flatMap((s, i) => {
          const v = num(d.r[s.key]);
          const yy = y - 8 + i * 8;
          return v === undefined
            ? [svgEl("text", { x: x(0) + 4, y: yy + 6, fill: "currentColor", "font-style": "italic" }, d.r[s.key] ?? "–")]
            : [
                svgEl(
                  "rect",
                  { x: x(0), y: yy, width: Math.max(0, x(v) - x(0)), height: 7, fill: s.color },
                  svgEl("title", {}, `${d.label}, ${s.name.toLowerCase()}: ${formatNumber(d.r[s.key])}`),
                ),
                svgEl("text", { x: x(v) + 4, y: yy + 6, fill: "currentColor" }, formatNumber(d.r[s.key])),
              ];
        }),
    },
  );
}

/** A value over academic years, one line per series (subject), with 0 marked. */
export function trendLines(rows, { width, x: xKey, y: yKey, series, xFormat = String, yLabel, description } = {}) {
  width = Math.max(280, width || 640);
  const height = 260,
    m = { top: 24, right: 100, bottom: 30, left: 48 };
  const xs = [...new Set(rows.map((r) => r[xKey]))].sort();
  const pts = rows.map((r) => ({ r, s: r[series], xi: xs.indexOf(r[xKey]), v: num(r[yKey]) })).filter((d) => d.v !== undefined);
  const [lo, hi] = domainWithZero(pts.map((d) => d.v));
  const X = (i) => m.left + (xs.length > 1 ? (i / (xs.length - 1)) * (width - m.left - m.right) : 0);
  const Y = (v) => m.top + (1 - (v - lo) / (hi - lo)) * (height - m.top - m.bottom);
  const names = [...new Set(pts.map((d) => d.s))];
  const colors = [BLUE, "#d9822b", GREY];
  const detail = `${pts.map((d) => `${d.s}, ${xFormat(d.r[xKey])}: ${d.r[yKey]}`).join("; ")}.${missingNote(rows, yKey, (r) => `${r[series]}, ${xFormat(r[xKey])}`)}`;
  const svg = svgEl("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-label": description ?? yLabel,
    "aria-description": detail,
    class: "light-chart",
    style: "max-width: 100%; height: auto; font: 10px sans-serif",
  });
  svg.append(
    svgEl(
      "g",
      { "aria-hidden": "true" },
      niceTicks(lo, hi).flatMap((t) => [
        svgEl("line", { x1: m.left, x2: width - m.right, y1: Y(t), y2: Y(t), stroke: "currentColor", "stroke-opacity": t === 0 ? 1 : 0.1 }),
        svgEl("text", { x: m.left - 6, y: Y(t) + 3, "text-anchor": "end", fill: "currentColor" }, formatNumber(String(t))),
      ]),
      xs.map((v, i) => svgEl("text", { x: X(i), y: height - 10, "text-anchor": "middle", fill: "currentColor" }, xFormat(v))),
      svgEl("text", { x: 4, y: 12, fill: "currentColor" }, `↑ ${yLabel}`),
    ),
  );
  const marks = svgEl("g", { "aria-label": description ?? yLabel, role: "group" });
  names.forEach((name, k) => {
    const line = pts.filter((d) => d.s === name).sort((a, b) => a.xi - b.xi);
    marks.append(
      svgEl("path", {
        d: line.map((d, i) => `${i ? "L" : "M"}${X(d.xi)},${Y(d.v)}`).join(""),
        fill: "none",
        stroke: colors[k % colors.length],
        "stroke-width": 1.5,
      }),
    );
    for (const d of line)
      marks.append(
        svgEl("circle", { cx: X(d.xi), cy: Y(d.v), r: 3, fill: colors[k % colors.length] }, svgEl("title", {}, `${name}, ${xFormat(d.r[xKey])}: ${d.r[yKey]}`)),
      );
    const last = line.at(-1);
    if (last) marks.append(svgEl("text", { x: X(last.xi) + 6, y: Y(last.v) + 3, fill: colors[k % colors.length] }, name));
  });
  svg.append(marks);
  return svg;
}
