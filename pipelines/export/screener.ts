// The EES screener rules of ../shared/spec/ees-rules.md as code, so every return is screened
// here without R. Rule ids are `r<number>_<what>` after the numbering of that file; results
// carry the data/meta line (header = 1) and column where one applies. As in eesyscreener, the
// stages run in order and any FAIL in a stage stops the run (later stages would only repeat it).
// Beyond the spec's list: rows must have as many cells as the header (EES import), no fully
// blank rows or columns (old QA screener), no NA/replacement characters, and indicator cells
// must be plain numbers or one of c, x, z (outputs.md §1–§2).
import { parseTable, PLAIN_NUMBER, type Table } from "./csv.ts";
import { COUNTRIES, laLookup, REGIONS, Z_CODE_NAMES } from "./geography.ts";

export type Level = "FAIL" | "WARNING";
export interface ScreenResult {
  rule: string;
  level: Level;
  row?: number;
  column?: string;
  message: string;
}
export interface ScreenNames {
  data: string;
  meta: string;
}
export interface ScreenOptions {
  /** LAs to accept besides geography.ts KNOWN_LAS (a run's settings.las). */
  las?: readonly { old_code: string; gss_code: string; name: string }[];
}

export const META_COLUMNS = ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint", "filter_grouping_column"];
const META_OPTIONAL = ["filter_default", "parent_filter"];
const DATA_REQUIRED = ["geographic_level", "time_period", "time_identifier", "country_code", "country_name"];
const SMUSHED = ["male", "female", "asian", "chinese", "indian", "pakistani", "bangladeshi", "black", "african", "caribbean", "white", "roma", "irish", "english", "british", "scottish", "welsh", "northern irish", "arab"];
const OB_UNIT_REGEX = /^(country|sch|prov|inst|estab|reg|la|local|rsc|pfa|pcon|lep|mca|oa|ward|mat).*(name|code|urn|ukprn|number|upin|id)$/;
const OB_UNIT_WORDS = new Set(["laestab", "estab", "sch", "school", "schools", "prov", "provider", "providers", "inst", "institution", "institutions", "name", "code", "urn", "ukprn", "number", "upin", "id", "region", "la", "lad", "rsc", "pcon", "lep", "mca", "oa", "ward", "mat"]);
const UNITS = new Set(["", "%", "pp", "£", "£m", "numberstring"]);
const SYMBOLS = new Set(["c", "x", "z"]);
const NULLS = new Set(["NULL", "Null", "null", "NA", "na"]);
const LEGACY_NULLS = new Set(["N/A", "n/a", ".", ".."]);
const HARMONISED_OK = new Set(["sen_status", "sen_primary_need", "sen_secondary_need", "sen_provision", "establishment_type", "establishment_type_group", "provider_type", "ethnicity_major", "ethnicity_minor", "ethnicity_detailed", "minority_ethnic"]);
const ETHNICITY_MAJOR = new Set(["White", "Mixed / Multiple ethnic groups", "Asian / Asian British", "Black / African / Caribbean / Black British", "Other ethnic group", "Unknown", "Total"]);
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKS = Array.from({ length: 52 }, (_, i) => `Week ${i + 1}`);
const TIME_GROUPS: string[][] = [
  ["Academic year"], ["Calendar year"], ["Financial year"], ["Tax year"], ["Reporting year"], ["Autumn and spring term"],
  ["Autumn term", "Spring term", "Summer term"], MONTHS, WEEKS,
  ["Financial year Q1", "Financial year Q2", "Financial year Q3", "Financial year Q4"],
  ["Part 1 (April to September)", "Part 2 (October to March)"],
];
const FOUR_DIGIT = new Set(["Calendar year", "Reporting year", ...WEEKS, ...MONTHS]);
const LEVELS = new Set(["National", "Regional", "Local authority", "Local authority district", "RSC region", "Parliamentary constituency", "Local skills improvement plan area", "Local enterprise partnership", "English devolved area", "Opportunity area", "Ward", "MAT", "Sponsor", "School", "Provider", "Institution", "Planning area", "Police force area"]);
const LEVEL_COLUMNS: Record<string, string[]> = {
  Regional: ["region_code", "region_name"],
  "Local authority": ["old_la_code", "new_la_code", "la_name"],
  School: ["school_urn", "school_name", "school_laestab"],
  "Local authority district": ["lad_code", "lad_name"],
  "Parliamentary constituency": ["pcon_code", "pcon_name"],
  Ward: ["ward_code", "ward_name"],
  MAT: ["trust_id", "trust_name"],
  Sponsor: ["sponsor_id", "sponsor_name"],
  Provider: ["provider_ukprn", "provider_name"],
  Institution: ["institution_id", "institution_name"],
};
const LA_COLS = ["old_la_code", "new_la_code", "la_name"];
const REGION_COLS = ["region_code", "region_name"];
const SCHOOL_COLS = ["school_urn", "school_laestab", "school_name"];
const GEOG_COLUMNS = new Set(["country_code", "country_name", ...REGION_COLS, ...LA_COLS, ...SCHOOL_COLS, ...Object.values(LEVEL_COLUMNS).flat()]);
/** Levels on whose rows LA / region columns may be filled (rule 56). */
const LA_LEVELS = new Set(["Local authority", "Parliamentary constituency", "Local authority district", "Ward", "School", "Provider", "Institution", "Planning area", "Police force area"]);
const REGION_LEVELS = new Set(["Regional", ...LA_LEVELS]);
const IGNORED_LEVELS = new Set(["School", "Provider", "Institution", "Planning area"]);

export function isObUnit(col: string): boolean {
  return ["time_period", "time_identifier", "geographic_level"].includes(col) || GEOG_COLUMNS.has(col) || OB_UNIT_REGEX.test(col) || OB_UNIT_WORDS.has(col);
}

interface Meta {
  table: Table;
  rows: Table["records"];
  filters: string[];
  indicators: string[];
  groups: string[];
}

/** Screens a data file and its metadata; returns every FAIL and WARNING (empty = clean). */
export function screen(dataCsvText: string, metaCsvText: string, names: ScreenNames, options: ScreenOptions = {}): ScreenResult[] {
  const out: ScreenResult[] = [];
  const fail = (rule: string, message: string, row?: number, column?: string) => out.push({ rule, level: "FAIL", message, ...(row === undefined ? {} : { row }), ...(column === undefined ? {} : { column }) });
  const warn = (rule: string, message: string, row?: number, column?: string) => out.push({ rule, level: "WARNING", message, ...(row === undefined ? {} : { row }), ...(column === undefined ? {} : { column }) });
  const failed = () => out.some((r) => r.level === "FAIL");

  // Stage 0: file names.
  const base = (n: string, ext: string) => (n.endsWith(ext) ? n.slice(0, -ext.length) : n);
  for (const [which, name, ext] of [["data", names.data, ".csv"], ["meta", names.meta, ".meta.csv"]] as const) {
    if (/\s/.test(name)) fail("r01_filename_spaces", `The ${which} file name '${name}' contains a space; use _ instead.`);
    if (!name.endsWith(".csv")) fail("r03_filename_not_csv", `The ${which} file '${name}' is not a .csv file.`);
    else if (!/^[A-Za-z0-9_-]+$/.test(base(name, ext))) fail("r02_filename_special", `The ${which} file name '${name}' has characters other than letters, digits, _ and -.`);
  }
  if (names.meta !== `${base(names.data, ".csv")}.meta.csv`) fail("r03_filenames_match", `The metadata file must be named ${base(names.data, ".csv")}.meta.csv, not ${names.meta}.`);
  if (failed()) return out;

  // Precheck: encoding, shape, required columns.
  for (const [which, text] of [["data", dataCsvText], ["meta", metaCsvText]] as const) {
    if (text.includes("\uFFFD")) fail("r03_encoding", `The ${which} file is not valid UTF-8 (it holds a replacement character); save it as UTF-8.`);
  }
  let data: Table;
  let metaTable: Table;
  try {
    data = parseTable(dataCsvText);
    metaTable = parseTable(metaCsvText);
  } catch (e) {
    fail("r03_csv", `The file is not valid CSV: ${(e as Error).message}`);
    return out;
  }
  for (const [which, t] of [["data", data], ["meta", metaTable]] as const) {
    for (const r of t.records) {
      if (r.width !== t.columns.length) fail("ees_row_width", `${which} row has ${r.width} cells but the header has ${t.columns.length}.`, r.line);
      else if (Object.values(r.values).every((v) => v.trim() === "")) fail("r03_blank_row", `${which} row is blank; remove it.`, r.line);
    }
    const dupes = t.columns.filter((c, i) => t.columns.indexOf(c) !== i);
    for (const c of new Set(dupes)) fail("r29_col_name_duplicate", `${which} file has two columns named '${c}'.`, 1, c);
  }
  for (const c of META_COLUMNS) if (!metaTable.columns.includes(c)) fail("r04_meta_required_columns", `The metadata lacks column '${c}'.`, 1, c);
  for (const c of metaTable.columns) if (!META_COLUMNS.includes(c) && !META_OPTIONAL.includes(c)) fail("r05_meta_invalid_columns", `The metadata has column '${c}', which is not an EES metadata column; remove it.`, 1, c);
  for (const c of DATA_REQUIRED) if (!data.columns.includes(c)) fail("r06_data_required_columns", `The data lacks column '${c}'.`, 1, c);
  if (data.columns.length - 5 < metaTable.records.length) fail("r07_col_to_rows", `The metadata has ${metaTable.records.length} rows but the data only ${data.columns.length} columns (at most columns − 5 rows).`);
  if (failed()) return out;

  const mv = (r: { values: Record<string, string> }, c: string) => r.values[c] ?? "";
  const meta: Meta = {
    table: metaTable,
    rows: metaTable.records,
    filters: metaTable.records.filter((r) => mv(r, "col_type") === "Filter").map((r) => mv(r, "col_name")),
    indicators: metaTable.records.filter((r) => mv(r, "col_type") === "Indicator").map((r) => mv(r, "col_name")),
    groups: metaTable.records.map((r) => mv(r, "filter_grouping_column")).filter((g) => g !== ""),
  };

  // Precheck cross-file.
  for (const r of meta.rows) {
    for (const c of ["col_name", "filter_grouping_column"]) {
      const v = mv(r, c);
      if (v !== "" && !data.columns.includes(v)) fail("r08_meta_not_in_data", `Metadata ${c} '${v}' is not a column of the data file.`, r.line, c);
    }
  }
  const described = new Set(meta.rows.flatMap((r) => [mv(r, "col_name"), mv(r, "filter_grouping_column")]));
  for (const c of data.columns) {
    if (isObUnit(c) || described.has(c)) continue;
    if (new Set(data.records.map((r) => mv(r, c))).size > 1) warn("r09_data_not_in_meta", `Data column '${c}' is not in the metadata.`, 1, c);
  }
  if (failed()) return out;

  // Check columns.
  for (const c of data.columns) {
    if (/\s/.test(c)) fail("r10_col_name_spaces", `Column name '${c}' contains whitespace.`, 1, c);
    if (/[^a-z0-9_]/.test(c)) warn("r11_col_snake_case", `Column name '${c}' is not snake_case.`, 1, c);
    if (!/^[a-z]/.test(c)) warn("r12_col_start", `Column name '${c}' does not start with a letter.`, 1, c);
  }
  for (const r of meta.rows) {
    const name = mv(r, "col_name");
    if (mv(r, "col_type") === "Indicator") {
      const hit = SMUSHED.find((s) => name.toLowerCase().includes(s));
      if (hit) fail("r13_indicator_smushed", `Indicator '${name}' names a group ('${hit}'); put the group in a filter column instead.`, r.line, "col_name");
    }
    if (name === "characteristic" || name === "characteristic_group") warn("r14_characteristic", `Metadata uses the old '${name}' column.`, r.line, "col_name");
  }
  if (failed()) return out;

  // Precheck meta.
  for (const r of meta.rows) {
    const type = mv(r, "col_type");
    if (type !== "Filter" && type !== "Indicator") fail("r15_meta_col_type", `col_type '${type}' must be Filter or Indicator.`, r.line, "col_type");
    if (mv(r, "col_name") === "") fail("r17_meta_col_name_blank", "col_name is blank.", r.line, "col_name");
  }
  const onlyFilter = meta.filters.length === 1;
  for (const r of meta.rows) {
    for (const c of ["col_name", "filter_grouping_column"]) {
      const v = mv(r, c);
      if (v === "" || !isObUnit(v)) continue;
      if (onlyFilter && ["school_name", "provider_name"].includes(v)) continue;
      fail("r16_meta_ob_unit", `'${v}' is a geography/time column and cannot be a filter or indicator in the metadata.`, r.line, c);
    }
  }
  if (failed()) return out;

  // Check meta.
  const seen = <T>(values: { v: T; line: number }[], rule: string, what: string, column: string) => {
    const first = new Map<T, number>();
    for (const { v, line } of values) {
      if (first.has(v)) fail(rule, `Duplicate ${what} '${String(v)}' (first on line ${first.get(v)}).`, line, column);
      else first.set(v, line);
    }
  };
  seen(meta.rows.map((r) => ({ v: mv(r, "label"), line: r.line })).filter((x) => x.v !== ""), "r18_meta_duplicate_label", "label", "label");
  seen(meta.rows.map((r) => ({ v: mv(r, "filter_grouping_column"), line: r.line })).filter((x) => x.v !== ""), "r20_filter_group_duplicate", "filter_grouping_column", "filter_grouping_column");
  seen(meta.rows.map((r) => ({ v: mv(r, "col_name"), line: r.line })).filter((x) => x.v !== ""), "r29_col_name_duplicate", "col_name", "col_name");
  for (const r of meta.rows) {
    const type = mv(r, "col_type");
    const name = mv(r, "col_name");
    const group = mv(r, "filter_grouping_column");
    const dp = mv(r, "indicator_dp");
    const unit = mv(r, "indicator_unit");
    if (type === "Indicator" && group !== "") fail("r19_indicator_with_group", `Indicator '${name}' has a filter_grouping_column.`, r.line, "filter_grouping_column");
    if (group !== "" && !meta.filters.includes(group)) warn("r21_group_not_filter", `Grouping column '${group}' is not also a filter.`, r.line, "filter_grouping_column");
    if (group !== "" && !data.columns.includes(group)) fail("r22_group_not_in_data", `Grouping column '${group}' is not in the data.`, r.line, "filter_grouping_column");
    if (mv(r, "label").trim() === "") fail("r24_label_blank", `'${name}' has no label.`, r.line, "label");
    if (type === "Indicator" && mv(r, "filter_hint") !== "") fail("r25_indicator_filter_hint", `Indicator '${name}' has a filter_hint.`, r.line, "filter_hint");
    if (type === "Filter" || group !== "") {
      for (const n of [name, group].filter(Boolean)) {
        if (OB_UNIT_REGEX.test(n) || OB_UNIT_WORDS.has(n)) fail("r26_filter_ob_unit_name", `Filter '${n}' is named like a geography column; rename it.`, r.line, "col_name");
      }
    }
    if (type === "Filter" && dp !== "") fail("r27_filter_dp", `Filter '${name}' has an indicator_dp.`, r.line, "indicator_dp");
    if (/\s/.test(name)) fail("r28_col_name_space", `col_name '${name}' contains a space.`, r.line, "col_name");
    if (type === "Indicator" && dp === "") warn("r30_indicator_dp_blank", `Indicator '${name}' has no indicator_dp (EES shows 2 dp).`, r.line, "indicator_dp");
    if (dp !== "" && !/^\d+$/.test(dp)) fail("r31_indicator_dp_values", `indicator_dp '${dp}' of '${name}' is not a whole number ≥ 0.`, r.line, "indicator_dp");
    if (type === "Filter" && unit !== "") fail("r32_filter_unit", `Filter '${name}' has an indicator_unit.`, r.line, "indicator_unit");
    if (!UNITS.has(unit)) fail("r33_indicator_unit", `indicator_unit '${unit}' of '${name}' is not one of %, pp, £, £m, numberstring or blank.`, r.line, "indicator_unit");
    if (type === "Filter" && mv(r, "indicator_grouping") !== "") fail("r34_filter_grouping", `Filter '${name}' has an indicator_grouping.`, r.line, "indicator_grouping");
  }
  for (const c of ["filter_grouping_column", "indicator_grouping"]) {
    const values = [...new Set(meta.rows.map((r) => mv(r, c)).filter(Boolean))];
    if (new Set(values.map((v) => v.replace(/[^A-Za-z0-9]/g, "").toLowerCase())).size < values.length) {
      fail("r23_groups_stripped", `Two ${c} values differ only in punctuation or case: ${values.join(", ")}.`, undefined, c);
    }
  }
  if (failed()) return out;

  // Precheck time.
  const TIME_IDS = new Set(TIME_GROUPS.flat());
  const idsUsed = new Set<string>();
  for (const r of data.records) {
    const tp = mv(r, "time_period");
    const ti = mv(r, "time_identifier");
    if (!/^\d{4}(\d{2})?$/.test(tp)) fail("r35_time_period", `time_period '${tp}' must be YYYY or YYYYzz (e.g. 200910).`, r.line, "time_period");
    if (!TIME_IDS.has(ti)) fail("r36_time_identifier", `time_identifier '${ti}' is not an EES time identifier (e.g. Academic year).`, r.line, "time_identifier");
    idsUsed.add(ti);
  }
  const groupsUsed = new Set([...idsUsed].map((id) => TIME_GROUPS.findIndex((g) => g.includes(id))).filter((i) => i >= 0));
  if (groupsUsed.size > 1) fail("r37_time_identifier_mix", `time_identifier mixes kinds that cannot be shown together: ${[...idsUsed].join(", ")}.`, undefined, "time_identifier");
  if (failed()) return out;

  // Precheck filters and geography.
  for (const f of [...meta.filters, ...meta.groups]) {
    if (new Set(data.records.map((r) => mv(r, f))).size < 2) fail("r38_filter_single_value", `Filter '${f}' has fewer than 2 distinct values; drop it from the metadata.`, undefined, f);
  }
  const levels = new Set<string>();
  for (const r of data.records) {
    const lvl = mv(r, "geographic_level");
    if (!LEVELS.has(lvl)) fail("r39_geographic_level", `geographic_level '${lvl}' is not an EES level.`, r.line, "geographic_level");
    levels.add(lvl);
  }
  for (const lvl of levels) {
    for (const c of LEVEL_COLUMNS[lvl] ?? []) {
      if (!data.columns.includes(c)) fail("r40_level_columns", `${lvl} rows need column '${c}'.`, 1, c);
    }
  }
  if (failed()) return out;

  // Check time.
  for (const r of data.records) {
    const tp = mv(r, "time_period");
    const ti = mv(r, "time_identifier");
    if (FOUR_DIGIT.has(ti) ? tp.length !== 4 : tp.length !== 6) fail("r41_time_period_length", `time_period '${tp}' has the wrong number of digits for '${ti}'.`, r.line, "time_period");
    else if (tp.length === 6 && (Number(tp.slice(0, 4)) + 1) % 100 !== Number(tp.slice(4))) fail("r42_time_period_consecutive", `time_period '${tp}' is not two consecutive years (e.g. 200910).`, r.line, "time_period");
  }
  if (failed()) return out;

  // Check filters.
  const filterAndGroups = [...meta.filters, ...meta.groups];
  for (const f of filterAndGroups) {
    const values = new Set(data.records.map((r) => mv(r, f)));
    const def = meta.rows.find((r) => mv(r, "col_name") === f)?.values.filter_default || "Total";
    if (!values.has(def)) warn("r43_filter_default", `Filter '${f}' has no '${def}' value.`, undefined, f);
    if (values.size > 25_000) fail("r45_filter_item_limit", `Filter '${f}' has more than 25,000 values.`, undefined, f);
    for (const r of data.records) {
      const v = mv(r, f);
      if (v !== v.trim()) fail("r46_filter_whitespace", `Filter value '${v}' has leading or trailing spaces.`, r.line, f);
      if (v === "") fail("r48_filter_blank", `Filter '${f}' is blank; use Total.`, r.line, f);
    }
  }
  for (const r of meta.rows) {
    const group = mv(r, "filter_grouping_column");
    if (group === "") continue;
    const f = mv(r, "col_name");
    if (new Set(data.records.map((x) => mv(x, group))).size > new Set(data.records.map((x) => mv(x, f))).size) {
      fail("r44_filter_group_level", `Filter group '${group}' has more values than its filter '${f}'.`, r.line, "filter_grouping_column");
    }
  }
  for (const c of data.columns.filter(isObUnit)) {
    for (const r of data.records) {
      if (["Total", "total", "All", "all"].includes(mv(r, c))) fail("r47_ob_unit_total", `Geography/time column '${c}' holds '${mv(r, c)}'; totals belong in filters.`, r.line, c);
    }
  }
  if (failed()) return out;

  // Check geography.
  const las = laLookup(options.las);
  const has = (c: string) => data.columns.includes(c);
  for (const cols of [LA_COLS, REGION_COLS]) {
    const present = cols.filter(has);
    if (present.length > 0 && present.length < cols.length) fail("r53_geog_partial_columns", `Columns ${cols.join(", ")} go together; this file has only ${present.join(", ")}.`, 1, cols.find((c) => !has(c)));
  }
  for (const r of data.records) {
    const lvl = mv(r, "geographic_level");
    const pair = (code: string, name: string, lookup: ReadonlyMap<string, string>, what: string) => {
      if (!has(code) || !has(name)) return;
      const cv = mv(r, code);
      const nv = mv(r, name);
      if (cv === "" && nv === "") return;
      if (cv === "x" || nv === "Not available") {
        if (cv !== "x" || nv !== "Not available") fail("r55_geog_not_available", `Code 'x' goes with name 'Not available' (found ${cv}, ${nv}).`, r.line, code);
        return;
      }
      if (cv === "z" && Z_CODE_NAMES.has(nv)) return;
      if (lookup.get(cv) !== nv) fail("r49_geog_lookup", `${what} code/name '${cv}', '${nv}' is not in the lookup.`, r.line, code);
    };
    pair("country_code", "country_name", COUNTRIES, "Country");
    pair("region_code", "region_name", REGIONS, "Region");
    if (has("new_la_code") && mv(r, "new_la_code") !== "" && mv(r, "new_la_code") !== "x" && mv(r, "new_la_code") !== "z") {
      const key = `${mv(r, "new_la_code")}|${mv(r, "la_name")}|${mv(r, "old_la_code")}`;
      if (!las.has(key)) fail("r49_geog_lookup", `LA new code, name, old code '${key.replaceAll("|", "', '")}' is not in the LA lookup (pipelines/export/geography.ts or settings).`, r.line, "new_la_code");
    }
    for (const c of ["country_code", "country_name", ...(LEVEL_COLUMNS[lvl] ?? [])]) {
      if (c === "new_la_code") continue;
      if (has(c) && mv(r, c) === "") fail("r50_geog_level_completed", `${lvl} row has a blank '${c}'.`, r.line, c);
    }
    if (lvl === "Local authority" && (!has("region_code") || mv(r, "region_code") === "")) warn("r54_la_region", "Local authority row without a region.", r.line, "region_code");
    const filled = (cols: string[]) => cols.filter((c) => has(c) && mv(r, c) !== "");
    const bad = [
      ...(LA_LEVELS.has(lvl) ? [] : filled(LA_COLS)),
      ...(REGION_LEVELS.has(lvl) ? [] : filled(REGION_COLS)),
      ...(lvl === "School" ? [] : filled(SCHOOL_COLS)),
    ];
    for (const c of bad) fail("r56_geog_overcompleted", `A ${lvl} row fills '${c}', which belongs to another level; leave it blank.`, r.line, c);
  }
  const kinds = [...levels];
  if (kinds.length > 0 && kinds.every((l) => l === "Institution" || l === "Planning area")) fail("r51_geog_ignored_rows", "A file of only Institution/Planning area rows must be ancillary.");
  if (levels.has("School") && levels.has("Provider")) fail("r51_geog_ignored_rows", "School and Provider rows cannot be mixed.");
  if (failed()) return out;

  // Check general and indicators.
  const onlyIgnored = kinds.length === 1 && (kinds[0] === "School" || kinds[0] === "Provider");
  const keyCols = [...data.columns.filter(isObUnit), ...filterAndGroups];
  const firstSeen = new Map<string, number>();
  for (const r of data.records) {
    if (!onlyIgnored && IGNORED_LEVELS.has(mv(r, "geographic_level"))) continue;
    const key = JSON.stringify(keyCols.map((c) => mv(r, c)));
    const prev = firstSeen.get(key);
    if (prev !== undefined) fail("r57_duplicate_rows", `Row repeats the time, geography and filters of line ${prev}; one row per combination.`, r.line);
    else firstSeen.set(key, r.line);
  }
  for (const [which, t] of [["data", data], ["meta", metaTable]] as const) {
    for (const r of t.records) {
      for (const c of t.columns) {
        const v = mv(r, c);
        if (NULLS.has(v)) fail("r58_null_values", `${which} cell is '${v}'; use x (not available) or z (not applicable).`, r.line, c);
        else if (LEGACY_NULLS.has(v) || (v === "-" && which === "data")) warn("r58_legacy_null", `${which} cell is '${v}', a legacy symbol.`, r.line, c);
      }
    }
  }
  for (const c of data.columns) {
    if (data.records.length > 0 && data.records.every((r) => mv(r, c) === "")) fail("r03_empty_column", `Column '${c}' is empty in every row; remove it.`, 1, c);
  }
  for (const ind of meta.indicators) {
    for (const r of data.records) {
      const v = mv(r, ind);
      if (v === "" || v === "~" || v === ":") fail("r59_indicator_blank", `Indicator '${ind}' is '${v}'; use x (not available), z (not applicable) or c (suppressed).`, r.line, ind);
      else if (!PLAIN_NUMBER.test(v) && !SYMBOLS.has(v)) fail("ees_indicator_symbol", `Indicator '${ind}' holds '${v}': only plain numbers (no separators or %) and the symbols c, x, z are allowed.`, r.line, ind);
    }
  }
  if (failed()) return out;

  // Check harmonised names and vocabularies.
  for (const f of filterAndGroups) {
    if (/(sen_|primary_need|secondary_need|establishment_type|provider_type|school_type|ethnic)/.test(f) && !HARMONISED_OK.has(f)) {
      fail("r60_harmonised_names", `Filter '${f}' should use a harmonised name (e.g. sen_provision, ethnicity_major).`, undefined, f);
    }
  }
  if (filterAndGroups.includes("ethnicity_major")) {
    for (const r of data.records) {
      const v = mv(r, "ethnicity_major");
      if (!ETHNICITY_MAJOR.has(v)) warn("r61_ethnicity_values", `ethnicity_major '${v}' is not a GSS major group.`, r.line, "ethnicity_major");
    }
  }
  for (const c of data.columns) if (c.length > 50) warn("r62_api_char_limit", `Column name '${c}' is longer than 50 characters.`, 1, c);
  for (const r of meta.rows) if (mv(r, "label").length > 100) warn("r62_api_char_limit", "Label is longer than 100 characters.", r.line, "label");
  return out;
}

export class ReturnCheckError extends Error {
  override name = "ReturnCheckError";
}

/** Throws ReturnCheckError naming rule, row and column for the first FAILs; returns warnings. */
export function assertScreened(file: string, results: ScreenResult[]): ScreenResult[] {
  const fails = results.filter((r) => r.level === "FAIL");
  if (fails.length > 0) {
    const lines = fails.slice(0, 20).map((r) => `  - rule ${r.rule}${r.row ? `, row ${r.row}` : ""}${r.column ? `, column ${r.column}` : ""}: ${r.message}`);
    const more = fails.length > 20 ? `\n  … and ${fails.length - 20} more` : "";
    throw new ReturnCheckError(`${file} fails the EES screener:\n${lines.join("\n")}${more}`);
  }
  return results;
}
