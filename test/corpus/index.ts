// Writes test/corpus/README.md, the index of the bad-input corpus, from cases.ts:
//   npx tsx test/corpus/index.ts
// (test/reliability-corpus.test.ts fails when a case is missing from the index.)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CASES, type Case } from "./cases.ts";

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

function outcome(c: Case): string {
  if (c.refused) return `refused: \`${c.refused.file}\` /${cell(c.refused.message.source)}/`;
  if (!c.quarantine!.length) return "all rows loaded";
  return c.quarantine!.map(([file, line, column, rule]) => `${file}:${line} ${column ?? "(row)"} \`${rule}\``).join("; ");
}

const lines = [
  "# Bad-input corpus (issue 8)",
  "",
  "Each case starts from a clean synthetic LA (`base.ts`: seven small valid files) and changes",
  "one thing. Expected outcomes are written from `shared/spec/inputs.md` and",
  "`docs/architecture.md`. `test/reliability-corpus.test.ts` runs every case through ingest +",
  "validate and checks exactly this outcome, plus: rows read = rows in the file = loaded +",
  "quarantined for every file (no row lost). Files are generated at test time (xlsx with",
  "exceljs, the 200 MB file streamed into the temp folder and deleted afterwards).",
  "",
  "This file is generated: `npx tsx test/corpus/index.ts`.",
  "",
  `${CASES.length} cases.`,
  "",
  "| case | dataset | what | expected |",
  "|---|---|---|---|",
  ...CASES.map((c) => `| \`${c.id}\` | ${c.dataset} | ${cell(c.what)} | ${outcome(c)} |`),
  "",
  "## Covered elsewhere (not counted above)",
  "",
  "- `test/ingest-errors.test.ts`: a file of blank lines, a non-CSV/xlsx extension, two files for one dataset, a required dataset missing, an LA code not in settings.",
  "- `test/ingest-lines.test.ts`: line numbers over many multi-line rows (line index joined), blank lines above the header, short rows padded.",
  "- `test/ingest-headers.test.ts`: header aliases from settings, extra columns listed.",
  "- `test/encoding.test.ts`: a UTF-8 character split across the scanner's 1 MiB chunks.",
  "- `test/dates.test.ts`, `test/flags.test.ts`, `test/upn.test.ts`: the parsers value by value.",
  "- `test/ingest-e2e.test.ts` (fixture `test/fixtures/ingest/planted`): 55 planted rows of every rule in one LA.",
  "- `test/run.test.ts`: SIGKILL at each stage, determinism on the same inputs, dry run.",
  "- `test/reliability-faults.test.ts`, `test/reliability-order.test.ts`, `test/privacy.test.ts`, `test/security.test.ts`: faults, order, privacy and injection on whole runs.",
  "",
];
writeFileSync(join(import.meta.dirname, "README.md"), lines.join("\n"));
console.log(`wrote ${CASES.length} cases`);
