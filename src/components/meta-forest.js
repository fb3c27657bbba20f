// The combined site's forest plot (issue 19): each LA's published impact with its 95% CI, the
// National random-effects estimate as a diamond spanning its CI, and the 95% prediction
// interval under it; and the sentence that puts k, τ² and I² in words. Only published figures
// of the combined return are drawn: an LA whose estimate is c or x is named, never plotted.
// A National Tutoring Programme view has one plot per subject × outcome measure, worded for the
// programme and the measure's scale (panelWords); a 2009 view's words are as they were.
import * as Plot from "@observablehq/plot";
import { isSymbol, num } from "./format.js";

const BLUE = "#3b6fb6";
const DARK = "#1d3f73";
/** Plot's 10 px sans-serif: about 6.2 px a character (as charts.js assumes). */
const CHAR = 6.2;

/** Class names of the mark groups (Plot's className), so each kind of mark can be found. */
export const MARKS = { las: "meta-las", intervals: "meta-intervals", pooled: "meta-pooled", prediction: "meta-prediction" };

/**
 * Plot labels its mark groups with aria-label, which ARIA allows only on elements with a role:
 * the chart is one image made of labelled groups (as charts.js does for its charts).
 */
function accessible(svg) {
  for (const g of svg.querySelectorAll("g[aria-label]")) g.setAttribute("role", "group");
  if (svg.hasAttribute("aria-label")) svg.setAttribute("role", "img");
  return svg;
}

/** The LA rows and the National row of one subject, as numbers where they are published numbers. */
export function forestRows(view) {
  const las = view.las.map((r, i) => ({ ...r, i, est: num(r.b), lo: num(r.ci_low), hi: num(r.ci_high) }));
  const shown = las.filter((d) => d.est !== undefined && d.lo !== undefined && d.hi !== undefined);
  const n = view.national;
  const pooled = [n.b, n.ci_low, n.ci_high].every((v) => num(v) !== undefined) ? { est: num(n.b), lo: num(n.ci_low), hi: num(n.ci_high) } : undefined;
  const prediction = [n.pooled_pi_low, n.pooled_pi_high].every((v) => num(v) !== undefined)
    ? { lo: num(n.pooled_pi_low), hi: num(n.pooled_pi_high) }
    : undefined;
  return { las, shown, pooled, prediction };
}

/** Forest plot of one subject: LA estimates, the pooled diamond, the prediction interval. */
export function metaForest(view, { width, xLabel = "Impact (NC points), 95% CI", description } = {}) {
  width = Math.max(280, width || 640);
  const { las, shown, pooled, prediction } = forestRows(view);
  const yPooled = las.length + 0.6;
  const yPi = las.length + 1.5;
  const labels = new Map([...las.map((d) => [d.i, d.la_name]), [yPooled, "National (pooled)"], [yPi, "95% prediction interval"]]);
  const longest = Math.max(...[...labels.values()].map((s) => s.length));
  // At most half the chart for labels; longer ones wrap (Plot's lineWidth, in ems of 10 px).
  const marginLeft = Math.min(12 + CHAR * longest, Math.max(110, width / 2));
  const values = [0, ...shown.flatMap((d) => [d.lo, d.hi]), ...(pooled ? [pooled.lo, pooled.hi] : []), ...(prediction ? [prediction.lo, prediction.hi] : [])];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const diamond = pooled
    ? [
        [pooled.lo, yPooled],
        [pooled.est, yPooled - 0.35],
        [pooled.hi, yPooled],
        [pooled.est, yPooled + 0.35],
      ].map(([x, y]) => ({ x, y }))
    : [];
  const notShown = las.filter((d) => !shown.includes(d));
  const detail = [
    ...shown.map((d) => `${d.la_name}: ${d.b} (95% CI ${d.ci_low} to ${d.ci_high})`),
    pooled
      ? `National (pooled over ${view.national.pooled_k} LAs): ${view.national.b} (95% CI ${view.national.ci_low} to ${view.national.ci_high})`
      : `National: ${view.national.b} (not estimated)`,
    ...(prediction ? [`95% prediction interval ${view.national.pooled_pi_low} to ${view.national.pooled_pi_high}`] : []),
  ].join("; ");
  const missing = notShown.length ? ` Not plotted: ${notShown.map((d) => `${d.la_name} (${d.b})`).join(", ")}.` : "";
  const svg = Plot.plot({
    width,
    height: 70 + 26 * (las.length + 2),
    marginLeft,
    marginRight: 20,
    x: { label: xLabel, grid: true, domain: lo === hi ? [-1, 1] : [lo, hi], nice: true },
    y: { domain: [-0.6, yPi + 0.6], axis: null, reverse: true },
    ariaLabel: description ?? `Forest plot of ${view.subject}: each LA's impact and the national pooled estimate`,
    ariaDescription: `${detail}.${missing}`,
    marks: [
      Plot.axisY([...labels.keys()], { tickFormat: (k) => labels.get(k), tickSize: 0, lineWidth: (marginLeft - 12) / 10, label: null }),
      // The zero line: no difference between tutees and comparison pupils.
      Plot.ruleX([0], { stroke: "currentColor", strokeWidth: 1.5 }),
      Plot.ruleY([las.length - 0.1], { stroke: "currentColor", strokeOpacity: 0.3 }),
      Plot.ruleY(shown, {
        y: "i",
        x1: "lo",
        x2: "hi",
        stroke: BLUE,
        strokeWidth: 2,
        className: MARKS.intervals,
        ariaDescription: "each LA's 95% confidence interval",
      }),
      Plot.dot(shown, {
        y: "i",
        x: "est",
        r: 4,
        symbol: "square",
        fill: BLUE,
        className: MARKS.las,
        ariaDescription: "each LA's estimate",
        title: (d) => `${d.la_name}: ${d.b} (${d.ci_low} to ${d.ci_high})`,
      }),
      Plot.text(notShown, { y: "i", frameAnchor: "left", dx: 4, text: (d) => `${d.b} (not plotted)`, fill: "currentColor", fontStyle: "italic" }),
      // One closed path: the diamond's width is the pooled estimate's 95% CI.
      Plot.line(diamond, {
        x: "x",
        y: "y",
        curve: "linear-closed",
        fill: DARK,
        stroke: DARK,
        className: MARKS.pooled,
        ariaDescription: "the national pooled estimate: a diamond across its 95% confidence interval",
        title: () => `National: ${view.national.b} (${view.national.ci_low} to ${view.national.ci_high})`,
      }),
      Plot.ruleY(prediction ? [prediction] : [], {
        y: () => yPi,
        x1: "lo",
        x2: "hi",
        stroke: DARK,
        strokeWidth: 2,
        strokeDasharray: "5,3",
        className: MARKS.prediction,
        ariaDescription: "the 95% prediction interval",
      }),
      Plot.text(pooled ? [] : [view.national.b], {
        y: () => yPooled,
        frameAnchor: "left",
        dx: 4,
        text: (d) => `${d} (no national estimate)`,
        fill: "currentColor",
        fontStyle: "italic",
      }),
    ],
  });
  return accessible(svg);
}

/** I² in words, on Higgins et al.'s (2003) rough scale: 25% low, 50% moderate, 75% high. */
export function i2Words(i2) {
  const v = num(i2);
  if (v === undefined) return undefined;
  if (v === 0) return "none of the spread of the LA estimates is more than chance would give";
  const share = v < 37.5 ? "a low" : v < 62.5 ? "a moderate" : "a high";
  return `${share} share (${i2}%) of the spread of the LA estimates reflects real differences between LAs rather than chance`;
}

/**
 * An ntp outcome measure's words: what the impact is on, in a sentence, and its unit. Each measure
 * is on its own scale (programmes.md §3 §2), so the unit is that scale's points or grades, never
 * 2009's National Curriculum points. A measure not listed here keeps its own name.
 */
const OUTCOME_WORDS = {
  "Standardised score": { noun: "standardised test scores", unit: "points", axis: "standardised score points" },
  "KS2 scaled score": { noun: "KS2 scaled scores", unit: "points", axis: "KS2 scaled score points" },
  "GCSE grade": { noun: "GCSE grades", unit: "grades", axis: "GCSE grades, 9–1" },
};

/**
 * The words of one forest plot: a 2009 subject's (progress in National Curriculum points) or an
 * ntp subject × outcome measure's (the programme's impact on that measure, in its scale's units).
 */
export function panelWords(view, year) {
  const measure = view.outcome_measure;
  if (measure === undefined) {
    return {
      heading: `${view.subject}: impact by LA`,
      about: view.subject,
      what: `tuition's impact on ${view.subject} progress`,
      unit: "points",
      xLabel: "Impact (NC points), 95% CI",
      columnLabel: "Impact (points)",
      chart: `Forest plot: impact of tuition on ${view.subject} progress in each LA, ${year}, with the national pooled estimate and its prediction interval`,
      table: `Impact of tuition on ${view.subject} progress (points) in each LA`,
      file: view.subject.toLowerCase(),
    };
  }
  const w = OUTCOME_WORDS[measure] ?? { noun: measure, unit: "points", axis: `points of the ${measure}` };
  return {
    heading: `${view.subject}, ${measure}: impact by LA`,
    about: `${view.subject} ${w.noun}`,
    what: `the programme's impact on ${view.subject} ${w.noun}`,
    unit: w.unit,
    xLabel: `Impact (${w.axis}), 95% CI`,
    columnLabel: `Impact (${w.unit})`,
    chart: `Forest plot: impact of the National Tutoring Programme on ${view.subject} ${w.noun} in each LA, ${year}, with the national pooled estimate and its prediction interval`,
    table: `Impact of the National Tutoring Programme on ${view.subject} ${w.noun} (${w.unit}) in each LA`,
    file: `${view.subject}_${measure}`.toLowerCase().replace(/[^a-z0-9]+/g, "_"),
  };
}

/** The page's opening paragraph: what each line and the diamond are, in the programme's words. */
export function combinedIntro(combined) {
  const lines =
    combined.programme === "ntp"
      ? "Each line is one LA's estimated impact of the National Tutoring Programme on its tutees' results, with its 95% confidence interval, as its own return publishes it: one chart per subject and outcome measure, each in the measure's own scale (standardised score or KS2 scaled score points, GCSE grades)."
      : "Each line is one LA's estimated impact of tuition on progress (National Curriculum points), with its 95% confidence interval, as its own return publishes it.";
  return [
    `${lines} The diamond is the national estimate: a random-effects meta-analysis of those estimates (REML, as R's `,
    ["code", "metafor"],
    "), its width the 95% confidence interval. The dashed line under it is the 95% prediction interval: where a new LA's true impact would be expected to fall, given how much the LAs differ. An LA whose estimate is suppressed (",
    ["code", "c"],
    ") or not available (",
    ["code", "x"],
    ") is named but not plotted or pooled.",
  ];
}

/** The sentences beside the forest plot: the pooled estimate, k, τ², I² and the prediction interval. */
export function metaReading(view, { unit, what, about } = {}) {
  const words = panelWords(view, "");
  unit ??= words.unit;
  what ??= words.what;
  about ??= words.about;
  const n = view.national;
  const { las, shown } = forestRows(view);
  const left = las.length - shown.length;
  const leftOut = left
    ? ` ${left} of the ${las.length} LAs ${left === 1 ? "has" : "have"} no published estimate (c or x) and ${left === 1 ? "is" : "are"} not pooled.`
    : "";
  if (isSymbol(n.b)) {
    return `No national estimate of the impact on ${about} was made (${n.b}): fewer than 3 LAs have a published estimate, or the meta-analysis did not converge (the combined return's data guidance gives the reason).${leftOut}`;
  }
  const tau =
    num(n.pooled_tau2) === 0
      ? "The LAs' true impacts are estimated not to differ at all (τ² = 0)"
      : `The variance of the true impact between LAs is τ² = ${n.pooled_tau2} ${unit} squared (a standard deviation of about ${Math.sqrt(num(n.pooled_tau2)).toFixed(2)} ${unit})`;
  const i2 = i2Words(n.pooled_i2);
  return [
    `Pooled over k = ${n.pooled_k} LAs (random effects, REML), ${what} is ${n.b} ${unit} (95% CI ${n.ci_low} to ${n.ci_high}).${leftOut}`,
    `${tau}${i2 ? `; I² = ${n.pooled_i2}%: ${i2}` : ""}.`,
    isSymbol(n.pooled_pi_low)
      ? ""
      : `A new LA's true impact would be expected between ${n.pooled_pi_low} and ${n.pooled_pi_high} ${unit} (95% prediction interval): this, not the CI, is the range an LA should compare itself with.`,
  ]
    .filter(Boolean)
    .join(" ");
}
