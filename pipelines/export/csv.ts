// CSV in and out for the return: RFC 4180, UTF-8 without BOM, LF line ends, and formula
// injection neutralised in every text cell (outputs.md §2) without touching numbers.
// A national run writes and screens ~1.4 million rows x ~90 cells, so both directions work a
// character at a time without a string or regex per cell: toCsv copies plain cells (numbers,
// c/x/z, names) straight into a byte buffer and sends only the rare cell that needs quoting or
// neutralising through the general path; parseCsv hands out one shared string per repeated
// short value, and parseGrid (the screener's) numbers the distinct values and keeps each cell
// as its value's number (a return has a few thousand distinct values among millions of cells).

/** A plain number as the return writes them: optional minus, digits, optional decimals. */
export const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

const isDigit = (ch: number) => ch >= 48 && ch <= 57;

/** PLAIN_NUMBER.test for a string, without the regex (it runs once per cell of a return). */
export function isPlainNumber(v: string): boolean {
  const n = v.length;
  let i = n > 0 && v.charCodeAt(0) === 45 ? 1 : 0;
  const d0 = i;
  while (i < n && isDigit(v.charCodeAt(i))) i++;
  if (i === d0) return false;
  if (i === n) return true;
  if (v.charCodeAt(i) !== 46) return false;
  const f0 = ++i;
  while (i < n && isDigit(v.charCodeAt(i))) i++;
  return i > f0 && i === n;
}

/**
 * Neutralises a text cell that a spreadsheet would read as a formula (starts with = + - @, or
 * a tab / carriage return that some spreadsheets strip first) by prefixing an apostrophe, the
 * OWASP advice. Plain numbers such as -1.5 are numbers, not text, and are left alone.
 */
export function neutralise(value: string): string {
  if (value === "" || PLAIN_NUMBER.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Whether neutralise would change a non-empty string cell starting with character code c0. */
export function needsNeutralising(v: string, c0: number): boolean {
  // = + @ tab CR always; - unless the cell is a plain (negative) number
  return c0 === 61 || c0 === 43 || c0 === 64 || c0 === 9 || c0 === 13 || (c0 === 45 && !isPlainNumber(v));
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One cell as toCsv writes it (neutralised, quoted where needed): the general path. */
const cell = (v: string | null | undefined) => quote(neutralise(v ?? ""));

/** Writes rows as CSV text (header first), neutralising every cell. */
export function toCsv(columns: string[], rows: (string | null | undefined)[][]): string {
  const w = new Latin1Lines();
  w.row(columns);
  const sample = Math.min(rows.length, 64);
  for (let r = 0; r < sample; r++) w.row(rows[r]);
  // room for the rest at the sample's bytes per row, so the buffer seldom grows
  if (sample > 0) w.reserve(Math.ceil((w.length / (sample + 1)) * (rows.length + 1) * 1.05));
  for (let r = sample; r < rows.length; r++) w.row(rows[r]);
  const text = w.text();
  w.release();
  return text;
}

/**
 * The byte buffer of the last toCsv, kept for the next: a return writes dozens of CSVs of the
 * same size, and fresh memory costs more to touch than the bytes cost to copy.
 */
let spare: Buffer | undefined;
const SPARE_MAX = 64 << 20;

/**
 * CSV lines collected as Latin-1 bytes (one byte per UTF-16 code unit below 256, so the text
 * decodes back to the very same string); a row with a wider character, or a cell that is not a
 * string, is written by the general path as a string of its own.
 */
class Latin1Lines {
  private buf: Buffer;
  private p = 0;
  private pieces: string[] = [];

  constructor() {
    this.buf = spare ?? Buffer.allocUnsafe(1 << 16);
    spare = undefined;
  }

  /** Hands the buffer on to the next toCsv. */
  release(): void {
    if (this.buf.length <= SPARE_MAX && (spare === undefined || spare.length < this.buf.length)) spare = this.buf;
  }

  get length(): number {
    return this.p;
  }

  row(row: (string | null | undefined)[]): void {
    const start = this.p;
    let buf = this.buf;
    let p = start;
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== "string") {
        if (v != null) {
          this.general(row, start);
          return;
        }
        if (p + 1 >= buf.length) buf = this.grow(p, 1);
        if (j > 0) buf[p++] = 44;
        continue;
      }
      const n = v.length;
      if (p + n + 1 >= buf.length) buf = this.grow(p, n + 1);
      if (j > 0) buf[p++] = 44;
      if (n === 0) continue;
      const from = p;
      const c0 = v.charCodeAt(0);
      if (n === 1 && c0 > 45 && c0 !== 61 && c0 !== 64 && c0 < 256) {
        // one character that needs nothing: a digit, a letter (c, x, z) or the like
        buf[p++] = c0;
        continue;
      }
      let plain = !needsNeutralising(v, c0);
      for (let k = 0; plain && k < n; k++) {
        const ch = v.charCodeAt(k);
        if (ch === 34 || ch === 44 || ch === 10 || ch === 13 || ch > 255) plain = false;
        else buf[p++] = ch;
      }
      if (plain) continue;
      const s = cell(v);
      p = from;
      if (!isLatin1(s)) {
        this.general(row, start);
        return;
      }
      if (p + s.length >= buf.length) buf = this.grow(p, s.length);
      p += buf.write(s, p, "latin1");
    }
    if (p + 1 >= buf.length) buf = this.grow(p, 1);
    buf[p++] = 10;
    this.p = p;
  }

  /** Makes room for `bytes` in all. */
  reserve(bytes: number): void {
    if (bytes > this.buf.length) this.grow(this.p, bytes - this.p);
  }

  /** The rows so far as one string. */
  text(): string {
    this.flush(this.p);
    return this.pieces.length === 1 ? this.pieces[0] : this.pieces.join("");
  }

  private general(row: (string | null | undefined)[], start: number): void {
    this.flush(start);
    this.pieces.push(`${row.map(cell).join(",")}\n`);
  }

  private flush(end: number): void {
    if (end > 0 || this.pieces.length === 0) this.pieces.push(this.buf.toString("latin1", 0, end));
    this.p = 0;
  }

  /** A buffer with the first p bytes of this one and room for `need` more. */
  private grow(p: number, need: number): Buffer {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, p + need + 1));
    this.buf.copy(next, 0, 0, p);
    this.buf = next;
    return next;
  }
}

export class CsvParseError extends Error {}

/** Receives a CSV's fields in order; `end` closes a row of `width` fields. */
interface CsvSink {
  /** A field without quotes: text[from, to), whose hash (hashChars) is h. */
  raw(text: string, from: number, to: number, h: number): void;
  /** A field that had quotes, unescaped. */
  field(value: string): void;
  end(width: number): void;
}

/** The hash scanCsv gives a field's characters. */
function hashChars(s: string): number {
  let h = 0;
  for (let k = 0; k < s.length; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h;
}

/** The RFC 4180 scanner under parseCsv and parseGrid. */
function scanCsv(text: string, sink: CsvSink): void {
  const n = text.length;
  let width = 0;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  for (;;) {
    // i is at the start of a field
    if (i >= n) {
      if (width > 0) {
        sink.field("");
        sink.end(width + 1);
      }
      return;
    }
    let quoted: string | undefined;
    let j = i;
    if (text.charCodeAt(i) === 34) {
      // quoted: up to the closing quote, "" standing for one quote
      quoted = "";
      j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) {
          line += countLf(text, j, n);
          throw new CsvParseError(`line ${line}: a quoted field is not closed`);
        }
        line += countLf(text, j, q);
        quoted += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 34) {
          quoted += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
    }
    // unquoted (or what follows a closing quote) up to a comma, CR, LF or the end
    const from = j;
    let ch = 0;
    let h = 0;
    for (; j < n; j++) {
      ch = text.charCodeAt(j);
      if (ch === 44 || ch === 10 || ch === 13) break;
      if (ch === 34) throw new CsvParseError(`line ${line}: a quote inside an unquoted field`);
      h = (Math.imul(h, 31) + ch) | 0;
    }
    if (quoted !== undefined && j > from) quoted += text.slice(from, j);
    if (j >= n) {
      if (quoted === undefined ? j > from || width > 0 : quoted !== "" || width > 0) {
        if (quoted === undefined) sink.raw(text, from, j, h);
        else sink.field(quoted);
        sink.end(width + 1);
      }
      return;
    }
    if (quoted === undefined) sink.raw(text, from, j, h);
    else sink.field(quoted);
    width++;
    i = j + 1;
    if (ch !== 44) {
      sink.end(width);
      width = 0;
      if (ch === 13 && text.charCodeAt(i) === 10) i++;
      line++;
    }
  }
}

function sameChars(s: string, text: string, from: number, len: number): boolean {
  if (s.length !== len) return false;
  for (let k = 0; k < len; k++) if (s.charCodeAt(k) !== text.charCodeAt(from + k)) return false;
  return true;
}

function countLf(text: string, from: number, to: number): number {
  let k = 0;
  for (let p = text.indexOf("\n", from); p !== -1 && p < to; p = text.indexOf("\n", p + 1)) k++;
  return k;
}

const INTERN_MAX = 24;
const INTERN_SIZE = 1 << 13;

/**
 * Rows of strings. Fields of up to INTERN_MAX characters come from a small cache keyed by
 * their characters, so a value repeated on every row is one string rather than one per row.
 */
class RowSink implements CsvSink {
  rows: string[][] = [];
  private row: string[] = [];
  private cache: (string | undefined)[] = new Array(INTERN_SIZE);
  raw(text: string, from: number, to: number, h: number): void {
    const len = to - from;
    if (len > INTERN_MAX) {
      this.row.push(text.slice(from, to));
      return;
    }
    const slot = (h ^ (h >>> 13) ^ len) & (INTERN_SIZE - 1);
    const hit = this.cache[slot];
    if (hit !== undefined && sameChars(hit, text, from, len)) this.row.push(hit);
    else this.row.push((this.cache[slot] = text.slice(from, to)));
  }
  field(value: string): void {
    this.row.push(value);
  }
  end(): void {
    this.rows.push(this.row);
    this.row = [];
  }
}

/** Parses CSV text into rows of strings (RFC 4180 quoting; CRLF or LF). A BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const sink = new RowSink();
  scanCsv(text, sink);
  return sink.rows;
}

/**
 * A parsed CSV for rules that read whole columns, at the size of a national return: every
 * distinct value once (`values`, "" first) and each cell as the number of its value, column by
 * column. Cells past the end of a short row are "" (0); cells past the header are not kept.
 */
export interface CsvGrid {
  header: string[];
  /** Records (rows after the header). */
  size: number;
  /** How many cells each record really has. */
  widths: number[];
  values: string[];
  /** The value number of column j, record i: cells[j * stride + i]. */
  cells: Int32Array;
  stride: number;
  /** The number of a value, or -1 if no cell holds it. */
  find(value: string): number;
}

/** Distinct values and their numbers: an open-addressing table on scanCsv's hash. */
class ValueTable {
  values: string[] = [""];
  private hashes = new Int32Array(1 << 10);
  private slots = new Int32Array(1 << 12); // value number + 1, 0 = free
  constructor() {
    this.slots[this.home(0)] = 1;
  }
  private home(h: number): number {
    return (h ^ (h >>> 15) ^ (h >>> 7)) & (this.slots.length - 1);
  }
  /** The number of text[from, to), added if new. */
  raw(text: string, from: number, to: number, h: number): number {
    const len = to - from;
    const mask = this.slots.length - 1;
    for (let slot = this.home(h); ; slot = (slot + 1) & mask) {
      const e = this.slots[slot];
      if (e === 0) return this.add(slot, text.slice(from, to), h);
      if (this.hashes[e - 1] === h && sameChars(this.values[e - 1], text, from, len)) return e - 1;
    }
  }
  /** The number of value; added if new when add is true, else -1. */
  string(value: string, add: boolean): number {
    const h = hashChars(value);
    const mask = this.slots.length - 1;
    for (let slot = this.home(h); ; slot = (slot + 1) & mask) {
      const e = this.slots[slot];
      if (e === 0) return add ? this.add(slot, value, h) : -1;
      if (this.hashes[e - 1] === h && this.values[e - 1] === value) return e - 1;
    }
  }
  private add(slot: number, value: string, h: number): number {
    const id = this.values.length;
    this.values.push(value);
    if (id >= this.hashes.length) {
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (this.values.length * 2 > this.slots.length) this.rehash();
    return id;
  }
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let id = 0; id < this.values.length; id++) {
      let slot = this.home(this.hashes[id]);
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = id + 1;
    }
  }
}

class GridSink implements CsvSink {
  header: string[] | undefined;
  private pending: string[] = [];
  cells: Int32Array = new Int32Array(0);
  widths: number[] = [];
  table = new ValueTable();
  /** The numbers of one-character ASCII values (most cells of a return: c, x, z, digits), 0 = not yet seen. */
  private single = new Int32Array(128);
  private k = 0;
  private size = 0;
  private width = 0;
  constructor(
    readonly stride: number,
    private readonly scratch?: Int32Array,
  ) {}
  raw(text: string, from: number, to: number, h: number): void {
    if (this.header === undefined) this.pending.push(text.slice(from, to));
    else if (this.k < this.width) {
      let id: number;
      const ch = to - from === 1 ? text.charCodeAt(from) : 128;
      if (ch < 128) {
        id = this.single[ch];
        if (id === 0) this.single[ch] = id = this.table.raw(text, from, to, h);
      } else id = this.table.raw(text, from, to, h);
      this.cells[this.k * this.stride + this.size] = id;
    }
    this.k++;
  }
  field(value: string): void {
    if (this.header === undefined) this.pending.push(value);
    else if (this.k < this.width) this.cells[this.k * this.stride + this.size] = this.table.string(value, true);
    this.k++;
  }
  end(width: number): void {
    if (this.header === undefined) {
      this.header = this.pending;
      this.width = this.header.length;
      const n = this.width * this.stride;
      if (this.scratch !== undefined && this.scratch.length >= n) (this.cells = this.scratch.subarray(0, n)).fill(0);
      else this.cells = new Int32Array(n);
    } else {
      this.widths.push(width);
      this.size++;
    }
    this.k = 0;
  }
}

/**
 * parseCsv's rows as a CsvGrid, with the same errors. The cells go into `scratch` when it is
 * big enough (a caller parsing file after file can hand the last grid's cells back).
 */
export function parseGrid(text: string, scratch?: Int32Array): CsvGrid {
  // rows end at LF, CR or CRLF: their count bounds the records
  const stride = countChar(text, "\n") + countChar(text, "\r") + 1;
  const sink = new GridSink(stride, scratch);
  scanCsv(text, sink);
  const table = sink.table;
  return {
    header: sink.header ?? [],
    size: sink.widths.length,
    widths: sink.widths,
    values: table.values,
    cells: sink.cells,
    stride,
    find: (value) => table.string(value, false),
  };
}

function countChar(text: string, ch: string): number {
  let k = 0;
  for (let p = text.indexOf(ch); p !== -1; p = text.indexOf(ch, p + 1)) k++;
  return k;
}

/** A parsed CSV as header + records keyed by column, each with its line number (header = 1). */
export interface Table {
  columns: string[];
  records: { line: number; values: Record<string, string>; width: number }[];
}

export function parseTable(text: string): Table {
  const rows = parseCsv(text);
  const columns = rows[0] ?? [];
  const records = rows.slice(1).map((r, i) => ({
    line: i + 2,
    values: Object.fromEntries(columns.map((c, j) => [c, r[j] ?? ""])),
    width: r.length,
  }));
  return { columns, records };
}

/** Whether every UTF-16 unit of s fits one latin1 byte (the fast path writes them so). */
function isLatin1(s: string): boolean {
  for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) > 255) return false;
  return true;
}
