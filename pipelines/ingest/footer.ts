// Reports exported from an MIS end with a line or two under the table: "Total rows: 412",
// "End of report", "Printed 05/05/2010 by ...". Such a line is not a row of data, so it is
// skipped (and reported), never quarantined or counted. To be skipped a trailing line must
// look like a footer beyond doubt: a single non-blank value holding a letter, and either a
// footer word or a blank line between it and the table. Anything else stays a row.

/** One of the last records of a file or sheet. */
export interface TailRecord {
  /** Record number after the header (1 = first), as the raw source numbers them. */
  record: number;
  /** Line (CSV) or sheet row of the record. */
  line: number;
  /** Its values, untrimmed. */
  cells: string[];
  /** A blank line (or a row of separators only) comes between this record and the one before. */
  blankBefore: boolean;
}

/** How many trailing records may be a footer. */
export const FOOTER_MAX = 5;

const FOOTER_WORDS =
  /\b(total|totals|count|rows|records|pupils|schools|courses|sessions|end of|report|generated|printed|produced|exported|extracted|run on|source|page)\b/i;

function isFooter(r: TailRecord): boolean {
  const values = r.cells.map((c) => c.trim()).filter(Boolean);
  return values.length === 1 && /\p{L}/u.test(values[0]) && (r.blankBefore || FOOTER_WORDS.test(values[0]));
}

/** The trailing records (of `tail`, in file order) that are a footer; blank records in between are passed over. */
export function footerRecords(tail: readonly TailRecord[]): TailRecord[] {
  const footer: TailRecord[] = [];
  for (let i = tail.length - 1; i >= 0 && footer.length < FOOTER_MAX; i--) {
    const r = tail[i];
    if (r.cells.every((c) => !c.trim())) continue; // a blank record: not a row anyway
    if (!isFooter(r)) break;
    footer.unshift(r);
  }
  return footer;
}

/** "line 14 "Total rows: 12"" for the report (the text cut short: it is a footer, not data). */
export function describeFooter(records: readonly TailRecord[], unit: "line" | "row"): string {
  return records
    .map((r) => {
      const text = (r.cells.map((c) => c.trim()).find(Boolean) ?? "").replace(/\s+/g, " ");
      return `${unit} ${r.line} "${text.length > 60 ? `${text.slice(0, 57)}...` : text}"`;
    })
    .join(", ");
}
