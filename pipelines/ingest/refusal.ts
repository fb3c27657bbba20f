// Every file's problems in one run: ingest reads every file even after one fails, then refuses
// the input once, listing each file and why, with a ready-to-paste `header_aliases` block for
// settings.json made of the closest header found for each missing column (and the aliases the
// settings already have, so the block replaces the old one whole).
import { InputRefusedError } from "../core/exit-codes.ts";
import { InputError } from "./errors.ts";
import { HeaderProblemError, type HeaderAliases } from "./headers.ts";

/** settings.json's header_aliases with the suggested aliases added (same shape: dataset → column → headers). */
export function suggestedAliases(problems: readonly HeaderProblemError[], existing: HeaderAliases): HeaderAliases {
  const out: HeaderAliases = structuredClone(existing);
  for (const { problem } of problems)
    for (const column of problem.missing) {
      const near = problem.closest.get(column);
      if (!near) continue;
      const list = ((out[problem.dataset] ??= {})[column] ??= []);
      if (!list.includes(near.header)) list.push(near.header);
    }
  return out;
}

/** The key and its value as they stand inside settings.json's braces, a column to a line. */
export function aliasBlock(aliases: HeaderAliases): string {
  const datasets = Object.entries(aliases).map(
    ([dataset, columns]) =>
      `    ${JSON.stringify(dataset)}: {\n${Object.entries(columns)
        .map(([c, list]) => `      ${JSON.stringify(c)}: ${JSON.stringify(list)}`)
        .join(",\n")}\n    }`,
  );
  return `  "header_aliases": {\n${datasets.join(",\n")}\n  }`;
}

/**
 * The error that refuses the input: the single InputError itself when one file has one problem
 * that no alias can fix (its sentence says it all), else one InputRefusedError listing every file.
 */
export function refuseInput(errors: readonly InputError[], existing: HeaderAliases): Error {
  const headerProblems = errors.filter((e): e is HeaderProblemError => e instanceof HeaderProblemError);
  if (errors.length === 1 && headerProblems.length === 0) return errors[0];
  const { text, reasons } = describeInputProblems(errors, existing);
  return new InputRefusedError(text, reasons);
}

/**
 * Every file that cannot be read as it is, one line each, then the header_aliases block to paste
 * and the columns nothing resembles. Also the head of validate's one-pass refusal (validate/refusal.ts).
 */
export function describeInputProblems(errors: readonly InputError[], existing: HeaderAliases): { text: string; reasons: string[] } {
  const headerProblems = errors.filter((e): e is HeaderProblemError => e instanceof HeaderProblemError);
  const reasons = errors.map((e) => e.message);
  const lines = [
    `${errors.length === 1 ? "One input file cannot" : `${errors.length} input files cannot`} be read as ${errors.length === 1 ? "it is" : "they are"}:`,
    ...reasons.map((r) => `  - ${r}`),
  ];
  const suggested = headerProblems.some((e) => e.problem.closest.size > 0);
  if (suggested) {
    // As validate prints value_aliases: the key and its value, to go inside settings.json's braces.
    const block = aliasBlock(suggestedAliases(headerProblems, existing));
    lines.push(
      "",
      'Each "perhaps" above is the closest header in that file. If they are right, put this in settings.json in place of',
      "any header_aliases already there (it keeps the aliases you have), then run again:",
      block,
    );
  }
  const unmatched = headerProblems.flatMap((e) => e.problem.missing.filter((c) => !e.problem.closest.has(c)).map((c) => `${e.problem.dataset}.${c}`));
  if (unmatched.length)
    lines.push(
      "",
      `No header resembles ${unmatched.join(", ")}: add ${unmatched.length > 1 ? "those columns" : "that column"} to the file, or name ${unmatched.length > 1 ? "their headers" : "its header"} in header_aliases yourself.`,
    );
  return { text: lines.join("\n"), reasons };
}
