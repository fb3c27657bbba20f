// Cross-file checks (eesyscreener R/precheck_cross_meta_to_data.R, R/precheck_cross_data_to_meta.R).
import { OB_UNITS } from "./reference.ts";
import { colsOfMeta, fail, filtersOf, pass, quoted, warn, type CheckResult, type DataTable, type MetaTable } from "./table.ts";

/** Ports precheck_cross_meta_to_data(): every Filter col_name and grouping column is a data column. */
export function precheckCrossMetaToData(data: DataTable, meta: MetaTable): CheckResult {
  const missing = [...new Set(filtersOf(meta, true).filter((c) => !data.has(c)))];
  if (missing.length === 0) return pass("cross_meta_to_data", "All variables from the metadata were found in the data file.");
  return fail(
    "cross_meta_to_data",
    `The following variable${missing.length > 1 ? "s were" : " was"} found in the metadata file, but could not be found in the data file: ${quoted(missing)}.`,
    meta.rows.flatMap((r) =>
      (["col_name", "filter_grouping_column"] as const)
        .filter((c) => missing.includes(r[c]) && (c === "filter_grouping_column" || r.col_type === "Filter"))
        .map((c) => ({ file: "meta" as const, row: r.line, column: c, message: `Metadata ${c} '${r[c]}' is not a column of the data file.` })),
    ),
  );
}

/**
 * Ports precheck_cross_data_to_meta(): a data column that is not an observational unit (a time
 * or geography column), has more than one value and is not in the metadata warns.
 */
export function precheckCrossDataToMeta(data: DataTable, meta: MetaTable): CheckResult {
  const described = new Set(colsOfMeta(meta, true));
  const bad = [...new Set(data.columns)].filter((c) => !OB_UNITS.includes(c) && !described.has(c) && data.distinctIds(c).length > 1);
  if (bad.length === 0) return pass("cross_data_to_meta", "All variables in the data file are observational units or are represented in the metadata file.");
  return warn(
    "cross_data_to_meta",
    `The following variable${bad.length > 1 ? "s" : ""} in the data file ${bad.length > 1 ? "are" : "is"} not ${bad.length > 1 ? "observational units" : "an observational unit"}, ${bad.length > 1 ? "do" : "does"} not have a single level, and ${bad.length > 1 ? "are" : "is"} not represented in the metadata: ${quoted(bad)}.`,
    bad.map((c) => ({ file: "data", row: 1, column: c, message: `Data column '${c}' is not in the metadata.` })),
  );
}
