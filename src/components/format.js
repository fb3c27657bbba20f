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

/** A published value as text for a reader: numbers as published (with unit), symbols as is. */
export function show(value, unit = "") {
  if (value == null || value === "") return "–";
  if (isSymbol(value)) return value;
  if (unit === "£") return `£${Number(value).toLocaleString("en-GB")}`;
  if (unit === "%") return `${value}%`;
  if (unit === "pp") return `${value} pp`;
  return String(value);
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
