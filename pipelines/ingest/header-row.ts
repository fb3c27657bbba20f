// Exports put title rows ("Pupil census, spring 2010"), notes and blank rows above the
// table. The header is the row, among the first HEADER_SEARCH_ROWS non-blank rows, that
// names the most of the dataset's columns; rows above it are skipped and reported.
import { DEFAULT_PROGRAMME, type Programme } from "../core/programme.ts";
import { builtInAliases, columnsOf, type Dataset } from "./datasets.ts";
import { columnsNamed, type HeaderAliases } from "./headers.ts";
import { similarity, SUGGEST_AT } from "./similar.ts";

/** The header must be among this many non-blank rows at the top of a file or sheet. */
export const HEADER_SEARCH_ROWS = 20;

export interface HeaderScore {
  /** Distinct columns named exactly (after aliases). */
  exact: number;
  /** Cells alike enough to a column's name to be offered as its alias. */
  near: number;
  /** Non-blank cells. */
  cells: number;
}

/** Orders scores best first: exact names, then near ones, then the widest row. */
export function compareScores(a: HeaderScore, b: HeaderScore): number {
  return b.exact - a.exact || b.near - a.near || b.cells - a.cells;
}

export function scoreRow(
  dataset: Dataset,
  lookup: Map<string, string>,
  cells: readonly string[],
  aliases: HeaderAliases = {},
  programme: Programme = DEFAULT_PROGRAMME,
): HeaderScore {
  const exact = columnsNamed(lookup, cells);
  const builtIn = builtInAliases(dataset, programme);
  const names = columnsOf(dataset, programme).flatMap((c) => [...(builtIn[c] ?? [c]), ...(aliases[dataset]?.[c] ?? [])]);
  let near = 0,
    nonBlank = 0;
  for (const cell of cells) {
    const text = cell.trim();
    if (!text) continue;
    nonBlank++;
    // Long texts are titles or notes, not headers: skip the comparison.
    if (text.length <= 40 && names.some((n) => similarity(text, n) >= SUGGEST_AT)) near++;
  }
  return { exact, near, cells: nonBlank };
}

/** Index of the header among `rows` (the first non-blank rows, in order); the first of equals wins. */
export function findHeaderRow(
  dataset: Dataset,
  lookup: Map<string, string>,
  rows: readonly (readonly string[])[],
  aliases: HeaderAliases = {},
  programme: Programme = DEFAULT_PROGRAMME,
): { index: number; score: HeaderScore } {
  let best = { index: 0, score: { exact: -1, near: -1, cells: -1 } };
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((cells, index) => {
    const score = scoreRow(dataset, lookup, cells, aliases, programme);
    if (compareScores(score, best.score) < 0) best = { index, score };
  });
  return best;
}
