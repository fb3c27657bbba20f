// Metadata checks: "Precheck meta" (R/precheck_meta_col_type.R, precheck_meta_ob_unit.R,
// precheck_meta_col_name.R) and "Check meta" (R/check_meta_*.R, one function each below).
import { INDICATOR_UNITS, OB_UNITS, POTENTIAL_OB_UNITS } from "./reference.ts";
import { colsOfMeta, fail, groupsOf, pass, quoted, warn, type CheckResult, type DataTable, type Finding, type MetaRow, type MetaTable } from "./table.ts";

const at = (r: MetaRow, column: string, message: string): Finding => ({ file: "meta", row: r.line, column, message });
const SCH_PROV_NAMES = ["school_name", "provider_name"];

/** Ports precheck_meta_col_type(): col_type is Filter or Indicator (a blank is invalid). */
export function precheckMetaColType(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type !== "Filter" && r.col_type !== "Indicator");
  if (bad.length === 0) return pass("meta_col_type", "col_type is always 'Filter' or 'Indicator'.");
  const types = [...new Set(bad.map((r) => r.col_type))];
  return fail(
    "meta_col_type",
    `The following invalid col_type value${types.length > 1 ? "s were" : " was"} found in the metadata file: ${quoted(types)}`,
    bad.map((r) => at(r, "col_type", `col_type '${r.col_type}' is not Filter or Indicator.`)),
  );
}

/** Ports precheck_meta_ob_unit(): no time or geography column (bar school_name, provider_name) in the metadata. */
export function precheckMetaObUnit(meta: MetaTable): CheckResult {
  const inMeta = colsOfMeta(meta, true);
  const found = OB_UNITS.filter((c) => !SCH_PROV_NAMES.includes(c) && inMeta.includes(c));
  if (found.length === 0) return pass("meta_ob_unit", "No observational units have been included in the metadata file.");
  return fail(
    "meta_ob_unit",
    `The following observational unit${found.length > 1 ? "s need" : " needs"} removing from the metadata file: ${quoted(found)}.`,
    meta.rows.flatMap((r) =>
      (["col_name", "filter_grouping_column"] as const)
        .filter((c) => found.includes(r[c]))
        .map((c) => at(r, c, `'${r[c]}' is a time or geography column; remove it from the metadata.`)),
    ),
  );
}

/** Ports precheck_meta_col_name(): no blank col_name. */
export function precheckMetaColName(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_name.trim() === "");
  if (bad.length === 0) return pass("meta_col_name", "The col_name column is completed for every row in the metadata.");
  return fail(
    "meta_col_name",
    bad.length === 1
      ? "There is a col_name missing in 1 row of the metadata file."
      : `There are col_name values missing in ${bad.length} rows of the metadata file.`,
    bad.map((r) => at(r, "col_name", "col_name is blank.")),
  );
}

/** R's duplicated(): every value seen before, in order. */
function duplicated<T>(rows: T[], key: (r: T) => string): T[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = key(r);
    if (seen.has(k)) return true;
    seen.add(k);
    return false;
  });
}

/** Ports check_meta_dupe_label(). */
export function checkMetaDupeLabel(meta: MetaTable): CheckResult {
  const dupes = duplicated(meta.rows, (r) => r.label);
  if (dupes.length === 0) return pass("meta_dupe_label", "All labels are unique.");
  return fail(
    "meta_dupe_label",
    `The following label${dupes.length > 1 ? "s are" : " is"} duplicated in the metadata file: ${quoted(dupes.map((r) => r.label))}.`,
    dupes.map((r) => at(r, "label", `Label '${r.label}' is used twice.`)),
  );
}

/** Ports check_meta_fil_grp(): an Indicator has no filter_grouping_column. */
export function checkMetaFilGrp(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Indicator" && r.filter_grouping_column !== "");
  if (bad.length === 0) return pass("meta_fil_grp", "No indicators have a filter_grouping_column value.");
  return fail(
    "meta_fil_grp",
    `Indicators should not have a filter_grouping_column value in the metadata file. The following indicator rows have filter_grouping_column values: ${quoted(bad.map((r) => r.col_name))}.`,
    bad.map((r) => at(r, "filter_grouping_column", `Indicator '${r.col_name}' has a filter_grouping_column.`)),
  );
}

/** Ports check_meta_fil_grp_dupe(): no grouping column serves two rows. */
export function checkMetaFilGrpDupe(meta: MetaTable): CheckResult {
  const rows = meta.rows.filter((r) => r.filter_grouping_column !== "");
  if (rows.length === 0) return pass("meta_fil_grp_dupe", "There are no filter groups present.");
  const dupes = duplicated(rows, (r) => r.filter_grouping_column);
  if (dupes.length === 0) return pass("meta_fil_grp_dupe", "All of the filter_group values are unique.");
  return fail(
    "meta_fil_grp_dupe",
    `There are duplicate filter_group values: ${[...new Set(dupes.map((r) => r.filter_grouping_column))].join(", ")}.`,
    dupes.map((r) => at(r, "filter_grouping_column", `Grouping column '${r.filter_grouping_column}' is used twice.`)),
  );
}

/** Ports check_meta_fil_grp_is_fil(): a grouping column should also have its own col_name row (warning). */
export function checkMetaFilGrpIsFil(meta: MetaTable): CheckResult {
  const groups = groupsOf(meta);
  if (groups.length === 0) return pass("meta_fil_grp_is_fil", "There are no filter groups present.");
  const bad = groups.filter((g) => !meta.rows.some((r) => r.col_name === g));
  if (bad.length === 0) return pass("meta_fil_grp_is_fil", "All filter groups are included in the col_name column.");
  return warn(
    "meta_fil_grp_is_fil",
    `Filter groups should appear in the col_name column in the metadata file. Please add rows for the following col_name(s): ${quoted(bad)}.`,
  );
}

/** Ports check_meta_fil_grp_match(): every grouping column is a data column. */
export function checkMetaFilGrpMatch(data: DataTable, meta: MetaTable): CheckResult {
  const groups = groupsOf(meta);
  if (groups.length === 0) return pass("meta_fil_grp_match", "There are no filter groups present.");
  const missing = [...new Set(groups.filter((g) => !data.has(g)))];
  if (missing.length === 0) return pass("meta_fil_grp_match", "All filter groups from the metadata were found in the data file.");
  return fail(
    "meta_fil_grp_match",
    `The following filter group${missing.length > 1 ? "s" : ""} from the metadata ${missing.length > 1 ? "were" : "was"} not found as ${missing.length > 1 ? "variables" : "a variable"} in the data file: ${quoted(missing)}.`,
    meta.rows
      .filter((r) => missing.includes(r.filter_grouping_column))
      .map((r) => at(r, "filter_grouping_column", `Grouping column '${r.filter_grouping_column}' is not a column of the data file.`)),
  );
}

/**
 * Ports check_meta_fil_grp_stripped(): within each grouping column's values, stripping every
 * non-alphanumeric character must not make two values one (e.g. "A-B" and "AB").
 */
export function checkMetaFilGrpStripped(data: DataTable, meta: MetaTable): CheckResult {
  const groups = groupsOf(meta);
  if (groups.length === 0) return pass("meta_fil_grp_stripped", "There are no filter groups present.");
  const failed = groups.filter((g) => {
    const values = data.distinct(g);
    return new Set(values.map((v) => v.replace(/[^\p{L}\p{N}]/gu, ""))).size !== values.length;
  });
  if (failed.length === 0) return pass("meta_fil_grp_stripped", "There are no issues when stripping non-alphanumeric characters from filter groups.");
  return fail(
    "meta_fil_grp_stripped",
    `The number of unique filter groups should not change when non-alphanumeric characters are stripped. Please check this list for erroneous filter group values: ${quoted(failed.flatMap((g) => data.distinct(g)))}.`,
    failed.map((g) => ({ file: "data", row: 1, column: g, message: `Values of '${g}' differ only in punctuation or spaces.` })),
  );
}

/** Ports check_meta_label(): no blank label (R counts NA, "" and a single space as blank). */
export function checkMetaLabel(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.label === "" || r.label === " ");
  if (bad.length === 0) return pass("meta_label", "The label column is completed for every row in the metadata.");
  return fail(
    "meta_label",
    `There ${bad.length > 1 ? "are labels" : "is a label"} missing in ${bad.length} row${bad.length > 1 ? "s" : ""} of the metadata file.`,
    bad.map((r) => at(r, "label", `Label of '${r.col_name}' is blank.`)),
  );
}

/** Ports check_meta_filter_hint(): an Indicator has no filter_hint. */
export function checkMetaFilterHint(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Indicator" && r.filter_hint !== "");
  if (bad.length === 0) return pass("meta_filter_hint", "No indicators have a filter_hint value.");
  return fail(
    "meta_filter_hint",
    `Indicators should not have a filter_hint value in the metadata file. The following indicator rows have filter_hint values: ${quoted(bad.map((r) => r.col_name))}.`,
    bad.map((r) => at(r, "filter_hint", `Indicator '${r.col_name}' has a filter_hint.`)),
  );
}

/**
 * Ports check_meta_geog_catch(): no filter or grouping column named like a geography column
 * (potential_ob_units_regex); school_name / provider_name are allowed when the only filter is one.
 */
export function checkMetaGeogCatch(meta: MetaTable): CheckResult {
  const filters = meta.rows.filter((r) => r.col_type === "Filter").map((r) => r.col_name);
  const groups = groupsOf(meta);
  let names = [...filters, ...groups];
  if (filters.length === 1 && (SCH_PROV_NAMES.includes(filters[0]) || SCH_PROV_NAMES.includes(groups[0] ?? "")))
    names = names.filter((n) => !SCH_PROV_NAMES.includes(n));
  const caught = names.filter((n) => POTENTIAL_OB_UNITS.test(n));
  if (caught.length === 0) return pass("meta_geog_catch", "No filters appear to be mislabelled geography columns.");
  return fail(
    "meta_geog_catch",
    `The following filter${caught.length > 1 ? "s appear" : " appears"} to be ${caught.length > 1 ? "geographic columns" : "a geographic column"} and shouldn't be included in the metadata file: ${quoted(caught)}.`,
    meta.rows.flatMap((r) =>
      (["col_name", "filter_grouping_column"] as const)
        .filter((c) => caught.includes(r[c]) && (c === "filter_grouping_column" || r.col_type === "Filter"))
        .map((c) => at(r, c, `'${r[c]}' is named like a geography column; rename it.`)),
    ),
  );
}

/** Ports check_meta_indicator_dp(): a Filter has no indicator_dp. */
export function checkMetaIndicatorDp(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Filter" && r.indicator_dp !== "");
  if (bad.length === 0) return pass("meta_indicator_dp", "No filters have an indicator_dp value.");
  return fail(
    "meta_indicator_dp",
    "Filters should not have an indicator_dp value in the metadata file.",
    bad.map((r) => at(r, "indicator_dp", `Filter '${r.col_name}' has an indicator_dp.`)),
  );
}

/** Ports check_meta_col_name_spaces(): no whitespace in a col_name. */
export function checkMetaColNameSpaces(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => /\s/.test(r.col_name));
  if (bad.length === 0) return pass("meta_col_name_spaces", "There are no spaces in the col_name values.");
  return fail(
    "meta_col_name_spaces",
    `The following ${bad.length} col_name value${bad.length > 1 ? "s" : ""} have spaces in the metadata: ${bad.map((r) => r.col_name).join(", ")}.`,
    bad.map((r) => at(r, "col_name", `col_name '${r.col_name}' contains a space.`)),
  );
}

/** Ports check_meta_col_name_dupe(). */
export function checkMetaColNameDupe(meta: MetaTable): CheckResult {
  const dupes = duplicated(meta.rows, (r) => r.col_name);
  if (dupes.length === 0) return pass("meta_col_name_dupe", "All col_name values are unique.");
  return fail(
    "meta_col_name_dupe",
    `The following col_name value${dupes.length > 1 ? "s are" : " is"} duplicated in the metadata file: ${quoted(dupes.map((r) => r.col_name))}.`,
    dupes.map((r) => at(r, "col_name", `col_name '${r.col_name}' is used twice.`)),
  );
}

/** Ports check_meta_ind_dp_set(): an Indicator without indicator_dp warns (EES then shows 2 dp). */
export function checkMetaIndDpSet(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Indicator" && r.indicator_dp.trim() === "");
  if (bad.length === 0) return pass("meta_ind_dp_set", "The indicator_dp column is completed for all indicators.");
  return warn(
    "meta_ind_dp_set",
    `The following indicators do not have a specified number of decimal places in the indicator_dp column of metadata file, explicitly state this if possible: ${quoted(bad.map((r) => r.col_name))}`,
    bad.map((r) => at(r, "indicator_dp", `Indicator '${r.col_name}' has no indicator_dp.`)),
  );
}

/** R's as.numeric() on text: NaN where R gives NA. */
function rNumber(v: string): number {
  const t = v.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) || /^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number(t);
  if (/^[+-]?Inf$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  return NaN;
}

/** Ports check_meta_ind_dp_values(): every non-blank indicator_dp is a whole number ≥ 0 (any row). */
export function checkMetaIndDpValues(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => {
    if (r.indicator_dp.trim() === "") return false;
    const n = rNumber(r.indicator_dp);
    return !(Number.isInteger(n) && n >= 0);
  });
  if (meta.rows.every((r) => r.indicator_dp.trim() === "")) return pass("meta_ind_dp_values", "The indicator_dp column only contains blanks.");
  if (bad.length === 0) return pass("meta_ind_dp_values", "The indicator_dp column only contains blanks, zero, or positive integer values.");
  return fail(
    "meta_ind_dp_values",
    "The indicator_dp column must only contain blanks, zero, or positive integer values in the metadata file.",
    bad.map((r) => at(r, "indicator_dp", `indicator_dp '${r.indicator_dp}' of '${r.col_name}' is not a whole number ≥ 0.`)),
  );
}

/** Ports check_meta_ind_unit(): a Filter has no indicator_unit. */
export function checkMetaIndUnit(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Filter" && r.indicator_unit !== "");
  if (bad.length === 0) return pass("meta_ind_unit", "No filters have an indicator_unit value.");
  return fail(
    "meta_ind_unit",
    `Filters should not have an indicator_unit value in the metadata file. This occurs for columns: ${[...new Set(bad.map((r) => r.label))].sort().join(", ")} at positions: ${bad.map((r) => r.line - 1).join(", ")}.`,
    bad.map((r) => at(r, "indicator_unit", `Filter '${r.col_name}' has an indicator_unit.`)),
  );
}

/** Ports check_meta_ind_unit_validation(): an Indicator's unit is blank or one of %, pp, £, £m, numberstring. */
export function checkMetaIndUnitValidation(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Indicator" && r.indicator_unit !== "" && !INDICATOR_UNITS.has(r.indicator_unit));
  if (bad.length === 0) return pass("meta_ind_unit_validation", "The indicator_unit values are valid.");
  return fail(
    "meta_ind_unit_validation",
    `The following invalid indicator unit(s) is / are present in the meta data file: ${[...new Set(bad.map((r) => r.indicator_unit))].join("', '")}.`,
    bad.map((r) => at(r, "indicator_unit", `indicator_unit '${r.indicator_unit}' of '${r.col_name}' is not one of %, pp, £, £m, numberstring or blank.`)),
  );
}

/** Ports check_meta_indicator_grouping(): a Filter has no indicator_grouping. */
export function checkMetaIndicatorGrouping(meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_type === "Filter" && r.indicator_grouping !== "");
  if (bad.length === 0) return pass("meta_indicator_grouping", "No filters have an indicator_grouping value.");
  return fail(
    "meta_indicator_grouping",
    "Filters should not have an indicator_grouping value in the metadata file.",
    bad.map((r) => at(r, "indicator_grouping", `Filter '${r.col_name}' has an indicator_grouping.`)),
  );
}
