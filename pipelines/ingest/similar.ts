// How alike a header written in a file is to a column's name or one of its aliases: enough to
// say "nc_year is missing; the closest header in pupils.xlsx is "NC Yr Group"" and to offer
// it as an alias. Headers are short, so two cheap measures suffice: shared character pairs
// (Dice coefficient: catches typos such as "scool_name") and shared words ("NC Year Group"
// holds both words of nc_year). A dependency was not worth it for these dozen lines.

/** Lower case, every run of non-alphanumerics one space: "F_S_M  Eligible" → "f s m eligible". */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/^\uFEFF/, "")
    .split(/[^a-z0-9£]+/)
    .filter(Boolean);
}

function pairs(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const p = text.slice(i, i + 2);
    out.set(p, (out.get(p) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient on character pairs of the two texts with spaces and punctuation removed. */
function dice(a: string, b: string): number {
  if (a === b) return a ? 1 : 0;
  if (a.length < 2 || b.length < 2) return 0;
  const pa = pairs(a),
    pb = pairs(b);
  let shared = 0;
  for (const [p, n] of pa) shared += Math.min(n, pb.get(p) ?? 0);
  return (2 * shared) / (a.length - 1 + b.length - 1);
}

/** 0 (nothing alike) to 1 (the same once case, spaces and punctuation are ignored). */
export function similarity(header: string, name: string): number {
  const wa = words(header),
    wb = words(name);
  const byPairs = dice(wa.join(""), wb.join(""));
  const shared = wa.filter((w) => wb.includes(w)).length;
  // Every word of the name in the header ("Phase of education" for phase) counts for more
  // than some words in common ("Year" for academic_year).
  const byWords = !wa.length || !wb.length ? 0 : wb.every((w) => wa.includes(w)) ? 0.6 + (0.4 * shared) / wa.length : shared / Math.max(wa.length, wb.length);
  return Math.max(byPairs, byWords);
}

/** A header at least this alike to a column is offered as its alias. */
export const SUGGEST_AT = 0.5;

/**
 * For each missing column, the most alike header among `unused` (headers the file has that
 * mean no column), each header offered for one column at most, best pairs first.
 * `names` gives every spelling known for a column (its name and aliases).
 */
export function closestHeaders(
  missing: readonly string[],
  names: (column: string) => readonly string[],
  unused: readonly string[],
): Map<string, { header: string; score: number }> {
  const pairsFound: { column: string; header: string; score: number }[] = [];
  for (const column of missing)
    for (const header of unused) {
      const score = Math.max(...names(column).map((n) => similarity(header, n)));
      if (score >= SUGGEST_AT) pairsFound.push({ column, header, score });
    }
  pairsFound.sort((a, b) => b.score - a.score || missing.indexOf(a.column) - missing.indexOf(b.column) || unused.indexOf(a.header) - unused.indexOf(b.header));
  const out = new Map<string, { header: string; score: number }>();
  const taken = new Set<string>();
  for (const p of pairsFound) {
    if (out.has(p.column) || taken.has(p.header)) continue;
    out.set(p.column, { header: p.header, score: p.score });
    taken.add(p.header);
  }
  return out;
}
