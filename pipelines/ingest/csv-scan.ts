// One streaming pass over a CSV file, in bounded memory, before DuckDB reads it: we need
// facts DuckDB's reader does not give back — the SHA-256, whether the bytes are UTF-8,
// the header as written, how many records there are (to reconcile DuckDB's count) and on
// which line each record starts (quoted fields may hold newlines, blank lines count).
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync, writeSync } from "node:fs";
import { isUtf8 } from "node:buffer";

const NL = 0x0a,
  CR = 0x0d,
  QUOTE = 0x22,
  COMMA = 0x2c,
  SPACE = 0x20,
  TAB = 0x09,
  NBSP = 0xa0,
  NBSP_LEAD = 0xc2;

/** How many of the last records are kept (by position) for footer detection. */
const TAIL = 8;

export interface CsvScan {
  bytes: number;
  sha256: string;
  /** false as soon as a byte sequence is not valid UTF-8 (then we read it as Windows-1252). */
  utf8: boolean;
  bom: boolean;
  /** A NUL byte: a binary file (spreadsheet, zip, UTF-16) saved under a .csv name. */
  binary: boolean;
  /** Line (1-based) on which the header record starts; 0 if the file has no such record. */
  headerLine: number;
  /** The header record's raw bytes (without line ending). */
  headerBytes: Buffer;
  /** Data records after the header, counted as DuckDB counts them (a line holding only a line ending is no record). */
  records: number;
  /** Of those, records with a value: not only separators, spaces, quotes and line ends (blank records are not rows). */
  valueRecords: number;
  /** The last records (at most TAIL), for footer detection: raw bytes, line, record number, blank line before. */
  tail: { record: number; line: number; bytes: Buffer; blankBefore: boolean; blank: boolean }[];
  minFields: number;
  maxFields: number;
  /** Some quoted field spans lines. */
  quotedNewlines: boolean;
  /** A quote is still open at the end of the file. */
  unterminatedQuote: boolean;
  /** Line of the last opening quote (names the culprit when one is never closed). */
  quoteOpenLine: number;
  /** Number of (record, offset) pairs written to the line-index file. */
  breakpoints: number;
  /** Bytes in the longest record (header included): DuckDB must be told to accept it. */
  longestRecord: number;
  /** Records ended by CRLF and by a bare LF: a file hand-edited on two systems has both. */
  crlfEnds: number;
  lfEnds: number;
}

/**
 * Scans `path`. Where a data record's line stops being `record + 1` (header on line 1),
 * writes `record,offset` to `lineIndexPath` (CSV, no header): record n starts on line
 * n + 1 + offset of the last pair with record ≤ n. Usually only a handful of pairs.
 * `checkUtf8` false skips the UTF-8 test (the file was converted by us).
 */
export async function scanCsv(
  path: string,
  lineIndexPath: string,
  onBytes?: (done: number) => void,
  checkUtf8 = true,
  /** The separator byte (`,` unless the file was found to use `;` or tab). */
  delimiter = COMMA,
  /** Records above the header (title rows found by header-row.ts), skipped. */
  headerRecord = 0,
): Promise<CsvScan> {
  const hash = createHash("sha256");
  const out = openSync(lineIndexPath, "w");
  let pending = "";
  const emit = (record: number, offset: number) => {
    pending += `${record},${offset}\n`;
    scan.breakpoints++;
    if (pending.length > 1 << 16) {
      writeSync(out, pending);
      pending = "";
    }
  };

  const scan: CsvScan = {
    bytes: 0,
    sha256: "",
    utf8: true,
    bom: false,
    binary: false,
    headerLine: 0,
    headerBytes: Buffer.alloc(0),
    records: 0,
    valueRecords: 0,
    tail: [],
    minFields: Infinity,
    maxFields: 0,
    quotedNewlines: false,
    unterminatedQuote: false,
    quoteOpenLine: 0,
    breakpoints: 0,
    longestRecord: 0,
    crlfEnds: 0,
    lfEnds: 0,
  };
  let carry: Buffer | null = null; // incomplete UTF-8 sequence at a chunk's end
  let line = 1; // line of the current byte
  let inQuote = false;
  let recordStartLine = 1;
  let hasContent = false; // current record has a byte other than CR
  let fields = 1;
  let hasValue = false; // current record has a byte that is not a separator, space, quote or line end
  let lastOffset = Number.NaN;
  let first = true;
  let recordStartByte = 0; // file offset of the current record's first byte
  let previous = -1; // the byte before the current one (across chunks)
  let skipped = 0; // records above the header passed over so far
  let headerStart = -1,
    headerEnd = -1;
  // The last TAIL data records, by position in a ring (no object per record on a big file).
  const tailStart = new Float64Array(TAIL),
    tailEnd = new Float64Array(TAIL),
    tailLine = new Float64Array(TAIL);
  const tailFlags = new Uint8Array(TAIL); // 1: blank line(s) before it; 2: no value
  let previousEndLine = 0,
    previousBlank = false;

  const endRecord = (endByte: number) => {
    if (!hasContent) return;
    if (scan.headerLine === 0) {
      if (skipped < headerRecord) {
        skipped++;
        return;
      }
      scan.headerLine = recordStartLine;
      headerStart = recordStartByte;
      headerEnd = endByte;
    } else {
      scan.records++;
      if (hasValue) scan.valueRecords++;
      if (fields < scan.minFields) scan.minFields = fields;
      if (fields > scan.maxFields) scan.maxFields = fields;
      const offset = recordStartLine - (scan.records + 1);
      if (offset !== lastOffset) {
        emit(scan.records, offset);
        lastOffset = offset;
      }
      const slot = scan.records % TAIL;
      tailStart[slot] = recordStartByte;
      tailEnd[slot] = endByte;
      tailLine[slot] = recordStartLine;
      tailFlags[slot] = (recordStartLine > previousEndLine + 1 || previousBlank ? 1 : 0) | (hasValue ? 0 : 2);
    }
    previousEndLine = line;
    previousBlank = !hasValue;
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    let start = 0;
    if (first) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        scan.bom = true;
        start = 3;
        recordStartByte = 3;
      }
    }
    if (checkUtf8 && scan.utf8) scan.utf8 = utf8Chunk(chunk, carry, (rest) => (carry = rest));
    if (chunk.indexOf(0) !== -1) scan.binary = true;

    // The next line end and quote at or after i (chunk.length: none left in this chunk).
    let nextNl = -1,
      nextQuote = -1;
    for (let i = start; i < chunk.length; i++) {
      if (!inQuote) {
        // Outside quotes, the bytes up to the next line end or quote only count separators and
        // say whether the record has content and a value: a run of them is taken in a tighter
        // loop (native indexOf finds its end), the byte-by-byte code below giving the same
        // answer more slowly; it was most of the scan of a big file (issue 18).
        if (nextNl < i) nextNl = indexIn(chunk, NL, i);
        if (nextQuote < i) nextQuote = indexIn(chunk, QUOTE, i);
        const end = Math.min(nextNl, nextQuote);
        if (end > i) {
          let j = i;
          // bytes before the first value byte: only spaces, tabs, CRs, NBSPs or separators
          for (; !hasValue && j < end; j++) {
            const b = chunk[j];
            if (b === delimiter) fields++;
            else if (b !== SPACE && b !== TAB && b !== CR && b !== NBSP && b !== NBSP_LEAD) hasValue = true;
            if (b !== CR) hasContent = true;
          }
          for (; j < end; j++) if (chunk[j] === delimiter) fields++;
          previous = chunk[end - 1];
          i = end;
          if (i === chunk.length) break;
        }
      }
      const b = chunk[i];
      if (b === NL) {
        if (inQuote) {
          scan.quotedNewlines = true;
          line++;
          previous = b;
          continue;
        }
        const at = scan.bytes + i;
        if (at - recordStartByte > scan.longestRecord) scan.longestRecord = at - recordStartByte;
        if (hasContent) {
          if (previous === CR) scan.crlfEnds++;
          else scan.lfEnds++;
        }
        endRecord(at);
        recordStartByte = at + 1;
        line++;
        recordStartLine = line;
        hasContent = false;
        hasValue = false;
        fields = 1;
        previous = b;
        continue;
      }
      if (b === QUOTE) {
        inQuote = !inQuote;
        if (inQuote) scan.quoteOpenLine = line;
      } else if (b === delimiter && !inQuote) fields++;
      else if (!hasValue && b !== SPACE && b !== TAB && b !== CR && b !== NBSP && b !== NBSP_LEAD) hasValue = true;
      if (b !== CR) hasContent = true;
      previous = b;
    }
    scan.bytes += chunk.length;
    onBytes?.(scan.bytes);
  }
  if (checkUtf8 && carry) scan.utf8 = false; // file ends inside a multi-byte sequence
  if (scan.bytes - recordStartByte > scan.longestRecord) scan.longestRecord = scan.bytes - recordStartByte;
  endRecord(scan.bytes);
  scan.unterminatedQuote = inQuote;
  if (pending) writeSync(out, pending);
  closeSync(out);
  if (scan.records === 0) scan.minFields = 0;
  scan.sha256 = hash.digest("hex");
  // The header and the last records are read back by position: cheaper than copying every record's bytes.
  const fd = openSync(path, "r");
  try {
    const bytesAt = (from: number, to: number) => {
      const buf = Buffer.alloc(Math.min(to - from, 1 << 20));
      return buf.subarray(0, readSync(fd, buf, 0, buf.length, from));
    };
    const noCr = (b: Buffer) => (b.length && b[b.length - 1] === CR ? b.subarray(0, b.length - 1) : b);
    if (headerStart >= 0) scan.headerBytes = noCr(bytesAt(headerStart, headerEnd));
    for (let r = Math.max(1, scan.records - TAIL + 1); r <= scan.records; r++) {
      const slot = r % TAIL;
      scan.tail.push({
        record: r,
        line: tailLine[slot],
        bytes: noCr(bytesAt(tailStart[slot], tailEnd[slot])),
        blankBefore: (tailFlags[slot] & 1) === 1,
        blank: (tailFlags[slot] & 2) === 2,
      });
    }
  } finally {
    closeSync(fd);
  }
  return scan;
}

/** Where `byte` next occurs in `chunk` from `from` on; chunk.length if it does not. */
function indexIn(chunk: Buffer, byte: number, from: number): number {
  const at = chunk.indexOf(byte, from);
  return at < 0 ? chunk.length : at;
}

/** Checks one chunk is valid UTF-8, carrying an incomplete trailing sequence to the next chunk. */
function utf8Chunk(chunk: Buffer, carry: Buffer | null, setCarry: (rest: Buffer | null) => void): boolean {
  const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
  // Find where a multi-byte sequence starts in the last 3 bytes and is not complete.
  let cut = buf.length;
  for (let k = 1; k <= Math.min(3, buf.length); k++) {
    const b = buf[buf.length - k];
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > k) cut = buf.length - k;
    break;
  }
  setCarry(cut < buf.length ? Buffer.from(buf.subarray(cut)) : null);
  return isUtf8(buf.subarray(0, cut));
}

/** Splits one CSV record (the header) into fields: RFC 4180 quoting, `""` inside quotes. */
export function splitCsvRecord(text: string, delimiter = ","): string[] {
  const out: string[] = [];
  let field = "";
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuote = false;
      } else field += ch;
    } else if (ch === '"') inQuote = true;
    else if (ch === delimiter) {
      out.push(field);
      field = "";
    } else if (ch !== "\r") field += ch;
  }
  out.push(field);
  return out;
}
