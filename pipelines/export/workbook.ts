// The .xlsx workbook beside the return, for people who open returns in Excel: a cover sheet
// (what it is, when made, from which inputs, what c, x and z mean) and the sheets it is given
// (workbook-sheets.ts lays them out: one per topic, headed by labels, and a glossary). Numbers
// are written as numbers with their decimal places; symbols and names as text, neutralised
// against formula injection. Written as SpreadsheetML directly (inline strings, one style per decimal-place
// count): a general-purpose library spent minutes styling cell by cell for a 500-school LA.
// Byte-identical for identical inputs: the zip entries carry the build date. A topic sheet of a
// 500-school LA is ~100 MB of XML, so it is written as UTF-8 bytes straight into ~1 MB chunks
// (no cell objects, no strings per cell for numbers and plain text) that are deflated in the
// thread pool while the next ones are made.
import { isPlainNumber, needsNeutralising, neutralise, PLAIN_NUMBER } from "./csv.ts";
import { zipAsync } from "./zip.ts";

export interface WorkbookSheet {
  name: string;
  /** Column codes: `dp` is keyed by them. */
  columns: string[];
  /** Header row as shown (default: the codes). */
  labels?: string[];
  /** Decimal places of the numeric (indicator) columns. */
  dp: Record<string, number>;
  rows: string[][];
}

export interface WorkbookSpec {
  title: string;
  buildDate: string;
  inputs: { file: string; sha256: string }[];
  files: string[];
  sheets: WorkbookSheet[];
  /** Further cover lines (heading, text), after the symbols. */
  notes?: [string, string][];
  /** Counts of pupils from 1 to this − 1 are suppressed (said on the cover; omitted: "small counts"). */
  suppressionThreshold?: number;
  /** The cover's "What this is" (omitted: the 2009 programme's return). */
  what?: string;
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
// cellXfs: 0 default, 1 bold header (wrapped), 2 title, 3 + dp numbers with dp decimals
// (dp 0..MAX_DP), then wrapped text (the cover's explanations)
const MAX_DP = 4;
const STYLE = { header: 1, title: 2, number: (dp: number) => 3 + Math.min(dp, MAX_DP), wrap: 4 + MAX_DP };

export async function writeWorkbook(spec: WorkbookSpec): Promise<Buffer> {
  const when = new Date(spec.buildDate.length === 10 ? `${spec.buildDate}T00:00:00Z` : spec.buildDate);
  const cover: Cell[][] = [[{ text: spec.title, style: STYLE.title }]];
  const line = (a: string, b = "") =>
    cover.push([
      { text: a, style: STYLE.header },
      { text: b, style: STYLE.wrap },
    ]);
  line(
    "What this is",
    spec.what ??
      "The return of a local authority's one-to-one tuition evaluation to the Department, in Explore Education Statistics form: the same tables as the CSV files beside this workbook.",
  );
  line("Made on", spec.buildDate);
  line("Data files", spec.files.join(", "));
  const small = spec.suppressionThreshold === undefined ? "a small count of pupils" : `a count of 1 to ${spec.suppressionThreshold - 1} pupils`;
  line(
    "Numbers",
    "Figures are stored as numbers, shown to the decimal places of the metadata; a cell that is not a figure holds one of the letters below, as text.",
  );
  line(
    "c",
    `Suppressed to protect confidentiality: ${small}, a figure worked out from one (a percentage, mean or estimate), a figure about a group that small, or a figure that would let one be worked out by subtraction from a total and its other parts.`,
  );
  line(
    "x",
    "Not available: for example too few pupils or schools to estimate an impact. The reason for every x is listed under Footnotes in data-guidance.md, beside this workbook.",
  );
  line(
    "z",
    "Not applicable: the figure has no meaning for that row, for example an impact for both subjects together, or a tutee percentage for a school with no tutees.",
  );
  line("Rounding", "Half away from zero, to the decimal places given in the metadata; figures are rounded independently.");
  for (const [a, b] of spec.notes ?? []) line(a, b);
  line("Inputs", spec.inputs.length === 0 ? "not recorded" : `${spec.inputs.length} files, SHA-256 below`);
  for (const i of spec.inputs) line(i.file, i.sha256);
  const used = new Set<string>(["cover"]);
  const names = spec.sheets.map((s) => sheetName(s.name, used));
  line("Sheets", names.join(", "));

  const sheets: { name: string; data: Buffer | Iterable<Buffer> }[] = [{ name: "Cover", data: Buffer.from(sheetXml(cover, [28, 90], false), "utf8") }];
  spec.sheets.forEach((s, k) => {
    sheets.push({ name: names[k], data: new SheetBytes(s, CHUNKS) });
  });
  const text = (name: string, data: string) => ({ name, data: Buffer.from(data, "utf8") });
  const files = [
    text("[Content_Types].xml", contentTypes(sheets.length)),
    text(
      "_rels/.rels",
      `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    text(
      "xl/workbook.xml",
      `${XML}<workbook ${NS}><sheets>${sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>`,
    ),
    text("xl/_rels/workbook.xml.rels", workbookRels(sheets.length)),
    text("xl/styles.xml", styles()),
    ...sheets.map(({ data }, i) => ({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      data,
      recycle: data instanceof SheetBytes ? (chunk: Buffer) => data.recycle(chunk) : undefined,
    })),
  ];
  return zipAsync(files, when);
}

type Cell = { text: string; style?: number } | { number: string; style: number };

function sheetXml(rows: Cell[][], widths: number[], freezeHeader: boolean): string {
  const out: string[] = [sheetHead(widths, freezeHeader)];
  rows.forEach((row, r) => {
    const n = r + 1;
    out.push(`<row r="${n}">`);
    row.forEach((cell, i) => {
      out.push(cellXml(cell, `${columnLetters(i)}${n}`));
    });
    out.push("</row>");
  });
  out.push(SHEET_TAIL);
  return out.join("");
}

function sheetHead(widths: number[], freezeHeader: boolean): string {
  const views = freezeHeader
    ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>';
  return `${XML}<worksheet ${NS}>${views}<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols><sheetData>`;
}

const SHEET_TAIL = "</sheetData></worksheet>";

function cellXml(cell: Cell, ref: string): string {
  if ("number" in cell) return `<c r="${ref}" s="${cell.style}"><v>${cell.number}</v></c>`;
  if (cell.text === "") return "";
  const s = cell.style ? ` s="${cell.style}"` : "";
  return `<c r="${ref}" t="inlineStr"${s}><is><t xml:space="preserve">${escapeXml(neutralise(cell.text))}</t></is></c>`;
}

const CHUNK = 1 << 20;
/** A chunk's buffer: CHUNK and room for the row that crosses it. */
const CHUNK_BYTES = CHUNK + (CHUNK >> 2);
const ascii = (text: string) => Buffer.from(text, "latin1");
const TEXT_MID = ascii('" t="inlineStr"><is><t xml:space="preserve">');
const TEXT_END = ascii("</t></is></c>");
const NUMBER_END = ascii("</v></c>");
const ROW_OPEN = ascii('<row r="');
const ROW_END = ascii("</row>");
/** What follows the reference of a one-character text cell, by character (plain ones only). */
const TEXT_TAIL_1: (Buffer | undefined)[] = Array.from({ length: 128 }, (_, ch) => {
  const v = String.fromCharCode(ch);
  // printable ASCII that neither needs escaping (" & < >) nor neutralising (= + - @)
  return ch < 32 || ch > 126 || `"&<>=+-@`.includes(v) ? undefined : Buffer.concat([TEXT_MID, ascii(v), TEXT_END]);
});

/**
 * Chunk buffers handed back once deflated, for the next chunks, within a workbook and from one
 * workbook to the next: a sheet's ~100 MB then passes through a few MB, and fresh memory costs
 * more to touch than the bytes cost to write.
 */
class ChunkPool {
  private free: Buffer[] = [];
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }
  give(chunk: Buffer): void {
    if (chunk.buffer.byteLength === CHUNK_BYTES && chunk.byteOffset === 0 && this.free.length < 16) this.free.push(Buffer.from(chunk.buffer, 0, CHUNK_BYTES));
  }
}
const CHUNKS = new ChunkPool();

/**
 * A topic sheet's XML as UTF-8 chunks of about CHUNK bytes, the very bytes of
 * sheetXml([header, ...body]) (header cells bold, indicator columns' plain numbers as numbers
 * with their decimals, everything else as neutralised, escaped text). Numbers and plain
 * printable-ASCII text are copied as bytes, the fixed parts of a cell in one piece; any other
 * cell takes sheetXml's own path.
 */
class SheetBytes implements Iterable<Buffer>, Iterator<Buffer> {
  private readonly rows: string[][];
  /** `<c r="` and the column's letters. */
  private readonly open: Buffer[] = [];
  /** For indicator columns: `" s="style"><v>`, and what follows the reference of a one-digit number. */
  private readonly numberMid: (Buffer | undefined)[] = [];
  private readonly numberTail1: (Buffer[] | undefined)[] = [];
  private r = -1; // -1: the head and header row still to write; rows.length: the end
  private buf: Buffer = Buffer.allocUnsafe(0);
  private p = 0;

  constructor(
    private readonly sheet: WorkbookSheet,
    private readonly pool = new ChunkPool(),
  ) {
    this.rows = sheet.rows;
    const width = this.rows.reduce((m, r) => Math.max(m, r.length), Math.max(1, sheet.columns.length));
    const tails = new Map<number, Buffer[]>();
    for (let i = 0; i < width; i++) {
      this.open.push(ascii(`<c r="${columnLetters(i)}`));
      const dp = sheet.dp[sheet.columns[i]];
      if (dp === undefined) {
        this.numberMid.push(undefined);
        this.numberTail1.push(undefined);
        continue;
      }
      const style = STYLE.number(dp);
      const mid = ascii(`" s="${style}"><v>`);
      this.numberMid.push(mid);
      let tail = tails.get(style);
      if (tail === undefined) tails.set(style, (tail = Array.from({ length: 10 }, (_, d) => Buffer.concat([mid, ascii(String(d)), NUMBER_END]))));
      this.numberTail1.push(tail);
    }
  }

  [Symbol.iterator](): Iterator<Buffer> {
    return this;
  }

  /** Hands a chunk back once it has been read, for a later chunk. */
  recycle(chunk: Buffer): void {
    this.pool.give(chunk);
  }

  next(): IteratorResult<Buffer> {
    if (this.r > this.rows.length) return { done: true, value: undefined };
    this.buf = this.pool.take();
    this.p = 0;
    if (this.r === -1) {
      const s = this.sheet;
      const heads = s.labels ?? s.columns;
      // long labels wrap in a column of at most 40 characters (the header style wraps)
      const widths = heads.map((c) => Math.min(40, Math.max(10, c.length + 2)));
      this.text(sheetHead(widths, true));
      const header = heads.map((c, i) => cellXml({ text: c, style: STYLE.header }, `${columnLetters(i)}1`));
      this.text(`<row r="1">${header.join("")}</row>`);
      this.r = 0;
    }
    while (this.r < this.rows.length && this.p < CHUNK) this.row(this.rows[this.r], this.r++);
    if (this.r === this.rows.length) {
      this.text(SHEET_TAIL);
      this.r++;
    }
    return { done: false, value: this.buf.subarray(0, this.p) };
  }

  /** Room for `bytes` more. */
  private room(bytes: number): void {
    if (this.p + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.p + bytes));
    this.buf.copy(next, 0, 0, this.p);
    this.buf = next;
  }

  private text(s: string): void {
    this.room(s.length * 3);
    this.p += this.buf.write(s, this.p, "utf8");
  }

  private row(row: string[], k: number): void {
    const n = String(k + 2);
    const nl = n.length;
    this.room(ROW_OPEN.length + nl + 2);
    let buf = this.buf;
    let p = this.p;
    buf.set(ROW_OPEN, p);
    p += ROW_OPEN.length;
    for (let d = 0; d < nl; d++) buf[p++] = n.charCodeAt(d);
    buf[p++] = 34; // "
    buf[p++] = 62; // >
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v !== "string" || v === "") {
        if (v === "" || (v === undefined && !(i in row))) continue; // no cell, as forEach skips a hole
        // not a string: sheetXml's own path (which throws for what it cannot write)
        this.p = p;
        this.text(cellXml(this.cellOf(v, i), `${columnLetters(i)}${n}`));
        buf = this.buf;
        p = this.p;
        continue;
      }
      const open = this.open[i];
      const len = v.length;
      // room for the longest fast cell: open, row number, TEXT_MID, the value, TEXT_END
      const most = open.length + nl + len + 64;
      if (p + most > buf.length) {
        this.p = p;
        this.room(most);
        buf = this.buf;
      }
      const from = p;
      buf.set(open, p);
      p += open.length;
      for (let d = 0; d < nl; d++) buf[p++] = n.charCodeAt(d);
      const c0 = v.charCodeAt(0);
      const mid = this.numberMid[i];
      if (mid !== undefined && isPlainNumber(v)) {
        if (len === 1) {
          const tail = this.numberTail1[i]![c0 - 48];
          buf.set(tail, p);
          p += tail.length;
          continue;
        }
        buf.set(mid, p);
        p += mid.length;
        for (let c = 0; c < len; c++) buf[p++] = v.charCodeAt(c);
        buf.set(NUMBER_END, p);
        p += NUMBER_END.length;
        continue;
      }
      if (len === 1 && c0 < 128) {
        const tail = TEXT_TAIL_1[c0];
        if (tail !== undefined) {
          buf.set(tail, p);
          p += tail.length;
          continue;
        }
      }
      buf.set(TEXT_MID, p);
      p += TEXT_MID.length;
      let plain = !needsNeutralising(v, c0);
      for (let c = 0; plain && c < len; c++) {
        const ch = v.charCodeAt(c);
        // printable ASCII but " & < >
        if (ch < 32 || ch > 126 || ch === 34 || ch === 38 || ch === 60 || ch === 62) plain = false;
        else buf[p++] = ch;
      }
      if (plain) {
        buf.set(TEXT_END, p);
        p += TEXT_END.length;
        continue;
      }
      this.p = from;
      this.text(cellXml({ text: v }, `${columnLetters(i)}${n}`));
      buf = this.buf;
      p = this.p;
    }
    this.p = p;
    this.room(ROW_END.length);
    this.buf.set(ROW_END, this.p);
    this.p += ROW_END.length;
  }

  /** The cell sheetXml would make of value v in column i. */
  private cellOf(v: string, i: number): Cell {
    const dp = this.sheet.dp[this.sheet.columns[i]];
    return dp !== undefined && PLAIN_NUMBER.test(v) ? { number: v, style: STYLE.number(dp) } : { text: v };
  }
}

function columnLetters(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// XML 1.0 forbids most control characters; they are dropped rather than written.
function escapeXml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters, so they are what this strips
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
  );
}

function contentTypes(sheets: number): string {
  const overrides = Array.from(
    { length: sheets },
    (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  ).join("");
  return `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>${overrides}</Types>`;
}

function workbookRels(sheets: number): string {
  const rels = Array.from(
    { length: sheets },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  rels.push(`<Relationship Id="rId${sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`);
  return `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`;
}

function styles(): string {
  const dps = Array.from({ length: MAX_DP + 1 }, (_, dp) => dp);
  const numFmts = dps.map((dp) => `<numFmt numFmtId="${164 + dp}" formatCode="${dp === 0 ? "0" : `0.${"0".repeat(dp)}`}"/>`).join("");
  const numberXfs = dps.map((dp) => `<xf numFmtId="${164 + dp}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join("");
  return `${XML}<styleSheet ${NS}><numFmts count="${dps.length}">${numFmts}</numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${4 + dps.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>${numberXfs}<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
}

/** Excel sheet names: at most 31 characters, none of []:*?/\, unique ignoring case. */
function sheetName(name: string, used: Set<string>): string {
  const clean = name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31);
  let out = clean.charAt(0).toUpperCase() + clean.slice(1);
  for (let n = 2; used.has(out.toLowerCase()); n++) out = `${clean.slice(0, 28)} ${n}`;
  used.add(out.toLowerCase());
  return out;
}
