// What validate tells the officer in one pass, from the quarantine it built: per file the
// rows read, loaded and quarantined with the top reasons (rule, column, example lines), every
// value of every coded column that no rule accepts (with counts and first lines), and a
// ready-to-paste `value_aliases` block guessing the closest code where a good guess exists.
// Printed by `validate`, and by `run` when it refuses. Private to the officer: it shows code
// values as written (never ids: only the coded columns of codes.ts are listed).
import type { Db } from "../core/db.ts";
import { textTable } from "../core/progress.ts";
import type { Programme } from "../core/programme.ts";
import { codedColumn, normalise, placeholder, suggestCode, type CodedColumn } from "./codes.ts";

export type Reason = {
  rule: string;
  column: string | null;
  rows: number;
  /** The first few lines (text-editor line or sheet row) holding it. */
  lines: number[];
};

export type FileReport = {
  dataset: string;
  file: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
  /** Where the rows came from: the sheet and header row, and what was passed over (ingest_files). */
  read_from: string;
  /** The most frequent reasons, most rows first (a row breaking two rules counts under both). */
  reasons: Reason[];
};

/** A column read from a guessed header (ingest's guess mode): its values are reported as such. */
export type HeaderGuess = { file: string; column: string; header: string };

export type UnknownValue = {
  dataset: string;
  file: string;
  column: string;
  /** As first written in the file (values differing only in case are one entry: aliases ignore case). */
  value: string;
  rows: number;
  lines: number[];
  /** The closest accepted code, or null when there is no good guess. */
  suggestion: string | null;
  /** The header the column was read from when it was a guess (not yet confirmed in settings), else null. */
  guessed_header: string | null;
};

export type AliasApplied = {
  dataset: string;
  file: string;
  column: string;
  raw_value: string;
  code: string;
  rows: number;
};

export interface ValidateReport {
  files: FileReport[];
  unknownValues: UnknownValue[];
  aliasesApplied: AliasApplied[];
  /** Set for an ntp folder only (whose code lists differ, programmes.md §2); absent means the 2009 programme. */
  programme?: Programme;
}

/** Rules that mean "a value the column does not accept" (as opposed to a missing or inconsistent one). */
const UNKNOWN_VALUE_RULES = ["bad_code", "bad_flag", "bad_result", "out_of_range"];
const TOP_REASONS = 5;
const EXAMPLE_LINES = 3;

export async function buildValidateReport(db: Db, guesses: readonly HeaderGuess[] = []): Promise<ValidateReport> {
  // The profile validate ran under (its ti_ntp() macro, defined on this connection).
  const ntp = (await db.one<{ ntp: boolean }>(`select coalesce((select ti_ntp()), false) as ntp`).catch(() => undefined))?.ntp === true;
  const programme: Programme | undefined = ntp ? "ntp" : undefined;
  const counts = await db.all<Omit<FileReport, "reasons" | "read_from"> & ReadFrom>(
    `select c.dataset, c.file, c.rows_read::INTEGER as rows_read, c.rows_loaded::INTEGER as rows_loaded,
       c.rows_quarantined::INTEGER as rows_quarantined, f.format, f.sheet, f.header_line::INTEGER as header_line, f.delimiter, f.skipped
     from validate_counts c left join ingest_files f using (dataset, file) order by c.dataset, c.file`,
  );
  const reasons = await db.all<Reason & { file: string }>(
    `select file, rule, "column", count(distinct line)::INTEGER as rows, list_sort(list(distinct line))[1:${EXAMPLE_LINES}] as lines
     from quarantine group by file, rule, "column" order by file, rows desc, rule, "column"`,
  );
  const files = counts.map(({ format, sheet, header_line, delimiter, skipped, ...f }) => ({
    ...f,
    read_from: readFrom({ format, sheet, header_line, delimiter, skipped }),
    reasons: reasons
      .filter((r) => r.file === f.file)
      .slice(0, TOP_REASONS)
      .map(({ rule, column, rows, lines }) => ({ rule, column, rows, lines: lines.map(Number) })),
  }));

  const candidates = await db.all<Omit<UnknownValue, "suggestion">>(
    `select dataset, file, "column", arg_min(value, line) as value, count(distinct line)::INTEGER as rows,
       list_sort(list(distinct line))[1:${EXAMPLE_LINES}] as lines
     from quarantine where rule in (${UNKNOWN_VALUE_RULES.map((r) => `'${r}'`).join(", ")}) and value is not null and "column" is not null
     group by dataset, file, "column", lower(value) order by dataset, "column", rows desc, lower(value)`,
  );
  const coded = candidates.flatMap((c) => {
    const col = codedColumn(c.dataset, c.column, programme);
    return col ? [{ ...c, lines: c.lines.map(Number), col }] : [];
  });
  const distance = await distances(
    db,
    coded.flatMap(({ value, col }) => (col.codes ?? []).map((code) => [normalise(value), normalise(code)] as const)),
  );
  const unknownValues = coded.map(({ col, ...c }) => ({
    ...c,
    suggestion: suggestCode(col, c.value, distance),
    guessed_header: guesses.find((g) => g.file === c.file && g.column === c.column)?.header ?? null,
  }));

  const aliasesApplied = await db.all<AliasApplied>(
    `select dataset, file, "column", raw_value, code, rows from value_aliases_applied order by dataset, "column", raw_value`,
  );
  return { files, unknownValues, aliasesApplied, ...(programme ? { programme } : {}) };
}

type ReadFrom = { format: string | null; sheet: string | null; header_line: number | null; delimiter: string | null; skipped: string | null };

const SEPARATORS: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** `sheet "Census Spring 2010", header row 4; passed over rows 1-3 above the header; ...` */
export function readFrom(f: ReadFrom): string {
  const where =
    f.format === "xlsx"
      ? `sheet "${f.sheet}", header row ${f.header_line}`
      : `header line ${f.header_line}${f.delimiter && f.delimiter !== "," ? `, ${SEPARATORS[f.delimiter] ?? JSON.stringify(f.delimiter)}-separated` : ""}`;
  return `${where}${f.skipped ? `; passed over ${f.skipped}` : "; nothing passed over"}`;
}

/** Edit distances by DuckDB's levenshtein, for the handful of (value, code) pairs a report needs. */
async function distances(db: Db, pairs: (readonly [string, string])[]): Promise<(a: string, b: string) => number> {
  const known = new Map<string, number>();
  if (pairs.length) {
    const rows = await db.all<{ a: string; b: string; d: number }>(
      `select a, b, levenshtein(a, b)::INTEGER as d from (select unnest(from_json(?, '["VARCHAR"]')) as a, unnest(from_json(?, '["VARCHAR"]')) as b)`,
      [JSON.stringify(pairs.map((p) => p[0])), JSON.stringify(pairs.map((p) => p[1]))],
    );
    for (const r of rows) known.set(`${r.a}\u0000${r.b}`, r.d);
  }
  return (a, b) => known.get(`${a}\u0000${b}`) ?? Number.POSITIVE_INFINITY;
}

/** { dataset: { column: { value: code or placeholder } } }: the block to paste under "value_aliases". */
export function valueAliasesBlock(unknown: UnknownValue[], programme?: Programme): Record<string, Record<string, Record<string, string>>> {
  const block: Record<string, Record<string, Record<string, string>>> = {};
  for (const u of unknown) {
    const col = codedColumn(u.dataset, u.column, programme) as CodedColumn;
    ((block[u.dataset] ??= {})[u.column] ??= {})[u.value] = u.suggestion ?? placeholder(col);
  }
  return block;
}

const lineList = (lines: number[], rows: number) => `line${lines.length > 1 ? "s" : ""} ${lines.join(", ")}${rows > lines.length ? ", ..." : ""}`;
const reasonText = (r: Reason) => `${r.rule}${r.column ? ` in ${r.column}` : ""}: ${r.rows} row${r.rows === 1 ? "" : "s"} (${lineList(r.lines, r.rows)})`;

/** "38 of 248 rows (15.3%)": the share to one decimal, never rounded to a misleading 0.0% or 100.0%. */
export function shareText(part: number, whole: number): string {
  const pct = whole === 0 ? 0 : (100 * part) / whole;
  const shown = pct > 0 && pct < 0.1 ? "<0.1" : pct < 100 && pct > 99.9 ? ">99.9" : pct.toFixed(1);
  return `${part} of ${whole} rows (${shown}%)`;
}

export function formatReasons(file: FileReport): string {
  return file.reasons.map(reasonText).join("; ");
}

/** Rows per file, then each file's top quarantine reasons. */
export function formatFiles(report: ValidateReport): string {
  const table = textTable(
    report.files.map((f) => ({
      dataset: f.dataset,
      file: f.file,
      rows_read: f.rows_read,
      rows_loaded: f.rows_loaded,
      rows_quarantined: f.rows_quarantined,
      share: f.rows_read ? `${((100 * f.rows_quarantined) / f.rows_read).toFixed(1)}%` : "-",
    })),
  );
  // Which sheet and header row each file was read from, and what around the table was not counted.
  const readFromLines = `\n\nWhere each file's rows were read from (and what was passed over, never counted as rows)\n${report.files.map((f) => `  ${f.file}: ${f.read_from}`).join("\n")}`;
  const held = report.files.filter((f) => f.reasons.length);
  const reasons = held.length
    ? `\n\nTop quarantine reasons per file (rule in column: rows, example lines)\n${held.map((f) => `  ${f.file}\n${f.reasons.map((r) => `    ${reasonText(r)}`).join("\n")}`).join("\n")}`
    : "";
  return `Rows per input file\n${table}${readFromLines}${reasons}`;
}

/** Every unknown coded value, then the value_aliases block to paste; "" when there is none. */
export function formatUnknownValues(report: ValidateReport): string {
  if (report.unknownValues.length === 0) return "";
  // Values of a column read from a guessed header are shown with that header: the guess is not yet confirmed.
  const anyGuessed = report.unknownValues.some((u) => u.guessed_header !== null);
  const rows = report.unknownValues.map((u) => ({
    file: u.file,
    column: u.column,
    ...(anyGuessed ? { read_from_header: u.guessed_header === null ? "" : `${JSON.stringify(u.guessed_header)} (guessed)` } : {}),
    value: JSON.stringify(u.value),
    rows: u.rows,
    first_lines: u.lines.join(", "),
    closest_code: u.suggestion ?? "(no good guess)",
  }));
  const block = JSON.stringify({ value_aliases: valueAliasesBlock(report.unknownValues, report.programme) }, null, 2)
    .split("\n")
    .slice(1, -1)
    .join("\n");
  return [
    `Values no rule accepts, in every coded column of every file (${report.unknownValues.length})`,
    textTable(rows),
    ...(anyGuessed ? ["(guessed): the column was read from the header guessed for it above, not yet in settings.json; check that guess too."] : []),
    "",
    "To read them as codes, add this to settings.json (merged with any value_aliases already there);",
    "check each guess, and replace each <...> with the code it means, or fix the value in the file:",
    block,
  ].join("\n");
}

/** The aliases of settings.json and how many rows each matched; "" when there are none. */
export function formatAliasesApplied(report: ValidateReport): string {
  if (report.aliasesApplied.length === 0) return "";
  return `Values read through value_aliases\n${textTable(report.aliasesApplied.map((a) => ({ ...a, raw_value: JSON.stringify(a.raw_value) })))}`;
}
