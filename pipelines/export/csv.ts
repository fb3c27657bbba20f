// CSV in and out for the return: RFC 4180, UTF-8 without BOM, LF line ends, and formula
// injection neutralised in every text cell (outputs.md §2) without touching numbers.

/** A plain number as the return writes them: optional minus, digits, optional decimals. */
export const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Neutralises a text cell that a spreadsheet would read as a formula (starts with = + - @, or
 * a tab / carriage return that some spreadsheets strip first) by prefixing an apostrophe, the
 * OWASP advice. Plain numbers such as -1.5 are numbers, not text, and are left alone.
 */
export function neutralise(value: string): string {
  if (value === "" || PLAIN_NUMBER.test(value)) return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Writes rows as CSV text (header first), neutralising every cell. */
export function toCsv(columns: string[], rows: (string | null | undefined)[][]): string {
  const lines = [columns.map((c) => quote(neutralise(c))).join(",")];
  for (const row of rows) lines.push(row.map((v) => quote(neutralise(v ?? ""))).join(","));
  return `${lines.join("\n")}\n`;
}

export class CsvParseError extends Error {}

/** Parses CSV text into rows of strings (RFC 4180 quoting; CRLF or LF). A BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let quoted = false;
  let line = 1;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== "") throw new CsvParseError(`line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (ch === "\r" && text[i + 1] === "\n") i++;
      line++;
    } else {
      field += ch;
    }
    i++;
  }
  if (quoted) throw new CsvParseError(`line ${line}: a quoted field is not closed`);
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
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
