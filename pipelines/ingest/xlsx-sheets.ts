// A workbook's zip, read by its central directory: the list of its parts, a part as a stream,
// and the names on its tabs by worksheet file (xl/worksheets/sheetN.xml → "Census Spring
// 2010"). exceljs's streaming reader unzips in one forward pass and, on Node 20, sometimes
// loses a part (its issues #2790 and #3064: which part varies from run to run), finds tab
// names only when the relationships use relative paths, and reads the workbook's index only
// if it happens to come first. Reading through the directory makes every part addressable,
// in any order, whatever the writer did; no part is ever held in memory whole.
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { createInflateRaw, inflateRawSync } from "node:zlib";

const EOCD = 0x06054b50,
  CENTRAL = 0x02014b50,
  LOCAL = 0x04034b50;

/** One part of the zip, as its central directory lists it. */
export interface ZipPart {
  name: string;
  /** 0 stored, 8 deflated (the only two an .xlsx uses). */
  method: number;
  compressed: number;
  /** Offset of the part's data (after its local header). */
  start: number;
}

function bytesAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  return buf.subarray(0, readSync(fd, buf, 0, length, position));
}

/**
 * The parts of the zip at `path`, by name. Throws (with words plainReason in xlsx.ts recognises)
 * when there is no readable central directory: the file is cut short or not a zip.
 */
export function zipParts(path: string): Map<string, ZipPart> {
  const out = new Map<string, ZipPart>();
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    // The end-of-central-directory record: in the last 22 bytes, plus a comment of up to 64 KB.
    const tailStart = Math.max(0, size - 22 - 0xffff);
    const tail = bytesAt(fd, tailStart, size - tailStart);
    let end = -1;
    for (let i = tail.length - 22; i >= 0; i--)
      if (tail.readUInt32LE(i) === EOCD) {
        end = i;
        break;
      }
    if (end < 0) throw new Error("end of central directory not found");
    const cdSize = tail.readUInt32LE(end + 12),
      cdOffset = tail.readUInt32LE(end + 16);
    if (cdOffset === 0xffffffff) throw new Error("a zip64 archive (over 4 GB), which Excel does not write");
    if (cdOffset + cdSize > size) throw new Error("end of central directory points past the end of the file");
    const cd = bytesAt(fd, cdOffset, cdSize);
    for (let i = 0; i + 46 <= cd.length && cd.readUInt32LE(i) === CENTRAL; ) {
      const method = cd.readUInt16LE(i + 10),
        compressed = cd.readUInt32LE(i + 20);
      const nameLength = cd.readUInt16LE(i + 28),
        extra = cd.readUInt16LE(i + 30),
        comment = cd.readUInt16LE(i + 32);
      const local = cd.readUInt32LE(i + 42);
      const name = cd.subarray(i + 46, i + 46 + nameLength).toString("utf8");
      i += 46 + nameLength + extra + comment;
      const header = bytesAt(fd, local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== LOCAL) throw new Error(`invalid signature at the local header of ${name}`);
      const start = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      if (start + compressed > size) throw new Error(`unexpected end of file in ${name}`);
      out.set(name.replace(/^\//, ""), { name, method, compressed, start });
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** A part's contents as a stream of text, inflated when deflated. */
export function partStream(path: string, part: ZipPart): Readable {
  if (part.method !== 0 && part.method !== 8) throw new Error(`${part.name} is compressed with zip method ${part.method}, which Excel does not use`);
  // Text, decoded across chunk boundaries (exceljs decodes each chunk alone, which would split
  // a character such as "é" whose bytes fall either side of one).
  if (part.compressed === 0) return Readable.from([] as string[]); // an empty part: createReadStream cannot read 0 bytes
  const raw = createReadStream(path, { start: part.start, end: part.start + part.compressed - 1 });
  if (part.method === 0) return raw.setEncoding("utf8");
  const inflate = createInflateRaw();
  raw.on("error", (e) => inflate.destroy(e));
  return raw.pipe(inflate).setEncoding("utf8");
}

/** A small part's text (the workbook index and its relationships); absent when not there. */
function partText(path: string, parts: Map<string, ZipPart>, name: string): string | undefined {
  const part = parts.get(name);
  if (!part || part.compressed > 16 << 20) return undefined;
  const fd = openSync(path, "r");
  try {
    const data = bytesAt(fd, part.start, part.compressed);
    return (part.method === 8 ? inflateRawSync(data) : data).toString("utf8");
  } finally {
    closeSync(fd);
  }
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

/** A worksheet: its file number N (xl/worksheets/sheetN.xml), its tab's name, its part. */
export interface SheetPart {
  file: number;
  name: string;
  part: ZipPart;
}

/**
 * The worksheets in the order of the workbook's tabs (chartsheets left out), each with its name;
 * a worksheet file that no tab lists comes after them, by number. Throws when the zip cannot be read.
 */
export function worksheetParts(path: string, parts = zipParts(path)): SheetPart[] {
  const workbook = partText(path, parts, "xl/workbook.xml"),
    rels = partText(path, parts, "xl/_rels/workbook.xml.rels");
  const out: SheetPart[] = [];
  const listed = new Set<string>();
  if (workbook && rels) {
    const targets = new Map<string, string>();
    for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
      const id = attribute(m[0], "Id"),
        target = attribute(m[0], "Target");
      if (id && target) targets.set(id, target);
    }
    for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
      const name = attribute(m[0], "name"),
        rid = attribute(m[0], "(?:\\w+:)?id");
      const target = rid ? (targets.get(rid) ?? "") : "";
      const file = /worksheets\/sheet(\d+)\.xml$/i.exec(target); // not chartsheets/
      // Relative to xl/ ("worksheets/sheet1.xml") or absolute ("/xl/worksheets/sheet1.xml").
      const partName = target.startsWith("/") ? target.slice(1) : `xl/${target}`;
      const part = parts.get(partName);
      if (name === undefined || !file) continue;
      if (!part) throw new Error(`the workbook lists sheet "${name}" but its part ${partName} is missing`);
      out.push({ file: Number(file[1]), name, part });
      listed.add(partName);
    }
  }
  const unlisted = [...parts.keys()].flatMap((n) => {
    const m = /^xl\/worksheets\/sheet(\d+)\.xml$/.exec(n);
    return m && !listed.has(n) ? [{ file: Number(m[1]), name: `Sheet${m[1]}`, part: parts.get(n)! }] : [];
  });
  out.push(...unlisted.sort((a, b) => a.file - b.file));
  return out;
}
