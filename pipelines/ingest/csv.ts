// Reads one CSV file into raw_<dataset>. We work out the encoding, header and line
// numbers ourselves (csv-scan.ts) and let DuckDB's reader do the bulk parsing with
// everything pinned (no sniffing), then check that both agree on the number of records.
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { join } from "node:path";
import iconv from "iconv-lite";
import { ident, literal, type Db } from "../core/db.ts";
import { scanCsv, splitCsvRecord } from "./csv-scan.ts";
import type { Dataset } from "./datasets.ts";
import { InputError } from "./errors.ts";
import { mapHeaders } from "./headers.ts";
import { createRawTable, type LineNumbers } from "./raw.ts";

export interface FileRead {
  encoding: string;
  bytes: number;
  sha256: string;
  rows_read: number;
  extra_columns: string[];
}

export async function readCsvFile(
  db: Db,
  dataset: Dataset,
  path: string,
  file: string,
  tmp: string,
  aliases: Record<string, Record<string, string[]>>,
  onBytes?: (done: number) => void,
): Promise<FileRead> {
  const index = join(tmp, `${dataset}.lines.csv`);
  const scan = await scanCsv(path, index, onBytes);
  if (scan.binary)
    throw new InputError(file, "is not a CSV text file (it holds binary data: perhaps a workbook or a UTF-16 export). Save it as \"CSV UTF-8\" or as an .xlsx workbook.");
  if (scan.headerLine === 0) throw new InputError(file, "is empty: it has no header line and no rows.");
  if (scan.unterminatedQuote)
    throw new InputError(file, `a quoted value opened on line ${scan.quoteOpenLine} is never closed (an odd number of " characters). Fix the quotes on that line.`);

  // Windows-1252 is the only other encoding Excel on Windows writes for "CSV"; every byte is
  // defined in it, so a file that is not UTF-8 is read as 1252 rather than refused.
  let readPath = path;
  let encoding = scan.bom ? "utf-8-bom" : "utf-8";
  let headerText: string;
  if (!scan.utf8) {
    encoding = "windows-1252";
    readPath = join(tmp, `${dataset}.utf8.csv`);
    await pipeline(createReadStream(path), iconv.decodeStream("win1252"), iconv.encodeStream("utf8"), createWriteStream(readPath));
    headerText = iconv.decode(scan.headerBytes, "win1252");
  } else headerText = scan.headerBytes.toString("utf8");

  const header = splitCsvRecord(headerText);
  const { fields, extra } = mapHeaders(dataset, file, header, aliases);
  const width = Math.max(header.length, scan.maxFields);
  const names = Array.from({ length: width }, (_, i) => `f${i}`);
  const columns = names.map((_, i) => (i < fields.length ? fields[i] : null));

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
  const source = `read_csv(${literal(readPath)}, header = true, skip = ${scan.headerLine - 1}, columns = ${spec},
        delim = ',', quote = '"', escape = '"', auto_detect = false, strict_mode = ${strict}, max_line_size = ${maxLineSize},
        null_padding = ${nullPadding}, parallel = ${!(nullPadding && scan.quotedNewlines)}) s`;

  // Record n starts on line n + 1 + offset, the offset changing only after blank lines or
  // quoted newlines. Few changes (the usual case) become a CASE expression; many, an ASOF join.
  const layout = { names, columns, headerWidth: header.length };
  let lines: LineNumbers;
  if (scan.breakpoints <= 64) {
    const points = scan.breakpoints ? readFileSync(index, "utf8").trim().split("\n").map((l) => l.split(",").map(Number)) : [];
    lines = {
      offset: (record) => points.length <= 1
        ? String(points[0]?.[1] ?? 0)
        : `case ${[...points].reverse().map(([rec, off]) => `when ${record} >= ${rec} then ${off}`).join(" ")} end`,
    };
  } else {
    const table = ident(`_lines_${dataset}`);
    await db.run(`create or replace temp table ${table} as
      select * from read_csv(${literal(index)}, header = false, columns = {'rec': 'BIGINT', 'off': 'BIGINT'}, auto_detect = false)`);
    lines = { offsets: table };
  }
  try {
    await createRawTable(db, dataset, file, source, lines, layout);
  } catch (e) {
    throw new InputError(file, `could not be read as CSV: ${firstLine((e as Error).message)}`);
  }
  // The base table holds every record DuckDB read, blank ones included: compare with our count.
  const got = Number((await db.one<{ n: number }>(`select count(*) as n from ${ident(`_src_${dataset}`)}`))!.n);
  if (got !== scan.records)
    throw new InputError(file, `DuckDB read ${got} records but the file has ${scan.records}; the quoting is probably irregular. Re-save the file from Excel as CSV and try again.`);
  const rows = Number((await db.one<{ n: number }>(`select count(*) as n from ${ident(`raw_${dataset}`)}`))!.n);
  return { encoding, bytes: scan.bytes, sha256: scan.sha256, rows_read: rows, extra_columns: extra };
}

function firstLine(message: string): string {
  const text = message.split("\n").slice(0, 2).join(" ").trim();
  return text.length > 300 ? `${text.slice(0, 300)}...` : text; // DuckDB quotes the whole offending line
}
