// Reads every published figure of a release into two tables: audit_rows, one row per published
// row (where it is: place = file, or file and sheet; loc = its row; and the key a reader sees:
// period, LA, school, subject, breakdown and group), and audit_vals, one row per published cell
// (its row, its indicator, which is also its column, and its published text). A cell's key is
// its row's: kept once per row, not once per cell, since a release has some 70 cells a row and
// the checks compare keys millions of times. Return files are unpivoted by DuckDB straight from
// the CSV; the rows of every workbook sheet, and of the site JSON, are written to a long CSV
// (LongWriter) and loaded once.
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { type Db, ident, literal } from "../../core/db.ts";
import { parseCsv } from "../csv.ts";
import { readWorkbookSheets } from "./xlsx-cells.ts";
import { ALL_FILTERS as FILTERS, GEOGRAPHY_COLUMNS, SCHOOL_COLUMNS, TIME_COLUMNS } from "../layout.ts";

/** The indicator of a cell is an ENUM of the catalogue's indicators (audit.ts makes the type): one byte a cell, compared as an integer. */
export const INDICATOR_TYPE = "audit_indicator";
export const ROW_COLUMNS =
  "rid INTEGER, place VARCHAR, loc VARCHAR, line BIGINT, tp VARCHAR, la VARCHAR, urn VARCHAR, subject VARCHAR, breakdown VARCHAR, grp VARCHAR";
export const VAL_COLUMNS = `rid INTEGER, indicator ${INDICATOR_TYPE}, value VARCHAR`;
/** Row ids carry on from the last row loaded, so rows of every file, sheet and site file are one numbering. */
const NEXT_RID = "(select coalesce(max(rid), 0) from audit_rows)";

const BASE = new Set<string>([...TIME_COLUMNS, ...GEOGRAPHY_COLUMNS, ...SCHOOL_COLUMNS]);
const KNOWN_FILTERS = new Set<string>([...FILTERS.map((f) => f.col), "prior_attainment"]);
/**
 * Text columns beyond the key: a questionnaire table's (published_viewpoints), with the workbook's
 * headings for them, and an ntp return's outcome_measure (the impact rows' result; not a
 * breakdown: a route row of impact is in the route's sets).
 */
export const DIMENSIONS = ["respondent", "item", "outcome_measure"];
export const DIMENSION_HEADINGS: [string, string][] = [
  ["Respondent", "respondent"],
  ["Respondent type", "respondent"],
  ["Questionnaire item", "item"],
  ["Item", "item"],
];

/**
 * An ntp figure's outcome measure is part of which figure it is (an impact on KS2 scaled score is
 * not the one on Standardised score, and the two are never parts of one set), so it is folded
 * into the period key, which every check compares and no set crosses.
 */
const outcomeSuffix = (col: string) => `case when ${col} is null or ${col} in ('', 'Total') then '' else ' | ' || ${col} end`;

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A CSV in EES layout (a return file) → audit_rows and audit_vals. A workbook sheet's rows are keyed the same way by wideRows: keep the two in step. */
export async function loadWide(db: Db, source: { place: string; csv: string; columns: string[]; indicators: string[] }): Promise<void> {
  const { place, csv, columns, indicators } = source;
  const inds = indicators.filter((c) => columns.includes(c));
  if (inds.length === 0) return;
  const has = (c: string) => columns.includes(c);
  const filters = columns.filter(
    (c) => c !== "subject" && !BASE.has(c) && !DIMENSIONS.includes(c) && !inds.includes(c) && (KNOWN_FILTERS.has(c) || !/^_/.test(c)),
  );
  const col = (c: string) => (has(c) ? ident(c) : "null");
  // Questionnaire rows (mart_viewpoints) are keyed by respondent type and item where other rows have breakdown and group.
  const viewpoints = has("respondent") && has("item");
  const breakdown = viewpoints
    ? `coalesce(${ident("respondent")}, '')`
    : filters.length
      ? `case ${filters.map((f) => `when ${ident(f)} is not null and ${ident(f)} <> 'Total' then ${literal(f)}`).join(" ")} else 'total' end`
      : "'total'";
  const grp = viewpoints
    ? `coalesce(${ident("item")}, '')`
    : filters.length
      ? `case ${filters.map((f) => `when ${ident(f)} is not null and ${ident(f)} <> 'Total' then ${ident(f)}`).join(" ")} else 'Total' end`
      : "'Total'";
  // The file is read twice, once for its rows' keys and once for its cells, each numbered by
  // row_number() over (): DuckDB keeps a single scanned file's row order, window functions with an
  // empty OVER included (its "Order Preservation" guarantees, which disclosure.ts relies on too), so
  // both readings number a row alike. Two parses of the text cost less than holding the whole file
  // as a wide table of text to read it twice: 0.27-0.58 s against 0.54-0.69 s for a 25,000-row
  // school file of the national benchmark (issue 18).
  const file = `read_csv(${literal(csv)}, header = true, all_varchar = true, auto_detect = false,
      columns = {${columns.map((c) => `${literal(c)}: 'VARCHAR'`).join(", ")}}, delim = ',', quote = '"', escape = '"', null_padding = true)`;
  // One call for the statements: DuckDB works through them on its own threads while the audit's
  // JavaScript reads the rest of the release (auditRelease), with no turn of the event loop
  // needed between them. Row ids carry on from the last row loaded (NEXT_RID, taken once).
  await db.run(`set variable _audit_base = ${NEXT_RID};
    insert into audit_rows select getvariable('_audit_base') + _n, ${literal(place)}, 'row ' || (_n + 1), _n + 1, tp, la, urn, subject, breakdown, grp
    from (select row_number() over () as _n, coalesce(${col("time_period")}, '')${has("outcome_measure") ? ` || ${outcomeSuffix(ident("outcome_measure"))}` : ""} as tp,
      case when ${col("geographic_level")} = 'National' then 'National' else coalesce(${col("old_la_code")}, '') end as la,
      coalesce(${col("school_urn")}, '') as urn, coalesce(${col("subject")}, 'Total') as subject,
      ${breakdown} as breakdown, ${grp} as grp
      from ${file});
    -- UNPIVOT leaves out empty (NULL) cells: nothing is published there.
    insert into audit_vals select getvariable('_audit_base') + _n, indicator, value from (
      unpivot (select row_number() over () as _n, ${inds.map(ident).join(", ")} from ${file}) on ${inds.map(ident).join(", ")} into name indicator value value
    );
    reset variable _audit_base`);
}

/** The header of a CSV file (first record). */
export function csvHeader(path: string): string[] {
  // Read up to the first line break only: a schools file is some 14 MB.
  const fd = openSync(path, "r");
  const chunks: Buffer[] = [];
  try {
    for (let position = 0; ; ) {
      const chunk = Buffer.alloc(65_536);
      const n = readSync(fd, chunk, 0, chunk.length, position);
      chunks.push(chunk.subarray(0, n));
      position += n;
      if (n === 0 || chunk.subarray(0, n).includes(10)) break;
    }
  } finally {
    closeSync(fd);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const end = text.search(/\r?\n/);
  return parseCsv(end === -1 ? text : text.slice(0, end))[0] ?? [];
}

/** Turns header texts (col_names, metadata labels, or plain-English forms of col_names) into col_names. */
export class HeaderMap {
  private readonly byText = new Map<string, string>();
  add(text: string, colName: string) {
    if (text && !this.byText.has(norm(text))) this.byText.set(norm(text), colName);
  }
  constructor(colNames: Iterable<string>) {
    for (const c of colNames) this.add(c, c);
  }
  get(text: string): string | undefined {
    return this.byText.get(norm(text));
  }
}
const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9£%]+/g, " ")
    .trim();

export interface WorkbookSheetRead {
  name: string;
  /** Texts of every cell that is text (not a number), with its reference, for the identifier scan. */
  texts: { ref: string; text: string }[];
  /** Header cells whose indicator the audit could not place (a sheet it cannot read). */
  problem?: string;
  /** Column letters by col_name, for reporting. */
  letters: Map<string, string>;
}

/**
 * Reads an .xlsx release workbook: each sheet whose header row names a period column and
 * indicator columns becomes a CSV in tmpDir and then audit_rows and audit_vals rows; every text
 * cell of every sheet is kept for the identifier scan.
 */
export function loadWorkbook(path: string, place: string, writer: LongWriter, headers: HeaderMap, indicators: Set<string>): WorkbookSheetRead[] {
  const out: WorkbookSheetRead[] = [];
  for (const sheet of readWorkbookSheets(path)) {
    const name = sheet.name;
    const read: WorkbookSheetRead = { name, texts: [], letters: new Map() };
    out.push(read);
    let columns: string[] | null = null;
    let positions: number[] = [];
    // A sheet's rows are held until its header is known to be readable (read.problem), as
    // only a readable sheet is loaded; then written in order, so row ids run as they did.
    const rows: { number: number; cells: (string | null)[] }[] = [];
    for (const row of sheet.rows) {
      const cells: string[] = [];
      for (let i = 0; i < row.cells.length; i++) {
        const v = row.cells[i];
        cells[i] = v?.text ?? "";
        if (v?.isText && v.text) read.texts.push({ ref: `${letters(i)}${row.number}`, text: v.text });
      }
      if (columns === null) {
        // The first row is the header; a sheet that names no indicator is not a data sheet (a cover, a glossary).
        const mapped = cells.map((c) => (c ? headers.get(c) : undefined));
        if (!mapped.some((c) => c && indicators.has(c))) {
          columns = [];
          continue;
        }
        if (!mapped.includes("time_period"))
          read.problem = `its header names indicators but no time period column the audit can read (headers: ${cells.slice(0, 6).join(", ")}...)`;
        const unknown = cells.map((c, i) => (c && !mapped[i] ? c : "")).filter(Boolean);
        if (unknown.length) read.problem = `header cells the audit cannot match to a metadata col_name or label: ${unknown.slice(0, 5).join("; ")}`;
        positions = mapped.flatMap((c, i) => (c ? [i] : []));
        columns = positions.map((i) => mapped[i]!);
        for (const p of positions) read.letters.set(mapped[p]!, letters(p));
        continue;
      }
      if (columns.length === 0) continue;
      // An empty cell is no value (NULL), as DuckDB read the CSV this sheet was once written to.
      rows.push({ number: row.number, cells: positions.map((i) => cells[i] || null) });
    }
    if (columns?.length && !read.problem) wideRows(`${place} sheet "${name}"`, columns, [...indicators], rows, writer);
  }
  return out;
}

/**
 * A workbook sheet's rows → audit rows and cells through `writer`, keyed as loadWide keys a
 * return file's rows (the same columns read the same way: keep the two in step). Every sheet of
 * a release is written to one file and loaded once, where a DuckDB load per sheet (three
 * statements each, some 2,400 sheets in a national release) cost more than the cells.
 */
function wideRows(place: string, columns: string[], indicators: string[], rows: { number: number; cells: (string | null)[] }[], writer: LongWriter): void {
  const inds = indicators.filter((c) => columns.includes(c));
  if (inds.length === 0) return;
  const at = new Map<string, number>();
  columns.forEach((c, i) => {
    if (at.has(c)) throw new Error(`${place}: two header cells read as the column ${c}, so the audit cannot tell which one a figure is`);
    at.set(c, i);
  });
  const has = (c: string) => at.has(c);
  const filters = columns.filter(
    (c) => c !== "subject" && !BASE.has(c) && !DIMENSIONS.includes(c) && !inds.includes(c) && (KNOWN_FILTERS.has(c) || !/^_/.test(c)),
  );
  const viewpoints = has("respondent") && has("item");
  const indAt = inds.map((c) => [c, at.get(c)!] as const);
  for (const { number, cells } of rows) {
    const v = (c: string) => (at.has(c) ? cells[at.get(c)!] : null);
    const split = viewpoints ? undefined : filters.find((f) => v(f) != null && v(f) !== "Total");
    const breakdown = viewpoints ? (v("respondent") ?? "") : (split ?? "total");
    const grp = viewpoints ? (v("item") ?? "") : split ? v(split)! : "Total";
    const om = v("outcome_measure");
    const tp = (v("time_period") ?? "") + (has("outcome_measure") && om != null && om !== "" && om !== "Total" ? ` | ${om}` : "");
    const la = v("geographic_level") === "National" ? "National" : (v("old_la_code") ?? "");
    writer.row(place, `row ${number}`, number, [tp, la, v("school_urn") ?? "", v("subject") ?? "Total", breakdown, grp]);
    for (const [indicator, i] of indAt) if (cells[i] != null) writer.value(indicator, cells[i]!);
  }
}

function letters(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/**
 * A table in the site's compact form ({columns: [...], rows: [[...], ...]}: the per-school files,
 * src/components/compact-rows.js): read as the row objects it stands for.
 */
function compactRows(v: unknown): Record<string, unknown>[] | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
  const { columns, rows } = v as { columns?: unknown; rows?: unknown };
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === "string") || !Array.isArray(rows) || !rows.every(Array.isArray)) return undefined;
  return rows.map((r: unknown[]) => Object.fromEntries(columns.map((c: string, i) => [c, r[i] ?? null])));
}

/** The JSON path of a member of `parent`: a key (".k", or ["k"] when not a name), an index ("[i]"), or none (the parent itself). */
export function memberPath(parent: string, step?: string | number): string {
  if (step === undefined) return parent;
  if (typeof step === "number") return `${parent}[${step}]`;
  return /^[A-Za-z_$][\w$]*$/.test(step) ? `${parent}.${step}` : `${parent}[${JSON.stringify(step)}]`;
}

/**
 * One site JSON file: every array of published rows (objects with the key columns, or a compact
 * table) → audit_cells; every string → `strings`, with where it is as its parent's path and its
 * step (memberPath makes the path): a place is wanted only for a hit, and the demo LA's site has
 * some 1.6 million strings and keys, so their paths are not made for each.
 */
export function siteRows(
  json: unknown,
  indicators: Set<string>,
  emit: (loc: string, key: string[], indicator: string, value: string) => void,
  strings: (text: string, parent: string, step?: string | number) => void,
): void {
  const walk = (v: unknown, path: string) => {
    const compact = compactRows(v);
    if (compact) {
      const columns = `${path}.columns`;
      (v as { columns: string[] }).columns.forEach((c, i) => {
        strings(c, columns, i);
      });
      compact.forEach((row, i) => {
        walk(row, `${path}.rows[${i}]`);
      });
    } else if (typeof v === "string") strings(v, path);
    else if (Array.isArray(v)) {
      v.forEach((x, i) => {
        walk(x, `${path}[${i}]`);
      });
    } else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      const isRow = "time_period" in o && "la_code" in o && "subject" in o && "breakdown" in o && "group_label" in o;
      // A row's key, once for all its figures (emit and LongWriter only read it).
      const key = isRow
        ? [
            String(o.time_period ?? "") + (typeof o.outcome_measure === "string" && o.outcome_measure !== "Total" ? ` | ${o.outcome_measure}` : ""),
            String(o.la_code ?? ""),
            o.urn == null ? "" : String(o.urn),
            String(o.subject ?? ""),
            String(o.breakdown ?? ""),
            String(o.group_label ?? ""),
          ]
        : undefined;
      for (const [k, x] of Object.entries(o)) {
        strings(k, path, k);
        if (key && indicators.has(k) && x != null) {
          emit(path, key, k, String(x));
          continue;
        }
        // A string is scanned where it is; numbers, booleans and null hold nothing to read.
        if (typeof x === "string") strings(x, path, k);
        else if (x && typeof x === "object") walk(x, memberPath(path, k));
      }
    }
  };
  walk(json, "$");
}

/**
 * Writes site rows, or workbook sheets' rows, to two CSVs that load() reads: one line per
 * published row (its number, place, JSON path or sheet row, and key) and one per figure in it
 * (its row's number, indicator, value).
 */
export class LongWriter {
  private readonly rowsFd: number;
  private readonly valsFd: number;
  private pendingRows: string[] = [];
  private pendingVals: string[] = [];
  rows = 0;
  values = 0;
  private rid = 0;
  constructor(readonly path: string) {
    this.rowsFd = openSync(`${path}.rows.csv`, "w");
    this.valsFd = openSync(`${path}.vals.csv`, "w");
  }
  // The row the last figure was in: the figures of one row share its place, path and key.
  private last: { place?: string; loc?: string; key?: string[] } = {};
  add(place: string, loc: string, key: string[], indicator: string, value: string) {
    const last = this.last;
    if (place !== last.place || loc !== last.loc || key !== last.key) {
      Object.assign(last, { place, loc, key });
      this.row(place, loc, null, key);
    }
    this.value(indicator, value);
  }
  /** A new published row (line: its row number in a sheet, else null), even one with no figure; value() adds its figures. */
  row(place: string, loc: string, line: number | null, key: string[]) {
    this.rid++;
    this.pendingRows.push(`${this.rid},${q(place)},${q(loc)},${line ?? ""},${key.map(q).join(",")}\n`);
    this.rows++;
    if (this.pendingRows.length >= 5000) this.flush();
  }
  /** A figure of the last row. */
  value(indicator: string, value: string) {
    this.pendingVals.push(`${this.rid},${q(indicator)},${q(value)}\n`);
    this.values++;
    if (this.pendingVals.length >= 5000) this.flush();
  }
  flush() {
    if (this.pendingRows.length) writeSync(this.rowsFd, this.pendingRows.join(""));
    if (this.pendingVals.length) writeSync(this.valsFd, this.pendingVals.join(""));
    this.pendingRows = [];
    this.pendingVals = [];
  }
  async load(db: Db) {
    this.flush();
    closeSync(this.rowsFd);
    closeSync(this.valsFd);
    if (this.rows === 0) return;
    const types: Record<string, string> = { n: "INTEGER", line: "BIGINT" };
    const read = (file: string, cols: string[]) =>
      `read_csv(${literal(file)}, header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${cols.map((c) => `${literal(c)}: '${types[c] ?? "VARCHAR"}'`).join(", ")}})`;
    await db.run(`create or replace temp table _audit_base as select ${NEXT_RID} as base`);
    // A quoted empty field may read as NULL: keys are '' where empty, as in loadWide.
    await db.run(`insert into audit_rows select base + n, place, loc, line, coalesce(tp, ''), coalesce(la, ''), coalesce(urn, ''),
        coalesce(subject, ''), coalesce(breakdown, ''), coalesce(grp, '')
      from ${read(`${this.path}.rows.csv`, ["n", "place", "loc", "line", "tp", "la", "urn", "subject", "breakdown", "grp"])}, _audit_base`);
    if (this.values > 0)
      await db.run(`insert into audit_vals select base + n, indicator, value from ${read(`${this.path}.vals.csv`, ["n", "indicator", "value"])}, _audit_base`);
    await db.run("drop table _audit_base");
  }
}
