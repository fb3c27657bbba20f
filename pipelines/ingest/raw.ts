// Turns a source relation of positional text fields (from a CSV, or a sheet written out
// as CSV) into raw_<dataset>: canonical column names, trimmed, blank → NULL, `_file`,
// `_line`, and `_overflow` for values past the last header column. Rows whose every field is
// blank are blank lines (inputs.md: not rows) and are dropped here, before anything is counted.
import { ident, literal, type Db } from "../core/db.ts";
import { RAW_COLUMNS, type Dataset } from "./datasets.ts";

/** Characters trimmed from every value: spaces, tabs, stray CR/LF and Excel's non-breaking space. */
const WS = " \t\r\n\u00a0";

/**
 * Trimmed, blank → NULL. Most values have nothing to trim, and a regex test is far cheaper
 * than trim() with a character set, so the set is only applied where an edge is blank.
 */
export function trimmed(expr: string): string {
  return (
    `case when regexp_matches(${expr}, '^[\\s\\x{a0}]|[\\s\\x{a0}]$') then nullif(trim(${expr}, ${literal(WS)}), '') ` +
    `when ${expr} = '' then null else ${expr} end`
  );
}

export interface SourceLayout {
  /** Field names in the source relation, in file order. */
  names: string[];
  /** Canonical column held by each field, or null (extra column, or beyond the header). */
  columns: (string | null)[];
  /** Number of header fields; fields at or past this position are overflow. */
  headerWidth: number;
  /** Records past this one are a footer under the table (footer.ts): read, but not rows. */
  dataRecords?: number;
}

/**
 * How a row's line number is found: from a column of the source (sheets written out with their
 * row numbers), or from its record number (the base table's rowid + 1, since rows keep the
 * source's order) for CSV, plus the lines skipped before it (blank lines, quoted newlines).
 */
export type LineNumbers =
  | { column: string }
  | { offset: (record: string) => string }
  /** Many offsets: a table (rec, off) of the first record from which each offset holds. */
  | { offsets: string };

/**
 * One pass over the source into _src_<dataset> (trimmed text, canonical names, every record
 * including blank ones, so its rowid is the record number), and raw_<dataset> as a view over it
 * that adds `_file` and `_line` and leaves out blank lines. The biggest input is read and
 * copied once, not twice. Both are temporary, the scratch of one run: the input files are the
 * raw record (their SHA-256 is in provenance), and the database keeps stg_* onwards and the
 * quarantine; writing tens of millions of raw text rows into the file took longer than reading them.
 */
export async function createRawTable(db: Db, dataset: Dataset, file: string, source: string, lines: LineNumbers, layout: SourceLayout): Promise<void> {
  const fields = layout.names.map((n, i) => `${trimmed(`s.${ident(n)}`)} as _t${i}`);
  // Only columns the file has are stored; absent ones and an empty overflow are constants of
  // the view (a column of NULLs still takes 16 bytes a row in a temporary table).
  const present = RAW_COLUMNS[dataset].filter((column) => layout.columns.includes(column));
  const stored = present.map((column) => `_t${layout.columns.indexOf(column)} as ${ident(column)}`);
  const overflow = layout.names
    .map((_, i) => i)
    .filter((i) => i >= layout.headerWidth)
    .map((i) => `_t${i}`);
  if (overflow.length) stored.push(`nullif(concat_ws(',', ${overflow.join(", ")}), '') as _overflow`);
  const all = layout.names.map((_, i) => `_t${i}`);
  const base = ident(`_src_${dataset}`);
  await dropRelation(db, `raw_${dataset}`);
  await db.run(`
    create or replace temp table ${base} as
    select ${[...stored, `${all.length > 1 ? `coalesce(${all.join(", ")})` : all[0]} is null as _blank`].join(", ")}
      ${"column" in lines ? ", _lsrc::INTEGER as _line" : ""}
    from (select ${fields.join(", ")}${"column" in lines ? `, ${lines.column} as _lsrc` : ""} from ${source})`);
  const record = "(b.rowid + 1)";
  const line = "column" in lines ? "b._line" : `(${record} + 1 + ${"offset" in lines ? lines.offset(record) : "l.off"})::INTEGER`;
  const columns = RAW_COLUMNS[dataset].map((c) => (present.includes(c) ? `b.${ident(c)}` : `null::VARCHAR as ${ident(c)}`));
  await db.run(`
    create temp view ${ident(`raw_${dataset}`)} as
    select ${columns.join(", ")}, ${overflow.length ? "b._overflow" : "null::VARCHAR as _overflow"}, ${literal(file)} as _file, ${line} as _line
    from ${base} b ${"offsets" in lines ? `asof join ${lines.offsets} l on ${record} >= l.rec` : ""}
    where not b._blank${layout.dataRecords === undefined ? "" : ` and b.rowid < ${layout.dataRecords}`}`);
}

/** Drops raw_<dataset> whether an earlier ingest made it a table or a view. */
async function dropRelation(db: Db, name: string): Promise<void> {
  const kind = await db.one<{ kind: string }>(
    `select 'table' as kind from duckdb_tables() where table_name = ?
     union all select 'view' from duckdb_views() where view_name = ?`,
    [name, name],
  );
  if (kind) await db.run(`drop ${kind.kind} ${ident(name)}`);
}

/**
 * Drops a dataset's raw layer (raw_<dataset> and the _src_<dataset> under it) once validate has
 * staged its rows: nothing after validate reads it, and a national run's _src_attainment (88M
 * rows of text) would otherwise sit in memory or the spill folder until the run ends.
 */
export async function dropRawTable(db: Db, dataset: Dataset): Promise<void> {
  await dropRelation(db, `raw_${dataset}`);
  await db.run(`drop table if exists ${ident(`_src_${dataset}`)}`);
}

/** An empty raw table for a dataset whose (optional) file is absent, so later SQL need not care. */
export async function createEmptyRawTable(db: Db, dataset: Dataset): Promise<void> {
  const cols = RAW_COLUMNS[dataset].map((c) => `${ident(c)} VARCHAR`).join(", ");
  await dropRelation(db, `raw_${dataset}`);
  await db.run(`create temp table ${ident(`raw_${dataset}`)} (${cols}, _overflow VARCHAR, _file VARCHAR, _line INTEGER)`);
}
