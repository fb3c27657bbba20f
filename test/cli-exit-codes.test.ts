// The command line's exit codes (core/exit-codes.ts): each kind of error maps to its own code,
// and a refused run says why in one sentence and leaves the last good outputs untouched.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { plantedRun, type PlantedRun } from "./helpers/planted-run.ts";
import { EXIT, InputRefusedError, ReleaseRefusedError } from "../pipelines/core/exit-codes.ts";
import { exitCodeFor } from "../pipelines/core/exit-for.ts";
import { SettingsError } from "../pipelines/core/settings.ts";
import { InputError } from "../pipelines/ingest/errors.ts";
import { CombineError } from "../pipelines/export/combine.ts";
import { ReturnCheckError } from "../pipelines/export/screener.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");

function runCli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" } });
}

/** The lines the CLI writes as its verdict (progress lines aside). */
const verdict = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("tuition-impact:"));

/** A copy of the planted fixture with settings.json changed by `edit`. */
function fixtureWith(edit: (settings: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "exit-input-"));
  cpSync(FIXTURE, dir, { recursive: true });
  const settings = JSON.parse(readFileSync(join(dir, "settings.json"), "utf8"));
  edit(settings);
  writeFileSync(join(dir, "settings.json"), JSON.stringify(settings, null, 2));
  return dir;
}

describe("exitCodeFor: every error class the stages throw has its code", () => {
  it.each([
    ["InputError", new InputError("pupils.csv", "is empty"), EXIT.inputRefused],
    ["InputRefusedError", new InputRefusedError("refused", ["pupils.csv: 0 rows loaded"]), EXIT.inputRefused],
    ["CombineError", new CombineError("mixed years"), EXIT.inputRefused],
    ["SettingsError", new SettingsError("settings.json: unknown key"), EXIT.settingsRefused],
    ["ReleaseRefusedError", new ReleaseRefusedError("audit failed"), EXIT.releaseRefused],
    ["ReturnCheckError", new ReturnCheckError("screener failed"), EXIT.releaseRefused],
    ["TypeError", new TypeError("x is undefined"), EXIT.internalError],
    ["a thrown string", "boom", EXIT.internalError],
  ])("%s → its exit code", (_name, error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });

  it("the codes are the documented ones, all different", () => {
    expect(EXIT).toEqual({ ok: 0, inputRefused: 1, usage: 2, settingsRefused: 3, releaseRefused: 4, internalError: 70, interrupted: 130 });
  });
});

describe("tuition-impact exit codes, end to end", () => {
  let out: string;
  let before: Record<string, string>;
  let good: PlantedRun;
  beforeAll(async () => {
    // The planted fixture's good run (exit 0, shared with other test files), copied: the refused
    // runs below are run into this folder and must leave it as it was.
    good = await plantedRun();
    out = mkdtempSync(join(tmpdir(), "exit-out-"));
    cpSync(good.out, out, { recursive: true });
    before = hashTree(out);
  });

  it("--help documents every exit code", () => {
    const help = runCli(["--help"]);
    expect(help.status).toBe(EXIT.ok);
    for (const code of Object.values(EXIT)) expect(help.stdout).toMatch(new RegExp(`^  ${code} +\\S`, "m"));
  });

  it("a usage error exits 2", () => {
    const r = runCli(["run"]);
    expect(r.status).toBe(EXIT.usage);
    expect(verdict(r.stderr)).toEqual([expect.stringMatching(/run needs the input folder/)]);
  });

  it("refused settings exit 3 naming the key, and publish nothing", () => {
    const input = fixtureWith((s) => (s.suppression_treshold = 3));
    const r = runCli(["run", input, "--out", out]);
    expect(r.status, r.stderr).toBe(EXIT.settingsRefused);
    expect(verdict(r.stderr)).toEqual([expect.stringMatching(/settings\.json/)]);
    expect(r.stderr).toMatch(/suppression_treshold/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(hashTree(out)).toEqual(before);
  });

  it("an unusable input file exits 1 naming it, and publishes nothing", () => {
    const input = mkdtempSync(join(tmpdir(), "exit-missing-"));
    cpSync(FIXTURE, input, { recursive: true });
    rmSync(join(input, "tuition.csv"));
    const r = runCli(["run", input, "--out", out]);
    expect(r.status, r.stderr).toBe(EXIT.inputRefused);
    expect(r.stderr).toMatch(/tuition/);
    expect(r.stderr).not.toMatch(/unexpected error/);
    expect(hashTree(out)).toEqual(before);
  });

  it("input refused as a whole (too many rows quarantined) exits 1 in validate and in run, and publishes nothing", () => {
    const input = fixtureWith((s) => (s.max_quarantine_share = 0));
    const dry = mkdtempSync(join(tmpdir(), "exit-dry-"));
    const validate = runCli(["validate", input, "--out", dry]);
    expect(validate.status, validate.stderr).toBe(EXIT.inputRefused);
    const run = runCli(["run", input, "--out", out]);
    expect(run.status, run.stderr).toBe(EXIT.inputRefused);
    expect(run.stderr).toMatch(/\.csv/);
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(hashTree(out)).toEqual(before);
  });

  it("a successful run ends by printing where the return, workbook, site data and quarantine report are", () => {
    // The shared good run, into a folder of its own, printed this.
    const again = good.out;
    const tail = good.stdout
      .trim()
      .split("\n")
      .slice(-4)
      .map((l) => l.trim().split(/\s{2,}/));
    expect(tail.map(([what]) => what)).toEqual(["return", "workbook", "site data", "quarantine report"]);
    for (const [, path] of tail) expect(readFileSync(path).length, path).toBeGreaterThan(0);
    expect(tail[0][1]).toMatch(/return\/impact_919_\d{6}\.csv$/);
    expect(tail[1][1]).toMatch(/return\/impact_919_\d{6}\.xlsx$/);
    expect(tail[2][1]).toBe(join(again, "tuition-impact.duckdb"));
    expect(tail[3][1]).toBe(join(again, "private", "quarantine.csv"));
  });
});
