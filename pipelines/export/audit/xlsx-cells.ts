// The cells of a release workbook, sheet by sheet, as the audit reads them: each cell's text and
// whether it is text (a string, a formula) or a figure (a number). exceljs builds an object for
// every cell, row and style, which for the demo LA's workbook (190,000 cells) costs some 3 CPU
// seconds, more than the rest of the audit; a worksheet's cells are a flat list of <c> elements,
// read here with one regular expression each. The zip is read through its central directory
// (pipelines/ingest/xlsx-sheets.ts), so every part is found whatever order the writer stored it in.
// Dates are read as the numbers they are stored as: the audit asks what a cell publishes, and a
// count formatted as a date still publishes the count.
import { closeSync, openSync, readSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import { type ZipPart, worksheetParts, zipParts } from "../../ingest/xlsx-sheets.ts";

export interface CellText {
  text: string;
  isText: boolean;
}

export interface SheetRows {
  name: string;
  /** Rows that hold a value, in order: the row's number and its cells by column (0 = A). */
  rows: { number: number; cells: (CellText | undefined)[] }[];
}

function partText(fd: number, part: ZipPart): string {
  if (part.method !== 0 && part.method !== 8) throw new Error(`${part.name} is compressed with zip method ${part.method}, which Excel does not use`);
  const data = Buffer.alloc(part.compressed);
  readSync(fd, data, 0, part.compressed, part.start);
  return (part.method === 8 ? inflateRawSync(data) : data).toString("utf8");
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function unescapeXml(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e[0] !== "#" ? ENTITIES[e.toLowerCase()] : String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

/** The text of a string item (<si> or <is>): its <t> runs joined, phonetic runs (<rPh>) left out. */
function runsText(xml: string): string {
  // the usual item, one plain run
  const plain = /^<t(?: xml:space="preserve")?>([^<]*)<\/t>$/.exec(xml);
  if (plain) return unescapeXml(plain[1]);
  let out = "";
  for (const m of xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "").matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)) out += m[1] ?? "";
  return unescapeXml(out);
}

/** An attribute's value in a start tag's attributes text (` r="B7" t="s"`); only r and t are read. */
function attr(tag: string, name: "r" | "t"): string | undefined {
  const at = tag.indexOf(` ${name}="`);
  if (at === -1) return undefined;
  const start = at + name.length + 3;
  return tag.slice(start, tag.indexOf('"', start));
}

function columnIndex(ref: string): number {
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return n - 1;
}

const ROW = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g;
const CELL = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;

function cellText(tag: string, body: string | undefined, shared: string[]): CellText | undefined {
  if (body === undefined) return undefined;
  const type = attr(tag, "t");
  const f = /<f\b[^>]*>([\s\S]*?)<\/f>/.exec(body);
  if (f) return { text: `=${unescapeXml(f[1])}`, isText: true };
  if (type === "inlineStr") {
    const is = /<is>([\s\S]*?)<\/is>/.exec(body);
    return is ? { text: runsText(is[1]), isText: true } : undefined;
  }
  const v = /<v>([\s\S]*?)<\/v>/.exec(body);
  if (!v) return undefined;
  const raw = unescapeXml(v[1]);
  if (type === "s") return { text: shared[Number(raw)] ?? "", isText: true };
  if (type === "str" || type === "e" || type === "d") return { text: raw, isText: true };
  if (type === "b") return { text: raw === "1" ? "true" : "false", isText: true };
  return { text: String(Number(raw)), isText: false };
}

/** Every worksheet of the workbook at `path`, in tab order. Throws when it cannot be read as one. */
export function readWorkbookSheets(path: string): SheetRows[] {
  const parts = zipParts(path);
  const sheets = worksheetParts(path, parts);
  const fd = openSync(path, "r");
  try {
    const sst = parts.get("xl/sharedStrings.xml");
    const shared = sst ? [...partText(fd, sst).matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((m) => (m[1] === undefined ? "" : runsText(m[1]))) : [];
    return sheets.map((sheet) => {
      const xml = partText(fd, sheet.part);
      // Excel and exceljs write the SpreadsheetML elements unprefixed; a writer that prefixes them
      // (<x:row>) would read here as an empty sheet, so the audit refuses it (unreadable) rather
      // than vouch for cells it did not see.
      if (!/<sheetData\b/.test(xml) && /<\w+:sheetData\b/.test(xml))
        throw new Error(`sheet "${sheet.name}" writes its elements with a namespace prefix, which the audit does not read`);
      const byNumber = new Map<number, (CellText | undefined)[]>();
      let previous = 0;
      for (const row of xml.matchAll(ROW)) {
        const number = Number(attr(row[1], "r") ?? previous + 1);
        previous = number;
        const cells: (CellText | undefined)[] = [];
        let column = -1;
        let any = false;
        for (const c of (row[2] ?? "").matchAll(CELL)) {
          const ref = attr(c[1], "r");
          column = ref ? columnIndex(ref) : column + 1;
          const cell = cellText(c[1], c[2], shared);
          if (cell) {
            cells[column] = cell;
            any = true;
          }
        }
        if (any) byNumber.set(number, cells);
      }
      // A merged range shows its first cell's value in every cell of it (as Excel, and exceljs, read it).
      // (merged ranges are listed after the sheet's data)
      const end = xml.lastIndexOf("</sheetData>");
      for (const m of xml.slice(end === -1 ? 0 : end).matchAll(/<mergeCell\b[^>]*\sref="([A-Z]+)(\d+):([A-Z]+)(\d+)"/g)) {
        const [c0, r0, c1, r1] = [columnIndex(m[1]), Number(m[2]), columnIndex(m[3]), Number(m[4])];
        const master = byNumber.get(r0)?.[c0] ?? { text: "", isText: false };
        for (let r = r0; r <= r1; r++) {
          const cells = byNumber.get(r) ?? [];
          byNumber.set(r, cells);
          for (let c = c0; c <= c1; c++) if (r !== r0 || c !== c0) cells[c] = master;
        }
      }
      const rows = [...byNumber].sort((a, b) => a[0] - b[0]).map(([number, cells]) => ({ number, cells }));
      return { name: sheet.name, rows };
    });
  } finally {
    closeSync(fd);
  }
}
