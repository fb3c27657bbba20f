// Filter checks: "Precheck filters" (R/precheck_filter_not_singular.R) and "Check filters"
// (R/check_filter_defaults.R, check_filter_group_level.R, check_filter_item_limit.R,
// check_filter_whitespace.R, check_filter_ob_total.R, check_filter_blanks.R).
import { OB_UNITS, POTENTIAL_OB_UNITS } from "./reference.ts";
import { colsOfMeta, fail, filtersOf, groupsOf, pass, quoted, rowFindings, warn, type CheckResult, type DataTable, type MetaTable } from "./table.ts";

const SCH_PROV_NAMES = ["school_name", "provider_name"];

/** Ports precheck_filter_not_singular(): every Filter (not grouping column) has two or more values. */
export function precheckFilterNotSingular(data: DataTable, meta: MetaTable): CheckResult {
  const filters = filtersOf(meta);
  if (filters.length === 0) return pass("filter_not_singular", "There are no filters in the data to test.");
  const bad = [...new Set(filters)].filter((f) => data.distinctIds(f).length < 2);
  if (bad.length === 0) return pass("filter_not_singular", "All filters have two or more levels.");
  return fail(
    "filter_not_singular",
    `The following filter${bad.length > 1 ? "s have" : " has"} fewer than two levels and should be removed from the metadata: ${quoted(bad)}.`,
    bad.map((f) => ({ file: "data", row: 1, column: f, message: `Filter '${f}' has fewer than 2 distinct values.` })),
  );
}

/**
 * Ports check_filter_defaults(): each Filter holds its filter_default (else "Total"), and each
 * grouping column without its own col_name row holds "Total"; a miss warns.
 */
export function checkFilterDefaults(data: DataTable, meta: MetaTable): CheckResult {
  const filterRows = meta.rows.filter((r) => r.col_type === "Filter");
  if (filterRows.length === 0) return pass("filter_defaults", "There are no filters in the data file.");
  const defaults = new Map<string, string>();
  for (const r of filterRows) defaults.set(r.col_name, r.filter_default === "" ? "Total" : r.filter_default);
  for (const g of groupsOf(meta)) if (!meta.rows.some((r) => r.col_name === g)) defaults.set(g, "Total");
  const missing = [...defaults].filter(([c, d]) => !data.distinct(c).includes(d)).map(([c]) => c);
  if (missing.length === 0) return pass("filter_defaults", "All filters and groups have a default filter item present.");
  return warn(
    "filter_defaults",
    `A 'Total' entry or default filter item should be specified for the following filters and / or filter_groups where applicable: ${quoted(missing)}.`,
    missing.map((c) => ({ file: "data", column: c, message: `Filter '${c}' has no '${defaults.get(c)}' value.` })),
  );
}

/** Ports check_filter_group_level(): a Filter's grouping column has no more distinct values than the Filter. */
export function checkFilterGroupLevel(data: DataTable, meta: MetaTable): CheckResult {
  const pairs = meta.rows.filter((r) => r.col_type === "Filter" && r.filter_grouping_column !== "");
  if (pairs.length === 0) return pass("filter_group_level", "There are no filter groups present.");
  const bad = pairs.filter((r) => data.distinctIds(r.col_name).length < data.distinctIds(r.filter_grouping_column).length);
  if (bad.length === 0) return pass("filter_group_level", "All filter groups have an equal or lower number of levels than their corresponding filter.");
  return fail(
    "filter_group_level",
    `The following filter groups each have more levels than their corresponding filters, check that they are entered the correct way around in the metadata: ${quoted(bad.map((r) => r.filter_grouping_column))}.`,
    bad.map((r) => ({
      file: "meta",
      row: r.line,
      column: "filter_grouping_column",
      message: `Filter group '${r.filter_grouping_column}' has more values than its filter '${r.col_name}'.`,
    })),
  );
}

/** Ports check_filter_item_limit(): no filter or grouping column has more than 25,000 values. */
export function checkFilterItemLimit(data: DataTable, meta: MetaTable, limit = 25_000): CheckResult {
  const cols = colsOfMeta(meta, true, true);
  if (cols.length === 0) return pass("filter_item_limit", "There are no filters in the data file.");
  const bad = cols.filter((c) => data.distinctIds(c).length > limit);
  if (bad.length === 0) return pass("filter_item_limit", `All filters and groups have less than ${limit} unique entries.`);
  return fail(
    "filter_item_limit",
    `The following filters or filter groups contain more than the advised maximum number of unique entries: ${quoted(bad)}.`,
    bad.map((c) => ({ file: "data", column: c, message: `'${c}' has more than ${limit} values.` })),
  );
}

/**
 * Ports check_filter_whitespace(): no Filter value has leading or trailing whitespace. The R
 * code means to check the geography columns too, but takes their names with as.character() of
 * a data frame, which gives deparsed vectors that match no column: so, as it runs, it checks the
 * Filter columns only, and so does this port.
 */
export function checkFilterWhitespace(data: DataTable, meta: MetaTable): CheckResult {
  const filters = filtersOf(meta);
  if (filters.length === 0) return pass("filter_whitespace", "No filters present.");
  const padded = data.test((v) => v !== v.trim());
  const cols = [...new Set(filters)].filter((c) => data.has(c));
  const bad = cols.flatMap((c) =>
    data
      .distinctIds(c)
      .filter(padded)
      .map((id) => data.values[id]),
  );
  if (bad.length === 0) return pass("filter_whitespace", "No filter labels contain leading or trailing whitespace.");
  return fail(
    "filter_whitespace",
    `${bad.length} filter label(s) contain leading or trailing whitespace: ${bad.map((v) => `'${v}'`).join(", ")}`,
    cols.flatMap((c) => rowFindings(data, c, padded, (v) => `Filter value '${v}' has leading or trailing spaces.`)),
  );
}

const TOTALS = new Set(["Total", "total", "All", "all"]);

/**
 * Ports check_filter_ob_total(): no Total/All in an observational unit column (time, geography,
 * or any column named like one); school_name / provider_name are exempt when the only filter is one.
 */
export function checkFilterObTotal(data: DataTable, meta: MetaTable): CheckResult {
  let cols = [...new Set([...OB_UNITS.filter((c) => !SCH_PROV_NAMES.includes(c) && data.has(c)), ...data.columns.filter((c) => POTENTIAL_OB_UNITS.test(c))])];
  const filters = filtersOf(meta);
  const groups = groupsOf(meta);
  if (filters.length === 1 && (SCH_PROV_NAMES.includes(filters[0]) || SCH_PROV_NAMES.includes(groups[0] ?? "")))
    cols = cols.filter((c) => !SCH_PROV_NAMES.includes(c));
  if (cols.length === 0) return pass("filter_ob_total", "No observational unit columns were found in this data to check.");
  const total = data.test((v) => TOTALS.has(v));
  const bad = cols.filter((c) => data.distinctIds(c).some(total));
  if (bad.length === 0) return pass("filter_ob_total", "There are no Total or All values in the observational unit columns.");
  return fail(
    "filter_ob_total",
    `There are Total or All rows in the following observational unit column${bad.length > 1 ? "s" : ""}: ${quoted(bad)}. These cells should be blank.`,
    bad.flatMap((c) => rowFindings(data, c, total, (v) => `Geography/time column '${c}' holds '${v}'; totals belong in filters.`)),
  );
}

/** Ports check_filter_blanks(): no blank cell in a filter or grouping column. */
export function checkFilterBlanks(data: DataTable, meta: MetaTable): CheckResult {
  const cols = [...new Set(filtersOf(meta, true))];
  if (cols.length === 0) return pass("filter_blanks", "There are no filter columns to check.");
  const blank = (id: number) => id === 0;
  const bad = cols.filter((c) => data.distinctIds(c).includes(0));
  if (bad.length === 0) return pass("filter_blanks", "There are no blank values in any filter or filter group columns.");
  return fail(
    "filter_blanks",
    `There ${bad.length > 1 ? "is at least one blank value in the following filter or filter group columns" : "is at least one blank value in the following filter or filter group column"}: ${quoted(bad)}. All filter cells must have a value.`,
    bad.flatMap((c) => rowFindings(data, c, blank, () => `Filter '${c}' is blank; use Total.`)),
  );
}
