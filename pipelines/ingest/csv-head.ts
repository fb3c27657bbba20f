// The first records of a CSV file, read before the full scan: the header has to be found
// (title rows may come first) and the separator chosen before fields can be counted.
// Records are split as csv-scan.ts splits them: at line ends outside quotes; a line holding
// only a line ending is no record (DuckDB's reader skips it too).
import { closeSync, openSync, readSync } from "node:fs";

const NL = 0x0a, CR = 0x0d, QUOTE = 0x22;

export interface HeadRecord {
  /** 0-based among the file's records (blank lines are not records). */
  index: number;
  /** Line on which it starts. */
  line: number;
  bytes: Buffer;
}

/** Up to `max` records from the top of the file, reading at most `maxBytes`. */
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
  let line = 1, startLine = 1, inQuote = false, content = false;
  for (let i = start; i < buf.length && out.length < max; i++) {
    const b = buf[i];
    if (b === QUOTE) inQuote = !inQuote;
    if (b === NL) {
      line++;
      if (inQuote) continue;
      if (content) out.push({ index: out.length, line: startLine, bytes: buf.subarray(start, i) });
      start = i + 1;
      startLine = line;
      content = false;
      continue;
    }
    if (b !== CR) content = true;
  }
  // The last record, if the file ends without a line ending (and was read whole).
  if (content && out.length < max && !inQuote && buf.length < maxBytes) out.push({ index: out.length, line: startLine, bytes: buf.subarray(start) });
  return out;
}
