// Checks of ours that eesyscreener does not make but ees-rules.md and outputs.md list: what the
// EES import itself refuses (ragged rows, duplicate header names, a metadata col_name that is not
// a data column) and what the Department's older QA screener (dfe-published-data-qa) refused
// (blank rows, empty columns), and outputs.md §1–§2's rule that an indicator cell is a plain
// number or one of the symbols c, x, z.
import { isPlainNumber } from "../csv.ts";
import { fail, lineOf, MAX_FINDINGS, pass, quoted, type CheckResult, type DataTable, type Finding, type MetaTable } from "./table.ts";

/** EES import (ValidatorService): every row has as many cells as the header. */
export function projectRowWidths(which: "data" | "meta", t: DataTable): CheckResult {
  const findings: Finding[] = [];
  let n = 0;
  for (let i = 0; i < t.size; i++) {
    if (t.widths[i] === t.columns.length) continue;
    n++;
    if (findings.length < MAX_FINDINGS)
      findings.push({ file: which, row: lineOf(i), message: `${which} row has ${t.widths[i]} cells but the header has ${t.columns.length}.` });
  }
  return n === 0
    ? pass(`project_${which}_row_widths`, `Every ${which} row has one cell per column.`)
    : fail(`project_${which}_row_widths`, `${n} ${which} row(s) do not have one cell per header column.`, findings);
}

/** EES import: no two columns of a file share a name. */
export function projectDuplicateColumns(which: "data" | "meta", columns: string[]): CheckResult {
  const dupes = [...new Set(columns.filter((c, i) => columns.indexOf(c) !== i))];
  return dupes.length === 0
    ? pass(`project_${which}_duplicate_columns`, `No two ${which} columns share a name.`)
    : fail(
        `project_${which}_duplicate_columns`,
        `The ${which} file has more than one column named ${quoted(dupes)}.`,
        dupes.map((c) => ({ file: which, row: 1, column: c, message: `The ${which} file has two columns named '${c}'.` })),
      );
}

/** EES import: every metadata col_name (Indicators too; eesyscreener checks Filters only) is a data column. */
export function projectMetaColsInData(data: DataTable, meta: MetaTable): CheckResult {
  const bad = meta.rows.filter((r) => r.col_name !== "" && !data.has(r.col_name));
  return bad.length === 0
    ? pass("project_meta_cols_in_data", "Every metadata col_name is a column of the data file.")
    : fail(
        "project_meta_cols_in_data",
        `Metadata col_name ${quoted(bad.map((r) => r.col_name))} not found in the data file.`,
        bad.map((r) => ({ file: "meta", row: r.line, column: "col_name", message: `Metadata col_name '${r.col_name}' is not a column of the data file.` })),
      );
}

/** Old QA screener (fileValidation.r): no fully blank row in either file. */
export function projectBlankRows(which: "data" | "meta", t: DataTable): CheckResult {
  const cols = [...new Set(t.columns)].map((c) => t.ids(c));
  const blank = t.test((v) => v.trim() === "");
  const findings: Finding[] = [];
  let n = 0;
  for (let i = 0; i < t.size; i++) {
    if (!cols.every((ids) => blank(ids[i]))) continue;
    n++;
    if (findings.length < MAX_FINDINGS) findings.push({ file: which, row: lineOf(i), message: `${which} row is blank; remove it.` });
  }
  return n === 0
    ? pass(`project_${which}_blank_rows`, `The ${which} file has no blank rows.`)
    : fail(`project_${which}_blank_rows`, `The ${which} file has ${n} blank row(s).`, findings);
}

/** Old QA screener (fileValidation.r): no data column empty in every row. */
export function projectEmptyColumns(data: DataTable): CheckResult {
  const empty = data.size === 0 ? [] : [...new Set(data.columns)].filter((c) => data.distinctIds(c).every((id) => id === 0));
  return empty.length === 0
    ? pass("project_empty_columns", "No data column is empty in every row.")
    : fail(
        "project_empty_columns",
        `The data columns ${quoted(empty)} are empty in every row.`,
        empty.map((c) => ({ file: "data", row: 1, column: c, message: `Column '${c}' is empty in every row; remove it.` })),
      );
}

const SYMBOLS = new Set(["c", "x", "z"]);

/** outputs.md §1–§2: an indicator cell is a plain number (no separators, no %) or c, x, z. */
export function projectIndicatorValues(data: DataTable, meta: MetaTable): CheckResult {
  const ok = data.test((v) => v === "" || isPlainNumber(v) || SYMBOLS.has(v));
  const indicators = [...new Set(meta.rows.filter((r) => r.col_type === "Indicator").map((r) => r.col_name))].filter((c) => data.has(c));
  const findings: Finding[] = [];
  for (const c of indicators) {
    const ids = data.ids(c);
    for (let i = 0; i < data.size && findings.length < MAX_FINDINGS; i++) {
      if (!ok(ids[i]))
        findings.push({
          file: "data",
          row: lineOf(i),
          column: c,
          message: `Indicator '${c}' holds '${data.values[ids[i]]}': only plain numbers (no separators or %) and the symbols c, x, z are allowed.`,
        });
    }
  }
  return findings.length === 0
    ? pass("project_indicator_values", "Every indicator cell is a plain number or one of c, x, z.")
    : fail("project_indicator_values", "Some indicator cells are neither plain numbers nor one of c, x, z.", findings);
}
