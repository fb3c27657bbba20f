// Identifiers that must never be published (outputs.md §2): UPN-shaped strings always, and,
// when the audit runs inside a run, the run's own tutor ids and questionnaire comments as canaries.
//
// Readings: a UPN shape is a letter and 12 digits, or a letter, 11 digits and a letter (the
// temporary UPN of pipelines/validate/upn.ts), in either case, standing alone (not inside a
// longer run of letters and digits, such as a SHA-256). A tutor id is found as a whole token;
// ids of digits only or under 4 characters are not looked for, since they cannot be told from
// figures and codes. A comment is found by its words; comments of fewer than 3 words are not
// looked for, since they cannot be told from ordinary text ("Good", "no change").

export type IdentifierKind = "upn" | "tutor_id" | "comment";

export interface IdentifierHit {
  kind: IdentifierKind;
  /** What was found (a UPN is shown masked: the report is read by people too). */
  shown: string;
  index: number;
}

export interface Canaries {
  tutorIds?: Iterable<string>;
  comments?: Iterable<string>;
}

const UPN = /(?<![A-Za-z0-9])[A-Za-z]\d{11}[A-Za-z0-9](?![A-Za-z0-9])/g;
const TOKEN = /[\p{L}\p{N}_-]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

const words = (text: string) => (text.toLowerCase().match(WORD) ?? []) as string[];

export class IdentifierScanner {
  private readonly tutorIds = new Set<string>();
  /** First three words of each comment → the comments' full word lists. */
  private readonly comments = new Map<string, string[][]>();
  /** The first word of each comment: most words of a release start none, and are passed over at once. */
  private readonly firstWords = new Set<string>();

  constructor(canaries: Canaries = {}) {
    for (const raw of canaries.tutorIds ?? []) {
      const id = String(raw).trim();
      if (id.length >= 4 && !/^\d+$/.test(id)) this.tutorIds.add(id.toLowerCase());
    }
    for (const raw of canaries.comments ?? []) {
      const w = words(String(raw));
      if (w.length < 3) continue;
      const key = w.slice(0, 3).join(" ");
      const list = this.comments.get(key) ?? [];
      list.push(w);
      this.comments.set(key, list);
      this.firstWords.add(w[0]);
    }
  }

  /**
   * Hits of texts already scanned. A site repeats the same texts many times (the same labels in
   * every school's file; one school page copied for every school), so each distinct text is
   * scanned once and its hits given again for every place that holds it. Long texts (whole CSVs)
   * are not kept: they are rarely repeated and would hold memory.
   */
  private readonly seen = new Map<string, IdentifierHit[]>();

  /** Every identifier in `text`, with its index in it (the caller must not change the list). */
  scan(text: string): IdentifierHit[] {
    const known = this.seen.get(text);
    if (known) return known;
    const hits = this.scanOnce(text);
    if (text.length <= 65_536) this.seen.set(text, hits);
    return hits;
  }

  private scanOnce(text: string): IdentifierHit[] {
    const hits: IdentifierHit[] = [];
    for (const m of text.matchAll(UPN)) hits.push({ kind: "upn", shown: `${m[0].slice(0, 1)}${"#".repeat(m[0].length - 1)}`, index: m.index });
    if (this.tutorIds.size > 0) {
      for (const m of text.matchAll(TOKEN)) if (this.tutorIds.has(m[0].toLowerCase())) hits.push({ kind: "tutor_id", shown: m[0], index: m.index });
    }
    if (this.comments.size > 0) {
      // Word by word, holding only the last three (a release's CSV has millions of words; a list
      // of them all cost more than the rest of the audit): where three words start a comment,
      // the words from there are read on and compared with each comment they start.
      const lower = text.toLowerCase();
      const words = new RegExp(WORD.source, WORD.flags);
      let a: RegExpExecArray | null = null;
      let b: RegExpExecArray | null = null;
      for (let c = words.exec(lower); c !== null; c = words.exec(lower)) {
        const list = a && b && this.firstWords.has(a[0]) ? this.comments.get(`${a[0]} ${b[0]} ${c[0]}`) : undefined;
        if (list && a) {
          const at = a.index;
          const ahead = new RegExp(WORD.source, WORD.flags);
          ahead.lastIndex = at;
          const longest = Math.max(...list.map((w) => w.length));
          const found: string[] = [];
          for (let m = ahead.exec(lower); m !== null && found.length < longest; m = ahead.exec(lower)) found.push(m[0]);
          for (const w of list) {
            if (w.length > found.length) continue;
            if (w.every((x, j) => found[j] === x)) {
              hits.push({ kind: "comment", shown: `"${w.slice(0, 6).join(" ")}${w.length > 6 ? " ..." : ""}"`, index: at });
              break;
            }
          }
        }
        a = b;
        b = c;
      }
    }
    return hits.sort((a, b) => a.index - b.index);
  }
}

/** Line (1-based) and the index of its start, for an index into text. */
export function lineOf(text: string, index: number): { line: number; start: number } {
  let line = 1;
  let start = 0;
  for (let p = text.indexOf("\n"); p !== -1 && p < index; p = text.indexOf("\n", p + 1)) {
    line++;
    start = p + 1;
  }
  return { line, start };
}
