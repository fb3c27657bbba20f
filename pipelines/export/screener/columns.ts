// Column checks: "Precheck columns" (R/precheck_col_req_meta.R, precheck_col_invalid_meta.R,
// precheck_col_req_data.R, precheck_col_to_rows.R) and "Check columns" (R/check_col_names_spaces.R,
// check_col_snake_case.R, check_col_var_start.R, check_col_ind_smushed.R,
// check_col_var_characteristic.R).
import { OPTIONAL_META_COLS, REQ_DATA_COLS, REQ_META_COLS } from "./reference.ts";
import { fail, pass, quoted, warn, type CheckResult, type DataTable, type MetaTable } from "./table.ts";

const header = (column: string, file: "data" | "meta", message: string) => ({ file, row: 1, column, message });

/** Ports precheck_col_req_meta(). */
export function precheckColReqMeta(meta: MetaTable): CheckResult {
  const missing = REQ_META_COLS.filter((c) => !meta.columns.includes(c));
  if (missing.length === 0) return pass("col_req_meta", "All of the required columns are present in the metadata file.");
  return fail(
    "col_req_meta",
    `The following required column${missing.length > 1 ? "s are" : " is"} missing from the metadata file: ${quoted(missing)}.`,
    missing.map((c) => header(c, "meta", `The metadata file has no column '${c}'.`)),
  );
}

/** Ports precheck_col_invalid_meta(). */
export function precheckColInvalidMeta(meta: MetaTable): CheckResult {
  const invalid = [...new Set(meta.columns)].filter((c) => !REQ_META_COLS.includes(c) && !OPTIONAL_META_COLS.includes(c));
  if (invalid.length === 0) return pass("col_invalid_meta", "There are no invalid columns in the metadata file.");
  return fail(
    "col_invalid_meta",
    invalid.length === 1 ? `${invalid[0]} is an invalid column in the metadata file.` : `These are invalid columns in the metadata file: ${invalid.join(", ")}`,
    invalid.map((c) => header(c, "meta", `'${c}' is not an EES metadata column; remove it.`)),
  );
}

/** Ports precheck_col_req_data(). */
export function precheckColReqData(data: DataTable): CheckResult {
  const missing = REQ_DATA_COLS.filter((c) => !data.has(c));
  if (missing.length === 0) return pass("col_req_data", "All of the required columns are present in the data file.");
  return fail(
    "col_req_data",
    `The following required column${missing.length > 1 ? "s are" : " is"} missing from the data file: ${quoted(missing)}.`,
    missing.map((c) => header(c, "data", `The data file has no column '${c}'.`)),
  );
}

/** Ports precheck_col_to_rows(): no more metadata rows than data columns beyond the five required. */
export function precheckColToRows(data: DataTable, meta: MetaTable): CheckResult {
  const cols = data.columns.length - 5;
  const rows = meta.rows.length;
  if (cols < rows)
    return fail("col_to_rows", `There are more rows in the metadata file (${rows}) than the number of non-mandatory columns in the data file (${cols}).`);
  return pass(
    "col_to_rows",
    `There are ${cols === rows ? "an equal number of" : "fewer"} rows in the metadata file (${rows}) ${cols === rows ? "and" : "than"} non-mandatory columns in the data file (${cols}).`,
  );
}

/** Ports check_col_names_spaces(): any whitespace in a data column name fails. */
export function checkColNamesSpaces(data: DataTable): CheckResult {
  const bad = data.columns.filter((c) => /\s/.test(c));
  if (bad.length === 0) return pass("col_names_spaces", "There are no spaces in the variable names in the datafile.");
  return fail(
    "col_names_spaces",
    `The following variable name${bad.length > 1 ? "s each have" : " has"} at least one space that needs removing: ${quoted(bad)}.`,
    bad.map((c) => header(c, "data", `Column name '${c}' contains whitespace.`)),
  );
}

/** Ports check_col_snake_case(): a character other than a-z, 0-9 and _ in a column name warns. */
export function checkColSnakeCase(data: DataTable): CheckResult {
  const chars = [...new Set(data.columns.flatMap((c) => [...c.replace(/[a-z0-9]|_/g, "")]))];
  if (chars.length === 0) return pass("col_snake_case", "The variable names in the data file follow the snake_case convention.");
  return warn(
    "col_snake_case",
    `The following invalid character${chars.length === 1 ? " was" : "s were"} found in the variable names of the data file: ${quoted(chars)}.`,
    data.columns.filter((c) => /[^a-z0-9_]/.test(c)).map((c) => header(c, "data", `Column name '${c}' is not snake_case.`)),
  );
}

/** Ports check_col_var_start(): a column name not starting with a lowercase letter warns. */
export function checkColVarStart(data: DataTable): CheckResult {
  const bad = data.columns.filter((c) => !/^[a-z]/.test(c));
  if (bad.length === 0) return pass("col_var_start", "All variable names in the data file start with a lowercase letter.");
  return warn(
    "col_var_start",
    `The following variable name${bad.length > 1 ? "s start" : " starts"} with a character that isn't a lowercase letter: ${quoted(bad)}.`,
    bad.map((c) => header(c, "data", `Column name '${c}' does not start with a lowercase letter.`)),
  );
}

/** The filter entries check_col_ind_smushed() looks for inside indicator names (case-insensitive). */
const COMMON_FILTER_SUBSTRINGS = [
  "male",
  "female",
  "asian",
  "chinese",
  "indian",
  "pakistani",
  "bangladeshi",
  "black",
  "african",
  "caribbean",
  "white",
  "roma",
  "irish",
  "english",
  "british",
  "scottish",
  "welsh",
  "northern irish",
  "arab",
];

/** Ports check_col_ind_smushed(): an Indicator col_name holding a typical filter entry fails. */
export function checkColIndSmushed(meta: MetaTable): CheckResult {
  const rows = meta.rows.filter((r) => r.col_type === "Indicator" && COMMON_FILTER_SUBSTRINGS.some((s) => r.col_name.toLowerCase().includes(s)));
  if (rows.length === 0) return pass("col_ind_smushed", "No indicators found containing typical filter entries.");
  return fail(
    "col_ind_smushed",
    `The following indicator${rows.length > 1 ? "s appear" : " appears"} to not conform to tidy data principles: ${quoted(rows.map((r) => r.col_name))}. We recommend pivoting your data longer and adding a filter to contain characteristic choices.`,
    rows.map((r) => ({
      file: "meta",
      row: r.line,
      column: "col_name",
      message: `Indicator '${r.col_name}' names a group ('${COMMON_FILTER_SUBSTRINGS.find((s) => r.col_name.toLowerCase().includes(s))}'); put the group in a filter column instead.`,
    })),
  );
}

/** Ports check_col_var_characteristic(): characteristic / characteristic_group in the metadata warns. */
export function checkColVarCharacteristic(meta: MetaTable): CheckResult {
  const found = meta.rows.some(
    (r) => r.col_name === "characteristic" || r.col_name === "characteristic_group" || r.filter_grouping_column === "characteristic_group",
  );
  return found
    ? warn(
        "col_var_characteristic",
        "The fields 'characteristic' and / or 'characteristic_group' have been included in the data. These are not recommended for use with the EES Table Tool. Please refer to the guidance pages on filters.",
      )
    : pass("col_var_characteristic", "Neither 'characteristic' nor 'characteristic_group' were found as listed fields in the metadata file.");
}
