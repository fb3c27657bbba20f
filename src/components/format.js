// Published values are strings: a rounded number, or a symbol (c suppressed, x not available,
// z not applicable). These helpers keep symbols as symbols: never plotted, never turned into 0.

export const SYMBOL_MEANING = {
  c: "suppressed to protect confidentiality (small numbers, or could be worked out from other figures)",
  x: "not available (for example too few pupils or schools to estimate)",
  z: "not applicable",
};

/** True for c, x, z, blank and missing. */
export function isSymbol(value) {
  return value == null || value === "" || value === "c" || value === "x" || value === "z";
}

/** The number in a published value, or undefined for a symbol (so Plot's defined filters drop it). */
export function num(value) {
  if (isSymbol(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A published number as people read it: thousands separated ("90,218"), its published decimals
 * kept ("0.50" stays "0.50": the decimals are part of the figure), with the metadata's unit:
 * £ before ("£1,370,576"), % and pp after ("12.5%", "1.2 pp"). Symbols stay symbols; text that
 * is not a plain number is left as it is.
 */
export function formatNumber(value, unit = "") {
  if (value == null || value === "") return "–";
  if (isSymbol(value)) return String(value);
  const s = String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return s;
  const dp = s.includes(".") ? s.length - s.indexOf(".") - 1 : 0;
  const text = new Intl.NumberFormat("en-GB", { minimumFractionDigits: dp, maximumFractionDigits: dp }).format(Number(s));
  if (unit === "£") return text.startsWith("-") ? `-£${text.slice(1)}` : `£${text}`;
  if (unit === "%") return `${text}%`;
  if (unit === "pp") return `${text} pp`;
  return text;
}

/** A published value as text for a reader: numbers formatted with their unit, symbols as is. */
export function show(value, unit = "") {
  return formatNumber(value, unit);
}

/**
 * A published value rounded for display to dp decimals, half away from zero (measures.md §12):
 * the return carries impact estimates to 3 dp for the national combiner; the site shows 1 dp.
 * Symbols are returned unchanged.
 */
export function rounded(value, dp) {
  const n = num(value);
  if (n === undefined) return value;
  const f = 10 ** dp;
  const r = (Math.sign(n) * Math.round(Math.abs(n) * f * (1 + Number.EPSILON))) / f;
  return (Object.is(r, -0) ? 0 : r).toFixed(dp);
}

/**
 * Impact estimates and their SEs that the return carries to 3 dp for the national combiner (the
 * catalogue's dp 3) but the site shows to 1 dp (measures.md §12). test/site-words.test.ts checks
 * this list against the catalogue files.
 */
export const SHOWN_TO_1DP = new Set(["b", "se", "b_full", "se_full", "b_partial", "se_partial", "gap_impact", "gap_impact_se", "att"]);

/** "3,217 tutees and 90,218 comparison pupils" (a symbol stays: "c tutees" reads as suppressed). */
export function countsPhrase(nTutees, nComparison) {
  const word = (v, one, many) => (num(v) === 1 ? one : many);
  return `${formatNumber(nTutees)} ${word(nTutees, "tutee", "tutees")} and ${formatNumber(nComparison)} comparison ${word(nComparison, "pupil", "pupils")}`;
}

/** "0.21 (0.05 to 0.37)" with symbols shown as they are. */
export function withCi(value, low, high, unit = "") {
  if (isSymbol(value)) return show(value);
  if (isSymbol(low) || isSymbol(high)) return show(value, unit);
  return `${show(value, unit)} (${show(low, unit)} to ${show(high, unit)})`;
}

/** "2009/10" from the EES time period "200910". */
export function academicYear(timePeriod) {
  const s = String(timePeriod ?? "");
  return /^\d{6}$/.test(s) ? `${s.slice(0, 4)}/${s.slice(4)}` : s;
}

/** Rows of one breakdown/subject from a published table. */
export function pick(rows, { subject, breakdown = "total", group = undefined } = {}) {
  return (rows ?? []).filter(
    (r) =>
      (subject === undefined || r.subject === subject) &&
      (breakdown === undefined || r.breakdown === breakdown) &&
      (group === undefined || r.group_label === group),
  );
}

/** Labels of the breakdowns (EES filters) in plain words. */
export const BREAKDOWN_LABEL = {
  total: "All pupils",
  fsm_status: "Free school meals",
  cla_status: "Looked after",
  first_language: "First language",
  sex: "Sex",
  sen_provision: "Special educational needs",
  ethnicity_major: "Ethnicity (major group)",
  key_stage: "Key stage",
  prior_attainment: "Prior attainment",
};

/** Minimal DOM building (no html template global: Framework would fetch it from a CDN). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : String(c));
  return node;
}
