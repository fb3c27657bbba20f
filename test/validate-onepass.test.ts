// Issue 14's "explain everything in one pass": when a file's headers are refused, validate reads
// it on with the guessed headers, so one refusal carries both the header_aliases and the
// value_aliases blocks (each valid JSON), marks the values read from a guessed column, and one
// paste of both makes the input pass. Also: the printed summary says where each file was read
// from (sheet or header line, separator) and what around the table was passed over.
// Inputs: the synthetic generator's data (4 schools), changed by each test in its own copy.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputRefusedError } from "../pipelines/core/exit-codes.ts";
import { parseCsv, toCsv } from "../pipelines/export/csv.ts";
import { runPipeline } from "../pipelines/run.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { formatFiles } from "../pipelines/validate/report.ts";

let clean: string;

beforeAll(async () => {
  clean = mkdtempSync(join(tmpdir(), "onepass-"));
  await synthesise({ scale: "la", seed: 7, schools: 4, out: clean });
}, 120_000);

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), "onepass-case-"));
  cpSync(clean, dir, { recursive: true });
  return dir;
}

/** Rewrites one CSV: its header renamed by `rename`, each data row (by column name) edited by `change`. */
function edit(dir: string, file: string, rename: Record<string, string>, change: (row: Record<string, string>) => void = () => {}) {
  const [header, ...rows] = parseCsv(readFileSync(join(dir, file), "utf8"));
  const out = rows.map((values) => {
    const row = Object.fromEntries(header.map((h, j) => [h, values[j]]));
    change(row);
    return header.map((h) => row[h]);
  });
  writeFileSync(
    join(dir, file),
    toCsv(
      header.map((h) => rename[h] ?? h),
      out,
    ),
  );
}

/** The `"<key>": { ... }` block in a message, parsed as JSON (it must be valid JSON to be pasted). */
function block(message: string, key: string): Record<string, Record<string, unknown>> {
  const found = [...message.matchAll(new RegExp(`"${key}"\\s*:\\s*\\{`, "g"))];
  expect(found.length, `one ${key} block`).toBe(1);
  const start = found[0].index! + found[0][0].length - 1;
  let depth = 0;
  for (let i = start; i < message.length; i++) {
    if (message[i] === "{") depth++;
    else if (message[i] === "}" && --depth === 0) return JSON.parse(message.slice(start, i + 1));
  }
  throw new Error(`the ${key} block is not closed`);
}

const validate = (dir: string) => runPipeline({ input: dir, out: join(dir, "out"), dryRun: true });

describe("one validate round for header problems and unknown values together", () => {
  it("refuses once with both blocks, the values of a guessed column marked, and passes after one paste", async () => {
    const dir = copy();
    let words = 0;
    // A header in the MIS's words and, in that very column, codes in words: two rounds before.
    edit(dir, "tuition.csv", { entry_reason: "Reason for entry" }, (row) => {
      if (row.entry_reason === "falling_behind") (row.entry_reason = "Falling behind"), words++;
    });
    // A second file with a header problem only; and a third with an unknown value only.
    edit(dir, "sessions.csv", { in_school_day: "During school day" });
    edit(dir, "pupils.csv", {}, (row) => {
      if (row.sen === "A") row.sen = "School Action";
    });
    expect(words).toBeGreaterThan(0);

    const err = await validate(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    const message: string = err.message;
    expect(message).toMatch(/^The input was refused, so nothing was published/);
    expect(message).toContain('tuition.csv: required column entry_reason missing (entry_reason: perhaps "Reason for entry")');
    expect(message).toContain('sessions.csv: required column in_school_day missing (in_school_day: perhaps "During school day")');
    const headers = block(message, "header_aliases");
    const values = block(message, "value_aliases");
    expect(headers).toEqual({ tuition: { entry_reason: ["Reason for entry"] }, sessions: { in_school_day: ["During school day"] } });
    expect(values).toEqual({ pupils: { sen: { "School Action": "A" } }, tuition: { entry_reason: { "Falling behind": "falling_behind" } } });
    // The value read from a guessed column says so; the one from a column named in the file does not.
    const line = (value: string) => message.split("\n").find((l) => l.includes(`"${value}"`) && /\s\d+\s/.test(l)) ?? "";
    expect(line("Falling behind")).toContain('"Reason for entry" (guessed)');
    expect(line("School Action")).not.toContain("(guessed)");
    // The refusal's reasons (for scripts): the header problems first, in the datasets' order.
    expect(err.reasons.slice(0, 2).map((r: string) => r.slice(0, r.indexOf(": required column")))).toEqual(["tuition.csv", "sessions.csv"]);

    const settingsPath = join(dir, "settings.json");
    const settings = JSON.parse(readFileSync(settingsPath, "utf8"));
    writeFileSync(settingsPath, JSON.stringify({ ...settings, header_aliases: headers, value_aliases: values }, null, 2));
    const passed = await validate(dir);
    const tuition = passed.report!.files.find((f) => f.dataset === "tuition")!;
    expect(tuition.rows_quarantined).toBe(0);
    expect(passed.report!.aliasesApplied.find((a) => a.raw_value === "Falling behind")?.rows).toBe(words);
  }, 120_000);

  it("a column nothing resembles is read as blank and named, still in the same refusal as the values", async () => {
    const dir = copy();
    edit(dir, "tuition.csv", { tutor_id: "Provider" }, (row) => {
      if (row.entry_reason === "falling_behind") row.entry_reason = "Falling behind";
    });
    const err = await validate(dir).catch((e) => e);
    expect(err).toBeInstanceOf(InputRefusedError);
    expect(err.message).toContain("No header resembles tuition.tutor_id");
    expect(err.message).toContain("missing_value in tutor_id");
    expect(block(err.message, "value_aliases")).toEqual({ tuition: { entry_reason: { "Falling behind": "falling_behind" } } });
    expect(err.message).not.toContain('"header_aliases"');
  }, 120_000);
});

describe("the printed summary says where each file was read from", () => {
  it("names the header line, the separator and the title lines and total line passed over", async () => {
    const dir = copy();
    const text = readFileSync(join(dir, "schools.csv"), "utf8").trimEnd().split("\n");
    const rows = text.length - 1;
    // Semicolons, two title lines above the header and a total line below it, as Excel in a European locale writes.
    const semi = text.map((l) => parseCsv(l)[0].join(";"));
    writeFileSync(join(dir, "schools.csv"), ["Schools in the programme", "Spring 2010", ...semi, `Total rows: ${rows}`].join("\n") + "\n");
    const result = await validate(dir);
    const printed = formatFiles(result.report!);
    expect(printed).toContain(
      `schools.csv: header line 3, semicolon-separated; passed over lines 1-2 above the header; line ${rows + 4} "Total rows: ${rows}" after the table`,
    );
    expect(printed).toContain("pupils.csv: header line 1; nothing passed over");
    expect(result.report!.files.find((f) => f.dataset === "schools")!.rows_read).toBe(rows);
  }, 120_000);
});
