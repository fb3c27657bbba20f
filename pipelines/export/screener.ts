// The EES screener rules of ../shared/spec/ees-rules.md as code, so every return is screened
// here without R. Rule ids are `r<number>_<what>` after the numbering of that file; results
// carry the data/meta line (header = 1) and column where one applies. As in eesyscreener, the
// stages run in order and any FAIL in a stage stops the run (later stages would only repeat it).
// Beyond the spec's list: rows must have as many cells as the header (EES import), no fully
// blank rows or columns (old QA screener), no NA/replacement characters, and indicator cells
// must be plain numbers or one of c, x, z (outputs.md §1–§2).
import { isPlainNumber, parseGrid, type CsvGrid } from "./csv.ts";
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
const TOTALS = new Set(["Total", "total", "All", "all"]);
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

/**
 * A parsed file as the rules read it (a CsvGrid: each distinct value once, cells as value
 * numbers column by column), so a rule over a column of a national file compares numbers or
 * looks a value's verdict up once per distinct value instead of once per cell. A column name
 * stands for its last column, as a record keyed by column name would hold it.
 */
class Grid {
  readonly columns: string[];
  readonly size: number;
  readonly widths: number[];
  readonly values: string[];
  readonly cells: Int32Array;
  private readonly stride: number;
  private readonly index = new Map<string, number>();
  readonly find: (value: string) => number;

  constructor(g: CsvGrid) {
    this.columns = g.header;
    this.size = g.size;
    this.widths = g.widths;
    this.values = g.values;
    this.cells = g.cells;
    this.stride = g.stride;
    this.find = g.find;
    this.columns.forEach((c, j) => this.index.set(c, j));
  }

  /** The value numbers of column c, record by record (all "" when there is no such column). */
  ids(c: string): Int32Array {
    const j = this.index.get(c);
    return j === undefined ? new Int32Array(this.size) : this.cells.subarray(j * this.stride, j * this.stride + this.size);
  }

  /** Column c's cell of record i, as a function of i (all "" when there is no such column). */
  cellsOf(c: string): (i: number) => string {
    const ids = this.ids(c);
    const values = this.values;
    return (i) => values[ids[i]];
  }

  /** The cell of record i, column position j. */
  at(i: number, j: number): string {
    return this.values[this.cells[j * this.stride + i]];
  }

  /** A verdict per distinct value, worked out once each: test(ids[i]) for a cell. */
  test(pred: (v: string) => boolean): (id: number) => boolean {
    const known = new Int8Array(this.values.length);
    return (id) => {
      let k = known[id];
      if (k === 0) known[id] = k = pred(this.values[id]) ? 1 : -1;
      return k === 1;
    };
  }

  /** Meta records as objects (for the small metadata file). */
  records(): Rec[] {
    return Array.from({ length: this.size }, (_, i) => ({ line: i + 2, cells: this.columns.map((_, j) => this.at(i, j)), width: this.widths[i], index: this.index }));
  }
}

interface Rec {
  line: number;
  cells: string[];
  width: number;
  index: Map<string, number>;
}

/** A metadata record's cell of column c ("" when there is no such column). */
function mv(r: Rec, c: string): string {
  const j = r.index.get(c);
  return j === undefined ? "" : (r.cells[j] ?? "");
}

/** Whether ids hold at least two distinct values. */
function varies(ids: Int32Array): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[0]) return true;
  return false;
}

/** The distinct value numbers among ids (n values in all): how many, and which. */
function distinct(ids: Int32Array, n: number): { count: number; seen: Uint8Array } {
  const seen = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < ids.length; i++) {
    if (seen[ids[i]] === 0) {
      seen[ids[i]] = 1;
      count++;
    }
  }
  return { count, seen };
}

/** Record i's line in its file (the header is line 1). */
const lineOf = (i: number) => i + 2;

interface Meta {
  rows: Rec[];
  filters: string[];
  indicators: string[];
  groups: string[];
}

/** Screens a data file and its metadata; returns every FAIL and WARNING (empty = clean). */
export function screen(dataCsvText: string, metaCsvText: string, names: ScreenNames, options: ScreenOptions = {}): ScreenResult[] {
  // The data's cells go into the buffer of the last screen's (a return screens file after file
  // of about the same size, and fresh memory costs more to touch than the cells cost to write).
  const cells: Cells = { scratch: spare };
  spare = undefined;
  try {
    return screenFiles(dataCsvText, metaCsvText, names, options, cells);
  } finally {
    const kept = cells.used ?? cells.scratch;
    if (kept !== undefined && kept.buffer.byteLength <= SPARE_BYTES) spare = new Int32Array(kept.buffer);
  }
}

/** The cells buffer of the last data file screened, kept for the next. */
let spare: Int32Array | undefined;
const SPARE_BYTES = 64 << 20;
interface Cells {
  scratch?: Int32Array;
  used?: Int32Array;
}

function screenFiles(dataCsvText: string, metaCsvText: string, names: ScreenNames, options: ScreenOptions, cells: Cells): ScreenResult[] {
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
  let data: Grid;
  let metaTable: Grid;
  try {
    data = new Grid(parseGrid(dataCsvText, cells.scratch));
    metaTable = new Grid(parseGrid(metaCsvText));
  } catch (e) {
    fail("r03_csv", `The file is not valid CSV: ${(e as Error).message}`);
    return out;
  }
  cells.used = data.cells;
  for (const [which, t] of [["data", data], ["meta", metaTable]] as const) {
    // a record is blank when every column name's cell is (the last of a repeated name)
    const named = [...new Set(t.columns)].map((c) => t.ids(c));
    const blank = t.test((v) => v.trim() === "");
    for (let i = 0; i < t.size; i++) {
      if (t.widths[i] !== t.columns.length) fail("ees_row_width", `${which} row has ${t.widths[i]} cells but the header has ${t.columns.length}.`, lineOf(i));
      else if (named.every((ids) => blank(ids[i]))) fail("r03_blank_row", `${which} row is blank; remove it.`, lineOf(i));
    }
    const dupes = t.columns.filter((c, i) => t.columns.indexOf(c) !== i);
    for (const c of new Set(dupes)) fail("r29_col_name_duplicate", `${which} file has two columns named '${c}'.`, 1, c);
  }
  for (const c of META_COLUMNS) if (!metaTable.columns.includes(c)) fail("r04_meta_required_columns", `The metadata lacks column '${c}'.`, 1, c);
  for (const c of metaTable.columns) if (!META_COLUMNS.includes(c) && !META_OPTIONAL.includes(c)) fail("r05_meta_invalid_columns", `The metadata has column '${c}', which is not an EES metadata column; remove it.`, 1, c);
  for (const c of DATA_REQUIRED) if (!data.columns.includes(c)) fail("r06_data_required_columns", `The data lacks column '${c}'.`, 1, c);
  if (data.columns.length - 5 < metaTable.size) fail("r07_col_to_rows", `The metadata has ${metaTable.size} rows but the data only ${data.columns.length} columns (at most columns − 5 rows).`);
  if (failed()) return out;
  // From here every row has one cell per column and no column name repeats.

  const metaRows = metaTable.records();
  const meta: Meta = {
    rows: metaRows,
    filters: metaRows.filter((r) => mv(r, "col_type") === "Filter").map((r) => mv(r, "col_name")),
    indicators: metaRows.filter((r) => mv(r, "col_type") === "Indicator").map((r) => mv(r, "col_name")),
    groups: metaRows.map((r) => mv(r, "filter_grouping_column")).filter((g) => g !== ""),
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
    if (varies(data.ids(c))) warn("r09_data_not_in_meta", `Data column '${c}' is not in the metadata.`, 1, c);
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
  const tpIds = data.ids("time_period");
  const tiIds = data.ids("time_identifier");
  const tpOk = data.test((tp) => /^\d{4}(\d{2})?$/.test(tp));
  const tiOk = data.test((ti) => TIME_IDS.has(ti));
  const idsUsed = new Set<number>();
  for (let i = 0; i < data.size; i++) {
    if (!tpOk(tpIds[i])) fail("r35_time_period", `time_period '${data.values[tpIds[i]]}' must be YYYY or YYYYzz (e.g. 200910).`, lineOf(i), "time_period");
    if (!tiOk(tiIds[i])) fail("r36_time_identifier", `time_identifier '${data.values[tiIds[i]]}' is not an EES time identifier (e.g. Academic year).`, lineOf(i), "time_identifier");
    idsUsed.add(tiIds[i]);
  }
  const timeIdsUsed = [...idsUsed].map((id) => data.values[id]);
  const groupsUsed = new Set(timeIdsUsed.map((id) => TIME_GROUPS.findIndex((g) => g.includes(id))).filter((i) => i >= 0));
  if (groupsUsed.size > 1) fail("r37_time_identifier_mix", `time_identifier mixes kinds that cannot be shown together: ${timeIdsUsed.join(", ")}.`, undefined, "time_identifier");
  if (failed()) return out;

  // Precheck filters and geography.
  for (const f of [...meta.filters, ...meta.groups]) {
    if (!varies(data.ids(f))) fail("r38_filter_single_value", `Filter '${f}' has fewer than 2 distinct values; drop it from the metadata.`, undefined, f);
  }
  const levelIds = data.ids("geographic_level");
  const levelOk = data.test((lvl) => LEVELS.has(lvl));
  const levelsSeen = new Set<number>();
  for (let i = 0; i < data.size; i++) {
    if (!levelOk(levelIds[i])) fail("r39_geographic_level", `geographic_level '${data.values[levelIds[i]]}' is not an EES level.`, lineOf(i), "geographic_level");
    levelsSeen.add(levelIds[i]);
  }
  const levels = new Set([...levelsSeen].map((id) => data.values[id]));
  for (const lvl of levels) {
    for (const c of LEVEL_COLUMNS[lvl] ?? []) {
      if (!data.columns.includes(c)) fail("r40_level_columns", `${lvl} rows need column '${c}'.`, 1, c);
    }
  }
  if (failed()) return out;

  // Check time.
  for (let i = 0; i < data.size; i++) {
    const tp = data.values[tpIds[i]];
    const ti = data.values[tiIds[i]];
    if (FOUR_DIGIT.has(ti) ? tp.length !== 4 : tp.length !== 6) fail("r41_time_period_length", `time_period '${tp}' has the wrong number of digits for '${ti}'.`, lineOf(i), "time_period");
    else if (tp.length === 6 && (Number(tp.slice(0, 4)) + 1) % 100 !== Number(tp.slice(4))) fail("r42_time_period_consecutive", `time_period '${tp}' is not two consecutive years (e.g. 200910).`, lineOf(i), "time_period");
  }
  if (failed()) return out;

  // Check filters.
  const filterAndGroups = [...meta.filters, ...meta.groups];
  const padded = data.test((v) => v !== v.trim());
  for (const f of filterAndGroups) {
    const ids = data.ids(f);
    const values = distinct(ids, data.values.length);
    const defRow = meta.rows.find((r) => mv(r, "col_name") === f);
    const def = (defRow && mv(defRow, "filter_default")) || "Total";
    const defId = data.find(def);
    if (defId < 0 || values.seen[defId] === 0) warn("r43_filter_default", `Filter '${f}' has no '${def}' value.`, undefined, f);
    if (values.count > 25_000) fail("r45_filter_item_limit", `Filter '${f}' has more than 25,000 values.`, undefined, f);
    for (let i = 0; i < data.size; i++) {
      const id = ids[i];
      if (padded(id)) fail("r46_filter_whitespace", `Filter value '${data.values[id]}' has leading or trailing spaces.`, lineOf(i), f);
      if (id === 0) fail("r48_filter_blank", `Filter '${f}' is blank; use Total.`, lineOf(i), f);
    }
  }
  for (const r of meta.rows) {
    const group = mv(r, "filter_grouping_column");
    if (group === "") continue;
    const f = mv(r, "col_name");
    if (distinct(data.ids(group), data.values.length).count > distinct(data.ids(f), data.values.length).count) {
      fail("r44_filter_group_level", `Filter group '${group}' has more values than its filter '${f}'.`, r.line, "filter_grouping_column");
    }
  }
  const total = data.test((v) => TOTALS.has(v));
  for (const c of data.columns.filter(isObUnit)) {
    const ids = data.ids(c);
    for (let i = 0; i < data.size; i++) {
      if (total(ids[i])) fail("r47_ob_unit_total", `Geography/time column '${c}' holds '${data.values[ids[i]]}'; totals belong in filters.`, lineOf(i), c);
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
  const pairs = ([["country_code", "country_name", COUNTRIES, "Country"], ["region_code", "region_name", REGIONS, "Region"]] as const)
    .filter(([code, name]) => has(code) && has(name))
    .map(([code, name, lookup, what]) => ({ code, codes: data.cellsOf(code), names: data.cellsOf(name), lookup, what }));
  const newLa = has("new_la_code") ? data.cellsOf("new_la_code") : undefined;
  const laName = data.cellsOf("la_name");
  const oldLa = data.cellsOf("old_la_code");
  const regionCode = has("region_code") ? data.cellsOf("region_code") : undefined;
  /** The columns each level must fill (rule 50), those of them in the file. */
  const completed = new Map<string, { c: string; cells: (i: number) => string }[]>();
  const mustComplete = (lvl: string) => {
    let cols = completed.get(lvl);
    if (cols === undefined) {
      cols = ["country_code", "country_name", ...(LEVEL_COLUMNS[lvl] ?? [])].filter((c) => c !== "new_la_code" && has(c)).map((c) => ({ c, cells: data.cellsOf(c) }));
      completed.set(lvl, cols);
    }
    return cols;
  };
  const filledCells = new Map<string, (i: number) => string>();
  const filled = (cols: string[], i: number) => cols.filter((c) => {
    if (!has(c)) return false;
    let cells = filledCells.get(c);
    if (cells === undefined) filledCells.set(c, (cells = data.cellsOf(c)));
    return cells(i) !== "";
  });
  for (let i = 0; i < data.size; i++) {
    const line = lineOf(i);
    const lvl = data.values[levelIds[i]];
    for (const { code, codes, names: nameCells, lookup, what } of pairs) {
      const cv = codes(i);
      const nv = nameCells(i);
      if (cv === "" && nv === "") continue;
      if (cv === "x" || nv === "Not available") {
        if (cv !== "x" || nv !== "Not available") fail("r55_geog_not_available", `Code 'x' goes with name 'Not available' (found ${cv}, ${nv}).`, line, code);
        continue;
      }
      if (cv === "z" && Z_CODE_NAMES.has(nv)) continue;
      if (lookup.get(cv) !== nv) fail("r49_geog_lookup", `${what} code/name '${cv}', '${nv}' is not in the lookup.`, line, code);
    }
    const la = newLa?.(i);
    if (la !== undefined && la !== "" && la !== "x" && la !== "z") {
      const key = `${la}|${laName(i)}|${oldLa(i)}`;
      if (!las.has(key)) fail("r49_geog_lookup", `LA new code, name, old code '${key.replaceAll("|", "', '")}' is not in the LA lookup (pipelines/export/geography.ts or settings).`, line, "new_la_code");
    }
    for (const { c, cells } of mustComplete(lvl)) {
      if (cells(i) === "") fail("r50_geog_level_completed", `${lvl} row has a blank '${c}'.`, line, c);
    }
    if (lvl === "Local authority" && (regionCode === undefined || regionCode(i) === "")) warn("r54_la_region", "Local authority row without a region.", line, "region_code");
    if (lvl === "School") continue; // a school row may fill every geography column (rule 56)
    const bad = [
      ...(LA_LEVELS.has(lvl) ? [] : filled(LA_COLS, i)),
      ...(REGION_LEVELS.has(lvl) ? [] : filled(REGION_COLS, i)),
      ...filled(SCHOOL_COLS, i),
    ];
    for (const c of bad) fail("r56_geog_overcompleted", `A ${lvl} row fills '${c}', which belongs to another level; leave it blank.`, line, c);
  }
  const kinds = [...levels];
  if (kinds.length > 0 && kinds.every((l) => l === "Institution" || l === "Planning area")) fail("r51_geog_ignored_rows", "A file of only Institution/Planning area rows must be ancillary.");
  if (levels.has("School") && levels.has("Provider")) fail("r51_geog_ignored_rows", "School and Provider rows cannot be mixed.");
  if (failed()) return out;

  // Check general and indicators.
  const onlyIgnored = kinds.length === 1 && (kinds[0] === "School" || kinds[0] === "Provider");
  const ignored = data.test((lvl) => IGNORED_LEVELS.has(lvl));
  // Value numbers stand for values one to one, so rows repeat their key cells exactly when they
  // repeat their key columns' value numbers: the first record of each key, in a table on a hash
  // of those numbers.
  const keyCols = [...data.columns.filter(isObUnit), ...filterAndGroups].map((c) => data.ids(c));
  const sameKey = (a: number, b: number) => keyCols.every((ids) => ids[a] === ids[b]);
  let slots = 1;
  while (slots < data.size * 2) slots *= 2;
  const firsts = new Int32Array(slots); // record + 1, 0 = free
  const hashes = new Int32Array(slots);
  for (let i = 0; i < data.size; i++) {
    if (!onlyIgnored && ignored(levelIds[i])) continue;
    let h = 0;
    for (let k = 0; k < keyCols.length; k++) h = Math.imul(h ^ keyCols[k][i], 0x9e3779b1) ^ (h >>> 15);
    let slot = h & (slots - 1);
    let prev = -1;
    for (; firsts[slot] !== 0; slot = (slot + 1) & (slots - 1)) {
      const j = firsts[slot] - 1;
      if (hashes[slot] === h && sameKey(i, j)) {
        prev = j;
        break;
      }
    }
    if (prev >= 0) fail("r57_duplicate_rows", `Row repeats the time, geography and filters of line ${lineOf(prev)}; one row per combination.`, lineOf(i));
    else {
      firsts[slot] = i + 1;
      hashes[slot] = h;
    }
  }
  for (const [which, t] of [["data", data], ["meta", metaTable]] as const) {
    // NULL-like cells: looked for cell by cell only if the file holds such a value at all
    const kind = (v: string) => (NULLS.has(v) ? 1 : LEGACY_NULLS.has(v) || (v === "-" && which === "data") ? 2 : 0);
    if (!t.values.some((v) => kind(v) !== 0)) continue;
    const cols = t.columns.map((c) => t.ids(c));
    for (let i = 0; i < t.size; i++) {
      for (let j = 0; j < cols.length; j++) {
        const v = t.values[cols[j][i]];
        const k = kind(v);
        if (k === 1) fail("r58_null_values", `${which} cell is '${v}'; use x (not available) or z (not applicable).`, lineOf(i), t.columns[j]);
        else if (k === 2) warn("r58_legacy_null", `${which} cell is '${v}', a legacy symbol.`, lineOf(i), t.columns[j]);
      }
    }
  }
  for (const c of data.columns) {
    if (data.size > 0 && data.ids(c).every((id) => id === 0)) fail("r03_empty_column", `Column '${c}' is empty in every row; remove it.`, 1, c);
  }
  const indicatorBlank = data.test((v) => v === "" || v === "~" || v === ":");
  const indicatorOk = data.test((v) => isPlainNumber(v) || SYMBOLS.has(v));
  for (const ind of meta.indicators) {
    const ids = data.ids(ind);
    for (let i = 0; i < data.size; i++) {
      const id = ids[i];
      const v = data.values[id];
      if (indicatorBlank(id)) fail("r59_indicator_blank", `Indicator '${ind}' is '${v}'; use x (not available), z (not applicable) or c (suppressed).`, lineOf(i), ind);
      else if (!indicatorOk(id)) fail("ees_indicator_symbol", `Indicator '${ind}' holds '${v}': only plain numbers (no separators or %) and the symbols c, x, z are allowed.`, lineOf(i), ind);
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
    const ids = data.ids("ethnicity_major");
    const major = data.test((v) => ETHNICITY_MAJOR.has(v));
    for (let i = 0; i < data.size; i++) {
      if (!major(ids[i])) warn("r61_ethnicity_values", `ethnicity_major '${data.values[ids[i]]}' is not a GSS major group.`, lineOf(i), "ethnicity_major");
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
