// Reads one .xlsx workbook into raw_<dataset> with exceljs's streaming reader (a national
// sheet does not fit in memory as objects). Rows are written to a temporary CSV as they
// stream past and DuckDB loads that in one go: no per-row INSERTs. Which sheet, which row is
// the header, what is a footer and what a merged cell holds are decided here (see readSheet).
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import type ExcelJS from "exceljs";
import { literal, type Db } from "../core/db.ts";
import { DATE_COLUMNS, type Dataset } from "./datasets.ts";
import { DEFAULT_PROGRAMME, type Programme } from "../core/programme.ts";
import { InputError } from "./errors.ts";
import { describeFooter, FOOTER_MAX, footerRecords, type TailRecord } from "./footer.ts";
import { compareScores, findHeaderRow, HEADER_SEARCH_ROWS, type HeaderScore } from "./header-row.ts";
import { guessHeaders, headerLookup, HeaderProblemError, mapHeaders, normaliseHeader, type HeaderAliases } from "./headers.ts";
import { fillMerges, watchMerges, type Merge } from "./merges.ts";
import { worksheets } from "./xlsx-reader.ts";
import { createRawTable } from "./raw.ts";
import type { FileRead } from "./csv.ts";

const MS_PER_DAY = 86_400_000;
/** Excel's day 0 in the 1900 date system, counting its phantom 29 February 1900 (serial 60). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** Excel serial day number → ISO date; the time of day, if any, is dropped. */
export function excelSerialToIso(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return null;
  const day = Math.floor(serial);
  if (day === 60) return null; // 29/02/1900 never existed
  return new Date(EXCEL_EPOCH + (day < 60 ? day + 1 : day) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The text a person sees for a cell, with dates as ISO text (Excel serials only in date columns). */
export function cellText(value: unknown, isDate: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return (isDate && excelSerialToIso(value)) || String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    if ("formula" in v || "sharedFormula" in v) return cellText(v.result, isDate); // the cached result
    if (Array.isArray(v.richText)) return v.richText.map((r: { text?: string }) => r.text ?? "").join("");
    if ("text" in v) return cellText(v.text, isDate);
    if ("error" in v) return String(v.error);
  }
  return String(value);
}

function csvField(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

/** A sheet as read: its header, where its rows went, and how well the header fits the dataset. */
interface SheetRead {
  name: string;
  score: HeaderScore;
  /** No non-blank row at all. */
  empty: boolean;
  headerRow: number;
  header: string[];
  fields: (string | null)[];
  extra: string[];
  headerWidth: number;
  width: number;
  rows: number;
  out: string;
  footer: TailRecord[];
  merges: Merge[];
  /** The header does not fit (missing or doubled columns): reported if this sheet is the one read. */
  problem: InputError | null;
  /** Guess mode: the columns read from a guessed header (column → header). */
  guessed: Record<string, string>;
}

export async function readXlsxFile(
  db: Db,
  dataset: Dataset,
  path: string,
  file: string,
  tmp: string,
  aliases: HeaderAliases,
  onBytes?: (done: number) => void,
  /** The sheet to read, from settings `sheets` (else: named like the dataset, else the best header). */
  sheetSetting?: string,
  /** Read on with the closest header for each missing column instead of throwing (ingest.ts). */
  guess = false,
  /** The programme profile: which columns the file is read for (programmes.md §2). */
  programme: Programme = DEFAULT_PROGRAMME,
): Promise<FileRead> {
  const bytes = statSync(path).size;
  const sha256 = await hashFile(path);
  checkContainer(path, file);
  const lookup = headerLookup(dataset, file, aliases, programme);

  const names: string[] = [];
  let best: SheetRead | null = null;
  let bestNamed = false;
  try {
    for await (const { sheet, rows } of worksheets(path)) {
      const name = sheet.name;
      names.push(name);
      const wanted = sheetSetting !== undefined && sameSheetName(name, sheetSetting);
      // Inputs.md: the sheet named like the dataset; else (our addition) the best-fitting header.
      const named = sheetSetting === undefined && normaliseHeader(name) === dataset;
      if ((sheetSetting !== undefined && !wanted) || bestNamed) continue;
      const merges = watchMerges(rows);
      const read = await readSheet(rows, {
        name,
        out: join(tmp, `${dataset}.sheet${names.length}.csv`),
        dataset,
        file,
        lookup,
        aliases,
        guess,
        programme,
        // A later sheet is kept only if its header fits better (or it is the one asked for).
        beat: wanted || named || !best ? null : best.score,
      });
      if (!read) continue;
      read.merges = merges;
      best = read;
      bestNamed = named;
      if (wanted) break;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      file,
      `is damaged or incomplete, so it cannot be opened as a workbook (${plainReason(e as Error)}). Open it in Excel and save it again as "Excel Workbook (.xlsx)", or save the data as CSV.`,
    );
  }
  onBytes?.(bytes);
  const listed = names.map((n) => `"${n}"`).join(", ");
  if (sheetSetting !== undefined && !best)
    throw new InputError(
      file,
      `has no sheet named "${sheetSetting}" (settings sheets.${dataset}); its sheets are ${listed || "(none)"}. Correct the name in settings.json.`,
    );
  if (!best)
    throw new InputError(
      file,
      'has no worksheets: it is not an Excel workbook, or it is damaged. Save the data from Excel as "Excel Workbook (.xlsx)" or as CSV.',
    );
  if (best.empty)
    throw new InputError(
      file,
      names.length > 1 ? `is empty: none of its sheets (${listed}) has a row.` : `sheet "${best.name}" is empty: it has no header row and no rows.`,
    );
  // In guess mode a header problem was read past (the sheet's rows are written): it is returned below.
  if (best.problem && !(guess && best.problem instanceof HeaderProblemError)) throw best.problem;

  const chosen = best;
  const cols = ["_line", ...Array.from({ length: chosen.width }, (_, i) => `f${i}`)];
  const spec = `{${cols.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}}`;
  await createRawTable(
    db,
    dataset,
    file,
    `read_csv(${literal(chosen.out)}, header = false, columns = ${spec}, delim = ',', quote = '"', escape = '"', auto_detect = false, null_padding = true, parallel = false) s`,
    { column: "s._line" },
    { names: cols.slice(1), columns: cols.slice(1).map((_, i) => chosen.fields[i] ?? null), headerWidth: chosen.headerWidth },
  );
  const merged = await fillMerges(db, `_src_${dataset}`, chosen.merges, chosen.headerRow, chosen.fields);
  const rows = Number((await db.one<{ n: number }>(`select count(*) as n from raw_${dataset}`))!.n);
  // Every non-blank row after the header, less the footer, is a row: counted as it was written.
  if (rows !== chosen.rows)
    throw new Error(
      `${file}: ${rows} rows read from sheet "${chosen.name}" but ${chosen.rows} were written from it; this is a bug in the pipeline, please report it.`,
    );
  const others = names.filter((n) => n !== chosen.name);
  const skipped =
    [
      chosen.headerRow > 1 ? `row${chosen.headerRow > 2 ? `s 1-${chosen.headerRow - 1}` : " 1"} above the header` : "",
      chosen.footer.length ? `${describeFooter(chosen.footer, "row")} after the table` : "",
      merged ? `${merged} merged range${merged > 1 ? "s" : ""} read as ${merged > 1 ? "their" : "its"} top-left value` : "",
      others.length ? `sheet${others.length > 1 ? "s" : ""} ${others.map((n) => `"${n}"`).join(", ")} not read` : "",
    ]
      .filter(Boolean)
      .join("; ") || null;
  return {
    encoding: "xlsx",
    bytes,
    sha256,
    rows_read: rows,
    extra_columns: chosen.extra,
    sheet: chosen.name,
    delimiter: null,
    header_line: chosen.headerRow,
    skipped,
    headerProblem: chosen.problem as HeaderProblemError | null,
    guessed: chosen.guessed,
  };
}

/** Sheet names as Excel compares them: case-insensitive; surrounding spaces forgiven. */
function sameSheetName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A library's error, as a short reason a person can pass on (not a stack or a code alone). */
function plainReason(e: Error): string {
  const m = e.message ?? String(e);
  if (
    /FILE_ENDED|unexpected end|end of (central )?directory|invalid signature|Corrupted zip|bad zip|invalid (distance|block|code)|incorrect header check/i.test(
      m,
    )
  )
    return "its zip archive is cut short or corrupt";
  return m.split("\n")[0].slice(0, 200);
}

const DISPLAY_ROWS = HEADER_SEARCH_ROWS;

async function readSheet(
  sheet: AsyncIterable<ExcelJS.Row>,
  ctx: {
    name: string;
    out: string;
    dataset: Dataset;
    file: string;
    lookup: Map<string, string>;
    aliases: HeaderAliases;
    guess: boolean;
    programme: Programme;
    beat: HeaderScore | null;
  },
): Promise<SheetRead | null> {
  const read: SheetRead = {
    name: ctx.name,
    score: { exact: -1, near: -1, cells: -1 },
    empty: true,
    headerRow: 0,
    header: [],
    fields: [],
    extra: [],
    headerWidth: 0,
    width: 0,
    rows: 0,
    out: ctx.out,
    footer: [],
    merges: [],
    problem: null,
    guessed: {},
  };
  const texts = (values: unknown[], dated: boolean) => {
    const out: string[] = [];
    for (let c = 1; c < values.length; c++) out.push(cellText(values[c], dated && DATE_COLUMNS.has(read.fields[c - 1] ?? "")).trim());
    while (out.length && out[out.length - 1] === "") out.pop();
    return out;
  };
  const head: { row: number; values: unknown[] }[] = [];
  // Rows are written a few behind the reader, so that a footer under the table is never written.
  const held: TailRecord[] = [];
  let state = "head" as "head" | "write" | "drain"; // (cast: it changes inside the closures below)
  let previousRow = 0;
  const fd = openSync(ctx.out, "w");
  let pending = "";
  const write = (r: TailRecord) => {
    read.width = Math.max(read.width, r.cells.length);
    pending += `${r.line},${r.cells.map(csvField).join(",")}\n`;
    read.rows++;
    if (pending.length > 1 << 16) {
      writeSync(fd, pending);
      pending = "";
    }
  };
  const take = (row: number, values: unknown[]) => {
    const cells = texts(values, true);
    if (cells.length === 0) return; // a blank row is not a row
    held.push({ record: 0, line: row, cells, blankBefore: row > previousRow + 1 });
    previousRow = row;
    if (held.length > FOOTER_MAX) write(held.shift()!);
  };
  const decide = () => {
    if (head.length === 0) return;
    read.empty = false;
    const rows = head.map((h) => texts(h.values, false));
    const found = findHeaderRow(ctx.dataset, ctx.lookup, rows, ctx.aliases, ctx.programme);
    read.score = found.score;
    if (ctx.beat && compareScores(found.score, ctx.beat) >= 0) {
      state = "drain";
      return;
    }
    read.headerRow = head[found.index].row;
    read.header = rows[found.index];
    const where = `sheet "${ctx.name}", row ${read.headerRow}`;
    try {
      const map = ctx.guess
        ? guessHeaders(ctx.dataset, ctx.file, read.header, ctx.aliases, where, ctx.programme)
        : { ...mapHeaders(ctx.dataset, ctx.file, read.header, ctx.aliases, where, ctx.programme), problem: null, guessed: {} };
      read.fields = map.fields;
      read.extra = map.extra;
      read.problem = map.problem;
      read.guessed = map.guessed;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      read.problem = e;
      state = "drain";
      return;
    }
    read.headerWidth = read.header.length;
    read.width = read.headerWidth;
    previousRow = read.headerRow;
    state = "write";
    for (const h of head.slice(found.index + 1)) take(h.row, h.values);
  };
  try {
    for await (const row of sheet) {
      // Every row is read to the end, even of a sheet not kept: the merged ranges come after them.
      if (state === "drain") continue;
      const values = (row.values as unknown[]) ?? [];
      if (state === "write") {
        take(row.number, values);
        continue;
      }
      if (texts(values, false).length === 0) continue;
      head.push({ row: row.number, values });
      if (head.length === DISPLAY_ROWS) decide();
    }
    if (state === "head") decide();
    if (state === "write") {
      read.footer = footerRecords(held);
      for (const r of held.slice(0, held.length - read.footer.length)) write(r);
    }
    if (pending) writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
  // An empty sheet is kept only if nothing better was seen (to say the workbook is empty).
  if (read.empty) return ctx.beat ? null : read;
  if (state === "drain" && !read.problem) return null;
  return read;
}

/**
 * What the file is, from its first bytes: a zip (an .xlsx), or an OLE compound file, which is
 * either a password-protected workbook (Excel encrypts into one) or an old .xls renamed.
 */
function checkContainer(path: string, file: string): void {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(8);
    const n = readSync(fd, head, 0, 8, 0);
    if (n === 0) throw new InputError(file, 'is empty (0 bytes): it is not a workbook. Save the data from Excel as "Excel Workbook (.xlsx)" or as CSV.');
    if (n >= 4 && head.readUInt32LE(0) === 0x04034b50) return;
    if (n === 8 && head.equals(CFB_SIGNATURE)) {
      // The stream names of an encrypted package, stored as UTF-16 in the compound file's directory.
      const size = Math.min(statSync(path).size, 64 << 20);
      const all = Buffer.alloc(size);
      readSync(fd, all, 0, size, 0);
      if (all.includes(Buffer.from("EncryptedPackage", "utf16le")) || all.includes(Buffer.from("EncryptionInfo", "utf16le")))
        throw new InputError(
          file,
          "is protected with a password (Excel has encrypted it), so it cannot be read. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), save it, and run again; or save the data as CSV.",
        );
      throw new InputError(
        file,
        'is an Excel 97-2003 workbook (.xls) with an .xlsx name. Open it in Excel and save it as "Excel Workbook (.xlsx)", or as CSV.',
      );
    }
    throw new InputError(file, 'is not an .xlsx workbook (it is not a zip file). Save it from Excel as "Excel Workbook (.xlsx)" or as CSV.');
  } finally {
    closeSync(fd);
  }
}

const CFB_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
