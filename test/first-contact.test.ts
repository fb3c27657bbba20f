// Issue 14's first contact, end to end: the committed MIS-shaped folder (test/fixtures/mis-export,
// the synthetic LA as an MIS exports it) goes from raw to published in one `validate` round plus
// one paste of the settings that round suggests, and its return equals, cell for cell, the
// return from the same data in contract form. docs/first-contact.md is the transcript.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvParse, csvParseRows } from "d3";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { EXPORTS, FILES, WORDS, makeContractForm, makeMisExport } from "./fixtures/mis-export/make.ts";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const tmp = mkdtempSync(join(tmpdir(), "first-contact-"));

/** The CLI as an officer runs it: build/ when it is current, else the sources under test (bin/ decides). */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, "--quiet"], {
    encoding: "utf8",
    env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/** The return's LA and schools files of a run, as rows of cells. */
function returnFiles(out: string): Record<string, string[][]> {
  const dir = join(out, "return");
  const names = readdirSync(dir)
    .filter((f) => /^impact_(schools_)?\d{3}_\d{6}\.csv$/.test(f))
    .sort();
  return Object.fromEntries(names.map((f) => [f, csvParseRows(readFileSync(join(dir, f), "utf8"))]));
}

/** Every cell where two returns differ (at most 20), as "file row column: a ≠ b". */
function cellDifferences(a: Record<string, string[][]>, b: Record<string, string[][]>): string[] {
  const out: string[] = [];
  for (const file of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[file] ?? [],
      y = b[file] ?? [];
    if (!a[file] || !b[file]) out.push(`${file}: only in one return`);
    for (let r = 0; r < Math.max(x.length, y.length); r++)
      for (let c = 0; c < Math.max(x[r]?.length ?? 0, y[r]?.length ?? 0); c++)
        if (x[r]?.[c] !== y[r]?.[c]) out.push(`${file} row ${r + 1} ${x[0]?.[c] ?? y[0]?.[c]}: ${x[r]?.[c]} ≠ ${y[r]?.[c]}`);
  }
  return out.slice(0, 20);
}

/**
 * The `"<key>": { ... }` block the CLI printed for settings.json, parsed as JSON (it must be
 * valid JSON to be pasted); undefined when the output has none.
 */
function printedBlock(output: string, key: "header_aliases" | "value_aliases"): Record<string, Record<string, unknown>> | undefined {
  const found = [...output.matchAll(new RegExp(`"${key}"\\s*:\\s*\\{`, "g"))];
  expect(found.length, `the ${key} block is printed once`).toBeLessThanOrEqual(1);
  if (found.length === 0) return undefined;
  const start = found[0].index! + found[0][0].length - 1;
  let depth = 0,
    inString = false;
  for (let i = start; i < output.length; i++) {
    const ch = output[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) return JSON.parse(output.slice(start, i + 1));
  }
  throw new Error(`the ${key} block printed is not closed:\n${output.slice(start)}`);
}

/** What the fixture wrote for each dataset and column: its MIS header (make.ts's table). */
const MIS_HEADER = new Map<string, string>(EXPORTS.flatMap((e) => e.headers.map(([column, header]) => [`${e.dataset}.${column}`, header] as const)));
/** What the fixture's words mean, per coded column: word → code (make.ts's table, inverted). */
const CODE_OF_WORD: Record<string, Record<string, string>> = Object.fromEntries(
  Object.entries(WORDS).map(([column, table]) => [column, Object.fromEntries(Object.entries(table).map(([code, word]) => [word, code]))]),
);
const fileOf = (dataset: string) => `${dataset}.${EXPORTS.find((e) => e.dataset === dataset)!.sheet === "csv" ? "csv" : "xlsx"}`;

const contractIn = join(tmp, "contract");
const contractOut = join(tmp, "contract-out");
let contractReturn: Record<string, string[][]>;

beforeAll(async () => {
  await makeContractForm(contractIn);
  const run = cli("run", contractIn, "--out", contractOut);
  expect(run.status, run.all).toBe(EXIT.ok);
  contractReturn = returnFiles(contractOut);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("the committed MIS-shaped fixture", () => {
  it("is what make.ts makes from the project's generator (regenerated and compared entry by entry)", async () => {
    const again = join(tmp, "regenerated");
    await makeMisExport(again);
    const committed = readdirSync(FILES).sort();
    expect(readdirSync(again).sort()).toEqual(committed);
    for (const name of committed.filter((n) => !n.endsWith(".xlsx")))
      expect(readFileSync(join(again, name), "utf8"), name).toBe(readFileSync(join(FILES, name), "utf8"));
    // A workbook is a zip whose entry dates are written in local time: compare the entries, in order.
    for (const name of committed.filter((n) => n.endsWith(".xlsx"))) {
      const [zx, zy] = [await JSZip.loadAsync(readFileSync(join(FILES, name))), await JSZip.loadAsync(readFileSync(join(again, name)))];
      const entries = Object.keys(zx.files);
      expect(Object.keys(zy.files), name).toEqual(entries);
      for (const e of entries) expect(await zy.file(e)?.async("string"), `${name} ${e}`).toBe(await zx.file(e)?.async("string"));
    }
  });

  it("is under 1 MB and holds no settings aliases yet (the officer's starting point)", () => {
    const settings = JSON.parse(readFileSync(join(FILES, "settings.json"), "utf8"));
    expect(settings.header_aliases).toBeUndefined();
    expect(settings.value_aliases).toBeUndefined();
    const bytes = readdirSync(FILES).reduce((n, f) => n + readFileSync(join(FILES, f)).length, 0);
    expect(bytes).toBeLessThan(1 << 20);
  });
});

describe("the same data in contract form", () => {
  it("publishes a return with figures in it (so that equal returns are not equally empty)", () => {
    const files = Object.keys(contractReturn);
    expect(files.some((f) => f.startsWith("impact_schools_"))).toBe(true);
    expect(files.some((f) => /^impact_\d{3}_/.test(f))).toBe(true);
    for (const f of files) {
      const [header, ...rows] = contractReturn[f];
      const first = header.indexOf("subject") + 1;
      // Figures, not only the symbols c, x and z.
      const figures = rows.flatMap((r) => r.slice(first)).filter((v) => /^-?\d/.test(v)).length;
      expect(figures, f).toBeGreaterThan(rows.length);
    }
  });
});

describe("first contact: the MIS-shaped folder, as an officer meets it", () => {
  const folder = join(tmp, "mis");
  const out = join(tmp, "mis-out");
  const settingsPath = join(folder, "settings.json");
  const settings = () => JSON.parse(readFileSync(settingsPath, "utf8"));
  const save = (s: unknown) => writeFileSync(settingsPath, JSON.stringify(s, null, 2) + "\n");
  /** Each `validate` round: its exit code and what it printed. */
  const rounds: ReturnType<typeof cli>[] = [];
  /** What the officer had to write themselves, beyond pasting what the tool printed. */
  const filledByHand: string[] = [];
  let headerBlock: Record<string, Record<string, unknown>> | undefined;
  let valueBlock: Record<string, Record<string, unknown>> | undefined;

  beforeAll(() => {
    cpSync(FILES, folder, { recursive: true });
    // The officer's loop: validate; paste the blocks it prints (filling in by hand only what it
    // says it cannot guess); again, until validate passes. Issue 14 wants one refused round
    // (asserted below; the loop allows three so that a regression shows as a count, not a hang).
    for (let round = 1; round <= 3; round++) {
      const r = cli("validate", folder, "--out", out);
      rounds.push(r);
      if (r.status !== EXIT.inputRefused) break;
      const s = settings();
      const headers = printedBlock(r.all, "header_aliases");
      headerBlock ??= headers;
      // The block says: replace the old header_aliases with it (it keeps the ones already there).
      if (headers) s.header_aliases = headers;
      // Columns it found no header for: the officer knows which of their headers it is.
      const unmatched = /No header resembles ([^:]+):/.exec(r.all)?.[1].split(", ") ?? [];
      for (const name of unmatched) {
        const [dataset, column] = name.split(".");
        ((s.header_aliases ??= {})[dataset] ??= {})[column] = [MIS_HEADER.get(name)!];
        filledByHand.push(`header_aliases.${name}`);
      }
      const values = printedBlock(r.all, "value_aliases") as Record<string, Record<string, Record<string, string>>> | undefined;
      valueBlock ??= values;
      for (const [dataset, columns] of Object.entries(values ?? {}))
        for (const [column, words] of Object.entries(columns))
          for (const [word, code] of Object.entries(words)) {
            ((s.value_aliases ??= {})[dataset] ??= {})[column] ??= {};
            const placeholder = /^<.*>$/.test(code);
            s.value_aliases[dataset][column][word] = placeholder ? CODE_OF_WORD[column][word] : code;
            if (placeholder) filledByHand.push(`value_aliases.${dataset}.${column}."${word}"`);
          }
      save(s);
    }
    console.log(`first contact: ${rounds.length} validate rounds; filled by hand: ${filledByHand.join(", ") || "nothing"}`);
  });

  it("the first validate refuses (exit 1) once with both blocks: the header problems and the values, read on with the guessed headers", () => {
    const [first] = rounds;
    expect(first.status, first.all).toBe(EXIT.inputRefused);
    expect(printedBlock(first.all, "header_aliases"), "header_aliases in round 1").toBeDefined();
    expect(printedBlock(first.all, "value_aliases"), "value_aliases in round 1").toBeDefined();
    // Honest about it: the values of a column read from a guessed header are marked as such.
    const entryReason = first.all.split("\n").find((l) => l.includes('"Falling behind"') && /\s\d+\s/.test(l)) ?? "";
    expect(entryReason).toContain(`${JSON.stringify(MIS_HEADER.get("tuition.entry_reason"))} (guessed)`);
  });

  it("the first validate names every file whose headers it cannot read and the sheet and row it read them from", () => {
    const [first] = rounds;
    expect(first.status, first.all).toBe(EXIT.inputRefused);
    // The fixture's MIS headers that no built-in alias knows (its design: make.ts).
    for (const [file, sheet] of [
      ["schools.xlsx", "Establishments"],
      ["pupils.xlsx", "Census Spring 2010"],
      ["tuition.xlsx", "Tuition Courses"],
      ["allocations.xlsx", "Allocations 2009-10"],
    ]) {
      expect(first.all).toContain(`${file}: required column`);
      // The notes sheet and the three title rows are passed over: the header is row 4 of the data sheet.
      expect(first.all).toContain(`(sheet "${sheet}", row 4)`);
    }
    for (const file of ["sessions.csv", "viewpoints.csv"]) expect(first.all).toContain(`${file}: required column`);
    expect(first.all).not.toContain("attainment.xlsx: required column");
  });

  it("prints a header_aliases block that is valid JSON and whose every guess is the fixture's header for that column", () => {
    expect(headerBlock).toBeDefined();
    const guesses = Object.entries(headerBlock!).flatMap(([dataset, columns]) =>
      Object.entries(columns as Record<string, string[]>).map(([column, headers]) => [`${dataset}.${column}`, headers] as const),
    );
    expect(guesses.length).toBeGreaterThan(0);
    for (const [name, headers] of guesses) expect(headers, name).toEqual([MIS_HEADER.get(name)]);
  });

  it("prints, for every unknown code value, a value_aliases block that is valid JSON and whose every guess is the code the word stands for", () => {
    expect(valueBlock).toBeDefined();
    const guesses = Object.entries(valueBlock!).flatMap(([dataset, columns]) =>
      Object.entries(columns as Record<string, Record<string, string>>).flatMap(([column, words]) =>
        Object.entries(words).map(([word, code]) => ({ where: `${dataset}.${column} "${word}"`, column, word, code })),
      ),
    );
    // Every word the fixture wrote that is not a code read case-insensitively is listed.
    const listed = new Set(guesses.map((g) => `${g.column}:${g.word}`));
    for (const [dataset, column, word] of [
      ["pupils", "sen", "School Action"],
      ["attainment", "subject", "Mathematics"],
      ["tuition", "entry_reason", "Falling behind"],
      ["tuition", "allocation", "Free school meals"],
      ["allocations", "subject", "Mathematics"],
    ])
      expect(listed.has(`${column}:${word}`), `${dataset}.${column} "${word}" is listed`).toBe(true);
    for (const g of guesses.filter((g) => !/^<.*>$/.test(g.code))) expect(g.code, g.where).toBe(CODE_OF_WORD[g.column][g.word]);
  });

  it("after one paste, validate passes (exit 0): one refused round, nothing filled in by hand, every row of every file loaded and nothing else counted as a row", async () => {
    const last = rounds[rounds.length - 1];
    expect(last.status, last.all).toBe(EXIT.ok);
    // Issue 14: one refused round (headers and values together) and one paste of what it printed.
    expect(rounds.length - 1).toBe(1);
    // Every header was guessed, "Mid-point Review", "Question" and "Answer" through the synonyms
    // of inputs.md's own words (datasets.ts HEADER_SYNONYMS), and every code.
    expect(filledByHand).toEqual([]);
    for (const e of EXPORTS) {
      const rows = csvParse(readFileSync(join(contractIn, `${e.dataset}.csv`), "utf8")).length;
      expect(last.stdout, e.dataset).toMatch(new RegExp(`${e.dataset}\\s+${fileOf(e.dataset).replace(".", "\\.")}\\s+${rows}\\s+${rows}\\s+0\\b`));
    }
  });

  it("run then publishes a return equal, cell for cell, to the return from the same data in contract form", () => {
    const run = cli("run", folder, "--out", out);
    expect(run.status, run.all).toBe(EXIT.ok);
    const mis = returnFiles(out);
    expect(Object.keys(mis).sort()).toEqual(Object.keys(contractReturn).sort());
    expect(cellDifferences(mis, contractReturn)).toEqual([]);
  });

  it("the passing validate prints, per file, the sheet and header row read and what was passed over", () => {
    const last = rounds[rounds.length - 1];
    for (const e of EXPORTS) {
      const rows = csvParse(readFileSync(join(contractIn, `${e.dataset}.csv`), "utf8")).length;
      const line = last.stdout.split("\n").find((l) => l.startsWith(`  ${fileOf(e.dataset)}: `));
      expect(line, e.dataset).toBeDefined();
      if (e.sheet === "csv") {
        expect(line).toBe(`  ${fileOf(e.dataset)}: header line 1; nothing passed over`);
        continue;
      }
      // make.ts's layout: two title rows and a blank row above the header, a blank row and the total line below the table.
      expect(line).toContain(
        `${fileOf(e.dataset)}: sheet "${e.sheet}", header row 4; passed over rows 1-3 above the header; row ${rows + 6} "Total rows: ${rows}" after the table`,
      );
      expect(line).toContain('sheet "Notes" not read');
      expect(line!.includes("merged range"), `${e.dataset}: merged values reported`).toBe(Boolean(e.mergeDown));
    }
  });

  it("the run records, per workbook, the data sheet read, its header row, and what was passed over (notes sheet, title rows, total line, merges)", async () => {
    // Runs after the run above (tests in a file run in order); its database holds ingest_files.
    const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
    try {
      const files = await db.all<{ file: string; sheet: string | null; header_line: number; skipped: string | null }>(
        "select file, sheet, header_line, skipped from ingest_files",
      );
      for (const e of EXPORTS.filter((x) => x.sheet !== "csv")) {
        const f = files.find((r) => r.file === fileOf(e.dataset));
        expect(f, e.dataset).toBeDefined();
        expect(f!.sheet).toBe(e.sheet);
        expect(f!.header_line, e.dataset).toBe(4);
        expect(f!.skipped, e.dataset).toContain('"Notes"');
        expect(f!.skipped, e.dataset).toContain("Total rows:");
        expect(f!.skipped?.includes("merged range"), `${e.dataset}: merged values reported`).toBe(Boolean(e.mergeDown));
      }
    } finally {
      db.close();
    }
  });
});
