// Issue 14's first contact, end to end: the committed MIS-shaped folder (test/fixtures/mis-export,
// the synthetic LA as an MIS exports it) goes from raw to published in one `validate` round plus
// one paste of the settings that round suggests, and its return equals, cell for cell, the
// return from the same data in contract form. docs/first-contact.md is the transcript.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvParseRows } from "d3";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { FILES, makeContractForm, makeMisExport } from "./fixtures/mis-export/make.ts";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const tmp = mkdtempSync(join(tmpdir(), "first-contact-"));

/** The CLI as an officer runs it, from the sources under test. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, "--quiet"], {
    encoding: "utf8",
    env: { ...process.env, TUITION_FROM_SOURCE: "1", TUITION_MEMORY_LIMIT: "1GB" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}` };
}

/** The return's LA and schools files of a run, as rows of cells. */
function returnFiles(out: string): Record<string, string[][]> {
  const dir = join(out, "return");
  const names = readdirSync(dir).filter((f) => /^impact_(schools_)?\d{3}_\d{6}\.csv$/.test(f)).sort();
  return Object.fromEntries(names.map((f) => [f, csvParseRows(readFileSync(join(dir, f), "utf8"))]));
}

/** Every cell where two returns differ (at most 20), as "file row column: a ≠ b". */
function cellDifferences(a: Record<string, string[][]>, b: Record<string, string[][]>): string[] {
  const out: string[] = [];
  for (const file of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[file] ?? [], y = b[file] ?? [];
    if (!a[file] || !b[file]) out.push(`${file}: only in one return`);
    for (let r = 0; r < Math.max(x.length, y.length); r++)
      for (let c = 0; c < Math.max(x[r]?.length ?? 0, y[r]?.length ?? 0); c++)
        if (x[r]?.[c] !== y[r]?.[c]) out.push(`${file} row ${r + 1} ${x[0]?.[c] ?? y[0]?.[c]}: ${x[r]?.[c]} ≠ ${y[r]?.[c]}`);
  }
  return out.slice(0, 20);
}

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
    for (const name of committed) {
      const [x, y] = [readFileSync(join(FILES, name)), readFileSync(join(again, name))];
      if (!name.endsWith(".xlsx")) {
        expect(y.toString("utf8"), name).toBe(x.toString("utf8"));
        continue;
      }
      // A workbook is a zip whose entries carry the time they were written: compare the entries.
      const [zx, zy] = [await JSZip.loadAsync(x), await JSZip.loadAsync(y)];
      const entries = Object.keys(zx.files).sort();
      expect(Object.keys(zy.files).sort(), name).toEqual(entries);
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
