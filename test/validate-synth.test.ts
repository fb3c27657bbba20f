// The generator's data (pipelines/synth) through ingest + validate: clean data loads
// whole, and with --faults the quarantine is exactly the faults truth.json plants.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { loadSettings } from "../pipelines/core/settings.ts";
import { ingest } from "../pipelines/ingest/index.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { validate } from "../pipelines/validate/index.ts";

/** The generator's LA (seed 1, 20 schools), in this process: a process of its own would compile the sources again. */
async function generate(faults: boolean): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "synth-"));
  await synthesise({ scale: "la", seed: 1, out, schools: 20, faults }, () => {});
  return out;
}

async function run(dir: string) {
  const db = await Db.open(":memory:");
  const settings = loadSettings(join(dir, "settings.json"));
  await ingest(db, dir, settings);
  const summary = await validate(db, settings);
  return { db, summary };
}

describe("generated data", () => {
  it("clean data: every row is loaded, none quarantined", async () => {
    const { db, summary } = await run(await generate(false));
    const q = await db.all(`select file, line, "column", value, rule from quarantine limit 5`);
    expect(q).toEqual([]);
    expect(summary.files.length).toBeGreaterThanOrEqual(4);
    for (const f of summary.files) expect(f.rows_loaded, f.file).toBe(f.rows_read);
    db.close();
  });

  it("with --faults: the quarantine is exactly truth.json's planted faults", async () => {
    const dir = await generate(true);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
    const planted: { file: string; line: number; column: string; rule: string }[] = truth.faults.rows;
    expect(planted.length).toBeGreaterThan(0);
    const { db, summary } = await run(dir);
    const got = await db.all<{ file: string; line: number; column: string | null; rule: string }>(`select file, line, "column", rule from quarantine`);
    const key = (r: { file: string; line: number; column: string | null; rule: string }) => `${r.file}|${r.line}|${r.column ?? ""}|${r.rule}`;
    expect(got.map(key).sort()).toEqual(planted.map(key).sort());
    for (const f of summary.files) expect(f.rows_read, f.file).toBe(f.rows_loaded + f.rows_quarantined);
    db.close();
  });
});
