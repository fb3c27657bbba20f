// The funnel of one subject with one school marked (measures.md §11), for that school's page:
// every school's adjusted progress against its number of tutees, the LA mean of tutees and the
// 95% (dashed) and 99.8% (solid) limits around it, and this school drawn larger, labelled, with
// its own 95% confidence interval, so a SIP sees at a glance where it sits and how sure that is.
import * as Plot from "@observablehq/plot";
import * as d3 from "d3";
import { formatNumber, num } from "./format.js";
import { funnelPosition } from "./verdict.js";

const Z95 = 1.959963984540054;
const Z998 = 3.090232306167814;

/**
 * The funnel's centre and σ from published rows: the centre is on every row; σ is recovered
 * from each row's 95% upper limit (centre + z·σ/√n), as the median over schools to absorb rounding.
 */
export function funnelShape(rows) {
  const mean = num(rows.find((r) => num(r.funnel_centre) !== undefined)?.funnel_centre);
  const sd =
    mean === undefined
      ? undefined
      : d3.median(rows, (r) =>
          num(r.funnel_95_high) !== undefined && num(r.adj_tutees) > 0 ? ((num(r.funnel_95_high) - mean) * Math.sqrt(num(r.adj_tutees))) / Z95 : undefined,
        );
  return { mean, sd };
}

/** SVG of the funnel for one subject; mine: this school's published row (or undefined). */
export function schoolFunnel(rows, mine, { width, name = "This school", subject = "" } = {}) {
  width = Math.max(280, width || 640);
  const others = rows
    .filter((r) => r.urn !== mine?.urn)
    .map((r) => ({ n: num(r.adj_tutees), y: num(r.adjusted_progress) }))
    .filter((d) => d.n > 0 && d.y !== undefined);
  const { mean, sd } = funnelShape(mine ? [...rows, mine] : rows);
  const position = funnelPosition(mine).position;
  const me =
    position === "too-few" ? [] : [{ n: num(mine.adj_tutees), y: num(mine.adjusted_progress), lo: num(mine.adjusted_ci_low), hi: num(mine.adjusted_ci_high) }];
  const maxN = Math.max(10, d3.max([...others, ...me], (d) => d.n) ?? 10) * 1.05;
  const limits = [];
  if (mean !== undefined && Number.isFinite(sd)) {
    for (let k = 2; k <= maxN; k += Math.max(0.25, maxN / 150)) {
      const h = sd / Math.sqrt(k);
      limits.push({ n: k, lo95: mean - Z95 * h, hi95: mean + Z95 * h, lo998: mean - Z998 * h, hi998: mean + Z998 * h });
    }
  }
  const where = { above: "above the 95% limits", below: "below the 95% limits", within: "within the 95% limits" }[position];
  const OTHER = "Other schools",
    ME = name;
  const chart = Plot.plot({
    width,
    // Shorter when narrow (a phone, or two funnels side by side on A4), so both fit beside the text.
    height: Math.round(Math.min(340, Math.max(240, width * 0.8))),
    marginRight: 20,
    // A square-root scale: most schools have a few tutees and a few have many; on a linear scale
    // the many small schools, where the funnel is widest, crowd into its left edge.
    x: { type: "sqrt", label: "Tutees in the school's model (n, square-root scale)", grid: true, domain: [0, maxN] },
    y: { label: "Adjusted progress (points)", grid: true },
    color: { legend: true, domain: [OTHER, ME], range: ["#9a9a9a", "#b3471d"] },
    ariaLabel: `Funnel plot${subject ? ` for ${subject}` : ""} with ${name} marked`,
    ariaDescription: `${others.length} other schools plotted against the LA's tutees' mean of ${mean === undefined ? "(not published)" : formatNumber(String(mean))} points, with 95% and 99.8% limits. ${
      me.length
        ? `${name}: ${formatNumber(mine.adj_tutees)} tutees, adjusted progress ${formatNumber(mine.adjusted_progress)} points (95% CI ${formatNumber(mine.adjusted_ci_low)} to ${formatNumber(mine.adjusted_ci_high)}), ${where}.`
        : `${name} is not plotted: too few tutees to publish its figures.`
    }`,
    marks: [
      mean !== undefined ? Plot.ruleY([mean], { stroke: "currentColor", strokeOpacity: 0.6 }) : null,
      Plot.line(limits, { x: "n", y: "lo95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.line(limits, { x: "n", y: "hi95", stroke: "currentColor", strokeDasharray: "4,3", strokeOpacity: 0.7 }),
      Plot.line(limits, { x: "n", y: "lo998", stroke: "currentColor", strokeOpacity: 0.35 }),
      Plot.line(limits, { x: "n", y: "hi998", stroke: "currentColor", strokeOpacity: 0.35 }),
      Plot.dot(others, { x: "n", y: "y", r: 3, fill: () => OTHER, fillOpacity: 0.75 }),
      Plot.ruleX(
        me.filter((d) => d.lo !== undefined && d.hi !== undefined),
        { x: "n", y1: "lo", y2: "hi", stroke: () => ME, strokeWidth: 2 },
      ),
      Plot.dot(me, { x: "n", y: "y", r: 6, fill: () => ME, stroke: "white", strokeWidth: 1.5 }),
      // Its label to the left of the dot when the dot is near the right edge, so it is never cut off.
      Plot.text(me, {
        x: "n",
        y: "y",
        text: () => name,
        dx: me[0]?.n > maxN * 0.6 ? -10 : 10,
        textAnchor: me[0]?.n > maxN * 0.6 ? "end" : "start",
        fontWeight: "bold",
        fill: "currentColor",
        stroke: "var(--theme-background, white)",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    ],
  });
  // Plot labels its mark groups with aria-label, which ARIA allows only on elements with a role.
  const svgs = chart.tagName.toLowerCase() === "svg" ? [chart] : [...chart.querySelectorAll("svg")];
  for (const svg of svgs) {
    for (const g of svg.querySelectorAll("g[aria-label]")) g.setAttribute("role", "group");
    if (svg.hasAttribute("aria-label")) svg.setAttribute("role", "img");
  }
  return chart;
}
