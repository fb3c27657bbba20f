// The first records of a CSV file, read before the full scan: the header has to be found
// (title rows may come first) and the separator chosen before fields can be counted.
// Records are split as csv-scan.ts splits them: at line ends outside quotes; a line holding
// only a line ending is no record (DuckDB's reader skips it too).
import { closeSync, openSync, readSync } from "node:fs";

const NL = 0x0a,
  CR = 0x0d,
  QUOTE = 0x22;

export interface HeadRecord {
  /** 0-based among the file's records (blank lines are not records). */
  index: number;
  /** Line on which it starts. */
  line: number;
  bytes: Buffer;
}

/** Bytes that are no value in any separator we read: space, tab, CR, quote, `,`, `;`, no-break space. */
const NO_VALUE = new Set([0x20, 0x09, 0x0d, 0x22, 0x2c, 0x3b, 0xa0, 0xc2]);

/**
 * Records from the top of the file until `max` of them hold a value (blank ones, such as a
 * line of separators, come along but do not count), reading at most `maxBytes`.
 */
export function readHead(path: string, max: number, maxBytes = 4 << 20): HeadRecord[] {
  const fd = openSync(path, "r");
  let buf: Buffer;
  try {
    buf = Buffer.alloc(maxBytes);
    buf = buf.subarray(0, readSync(fd, buf, 0, maxBytes, 0));
  } finally {
    closeSync(fd);
  }
  let start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const out: HeadRecord[] = [];
  let line = 1,
    startLine = 1,
    inQuote = false,
    content = false,
    value = false,
    valued = 0;
  for (let i = start; i < buf.length && valued < max; i++) {
    const b = buf[i];
    if (b === QUOTE) inQuote = !inQuote;
    if (b === NL) {
      line++;
      if (inQuote) continue;
      if (content) out.push({ index: out.length, line: startLine, bytes: buf.subarray(start, i) });
      if (value) valued++;
      start = i + 1;
      startLine = line;
      content = value = false;
      continue;
    }
    if (b !== CR) content = true;
    if (!value && !NO_VALUE.has(b)) value = true;
  }
  // The last record, if the file ends without a line ending (and was read whole).
  if (content && valued < max && !inQuote && buf.length < maxBytes) out.push({ index: out.length, line: startLine, bytes: buf.subarray(start) });
  return out;
}
