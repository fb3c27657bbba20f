// Merged cells in a workbook. Excel keeps a merged range's value in its top-left cell only and
// leaves the others blank, so a school name merged down over its pupils' rows would leave all
// but the first row without one (and quarantine them). inputs.md reads a merged cell as its
// top-left value everywhere in the range. exceljs's streaming reader parses no <mergeCell>
// elements, so we read them from the sheet's XML as it streams past, and fill the ranges once
// the sheet is loaded (merges are listed after the rows, so they cannot be applied as rows stream).
import { ident, type Db } from "../core/db.ts";

export interface Merge {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/**
 * Taps the XML a streamed worksheet is parsed from (exceljs's WorksheetReader reads
 * `iterator` when its rows are first iterated) and collects its merged ranges. The array
 * is complete once the sheet's rows have all been read.
 */
export function watchMerges(sheet: unknown): Merge[] {
  const reader = sheet as { iterator?: AsyncIterable<Buffer | string> };
  const merges: Merge[] = [];
  const source = reader.iterator;
  if (!source) return merges;
  reader.iterator = (async function* () {
    let carry = "";
    for await (const chunk of source) {
      const text = carry + (typeof chunk === "string" ? chunk : chunk.toString("latin1"));
      const re = /<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"/g;
      let end = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const top = Number(m[2]),
          left = columnNumber(m[1]);
        merges.push({ top, left, bottom: m[4] ? Number(m[4]) : top, right: m[3] ? columnNumber(m[3]) : left });
        end = re.lastIndex;
      }
      // Keep the end of the text in case an element is cut by the chunk boundary.
      carry = text.slice(Math.max(end, text.length - 256));
      yield chunk;
    }
  })();
  return merges;
}

/**
 * Fills merged ranges below the header in the sheet's source table (`_src_<dataset>`, with the
 * sheet row in `_line`): each cell of a range takes the range's top-left value. `fields` gives
 * the canonical column of each sheet column (index 0 = column A); a range whose top-left
 * column is not one we keep has no value to copy. Returns the number of ranges applied.
 */
export async function fillMerges(db: Db, table: string, merges: readonly Merge[], headerRow: number, fields: readonly (string | null)[]): Promise<number> {
  const groups = new Map<string, { from: string; to: string; ranges: Merge[] }>();
  let applied = 0;
  for (const m of merges) {
    if (m.top <= headerRow || (m.bottom === m.top && m.right === m.left)) continue;
    const from = fields[m.left - 1];
    if (!from) continue;
    let used = false;
    for (let c = m.left; c <= m.right; c++) {
      const to = fields[c - 1];
      if (!to || (to === from && m.bottom === m.top)) continue;
      const key = `${from}\u0000${to}`;
      if (!groups.has(key)) groups.set(key, { from, to, ranges: [] });
      groups.get(key)!.ranges.push(m);
      used = true;
    }
    if (used) applied++;
  }
  for (const { from, to, ranges } of groups.values()) {
    const values = ranges.map((r) => `(${r.top}, ${r.bottom})`).join(", ");
    await db.run(`
      update ${ident(table)} as s set ${ident(to)} = r.v
      from (select m.top, m.bottom, src.${ident(from)} as v
            from (values ${values}) m(top, bottom) join ${ident(table)} src on src._line = m.top) r
      where s._line between r.top and r.bottom`);
  }
  return applied;
}
