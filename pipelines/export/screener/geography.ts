// Geography checks: "Precheck geography" (R/precheck_geog_level.R, precheck_geog_level_present.R)
// and "Check geography" (R/check_geog_combos.R, check_geog_level_completed.R,
// check_geog_ignored_rows.R, check_geog_other_dupes.R, check_geog_col_present.R,
// check_geog_region_for.R, check_geog_na.R, check_geog_na_code.R, check_geog_overcompleted_cols.R).
import { laLookup } from "../geography.ts";
import { ACCEPTABLE_COUNTRIES, ACCEPTABLE_REGIONS, EXTRA_GEOG_NAMES, GEOGRAPHY, geogOf, LEVELS, levelCols } from "./reference.ts";
import { fail, lineOf, MAX_FINDINGS, pass, quoted, warn, type CheckResult, type DataTable, type Finding, type MetaTable } from "./table.ts";

/** Lookups of (code → names) for levels geography.ts does not hold, given by the caller. */
export type GeogLookups = Partial<Record<"ward" | "pcon" | "lad" | "lep" | "lsip" | "eda", ReadonlyMap<string, readonly string[]>>>;

/** Ports precheck_geog_level(): every geographic_level is one EES knows. */
export function precheckGeogLevel(data: DataTable): CheckResult {
  const bad = data.distinct("geographic_level").filter((l) => !LEVELS.has(l));
  if (bad.length === 0) return pass("geog_level", "The geographic_level values are all valid.");
  const isBad = data.test((l) => !LEVELS.has(l));
  const ids = data.ids("geographic_level");
  const findings: Finding[] = [];
  for (let i = 0; i < data.size && findings.length < MAX_FINDINGS; i++)
    if (isBad(ids[i]))
      findings.push({ file: "data", row: lineOf(i), column: "geographic_level", message: `geographic_level '${data.values[ids[i]]}' is not an EES level.` });
  return fail("geog_level", `The following invalid geographic level(s) were found in the file: ${bad.join("', '")}.`, findings);
}

/** Ports precheck_geog_level_present(): the code/name/secondary columns of every level present (bar Planning area) exist. */
export function precheckGeogLevelPresent(data: DataTable): CheckResult {
  const levels = data.distinct("geographic_level");
  if (levels.every((l) => l === "National")) return pass("geog_level_present", "There is only National level data in the file.");
  const missing = [...new Set(GEOGRAPHY.filter((g) => g.level !== "Planning area" && levels.includes(g.level)).flatMap(levelCols))].filter((c) => !data.has(c));
  if (missing.length === 0) return pass("geog_level_present", "The geography columns are present as expected for the geographic_level values in the file.");
  return fail(
    "geog_level_present",
    `Given that the following geographic_level values are present: ${quoted(levels)}; the following column${missing.length > 1 ? "s are" : " is"} missing from the file: ${missing.map((c) => `'${c}'`).join(", ")}.`,
    missing.map((c) => ({ file: "data", row: 1, column: c, message: `The data has rows at a level that needs column '${c}'.` })),
  );
}

interface Combos {
  check: string;
  code: string;
  name: string;
  lookup: (code: string, name: string, extra: string) => boolean;
  restrictedLevel?: string;
  extraCode?: string;
}

/**
 * Ports .check_geog_combos(): every code/name combination (with old_la_code for LAs) is in the
 * Department's lookup or is code z with a universal name (Not applicable, Unknown, …). With a
 * restricted level, rows with a blank or x code are skipped; otherwise rows with code x are, and
 * for LAs rows with a blank code (R reads a blank cell as NA, and a filter on NA drops the row).
 */
function geogCombos(data: DataTable, c: Combos): CheckResult {
  const all = [c.extraCode, c.code, c.name].filter((x): x is string => x !== undefined);
  if (!all.every((x) => data.has(x))) return pass(c.check, `At least one of the ${all.join(" / ")} columns is not present in this data file.`);
  const codes = data.ids(c.code);
  const names = data.ids(c.name);
  const extras = c.extraCode ? data.ids(c.extraCode) : undefined;
  const seen = new Map<string, boolean>();
  const bad: string[] = [];
  const findings: Finding[] = [];
  for (let i = 0; i < data.size; i++) {
    const code = data.values[codes[i]];
    if (code === "x") continue;
    if (code === "" && (c.restrictedLevel !== undefined || c.extraCode !== undefined || c.check === "geog_country_combos")) continue;
    const extra = extras ? data.values[extras[i]] : "";
    if (extras && extra === "") continue;
    const name = data.values[names[i]];
    const key = `${extra}\u0000${code}\u0000${name}`;
    let ok = seen.get(key);
    if (ok === undefined) {
      ok = (code === "z" && EXTRA_GEOG_NAMES.includes(name) && (!extras || extra === "z")) || c.lookup(code, name, extra);
      seen.set(key, ok);
      if (!ok) bad.push([extra, code, name].filter((v, k) => k > 0 || extras).join(" "));
    }
    if (!ok && findings.length < MAX_FINDINGS)
      findings.push({
        file: "data",
        row: lineOf(i),
        column: c.code,
        message: `${all.join(" / ")} '${[extras ? extra : undefined, code, name].filter((v) => v !== undefined).join("', '")}' is not in the lookup.`,
      });
  }
  if (bad.length === 0) return pass(c.check, `All ${all.join(" / ")} combinations are valid.`);
  return fail(
    c.check,
    `The following ${all.join(" / ")} combination${bad.length > 1 ? "s are" : " is"} invalid: ${quoted(bad)}. We do not expect any combinations outside of the standard geographies lookup (case sensitive), please check your name and code combinations against this lookup.`,
    findings,
  );
}

const inMap = (m: ReadonlyMap<string, readonly string[]>) => (code: string, name: string) => m.get(code)?.includes(name) ?? false;

/** Ports check_geog_country_combos(). */
export const checkGeogCountryCombos = (data: DataTable) =>
  geogCombos(data, { check: "geog_country_combos", code: "country_code", name: "country_name", lookup: inMap(ACCEPTABLE_COUNTRIES) });
/** Ports check_geog_region_combos(). */
export const checkGeogRegionCombos = (data: DataTable) =>
  geogCombos(data, { check: "geog_region_combos", code: "region_code", name: "region_name", lookup: inMap(ACCEPTABLE_REGIONS), restrictedLevel: "Regional" });

/** Ports check_geog_la_combos(): (old_la_code, new_la_code, la_name) against the LA lookup (geography.ts plus a run's own LAs). */
export function checkGeogLaCombos(data: DataTable, las: readonly { old_code: string; gss_code: string; name: string }[] = []): CheckResult {
  const lookup = laLookup(las);
  return geogCombos(data, {
    check: "geog_la_combos",
    code: "new_la_code",
    name: "la_name",
    extraCode: "old_la_code",
    lookup: (code, name, old) => lookup.has(`${code}|${name}|${old}`),
  });
}

const OTHER_COMBOS: { check: string; key: keyof GeogLookups; code: string; name: string; level: string }[] = [
  { check: "geog_ward_combos", key: "ward", code: "ward_code", name: "ward_name", level: "Ward" },
  { check: "geog_pcon_combos", key: "pcon", code: "pcon_code", name: "pcon_name", level: "Parliamentary constituency" },
  { check: "geog_lad_combos", key: "lad", code: "lad_code", name: "lad_name", level: "Local authority district" },
  {
    check: "geog_lep_combos",
    key: "lep",
    code: "local_enterprise_partnership_code",
    name: "local_enterprise_partnership_name",
    level: "Local enterprise partnership",
  },
  { check: "geog_lsip_combos", key: "lsip", code: "lsip_code", name: "lsip_name", level: "Local skills improvement plan area" },
  { check: "geog_eda_combos", key: "eda", code: "english_devolved_area_code", name: "english_devolved_area_name", level: "English devolved area" },
];

/**
 * Ports check_geog_ward_combos(), _pcon_, _lad_, _lep_, _lsip_ and _eda_combos(). This project
 * holds none of those lookups: a file with those columns and no lookup given gets a WARNING
 * saying the check was not made (the R code would FAIL a combination missing from its lookup).
 */
export function checkGeogOtherCombos(data: DataTable, lookups: GeogLookups = {}): CheckResult[] {
  return OTHER_COMBOS.map((o) => {
    const m = lookups[o.key];
    if (m === undefined && data.has(o.code) && data.has(o.name)) return warn(o.check, `Not checked: no ${o.code} / ${o.name} lookup is held here.`);
    return geogCombos(data, { check: o.check, code: o.code, name: o.name, restrictedLevel: o.level, lookup: inMap(m ?? new Map()) });
  });
}

/** Ports check_geog_level_completed(): each level's code/name/secondary columns are filled on its rows (new_la_code may be blank). */
export function checkGeogLevelCompleted(data: DataTable): CheckResult {
  const levels = data.distinct("geographic_level");
  const present = GEOGRAPHY.filter((g) => g.level !== "Planning area" && levels.includes(g.level));
  if (present.length === 0) return pass("geog_level_completed", "No valid geographic levels present in the data to test.");
  const incomplete: string[] = [];
  const findings: Finding[] = [];
  for (const g of present) {
    const rows = data.rowsAt([g.level]);
    for (const c of [g.code === "new_la_code" ? undefined : g.code, g.name, g.secondary]) {
      if (c === undefined || !data.has(c)) continue;
      const ids = data.ids(c);
      const blank = rows.filter((i) => ids[i] === 0);
      if (blank.length > 0) incomplete.push(c);
      for (const i of blank.slice(0, MAX_FINDINGS)) findings.push({ file: "data", row: lineOf(i), column: c, message: `${g.level} row has a blank '${c}'.` });
    }
  }
  if (incomplete.length === 0) return pass("geog_level_completed", "All geographic level columns are completed as expected.");
  return fail(
    "geog_level_completed",
    `The following column${incomplete.length > 1 ? "s are" : " is"} incomplete for the associated geographic level: ${quoted(incomplete)}.`,
    findings,
  );
}

/** Ports check_geog_ignored_rows(). */
export function checkGeogIgnoredRows(data: DataTable): CheckResult {
  const levels = data.distinct("geographic_level");
  if (data.rowsAt(["Institution", "Planning area"]).length === data.size) {
    return fail(
      "geog_ignored_rows",
      "This file only contains rows at Institution or Planning area level, which are ignored by the EES table tool. Consider uploading this as an ancillary file without the metadata.",
    );
  }
  const ignored = data.rowsAt(["School", "Provider", "Institution", "Planning area"]).length;
  if (ignored === 0 || (levels.length === 1 && (levels[0] === "School" || levels[0] === "Provider")))
    return pass("geog_ignored_rows", "No rows in the file will be ignored by the EES table tool.");
  if (levels.includes("School") && levels.includes("Provider"))
    return fail("geog_ignored_rows", "School and Provider data has been mixed - please contact the Explore education statistics platforms team.");
  return pass(
    "geog_ignored_rows",
    `${ignored} row${ignored > 1 ? "s" : ""} will be ignored by the EES table tool, at School, Provider, Institution, or Planning area level.`,
  );
}

/** Ports .check_geog_other_dupes(): at Opportunity area, MAT and Sponsor level, one code per name (by_name) or one name per code (by_code). */
function otherDupes(data: DataTable, by: "by_name" | "by_code"): CheckResult {
  const check = by === "by_name" ? "geog_other_dupes" : "geog_other_code_dupes";
  const levels = data.distinct("geographic_level");
  const relevant = GEOGRAPHY.filter((g) => ["Opportunity area", "MAT", "Sponsor"].includes(g.level) && levels.includes(g.level));
  if (relevant.length === 0) return pass(check, "Lower-level geography data is not present in this data file.");
  const multi: string[] = [];
  for (const g of relevant) {
    if (!data.has(g.code!) || !data.has(g.name!)) continue;
    const codes = data.ids(g.code!);
    const names = data.ids(g.name!);
    const byKey = new Map<number, Set<number>>();
    for (const i of data.rowsAt([g.level])) {
      if (codes[i] === 0) continue;
      const [k, v] = by === "by_name" ? [names[i], codes[i]] : [codes[i], names[i]];
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = new Set()));
      s.add(v);
    }
    for (const [k, s] of byKey) if (s.size > 1) multi.push(`${data.values[k]} - ${s.size} different ${by === "by_name" ? "codes" : "names"}`);
  }
  if (multi.length === 0) return pass(check, by === "by_name" ? "Every geography has one code." : "Every geography code has one assigned geography.");
  return fail(
    check,
    by === "by_name"
      ? `The following ${multi.length > 1 ? "geographies have" : "geography has"} multiple codes: ${quoted(multi)}. Each geography should have only one code.`
      : `The following geography code${multi.length > 1 ? "s have" : " has"} multiple assigned geographies: ${quoted(multi)}. Each geography code should have only one assigned geography.`,
  );
}
/** Ports check_geog_other_dupes(). */
export const checkGeogOtherDupes = (data: DataTable) => otherDupes(data, "by_name");
/** Ports check_geog_other_code_dupes(). */
export const checkGeogOtherCodeDupes = (data: DataTable) => otherDupes(data, "by_code");

/** Ports .check_geog_col_present(): when any of a level's columns is present, all are. */
function colPresent(data: DataTable, level: string, check: string): CheckResult {
  const label = level.toLowerCase();
  const cols = levelCols(geogOf(level)!);
  const missing = cols.filter((c) => !data.has(c));
  if (missing.length === cols.length) return pass(check, `No ${label} columns are present in this data file.`);
  if (missing.length === 0) return pass(check, `All ${label} columns are present in the data file.`);
  return fail(
    check,
    `The following ${label} column${missing.length > 1 ? "s are" : " is"} missing from the data file: ${quoted(missing)}. When any ${label} column is present, all should be included.`,
    missing.map((c) => ({ file: "data", row: 1, column: c, message: `Column '${c}' goes with the other ${label} columns.` })),
  );
}
/** Ports check_geog_la_col_present(). */
export const checkGeogLaColPresent = (data: DataTable) => colPresent(data, "Local authority", "geog_la_col_present");
/** Ports check_geog_region_col_present(). */
export const checkGeogRegionColPresent = (data: DataTable) => colPresent(data, "Regional", "geog_region_col_present");

/** Ports .check_geog_region_for_level(): rows at the level should carry region_code and region_name (warning). */
function regionFor(data: DataTable, level: string, check: string): CheckResult {
  const rows = data.rowsAt([level]);
  if (rows.length === 0) return pass(check, `There is no ${level} level data in the data file.`);
  const missing = ["region_code", "region_name"].filter((c) => !data.has(c));
  if (missing.length > 0)
    return warn(
      check,
      `The following region column${missing.length > 1 ? "s are" : " is"} missing from the data file: ${quoted(missing)}. Regional information should ideally be given for all ${level} level data.`,
    );
  const code = data.ids("region_code");
  const name = data.ids("region_name");
  const blank = rows.filter((i) => code[i] === 0 || name[i] === 0);
  if (blank.length > 0) {
    return warn(
      check,
      `region_code and / or region_name have missing values for ${level} rows in the data file. It is recommended to include the information from these columns for ${level} level data.`,
      blank
        .slice(0, MAX_FINDINGS)
        .map((i) => ({ file: "data", row: lineOf(i), column: code[i] === 0 ? "region_code" : "region_name", message: `${level} row without a region.` })),
    );
  }
  return pass(check, `Both region_code and region_name are completed for all ${level} rows in the data file.`);
}
/** Ports check_geog_region_for_la(). */
export const checkGeogRegionForLa = (data: DataTable) => regionFor(data, "Local authority", "geog_region_for_la");
/** Ports check_geog_region_for_lad(). */
export const checkGeogRegionForLad = (data: DataTable) => regionFor(data, "Local authority district", "geog_region_for_lad");

/** The levels check_geog_na() and check_geog_na_code() test (the rest are excluded there). */
const NA_LEVELS = GEOGRAPHY.filter((g) => ["Opportunity area", "MAT", "Sponsor", "School", "Provider", "Police force area"].includes(g.level));

/** Ports check_geog_na(): at those levels, a code x goes with the name "Not available" (over the whole file's code/name pairs). */
export function checkGeogNa(data: DataTable): CheckResult {
  const levels = data.distinct("geographic_level");
  const present = NA_LEVELS.filter((g) => levels.includes(g.level));
  if (present.length === 0) return pass("geog_na", "No applicable geographic levels to test.");
  const failing = present
    .filter((g) => {
      if (!data.has(g.code!) || !data.has(g.name!)) return false;
      const codes = data.ids(g.code!);
      const names = data.ids(g.name!);
      for (let i = 0; i < data.size; i++) if (data.values[codes[i]] === "x" && data.values[names[i]] !== "Not available" && names[i] !== 0) return true;
      return false;
    })
    .map((g) => g.level);
  if (failing.length === 0) return pass("geog_na", "No tested locations have a code of 'x' without the corresponding name 'Not available'.");
  return fail(
    "geog_na",
    `The following geographic level${failing.length > 1 ? "s have" : " has"} at least one location with a code of 'x' but without the corresponding name 'Not available': ${quoted(failing)}. The name for 'x' should always be 'Not available'.`,
  );
}

/** Ports check_geog_na_code(): at those levels, a row named "Not available" has code x. */
export function checkGeogNaCode(data: DataTable): CheckResult {
  const levels = data.distinct("geographic_level");
  const present = NA_LEVELS.filter((g) => levels.includes(g.level));
  if (present.length === 0) return pass("geog_na_code", "No applicable geographic levels to check for 'Not available' codes.");
  const failing = present
    .filter((g) => {
      if (!data.has(g.code!) || !data.has(g.name!)) return false;
      const codes = data.ids(g.code!);
      const names = data.ids(g.name!);
      return data.rowsAt([g.level]).some((i) => data.values[names[i]] === "Not available" && codes[i] !== 0 && data.values[codes[i]] !== "x");
    })
    .map((g) => g.level);
  if (failing.length === 0) return pass("geog_na_code", "No locations have a name of 'Not available' without the corresponding code 'x'.");
  return fail(
    "geog_na_code",
    `The following geographic level${failing.length > 1 ? "s have" : " has"} at least one location with a name of 'Not available' that does not have the corresponding code 'x': ${quoted(failing)}. The code for 'Not available' should always be 'x'.`,
  );
}

const LOW = ["School", "Provider", "Institution"];
/** check_geog_overcompleted_cols(): the levels on whose rows each level's columns may be filled. */
const COMPATIBLE: Record<string, string[]> = {
  Regional: [
    "Regional",
    "Local skills improvement plan area",
    "Local authority",
    "Local enterprise partnership",
    "Opportunity area",
    "Local authority district",
    "Parliamentary constituency",
    "English devolved area",
    "Ward",
    ...LOW,
    "Planning area",
    "Police force area",
  ],
  "Local authority": ["Local authority", "Parliamentary constituency", "Local authority district", "Ward", ...LOW, "Planning area", "Police force area"],
  "Local authority district": ["Local authority district", "Ward", ...LOW, "Police force area"],
  "Local skills improvement plan area": ["Local skills improvement plan area", "Local authority district", ...LOW, "Planning area"],
  "RSC region": ["RSC region", ...LOW],
  "Parliamentary constituency": ["Parliamentary constituency", ...LOW],
  "Local enterprise partnership": ["Local enterprise partnership", ...LOW],
  "English devolved area": ["English devolved area", ...LOW],
  "Opportunity area": ["Opportunity area", ...LOW],
  Ward: ["Ward", ...LOW],
  MAT: ["MAT", ...LOW],
  Sponsor: ["Sponsor", ...LOW],
  "Planning area": ["Planning area", ...LOW],
  "Police force area": ["Police force area", ...LOW],
  School: ["School"],
  Provider: ["Provider"],
  Institution: ["Institution"],
};

/** Ports check_geog_overcompleted_cols(): a level's columns are blank on rows of levels it does not belong to. */
export function checkGeogOvercompletedCols(data: DataTable, meta: MetaTable): CheckResult {
  const levels = data.distinct("geographic_level");
  const filters = meta.rows.filter((r) => r.col_type === "Filter").map((r) => r.col_name);
  const groups = meta.rows.map((r) => r.filter_grouping_column).filter((g) => g !== "");
  const over: string[] = [];
  const findings: Finding[] = [];
  for (const g of GEOGRAPHY) {
    if (g.level === "National" || !(g.level in COMPATIBLE)) continue;
    let cols = levelCols(g).filter((c) => data.has(c));
    if ((g.level === "School" || g.level === "Provider") && filters.length === 1 && (filters.includes(g.name!) || groups.includes(g.name!)))
      cols = cols.filter((c) => c !== g.name);
    if (cols.length === 0) continue;
    const incompatible = levels.filter((l) => !COMPATIBLE[g.level].includes(l));
    if (incompatible.length === 0) continue;
    const rows = data.rowsAt(incompatible);
    for (const c of cols) {
      const ids = data.ids(c);
      const filled = rows.filter((i) => ids[i] !== 0);
      if (filled.length > 0 && !over.includes(c)) over.push(c);
      for (const i of filled.slice(0, MAX_FINDINGS))
        findings.push({
          file: "data",
          row: lineOf(i),
          column: c,
          message: `A ${data.cell("geographic_level", i)} row fills '${c}', which belongs to another level; leave it blank.`,
        });
    }
  }
  if (over.length === 0) return pass("geog_overcompleted_cols", "All geographic columns are empty where expected.");
  return fail(
    "geog_overcompleted_cols",
    `The following geographic column${over.length > 1 ? "s are" : " is"} completed for unexpected geographic_level rows: ${quoted(over)}.`,
    findings,
  );
}
