// The .xlsx workbook beside the return, for people who open returns in Excel: a cover sheet
// (what it is, when made, from which inputs) and one sheet per topic. Numbers are written as
// numbers with their decimal places; symbols and names as text, neutralised against formula
// injection. Written as SpreadsheetML directly (inline strings, one style per decimal-place
// count): a general-purpose library spent minutes styling cell by cell for a 500-school LA.
// Byte-identical for identical inputs: the zip entries carry the build date.
import { neutralise, PLAIN_NUMBER } from "./csv.ts";
import { zip } from "./zip.ts";

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

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
// cellXfs: 0 default, 1 bold header, 2 title, 3 + dp numbers with dp decimals (dp 0..MAX_DP)
const STYLE = { header: 1, title: 2, number: (dp: number) => 3 + Math.min(dp, MAX_DP) };
const MAX_DP = 4;

export async function writeWorkbook(spec: WorkbookSpec): Promise<Buffer> {
  const when = new Date(spec.buildDate.length === 10 ? `${spec.buildDate}T00:00:00Z` : spec.buildDate);
  const cover: Cell[][] = [[{ text: spec.title, style: STYLE.title }]];
  const line = (a: string, b = "") => cover.push([{ text: a }, { text: b }]);
  line("What this is", "The return of a local authority's one-to-one tuition evaluation to the Department, in Explore Education Statistics form: the same tables as the CSV files beside this workbook.");
  line("Made on", spec.buildDate);
  line("Data files", spec.files.join(", "));
  line("Symbols", "c = suppressed to protect confidentiality (small numbers); x = not available (see data-guidance.md for the reason); z = not applicable.");
  line("Rounding", "Half away from zero, to the decimal places given in the metadata; figures are rounded independently.");
  line("Inputs", spec.inputs.length === 0 ? "not recorded" : `${spec.inputs.length} files, SHA-256 below`);
  for (const i of spec.inputs) line(i.file, i.sha256);
  const used = new Set<string>(["cover"]);
  const names = spec.sheets.map((s) => sheetName(s.name, used));
  line("Sheets", names.join(", "));

  const sheets = [{ name: "Cover", xml: sheetXml(cover, [28, 90], false) }];
  spec.sheets.forEach((s, k) => {
    const header: Cell[] = s.columns.map((c) => ({ text: c, style: STYLE.header }));
    const body = s.rows.map((r) =>
      r.map((v, i): Cell => {
        const dp = s.dp[s.columns[i]];
        return dp !== undefined && PLAIN_NUMBER.test(v) ? { number: v, style: STYLE.number(dp) } : { text: v };
      }),
    );
    const widths = s.columns.map((c) => Math.min(40, Math.max(10, c.length + 2)));
    sheets.push({ name: names[k], xml: sheetXml([header, ...body], widths, true) });
  });
  const files = [
    { name: "[Content_Types].xml", data: contentTypes(sheets.length) },
    { name: "_rels/.rels", data: `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>` },
    { name: "xl/workbook.xml", data: `${XML}<workbook ${NS}><sheets>${sheets.map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("")}</sheets></workbook>` },
    { name: "xl/_rels/workbook.xml.rels", data: workbookRels(sheets.length) },
    { name: "xl/styles.xml", data: styles() },
    ...sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: s.xml })),
  ];
  return zip(files.map((f) => ({ name: f.name, data: Buffer.from(f.data, "utf8") })), when);
}

type Cell = { text: string; style?: number } | { number: string; style: number };

function sheetXml(rows: Cell[][], widths: number[], freezeHeader: boolean): string {
  const out: string[] = [`${XML}<worksheet ${NS}>`];
  out.push(
    freezeHeader
      ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
      : '<sheetViews><sheetView workbookViewId="0"/></sheetViews>',
  );
  out.push(`<cols>${widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("")}</cols><sheetData>`);
  const width = rows.reduce((m, r) => Math.max(m, r.length), 1);
  const col = Array.from({ length: width }, (_, i) => columnLetters(i));
  rows.forEach((row, r) => {
    const n = r + 1;
    out.push(`<row r="${n}">`);
    row.forEach((cell, i) => {
      const ref = `${col[i]}${n}`;
      if ("number" in cell) out.push(`<c r="${ref}" s="${cell.style}"><v>${cell.number}</v></c>`);
      else if (cell.text !== "") {
        const s = cell.style ? ` s="${cell.style}"` : "";
        out.push(`<c r="${ref}" t="inlineStr"${s}><is><t xml:space="preserve">${escapeXml(neutralise(cell.text))}</t></is></c>`);
      }
    });
    out.push("</row>");
  });
  out.push("</sheetData></worksheet>");
  return out.join("");
}

function columnLetters(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// XML 1.0 forbids most control characters; they are dropped rather than written.
function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
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
    (_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  rels.push(`<Relationship Id="rId${sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`);
  return `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join("")}</Relationships>`;
}

function styles(): string {
  const dps = Array.from({ length: MAX_DP + 1 }, (_, dp) => dp);
  const numFmts = dps.map((dp) => `<numFmt numFmtId="${164 + dp}" formatCode="${dp === 0 ? "0" : `0.${"0".repeat(dp)}`}"/>`).join("");
  const numberXfs = dps.map((dp) => `<xf numFmtId="${164 + dp}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`).join("");
  return `${XML}<styleSheet ${NS}><numFmts count="${dps.length}">${numFmts}</numFmts><fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="${3 + dps.length}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>${numberXfs}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
}

/** Excel sheet names: at most 31 characters, none of []:*?/\, unique ignoring case. */
function sheetName(name: string, used: Set<string>): string {
  const clean = name.replace(/[[\]:*?/\\]/g, " ").slice(0, 31);
  let out = clean.charAt(0).toUpperCase() + clean.slice(1);
  for (let n = 2; used.has(out.toLowerCase()); n++) out = `${clean.slice(0, 28)} ${n}`;
  used.add(out.toLowerCase());
  return out;
}
