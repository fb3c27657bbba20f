// The .xlsx workbook beside the return, for people who open returns in Excel: a cover sheet
// (what it is, when made, from which inputs) and one sheet per topic. Numbers are written as
// numbers with their decimal places; symbols and names as text, neutralised against formula
// injection. Byte-identical for identical inputs: the document dates are the build date and the
// zip entries' timestamps, which JSZip stamps with the clock, are rewritten to it too.
import ExcelJS from "exceljs";
import { neutralise, PLAIN_NUMBER } from "./csv.ts";

export interface WorkbookSheet {
  name: string;
  columns: string[];
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
}

export async function writeWorkbook(spec: WorkbookSpec): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const when = new Date(spec.buildDate.length === 10 ? `${spec.buildDate}T00:00:00Z` : spec.buildDate);
  wb.creator = "tuition-impact";
  wb.lastModifiedBy = "tuition-impact";
  wb.created = when;
  wb.modified = when;

  const cover = wb.addWorksheet("Cover");
  cover.getColumn(1).width = 28;
  cover.getColumn(2).width = 90;
  const line = (a: string, b = "") => cover.addRow([neutralise(a), neutralise(b)]);
  cover.addRow([neutralise(spec.title)]).font = { bold: true, size: 14 };
  line("What this is", "The return of a local authority's one-to-one tuition evaluation to the Department, in Explore Education Statistics form: the same tables as the CSV files beside this workbook.");
  line("Made on", spec.buildDate);
  line("Data files", spec.files.join(", "));
  line("Symbols", "c = suppressed to protect confidentiality (small numbers); x = not available (see data-guidance.md for the reason); z = not applicable.");
  line("Rounding", "Half away from zero, to the decimal places given in the metadata; figures are rounded independently.");
  line("Inputs", spec.inputs.length === 0 ? "not recorded" : `${spec.inputs.length} files, SHA-256 below`);
  for (const i of spec.inputs) line(i.file, i.sha256);
  line("Sheets", spec.sheets.map((s) => s.name).join(", "));

  const used = new Set<string>(["cover"]);
  for (const s of spec.sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used));
    const header = ws.addRow(s.columns.map(neutralise));
    header.font = { bold: true };
    ws.views = [{ state: "frozen", ySplit: 1 }];
    s.columns.forEach((c, i) => {
      ws.getColumn(i + 1).width = Math.min(40, Math.max(10, c.length + 2));
      if (c in s.dp) ws.getColumn(i + 1).numFmt = s.dp[c] === 0 ? "0" : `0.${"0".repeat(s.dp[c])}`;
    });
    for (const r of s.rows) {
      ws.addRow(r.map((v, i) => (s.columns[i] in s.dp && PLAIN_NUMBER.test(v) ? Number(v) : neutralise(v))));
    }
  }
  const buffer = Buffer.from(await wb.xlsx.writeBuffer());
  return stampZipDates(buffer, when);
}

/** Excel sheet names: at most 31 characters, none of []:*?/\, unique ignoring case. */
function sheetName(name: string, used: Set<string>): string {
  const clean = name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31);
  let out = clean.charAt(0).toUpperCase() + clean.slice(1);
  for (let n = 2; used.has(out.toLowerCase()); n++) out = `${clean.slice(0, 28)} ${n}`;
  used.add(out.toLowerCase());
  return out;
}

/** Rewrites every entry's DOS date/time (local headers and central directory) to `when`. */
export function stampZipDates(zip: Buffer, when: Date): Buffer {
  const out = Buffer.from(zip);
  const dosDate = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  const dosTime = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | Math.floor(when.getUTCSeconds() / 2);
  let eocd = -1;
  for (let i = out.length - 22; i >= 0; i--) {
    if (out.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("workbook is not a zip file (no end of central directory)");
  const entries = out.readUInt16LE(eocd + 10);
  let p = out.readUInt32LE(eocd + 16);
  for (let e = 0; e < entries; e++) {
    if (out.readUInt32LE(p) !== 0x02014b50) throw new Error("workbook zip: bad central directory entry");
    out.writeUInt16LE(dosTime, p + 12);
    out.writeUInt16LE(dosDate, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== 0x04034b50) throw new Error("workbook zip: bad local header");
    out.writeUInt16LE(dosTime, local + 10);
    out.writeUInt16LE(dosDate, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}
