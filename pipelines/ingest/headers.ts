// Maps the header a file actually has onto canonical column names (inputs.md: matched
// case-insensitively, ignoring spaces, `_` and `-`), with built-in and settings aliases.
import { COLUMNS, OPTIONAL_HEADERS, builtInAliases, type Dataset } from "./datasets.ts";
import { InputError } from "./errors.ts";

export function normaliseHeader(name: string): string {
  return name.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s_\-]+/g, "");
}

export interface HeaderMap {
  /** For each field position: the canonical column it holds, or null (extra or unnamed). */
  fields: (string | null)[];
  /** Headers we do not use, as written in the file. */
  extra: string[];
}

export function mapHeaders(
  dataset: Dataset,
  file: string,
  header: string[],
  settingsAliases: Record<string, Record<string, string[]>> = {},
): HeaderMap {
  const lookup = new Map<string, string>();
  const add = (alias: string, column: string) => {
    const key = normaliseHeader(alias);
    const previous = lookup.get(key);
    if (previous && previous !== column)
      throw new InputError(file, `header alias "${alias}" is configured for both ${previous} and ${column}; keep it on one only.`);
    lookup.set(key, column);
  };
  for (const [column, aliases] of Object.entries(builtInAliases(dataset))) for (const a of aliases) add(a, column);
  // Settings come last and win over a built-in alias of another column: the LA knows its files.
  for (const [column, aliases] of Object.entries(settingsAliases[dataset] ?? {})) {
    if (!COLUMNS[dataset].includes(column))
      throw new InputError(file, `settings header_aliases.${dataset} names "${column}", which is not a column of ${dataset} (columns: ${COLUMNS[dataset].join(", ")}).`);
    for (const a of aliases) lookup.set(normaliseHeader(a), column);
  }

  const fields: (string | null)[] = [];
  const extra: string[] = [];
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
    if (earlier !== undefined)
      throw new InputError(file, `the headers "${earlier}" and "${name}" both mean ${column}; remove or rename one of them.`);
    seen.set(column, name);
    fields.push(column);
  }
  const optional = OPTIONAL_HEADERS[dataset] ?? [];
  const missing = COLUMNS[dataset].filter((c) => !seen.has(c) && !optional.includes(c));
  if (missing.length)
    throw new InputError(
      file,
      `required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing. The header has: ${header.map((h) => `"${h}"`).join(", ") || "(nothing)"}. ` +
        `Rename the column, or add its header to settings header_aliases.${dataset}.`,
    );
  return { fields, extra };
}
