// Maps the header a file actually has onto canonical column names (inputs.md: matched
// case-insensitively, ignoring spaces, `_` and `-`), with built-in and settings aliases.
// A header that lacks required columns is reported with the closest header the file has for
// each, so one run can list every file's problems and offer the aliases that would fix them.
import { DEFAULT_PROGRAMME, type Programme } from "../core/programme.ts";
import { HEADER_SYNONYMS, builtInAliases, columnsOf, optionalHeadersOf, type Dataset } from "./datasets.ts";
import { InputError } from "./errors.ts";
import { closestHeaders } from "./similar.ts";

export type HeaderAliases = Record<string, Record<string, string[]>>;

export function normaliseHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, "")
    .toLowerCase()
    .replace(/[\s_\-]+/g, "");
}

export interface HeaderMap {
  /** For each field position: the canonical column it holds, or null (extra or unnamed). */
  fields: (string | null)[];
  /** Headers we do not use, as written in the file. */
  extra: string[];
}

/** Normalised header → canonical column, from the built-in aliases and then the settings'. */
export function headerLookup(
  dataset: Dataset,
  file: string,
  settingsAliases: HeaderAliases = {},
  programme: Programme = DEFAULT_PROGRAMME,
): Map<string, string> {
  const columns = columnsOf(dataset, programme);
  const lookup = new Map<string, string>();
  const add = (alias: string, column: string) => {
    const key = normaliseHeader(alias);
    const previous = lookup.get(key);
    if (previous && previous !== column)
      throw new InputError(file, `header alias "${alias}" is configured for both ${previous} and ${column}; keep it on one only.`);
    lookup.set(key, column);
  };
  for (const [column, aliases] of Object.entries(builtInAliases(dataset, programme))) for (const a of aliases) add(a, column);
  // Settings come last and win over a built-in alias of another column: the LA knows its files.
  for (const [column, aliases] of Object.entries(settingsAliases[dataset] ?? {})) {
    if (!columns.includes(column))
      throw new InputError(file, `settings header_aliases.${dataset} names "${column}", which is not a column of ${dataset} (columns: ${columns.join(", ")}).`);
    for (const a of aliases) lookup.set(normaliseHeader(a), column);
  }
  return lookup;
}

/** How many distinct columns of the dataset a row of cells names: how header-like the row is. */
export function columnsNamed(lookup: Map<string, string>, cells: readonly string[]): number {
  const seen = new Set<string>();
  for (const cell of cells) {
    const column = cell.trim() ? lookup.get(normaliseHeader(cell.trim())) : undefined;
    if (column) seen.add(column);
  }
  return seen.size;
}

/** A header that cannot be used: what is missing or doubled, and the closest header for each missing column. */
export interface HeaderProblem {
  dataset: Dataset;
  file: string;
  /** Where the header is, for the message: `line 3`, or `sheet "Census", row 4`. */
  where: string;
  header: string[];
  missing: string[];
  /** Sentences about headers that mean the same column. */
  duplicates: string[];
  closest: Map<string, { header: string; score: number }>;
}

/** Thrown for a header problem; ingest collects them from every file before refusing the input. */
export class HeaderProblemError extends InputError {
  constructor(readonly problem: HeaderProblem) {
    super(problem.file, describeProblem(problem));
    this.name = "InputError";
  }
}

function describeProblem(p: HeaderProblem): string {
  const parts: string[] = [];
  if (p.missing.length) {
    const closest = p.missing.map((c) => {
      const near = p.closest.get(c);
      return near ? `${c}: perhaps "${near.header}"` : `${c}: no header resembles it`;
    });
    parts.push(
      `required column${p.missing.length > 1 ? "s" : ""} ${p.missing.join(", ")} missing (${closest.join("; ")}). ` +
        `The header (${p.where}) has: ${
          p.header
            .filter((h) => h.trim())
            .map((h) => `"${h.trim()}"`)
            .join(", ") || "(nothing)"
        }. ` +
        `Rename the column, or add its header to settings header_aliases.${p.dataset}.`,
    );
  }
  parts.push(...p.duplicates);
  return parts.join(" ");
}

export function mapHeaders(
  dataset: Dataset,
  file: string,
  header: string[],
  settingsAliases: HeaderAliases = {},
  where = "line 1",
  programme: Programme = DEFAULT_PROGRAMME,
): HeaderMap {
  const { problem, ...map } = matchHeaders(dataset, file, header, settingsAliases, where, programme);
  if (problem) throw problem;
  return map;
}

/** A header read as well as it can be: with each missing column's closest header taken as its alias. */
export interface GuessedHeaderMap extends HeaderMap {
  /** What is wrong with the header as it stands (the refusal to report), or null when nothing is. */
  problem: HeaderProblemError | null;
  /** The columns read from a guessed header: column → the header read as it. */
  guessed: Record<string, string>;
}

/**
 * The header mapped with the closest header of each missing column taken as its alias, so the
 * rest of the run can still look at the values (issue 14: every problem in one pass). A column
 * nothing resembles stays absent (all blank); of two headers meaning one column the first is read.
 * The problem is returned, never thrown: the caller must still refuse the input.
 */
export function guessHeaders(
  dataset: Dataset,
  file: string,
  header: string[],
  settingsAliases: HeaderAliases = {},
  where = "line 1",
  programme: Programme = DEFAULT_PROGRAMME,
): GuessedHeaderMap {
  const first = matchHeaders(dataset, file, header, settingsAliases, where, programme);
  if (!first.problem) return { ...first, guessed: {} };
  const guessed = Object.fromEntries([...first.problem.problem.closest].map(([column, near]) => [column, near.header]));
  const withGuesses = structuredClone(settingsAliases);
  for (const [column, near] of Object.entries(guessed)) ((withGuesses[dataset] ??= {})[column] ??= []).push(near);
  const second = matchHeaders(dataset, file, header, withGuesses, where, programme);
  return { fields: second.fields, extra: second.extra, problem: first.problem, guessed };
}

function matchHeaders(
  dataset: Dataset,
  file: string,
  header: string[],
  settingsAliases: HeaderAliases,
  where: string,
  programme: Programme,
): HeaderMap & { problem: HeaderProblemError | null } {
  const lookup = headerLookup(dataset, file, settingsAliases, programme);
  const fields: (string | null)[] = [];
  const extra: string[] = [];
  const duplicates: string[] = [];
  const seen = new Map<string, string>();
  for (const raw of header) {
    const name = raw.trim();
    const column = name ? lookup.get(normaliseHeader(name)) : undefined;
    if (!column) {
      fields.push(null);
      if (name) extra.push(name);
      continue;
    }
    const earlier = seen.get(column);
    if (earlier !== undefined) {
      duplicates.push(`The headers "${earlier}" and "${name}" both mean ${column}; remove or rename one of them.`);
      fields.push(null);
      continue;
    }
    seen.set(column, name);
    fields.push(column);
  }
  const optional = optionalHeadersOf(dataset, programme);
  const missing = columnsOf(dataset, programme).filter((c) => !seen.has(c) && !optional.includes(c));
  if (missing.length || duplicates.length) {
    const builtIn = builtInAliases(dataset, programme);
    // Synonyms only make guesses: the officer confirms each by pasting it (datasets.ts).
    const names = (column: string) => [...(builtIn[column] ?? [column]), ...(HEADER_SYNONYMS[column] ?? []), ...(settingsAliases[dataset]?.[column] ?? [])];
    const closest = closestHeaders(missing, names, extra);
    return { fields, extra, problem: new HeaderProblemError({ dataset, file, where, header, missing, duplicates, closest }) };
  }
  return { fields, extra, problem: null };
}
