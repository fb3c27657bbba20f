// "Check general" (R/check_general_dupes.R, R/check_general_null.R) and "Check indicators"
// (R/check_ind_invalid_entry.R).
import { LEGACY_GSS_SYMBOLS, OB_UNITS } from "./reference.ts";
import { fail, filtersOf, lineOf, MAX_FINDINGS, pass, rowFindings, warn, type CheckResult, type DataTable, type Finding, type MetaTable } from "./table.ts";

/**
 * Ports check_general_dupes(): no two rows share their time, geography (the geography columns
 * of geography_df, not other names) and filter values. School, Provider, Institution and
 * Planning area rows are left out, unless the file is School-only or Provider-only (then only
 * Institution and Planning area rows are).
 */
export function checkGeneralDupes(data: DataTable, meta: MetaTable): CheckResult {
  const keyNames = [...new Set([...OB_UNITS, ...filtersOf(meta, true)])].filter((c) => data.has(c));
  const levels = data.distinct("geographic_level");
  const schoolOrProviderOnly = levels.length === 1 && (levels[0] === "School" || levels[0] === "Provider");
  const exclude = schoolOrProviderOnly ? ["Institution", "Planning area"] : ["School", "Provider", "Institution", "Planning area"];
  const note = schoolOrProviderOnly
    ? "Note that Institution and Planning area rows were not included in this check."
    : "Note that School, Provider, Institution, and Planning area rows were not included in this check.";
  const excluded = data.test((l) => exclude.includes(l));
  const levelIds = data.ids("geographic_level");
  const keys = keyNames.map((c) => data.ids(c));
  // Value numbers stand for values one to one, so two rows share their key cells exactly when
  // they share the key columns' value numbers: the first row of each key in a hash table.
  const same = (a: number, b: number) => keys.every((ids) => ids[a] === ids[b]);
  let slots = 1;
  while (slots < data.size * 2) slots *= 2;
  const firsts = new Int32Array(slots); // row + 1, 0 = free
  const hashes = new Int32Array(slots);
  let dupes = 0;
  const findings: Finding[] = [];
  for (let i = 0; i < data.size; i++) {
    if (excluded(levelIds[i])) continue;
    let h = 0;
    for (let k = 0; k < keys.length; k++) h = Math.imul(h ^ keys[k][i], 0x9e3779b1) ^ (h >>> 15);
    let slot = h & (slots - 1);
    let prev = -1;
    for (; firsts[slot] !== 0; slot = (slot + 1) & (slots - 1)) {
      const j = firsts[slot] - 1;
      if (hashes[slot] === h && same(i, j)) {
        prev = j;
        break;
      }
    }
    if (prev >= 0) {
      dupes++;
      if (findings.length < MAX_FINDINGS)
        findings.push({
          file: "data",
          row: lineOf(i),
          message: `Row repeats the time, geography and filters of line ${lineOf(prev)}; one row per combination.`,
        });
    } else {
      firsts[slot] = i + 1;
      hashes[slot] = h;
    }
  }
  if (dupes === 0) return pass("general_dupes", `There are no duplicate rows in the data file. ${note}`);
  return fail("general_dupes", `There ${dupes > 1 ? `are ${dupes} duplicate rows` : "is 1 duplicate row"} in the data file. ${note}`, findings);
}

const NULL_SYMBOLS = ["NULL", "Null", "null", "NA", "na"];
const LEGACY_SYMBOLS = ["N/A", "n/a", ".", "..", "-"];

/** Ports check_general_null(): no NULL/NA-like cell in data or metadata (FAIL); legacy no-data symbols in the data warn. */
export function checkGeneralNull(data: DataTable, meta: MetaTable): CheckResult {
  const isNull = data.test((v) => NULL_SYMBOLS.includes(v));
  const isLegacy = data.test((v) => LEGACY_SYMBOLS.includes(v));
  const cols = [...new Set(data.columns)];
  const nullCols = cols.filter((c) => data.distinctIds(c).some(isNull));
  const legacyCols = cols.filter((c) => data.distinctIds(c).some(isLegacy));
  const metaNulls = NULL_SYMBOLS.filter((s) => meta.rows.some((r) => r.cells.includes(s)));
  if (nullCols.length > 0 || metaNulls.length > 0) {
    const parts: string[] = [];
    if (nullCols.length > 0)
      parts.push(`Problematic null or NA symbols were found in the data file. The symbols checked for are: '${NULL_SYMBOLS.join("', '")}'.`);
    if (metaNulls.length > 0)
      parts.push(`The following problematic symbol${metaNulls.length > 1 ? "s were" : " was"} found in the metadata file: '${metaNulls.join("', '")}'.`);
    const findings: Finding[] = nullCols.flatMap((c) =>
      rowFindings(data, c, isNull, (v) => `Data cell is '${v}'; use x (not available) or z (not applicable).`),
    );
    for (const r of meta.rows)
      r.cells.forEach((v, j) => {
        if (NULL_SYMBOLS.includes(v) && findings.length < MAX_FINDINGS * 2)
          findings.push({ file: "meta", row: r.line, column: meta.columns[j], message: `Metadata cell is '${v}'.` });
      });
    return fail("general_null", parts.join(" "), findings);
  }
  if (legacyCols.length > 0) {
    return warn(
      "general_null",
      `Legacy no-data symbols were found in the data file. The symbols checked for are: '${LEGACY_SYMBOLS.join("', '")}'. Please check the GSS guidance for advice on the symbols to use for no data.`,
      legacyCols.flatMap((c) => rowFindings(data, c, isLegacy, (v) => `Data cell is '${v}', a legacy symbol.`)),
    );
  }
  return pass("general_null", "No problematic null or legacy no-data symbols were found in the data or metadata files.");
}

/** Ports check_ind_invalid_entry(): no indicator cell is blank or a legacy symbol (~ or :). */
export function checkIndInvalidEntry(data: DataTable, meta: MetaTable): CheckResult {
  const bad = data.test((v) => v === "" || LEGACY_GSS_SYMBOLS.includes(v));
  const indicators = [...new Set(meta.rows.filter((r) => r.col_type === "Indicator").map((r) => r.col_name))].filter((c) => data.has(c));
  const invalid = indicators.filter((c) => data.distinctIds(c).some(bad));
  if (invalid.length === 0) return pass("ind_invalid_entry", "There are no blank values or GSS legacy symbols in any indicators.");
  return fail(
    "ind_invalid_entry",
    `${invalid.length} indicator${invalid.length > 1 ? "s" : ""} with invalid entries: ${invalid.join(", ")} contains either a blank or at least one of '${LEGACY_GSS_SYMBOLS.join("', '")}'`,
    invalid.flatMap((c) => rowFindings(data, c, bad, (v) => `Indicator '${c}' is '${v}'; use x (not available), z (not applicable) or c (suppressed).`)),
  );
}
