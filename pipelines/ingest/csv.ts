// Reads one CSV file into raw_<dataset>. We work out the encoding, header and line
// numbers ourselves (csv-scan.ts) and let DuckDB's reader do the bulk parsing with
// everything pinned (no sniffing), then check that both agree on the number of records.
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, openSync, readFileSync, readSync, statSync } from "node:fs";
import { isUtf8 } from "node:buffer";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import iconv from "iconv-lite";
import { ident, literal, type Db } from "../core/db.ts";
import { scanCsv, splitCsvRecord } from "./csv-scan.ts";
import type { Dataset } from "./datasets.ts";
import { DEFAULT_PROGRAMME, type Programme } from "../core/programme.ts";
import { InputError } from "./errors.ts";
import { footerRecords, describeFooter } from "./footer.ts";
import { readHead } from "./csv-head.ts";
import { compareScores, findHeaderRow, HEADER_SEARCH_ROWS } from "./header-row.ts";
import { guessHeaders, headerLookup, mapHeaders, type HeaderAliases, type HeaderProblemError } from "./headers.ts";
import { createRawTable, type LineNumbers, type SourceLayout } from "./raw.ts";

export interface FileRead {
  encoding: string;
  bytes: number;
  sha256: string;
  rows_read: number;
  extra_columns: string[];
  /** The sheet read (workbooks only). */
  sheet: string | null;
  /** The separator of a CSV file: `,`, `;` or a tab. */
  delimiter: string | null;
  /** Line (sheet row) of the header. */
  header_line: number;
  /** What was passed over around the table, for the report; null if nothing. */
  skipped: string | null;
  /** Read with guessed headers (ingest's guess mode): the header's problem, still to be refused. */
  headerProblem?: HeaderProblemError | null;
  /** The columns read from a guessed header: column → header. */
  guessed?: Record<string, string>;
}

/** Separators we read, in order of preference when two fit the header equally. */
const DELIMITERS = [",", ";", "\t"] as const;

/**
 * What reading a CSV file needs before DuckDB sees it, all worked out in JavaScript: its encoding
 * (a converted copy where it is not UTF-8), header row, separator and columns, and the record scan
 * (counts, hash, line numbers). No database: ingest prepares the next file while DuckDB loads this
 * one (index.ts).
 */
export interface PreparedCsv {
  dataset: Dataset;
  file: string;
  /** The whole read but DuckDB's count, which loadCsvFile fills in. */
  read: Omit<FileRead, "rows_read">;
  /** read_csv over the UTF-8 text, its fields named f0, f1, ... */
  relation: string;
  layout: SourceLayout;
  /** The line-number breakpoints (record, offset) when few, else the path of their index file. */
  points: number[][] | { index: string };
  records: number;
  valueRecords: number;
  footerRecords: number;
}

/** The JavaScript half of reading a CSV file (see PreparedCsv); loadCsvFile is the DuckDB half. */
export async function prepareCsvFile(
  dataset: Dataset,
  path: string,
  file: string,
  tmp: string,
  aliases: HeaderAliases,
  onBytes?: (done: number) => void,
  /** Read on with the closest header for each missing column instead of throwing (ingest.ts). */
  guess = false,
  /** The programme profile: which columns the file is read for (programmes.md §2). */
  programme: Programme = DEFAULT_PROGRAMME,
): Promise<PreparedCsv> {
  // UTF-16 ("Unicode text" in Excel) is converted to UTF-8 first; the hash is of the file as given.
  const utf16 = utf16Kind(path);
  let source = path;
  let originalHash: string | null = null;
  if (utf16) {
    source = join(tmp, `${dataset}.from-utf16.csv`);
    await pipeline(createReadStream(path), iconv.decodeStream(utf16), iconv.encodeStream("utf8"), createWriteStream(source));
    originalHash = await hashFile(path);
  }

  const head = readHead(source, HEADER_SEARCH_ROWS);
  if (head.some((r) => r.bytes.includes(0)))
    throw new InputError(
      file,
      looksLikeUtf16WithoutBom(head[0].bytes)
        ? 'is UTF-16 text without a byte-order mark, which cannot be read reliably. Save it from Excel as "CSV UTF-8 (Comma delimited)".'
        : 'is not a CSV text file (it holds binary data: perhaps a workbook or a UTF-16 export). Save it as "CSV UTF-8" or as an .xlsx workbook.',
    );
  const headText = (bytes: Buffer) => (isUtf8(bytes) ? bytes.toString("utf8") : iconv.decode(bytes, "win1252"));
  // Candidates for the header: the first non-blank records (a record of separators only is blank).
  const candidates = head
    .map((r) => ({ ...r, text: headText(r.bytes) }))
    .filter((r) => /[^\s,;"\u00a0]/.test(r.text))
    .slice(0, HEADER_SEARCH_ROWS);
  if (candidates.length === 0)
    throw new InputError(
      file,
      head.length
        ? "is empty: every line is blank (spaces or separators only), so it has no header and no rows."
        : "is empty: it has no header line and no rows.",
    );

  // The separator and the header row together: whichever split names the most columns.
  const lookup = headerLookup(dataset, file, aliases, programme);
  let choice = { delimiter: ",", index: 0, score: { exact: -1, near: -1, cells: -1 } };
  for (const delimiter of DELIMITERS) {
    const found = findHeaderRow(
      dataset,
      lookup,
      candidates.map((c) => splitCsvRecord(c.text, delimiter)),
      aliases,
      programme,
    );
    if (compareScores(found.score, choice.score) < 0) choice = { delimiter, ...found };
  }
  const headerRecord = candidates[choice.index].index;
  // DuckDB's `skip` counts lines, but a record whose quoted value spans lines counts once.
  const spanned = head.slice(0, headerRecord).reduce((n, r) => n + r.bytes.filter((b) => b === 0x0a).length, 0);

  const index = join(tmp, `${dataset}.lines.csv`);
  const scan = await scanCsv(source, index, onBytes, true, choice.delimiter.charCodeAt(0), headerRecord);
  if (scan.binary)
    throw new InputError(
      file,
      'is not a CSV text file (it holds binary data: perhaps a workbook or a UTF-16 export). Save it as "CSV UTF-8" or as an .xlsx workbook.',
    );
  if (scan.headerLine === 0) throw new InputError(file, "is empty: it has no header line and no rows.");
  if (scan.unterminatedQuote)
    throw new InputError(
      file,
      `a quoted value opened on line ${scan.quoteOpenLine} is never closed (an odd number of " characters). Fix the quotes on that line.`,
    );

  // Windows-1252 is the only other encoding Excel on Windows writes for "CSV"; every byte is
  // defined in it, so a file that is not UTF-8 is read as 1252 rather than refused.
  let readPath = source;
  let encoding = utf16 ? (utf16 === "utf16le" ? "utf-16le" : "utf-16be") : scan.bom ? "utf-8-bom" : "utf-8";
  const decode = (bytes: Buffer) => (scan.utf8 ? bytes.toString("utf8") : iconv.decode(bytes, "win1252"));
  if (!scan.utf8) {
    encoding = "windows-1252";
    readPath = join(tmp, `${dataset}.utf8.csv`);
    await pipeline(createReadStream(source), iconv.decodeStream("win1252"), iconv.encodeStream("utf8"), createWriteStream(readPath));
  }
  const headerText = decode(scan.headerBytes);

  const header = splitCsvRecord(headerText, choice.delimiter);
  const where = `line ${scan.headerLine}`;
  const { fields, extra, problem, guessed } = guess
    ? guessHeaders(dataset, file, header, aliases, where, programme)
    : { ...mapHeaders(dataset, file, header, aliases, where, programme), problem: null, guessed: {} };
  const width = Math.max(header.length, scan.maxFields);
  const names = Array.from({ length: width }, (_, i) => `f${i}`);
  const columns = names.map((_, i) => (i < fields.length ? fields[i] : null));

  const footer = footerRecords(scan.tail.map((t) => ({ ...t, cells: t.blank ? [] : splitCsvRecord(decode(t.bytes), choice.delimiter) })));
  const skipped =
    [
      scan.headerLine > 1 ? `line${scan.headerLine > 2 ? `s 1-${scan.headerLine - 1}` : " 1"} above the header` : "",
      footer.length ? `${describeFooter(footer, "line")} after the table` : "",
    ]
      .filter(Boolean)
      .join("; ") || null;

  // DuckDB skips lines holding only a line ending, as our scan does; `skip` passes over
  // blank lines above the header so `header=true` lands on the header itself.
  const nullPadding = scan.minFields < width;
  // Strict mode refuses a file whose lines end both in CRLF and in LF (hand-edited on two
  // systems); our scan has already checked the quoting, and the record counts are compared below.
  const strict = !(scan.crlfEnds > 0 && scan.lfEnds > 0);
  // DuckDB refuses lines over 2 MB unless told; a long free-text comment is still a row.
  // (A Windows-1252 byte may take 3 bytes once converted to UTF-8.)
  const maxLineSize = Math.max(2 << 20, scan.longestRecord * (scan.utf8 ? 1 : 3) + 1024);
  const spec = `{${names.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}}`;
  const relation = `read_csv(${literal(readPath)}, header = true, skip = ${scan.headerLine - 1 - spanned}, columns = ${spec},
        delim = ${literal(choice.delimiter)}, quote = '"', escape = '"', auto_detect = false, strict_mode = ${strict}, max_line_size = ${maxLineSize},
        null_padding = ${nullPadding}, parallel = ${!(nullPadding && scan.quotedNewlines)}) s`;

  const layout = { names, columns, headerWidth: header.length, dataRecords: footer.length ? footer[0].record - 1 : undefined };
  const points =
    scan.breakpoints > 64
      ? { index }
      : scan.breakpoints
        ? readFileSync(index, "utf8")
            .trim()
            .split("\n")
            .map((l) => l.split(",").map(Number))
        : [];
  return {
    dataset,
    file,
    read: {
      encoding,
      bytes: utf16 ? statSync(path).size : scan.bytes,
      sha256: originalHash ?? scan.sha256,
      extra_columns: extra,
      sheet: null,
      delimiter: choice.delimiter,
      header_line: scan.headerLine,
      skipped,
      headerProblem: problem,
      guessed,
    },
    relation,
    layout,
    points,
    records: scan.records,
    valueRecords: scan.valueRecords,
    footerRecords: footer.length,
  };
}

/** The DuckDB half of reading a CSV file: raw_<dataset> from a prepared file, its records counted against the scan's. */
export async function loadCsvFile(db: Db, prepared: PreparedCsv): Promise<FileRead> {
  const { dataset, file, points } = prepared;
  // Record n starts on line n + 1 + offset, the offset changing only after blank lines or
  // quoted newlines. Few changes (the usual case) become a CASE expression; many, an ASOF join.
  let lines: LineNumbers;
  if (Array.isArray(points)) {
    lines = {
      offset: (record) =>
        points.length <= 1
          ? String(points[0]?.[1] ?? 0)
          : `case ${[...points]
              .reverse()
              .map(([rec, off]) => `when ${record} >= ${rec} then ${off}`)
              .join(" ")} end`,
    };
  } else {
    const table = ident(`_lines_${dataset}`);
    await db.run(`create or replace temp table ${table} as
      select * from read_csv(${literal(points.index)}, header = false, columns = {'rec': 'BIGINT', 'off': 'BIGINT'}, auto_detect = false)`);
    lines = { offsets: table };
  }
  try {
    await createRawTable(db, dataset, file, prepared.relation, lines, prepared.layout);
  } catch (e) {
    throw new InputError(file, `could not be read as CSV: ${firstLine((e as Error).message)}`);
  }
  // The base table holds every record DuckDB read, blank ones included: compare with our count.
  const got = Number((await db.one<{ n: number }>(`select count(*) as n from ${ident(`_src_${dataset}`)}`))!.n);
  if (got !== prepared.records)
    throw new InputError(
      file,
      `DuckDB read ${got} records but the file has ${prepared.records}; the quoting is probably irregular. Re-save the file from Excel as CSV and try again.`,
    );
  const rows = Number((await db.one<{ n: number }>(`select count(*) as n from ${ident(`raw_${dataset}`)}`))!.n);
  // Rows are the records with a value, less the footer: counted by our scan, independently of DuckDB.
  const expected = prepared.valueRecords - prepared.footerRecords;
  if (rows !== expected)
    throw new Error(
      `${file}: ${rows} rows read but the file has ${expected} records with values after the header; this is a bug in the pipeline, please report it.`,
    );
  return { ...prepared.read, rows_read: rows };
}

/** "utf16le" or "utf16be" when the file starts with that byte-order mark. */
function utf16Kind(path: string): "utf16le" | "utf16be" | null {
  const fd = openSync(path, "r");
  try {
    const b = Buffer.alloc(2);
    const n = readSync(fd, b, 0, 2, 0);
    if (n < 2) return null;
    return b[0] === 0xff && b[1] === 0xfe ? "utf16le" : b[0] === 0xfe && b[1] === 0xff ? "utf16be" : null;
  } finally {
    closeSync(fd);
  }
}

/** Text as UTF-16 without a BOM: a NUL in every other byte of a line. */
function looksLikeUtf16WithoutBom(bytes: Buffer): boolean {
  let even = 0,
    odd = 0;
  for (let i = 0; i < Math.min(bytes.length, 512); i++) if (bytes[i] === 0) i % 2 ? odd++ : even++;
  const half = Math.min(bytes.length, 512) / 2;
  return half >= 4 && (even >= half * 0.8 || odd >= half * 0.8);
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function firstLine(message: string): string {
  const text = message.split("\n").slice(0, 2).join(" ").trim();
  return text.length > 300 ? `${text.slice(0, 300)}...` : text; // DuckDB quotes the whole offending line
}
