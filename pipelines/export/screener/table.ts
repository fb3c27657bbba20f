// The data and metadata files as the ported checks read them, and the shape of a check's result.
// eesyscreener reads every data column as text (duckdb, all VARCHAR) and runs dplyr over it; here
// a data file is a value-numbered grid (csv.ts parseGrid: each distinct value once, cells as value
// numbers column by column), so a check over a column of a national file (~1.4 million rows)
// compares numbers or decides once per distinct value. A blank cell is "" (value number 0): the
// R code's NA (a blank cell read by duckdb) and "" are one case here, as both mean "blank".
import type { CsvGrid } from "../csv.ts";

export type Outcome = "PASS" | "WARNING" | "FAIL";

/** Where a check found a problem: a line of the file (header = 1) and/or a column. */
export interface Finding {
  file: "data" | "meta";
  row?: number;
  column?: string;
  message: string;
}

/** One check's result, as eesyscreener's test_output() gives it, plus where it found problems. */
export interface CheckResult {
  /** The R check's name (its function name without check_/precheck_), or ours for project checks. */
  check: string;
  result: Outcome;
  message: string;
  findings: Finding[];
}

export const pass = (check: string, message: string): CheckResult => ({ check, result: "PASS", message, findings: [] });
export const fail = (check: string, message: string, findings: Finding[] = []): CheckResult => ({ check, result: "FAIL", message, findings });
export const warn = (check: string, message: string, findings: Finding[] = []): CheckResult => ({ check, result: "WARNING", message, findings });

/** Findings shown per failing check (a national file could otherwise list a million rows). */
export const MAX_FINDINGS = 50;

/** A data file: the grid, with column access by name (a repeated name stands for its last column). */
export class DataTable {
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
    this.columns.forEach((c, j) => {
      this.index.set(c, j);
    });
  }

  has(c: string): boolean {
    return this.index.has(c);
  }

  /** The value numbers of column c, record by record (all 0 = "" when there is no such column). */
  ids(c: string): Int32Array {
    const j = this.index.get(c);
    return j === undefined ? new Int32Array(this.size) : this.cells.subarray(j * this.stride, j * this.stride + this.size);
  }

  /** Column c's cell of record i. */
  cell(c: string, i: number): string {
    return this.values[this.ids(c)[i]];
  }

  /** A verdict per distinct value, worked out once each: test(id) for a cell's value number. */
  test(pred: (v: string) => boolean): (id: number) => boolean {
    const known = new Int8Array(this.values.length);
    return (id) => {
      let k = known[id];
      if (k === 0) known[id] = k = pred(this.values[id]) ? 1 : -1;
      return k === 1;
    };
  }

  /** The distinct values of column c, in order of first appearance (dplyr::distinct keeps that order). */
  distinct(c: string): string[] {
    return this.distinctIds(c).map((id) => this.values[id]);
  }

  distinctIds(c: string): number[] {
    const ids = this.ids(c);
    const seen = new Uint8Array(this.values.length);
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (seen[ids[i]] === 0) {
        seen[ids[i]] = 1;
        out.push(ids[i]);
      }
    }
    return out;
  }

  /** The records whose geographic_level is one of levels. */
  rowsAt(levels: readonly string[]): number[] {
    const want = this.test((v) => levels.includes(v));
    const ids = this.ids("geographic_level");
    const out: number[] = [];
    for (let i = 0; i < ids.length; i++) if (want(ids[i])) out.push(i);
    return out;
  }
}

/** Record i's line in its file (the header is line 1). */
export const lineOf = (i: number) => i + 2;

export interface MetaRow {
  line: number;
  col_name: string;
  col_type: string;
  label: string;
  indicator_grouping: string;
  indicator_unit: string;
  indicator_dp: string;
  filter_hint: string;
  filter_grouping_column: string;
  filter_default: string;
  /** Every cell, for the NULL-symbol check over the whole metadata file. */
  cells: string[];
}

/** The metadata file: its columns and rows (every metadata column read, "" where absent). */
export interface MetaTable {
  columns: string[];
  rows: MetaRow[];
}

export function metaTable(g: CsvGrid): MetaTable {
  const t = new DataTable(g);
  const get = (c: string, i: number) => (t.has(c) ? t.cell(c, i) : "");
  const rows: MetaRow[] = Array.from({ length: t.size }, (_, i) => ({
    line: lineOf(i),
    col_name: get("col_name", i),
    col_type: get("col_type", i),
    label: get("label", i),
    indicator_grouping: get("indicator_grouping", i),
    indicator_unit: get("indicator_unit", i),
    indicator_dp: get("indicator_dp", i),
    filter_hint: get("filter_hint", i),
    filter_grouping_column: get("filter_grouping_column", i),
    filter_default: get("filter_default", i),
    cells: t.columns.map((c, j) => t.values[t.cells[j * g.stride + i]]),
  }));
  return { columns: t.columns, rows };
}

/** R utils.R get_filters(meta, include_filter_groups): Filter col_names, then every grouping column. */
export function filtersOf(meta: MetaTable, withGroups = false): string[] {
  const filters = meta.rows.filter((r) => r.col_type === "Filter").map((r) => r.col_name);
  return withGroups ? [...filters, ...groupsOf(meta)] : filters;
}

/** R utils.R get_filter_groups(meta): the non-blank filter_grouping_column values. */
export function groupsOf(meta: MetaTable): string[] {
  return meta.rows.map((r) => r.filter_grouping_column).filter((g) => g !== "");
}

/** R utils.R get_cols_meta(meta, grouping_cols, excl_indicators): unique non-blank names. */
export function colsOfMeta(meta: MetaTable, groupingCols = false, exclIndicators = false): string[] {
  const rows = exclIndicators ? meta.rows.filter((r) => r.col_type !== "Indicator") : meta.rows;
  const cols = rows.map((r) => r.col_name);
  if (groupingCols) cols.push(...rows.map((r) => r.filter_grouping_column));
  return [...new Set(cols.filter((c) => c !== ""))];
}

/** "'a', 'b'" as the R messages quote lists. */
export const quoted = (xs: readonly string[]) => `'${xs.join("', '")}'`;

/** Findings for the rows of column c whose value number passes bad, at most MAX_FINDINGS. */
export function rowFindings(data: DataTable, c: string, bad: (id: number) => boolean, message: (v: string) => string, rows?: readonly number[]): Finding[] {
  const ids = data.ids(c);
  const out: Finding[] = [];
  const n = rows ? rows.length : data.size;
  for (let k = 0; k < n && out.length < MAX_FINDINGS; k++) {
    const i = rows ? rows[k] : k;
    if (bad(ids[i])) out.push({ file: "data", row: lineOf(i), column: c, message: message(data.values[ids[i]]) });
  }
  return out;
}
