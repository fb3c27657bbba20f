// "Check API" (R/check_api_char_limit.R, R/check_data_dictionary.R): warnings only; a file with
// any of them passes the screener but is not suitable for the EES API.
import { API_CHAR_LIMITS, GEO_CODE_COLS, GEO_NAME_COLS } from "./reference.ts";
import { filtersOf, pass, warn, type CheckResult, type DataTable, type MetaTable } from "./table.ts";

type LimitType = keyof typeof API_CHAR_LIMITS;
const NAMES: Record<LimitType, [string, string]> = {
  "location-code": ["api_char_loc_code", "location codes"],
  "column-name": ["api_char_col_name", "filter / indicator names"],
  "column-label": ["api_char_col_label", "filter / indicator labels"],
  "column-item": ["api_char_filter_items", "filter items / location names"],
};

/** Ports api_char_limit(): values longer (in characters) than the type's limit warn. */
function charLimit(values: string[], type: LimitType): CheckResult {
  const [check, pretty] = NAMES[type];
  const max = API_CHAR_LIMITS[type];
  const over = values.filter((v) => [...v].length > max);
  if (over.length === 0) return pass(check, `All ${pretty} are less than or equal to the character limit of ${max}.`);
  return warn(check, `The following ${pretty} exceed the character limit of ${max} for type '${type}': ${over.map((v) => `'${v}'`).join(", ")}.`);
}

/** Ports check_api_char_col_name(): data column names ≤ 50 characters. */
export const checkApiCharColName = (data: DataTable) => charLimit(data.columns, "column-name");
/** Ports check_api_char_col_label(): metadata labels ≤ 100 characters. */
export const checkApiCharColLabel = (meta: MetaTable) =>
  charLimit(
    meta.rows.map((r) => r.label),
    "column-label",
  );
/** Ports check_api_char_loc_code(): location codes ≤ 30 characters. */
export const checkApiCharLocCode = (data: DataTable) =>
  charLimit(
    GEO_CODE_COLS.filter((c) => data.has(c)).flatMap((c) => data.distinct(c)),
    "location-code",
  );
/** Ports check_api_char_filter_items(): filter items and location names ≤ 120 characters. */
export const checkApiCharFilterItems = (data: DataTable, meta: MetaTable) =>
  charLimit(
    [...new Set([...filtersOf(meta, true), ...GEO_NAME_COLS])].filter((c) => data.has(c)).flatMap((c) => data.distinct(c)),
    "column-item",
  );

/** The Department's data dictionary (the screener app's data-dictionary.csv), one row per filter item. */
export interface DataDictionaryRow {
  col_name: string;
  col_type: string;
  filter_item?: string;
  col_name_parent?: string;
  filter_item_parent?: string;
}

/** dd_col_names_from_dd() / dd_match_meta_cols(): (col_type, name) pairs the dictionary knows, child and parent names alike. */
function standardCols(dd: readonly DataDictionaryRow[]): Set<string> {
  return new Set(dd.flatMap((r) => [r.col_name, r.col_name_parent].filter((c): c is string => !!c).map((c) => `${r.col_type}\u0000${c}`)));
}
function metaCols(meta: MetaTable): { type: string; name: string }[] {
  const seen = new Set<string>();
  return meta.rows
    .flatMap((r) => [r.col_name, r.filter_grouping_column].filter((n) => n !== "").map((name) => ({ type: r.col_type, name })))
    .filter((c) => !seen.has(`${c.type}\u0000${c.name}`) && !!seen.add(`${c.type}\u0000${c.name}`));
}

/** Ports check_data_dict_col_name(): every metadata col_name / grouping column is in the dictionary under its col_type (warning). */
export function checkDataDictColName(meta: MetaTable, dd: readonly DataDictionaryRow[]): CheckResult {
  const known = standardCols(dd);
  const bad = metaCols(meta).filter((c) => !known.has(`${c.type}\u0000${c.name}`));
  if (bad.length === 0) return pass("data_dict_col_name", "All col_names are consistent with the data dictionary.");
  const parts = (["Indicator", "Filter"] as const)
    .map((t) => [t, bad.filter((c) => c.type === t).map((c) => c.name)] as const)
    .filter(([, ns]) => ns.length > 0)
    .map(([t, ns]) => `${t}s: '${ns.join("', '")}'.`);
  return warn(
    "data_dict_col_name",
    `The following column${bad.length > 1 ? "s are" : " is"} not present in the data dictionary and should not be used as part of an API data set until resolved. ${parts.join(" ")}`,
  );
}

/** Ports check_data_dict_fil_item(): the values of dictionary filter columns are dictionary items of that column (warning). */
export function checkDataDictFilItem(data: DataTable, meta: MetaTable, dd: readonly DataDictionaryRow[]): CheckResult {
  const known = standardCols(dd);
  const cols = metaCols(meta)
    .filter((c) => c.type === "Filter" && known.has(`Filter\u0000${c.name}`))
    .map((c) => c.name);
  if (cols.length === 0) return pass("data_dict_fil_item", "No data dictionary filter columns found in the metadata.");
  const items = new Set(
    dd.flatMap((r) =>
      [
        [r.col_name, r.filter_item],
        [r.col_name_parent, r.filter_item_parent],
      ]
        .filter(([c, i]) => !!c && !!i)
        .map(([c, i]) => `${c}\u0000${i}`),
    ),
  );
  const bad = cols
    .flatMap((c) =>
      data
        .distinct(c)
        .filter((v) => !items.has(`${c}\u0000${v}`))
        .map((v) => `'${c} / ${v}'`),
    )
    .sort();
  if (bad.length === 0) return pass("data_dict_fil_item", "All filter items are consistent with the data dictionary.");
  return warn(
    "data_dict_fil_item",
    `The following col_name / filter_item combination${bad.length > 1 ? "s are" : " is"} not present in the data dictionary and should not be used as part of an API data set until resolved: ${bad.join(", ")}.`,
  );
}
