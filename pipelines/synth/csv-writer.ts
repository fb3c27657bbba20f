// Buffered CSV output with backpressure: national scale writes tens of millions of rows,
// so rows are batched into ~1 MB chunks and we wait for the stream to drain rather than
// let unwritten chunks pile up in memory. Counts lines so planted faults can name theirs.
import { createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";

const CHUNK = 1 << 20;

/** Quote a field only when CSV needs it (comma, quote, newline). */
export function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export class CsvWriter {
  private stream: WriteStream;
  private buf: string[] = [];
  private bufLen = 0;
  /** Line number (as a text editor shows it, header = 1) of the last row written. */
  line = 1;
  rows = 0;

  constructor(
    path: string,
    readonly columns: readonly string[],
  ) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
    this.buf.push(columns.join(",") + "\n");
  }

  /** Append one row (values already formatted; free text quoted with csvField); call
   * `maybeFlush` once per batch. Returns the row's line number. */
  push(values: string): number {
    this.buf.push(values + "\n");
    this.bufLen += values.length + 1;
    this.rows++;
    return ++this.line;
  }

  async maybeFlush(): Promise<void> {
    if (this.bufLen >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const chunk = this.buf.join("");
    this.buf = [];
    this.bufLen = 0;
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
