// Turns a source relation of positional text fields (from a CSV, or a sheet written out
// as CSV) into raw_<dataset>: canonical column names, trimmed, blank → NULL, `_file`,
// `_line`, and `_overflow` for values past the last header column. Rows whose every field is
// blank are blank lines (inputs.md: not rows) and are dropped here, before anything is counted.
import { ident, literal, type Db } from "../core/db.ts";
import { COLUMNS, type Dataset } from "./datasets.ts";

/** Characters trimmed from every value: spaces, tabs, stray CR/LF and Excel's non-breaking space. */
const WS = " \t\r\n\u00a0";

/**
 * Trimmed, blank → NULL. Most values have nothing to trim, and a regex test is far cheaper
 * than trim() with a character set, so the set is only applied where an edge is blank.
 */
export function trimmed(expr: string): string {
  return `case when regexp_matches(${expr}, '^[\\s\\x{a0}]|[\\s\\x{a0}]$') then nullif(trim(${expr}, ${literal(WS)}), '') ` +
    `when ${expr} = '' then null else ${expr} end`;
}

export interface SourceLayout {
  /** Field names in the source relation, in file order. */
  names: string[];
  /** Canonical column held by each field, or null (extra column, or beyond the header). */
  columns: (string | null)[];
  /** Number of header fields; fields at or past this position are overflow. */
  headerWidth: number;
}

/** Rows keep the source's order (DuckDB preserves insertion order), i.e. file order. */
export async function createRawTable(db: Db, dataset: Dataset, file: string, source: string, lineExpr: string, layout: SourceLayout): Promise<void> {
  const fields = layout.names.map((n, i) => `${trimmed(`s.${ident(n)}`)} as _t${i}`);
  const select = COLUMNS[dataset].map((column) => {
    const at = layout.columns.indexOf(column);
    return at === -1 ? `null::VARCHAR as ${ident(column)}` : `_t${at} as ${ident(column)}`;
  });
  const overflow = layout.names.map((_, i) => i).filter((i) => i >= layout.headerWidth).map((i) => `_t${i}`);
  const all = layout.names.map((_, i) => `_t${i}`);
  await db.run(`
    create or replace table ${ident(`raw_${dataset}`)} as
    select ${select.join(", ")},
      ${overflow.length ? `nullif(concat_ws(',', ${overflow.join(", ")}), '')` : "null::VARCHAR"} as _overflow,
      ${literal(file)} as _file,
      _line
    from (select ${fields.join(", ")}, (${lineExpr})::INTEGER as _line from ${source})
    where ${all.length > 1 ? `coalesce(${all.join(", ")})` : all[0]} is not null`);
}

/** An empty raw table for a dataset whose (optional) file is absent, so later SQL need not care. */
export async function createEmptyRawTable(db: Db, dataset: Dataset): Promise<void> {
  const cols = COLUMNS[dataset].map((c) => `${ident(c)} VARCHAR`).join(", ");
  await db.run(`create or replace table ${ident(`raw_${dataset}`)} (${cols}, _overflow VARCHAR, _file VARCHAR, _line INTEGER)`);
}
