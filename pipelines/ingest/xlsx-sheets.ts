// The names on a workbook's tabs, by worksheet file (xl/worksheets/sheetN.xml → "Census Spring
// 2010"), read from xl/workbook.xml and its relationships before the sheets are streamed.
// exceljs's streaming reader finds them only when the relationships use relative paths and
// its index happens to be read first; an MIS export may do neither, and a notes sheet and the
// census would then both be "Sheet1", "Sheet2". Two small entries are read straight from the
// zip's central directory (a streamed workbook is never held in memory whole).
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { inflateRawSync } from "node:zlib";

const EOCD = 0x06054b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

function bytesAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  return buf.subarray(0, readSync(fd, buf, 0, length, position));
}

/** The named entries' contents (stored or deflated); entries not found are absent. */
function readEntries(path: string, wanted: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record: in the last 22 bytes, plus a comment of up to 64 KB.
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = bytesAt(fd, tailStart, size - tailStart);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { end = i; break; }
    if (end < 0) return out;
    const cdSize = tail.readUInt32LE(end + 12), cdOffset = tail.readUInt32LE(end + 16);
    if (cdOffset === 0xffffffff || cdOffset + cdSize > size) return out; // zip64: not an .xlsx Excel writes
    const cd = bytesAt(fd, cdOffset, cdSize);
    for (let i = 0; i + 46 <= cd.length && cd.readUInt32LE(i) === CENTRAL; ) {
      const method = cd.readUInt16LE(i + 10), compressed = cd.readUInt32LE(i + 20);
      const nameLength = cd.readUInt16LE(i + 28), extra = cd.readUInt16LE(i + 30), comment = cd.readUInt16LE(i + 32);
      const local = cd.readUInt32LE(i + 42);
      const name = cd.subarray(i + 46, i + 46 + nameLength).toString("utf8");
      i += 46 + nameLength + extra + comment;
      if (!wanted.includes(name) || compressed > 16 << 20) continue;
      const header = bytesAt(fd, local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) continue;
      const data = bytesAt(fd, local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28), compressed);
      if (method === 0) out.set(name, data.toString("utf8"));
      else if (method === 8) out.set(name, inflateRawSync(data).toString("utf8"));
    }
  } catch {
    // A damaged archive: the streaming reader says so in a sentence; here we just know no names.
  } finally {
    closeSync(fd);
  }
  return out;
}

function attribute(element: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(element);
  return m ? unescapeXml(m[2] ?? m[3]) : undefined;
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
    if (e[0] !== "#") return named[e.toLowerCase()];
    return String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });
}

/** Worksheet file number N (xl/worksheets/sheetN.xml) → the sheet's name; empty if unknown. */
export function sheetNames(path: string): Map<number, string> {
  const entries = readEntries(path, ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"]);
  const workbook = entries.get("xl/workbook.xml"), rels = entries.get("xl/_rels/workbook.xml.rels");
  const out = new Map<number, string>();
  if (!workbook || !rels) return out;
  const targets = new Map<string, string>();
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = attribute(m[0], "Id"), target = attribute(m[0], "Target");
    if (id && target) targets.set(id, target);
  }
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const name = attribute(m[0], "name"), rid = attribute(m[0], "(?:\\w+:)?id");
    const file = rid ? /worksheets\/sheet(\d+)\.xml$/i.exec(targets.get(rid) ?? "") : null; // not chartsheets/
    if (name !== undefined && file) out.set(Number(file[1]), name);
  }
  return out;
}
