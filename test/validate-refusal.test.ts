// Refusals through the command line (issue 14): a required dataset that loads no row, a file
// whose quarantined share is over max_quarantine_share, and tuition outside the settings'
// academic years refuse both `validate` and `run` with exit code 1 and a message naming the
// file and why; `run` publishes nothing and the outputs already in --out stay byte-identical.
// Inputs: the synthetic generator's data (4 schools), changed by each test in its own copy.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { synthesise } from "../pipelines/synth/index.ts";
import { hashTree } from "./helpers/files.ts";
import { copyFolder, editCsv as edit, editSettings } from "./helpers/input-folder.ts";

const ROOT = resolve(import.meta.dirname, "..");
// The command an officer runs: build/ when it is current, else the sources (bin/ decides).
const CLI = join(ROOT, "bin", "tuition-impact.js");
let clean: string;
/** A copy of the clean folder to change. */
const copy = () => copyFolder(clean, "refusal-case");

beforeAll(async () => {
  clean = mkdtempSync(join(tmpdir(), "refusal-"));
  await synthesise({ scale: "la", seed: 7, out: clean, schools: 4 }, () => {});
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args, "--quiet"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" },
  });
}

/** An output folder holding a previous release (stand-in files): a refused run must leave it as it is. */
function previousOutputs(): string {
  const out = mkdtempSync(join(tmpdir(), "refusal-out-"));
  mkdirSync(join(out, "return"));
  mkdirSync(join(out, "private"));
  writeFileSync(join(out, "tuition-impact.duckdb"), "the last good database");
  writeFileSync(join(out, "return", "impact_919_200910.csv"), "the last good return\n");
  writeFileSync(join(out, "private", "quarantine.csv"), "the last good quarantine report\n");
  return out;
}

/** validate and run on one input: both refused with exit 1 and the message; run leaves --out as it was. */
function expectRefused(dir: string, ...phrases: string[]) {
  const out = previousOutputs();
  const before = hashTree(out);
  const run = cli(["run", dir, "--out", out]);
  expect(run.status, run.stderr).toBe(EXIT.inputRefused);
  for (const phrase of phrases) expect(run.stderr).toContain(phrase);
  expect(run.stderr).toContain("nothing was published");
  expect(hashTree(out)).toEqual(before);
  expect(readdirSync(out).filter((f) => f.startsWith("."))).toEqual([]);

  const checkOut = mkdtempSync(join(tmpdir(), "refusal-validate-"));
  const check = cli(["validate", dir, "--out", checkOut]);
  expect(check.status, check.stderr).toBe(EXIT.inputRefused);
  for (const phrase of phrases) expect(check.stderr).toContain(phrase);
  // validate writes the quarantine report even when it refuses, and says where.
  const report = join(checkOut, "private", "quarantine.csv");
  expect(check.stderr).toContain(report);
  expect(readFileSync(report, "utf8").split("\n")[0]).toBe("file,line,column,value,rule,message");
  return { run, check, report };
}

describe("refusals", () => {
  it("a required dataset that loads no row: tuition.csv with no subject the contract knows", () => {
    const dir = copy();
    const n = edit(dir, "tuition.csv", (row) => ((row.subject = "science"), true));
    const { report } = expectRefused(
      dir,
      `tuition.csv: ${n} rows read, 0 loaded, ${n} quarantined; none of its ${n} rows loaded (a required dataset)`,
      "bad_code in subject",
    );
    // The quarantine report holds every one of them.
    expect(
      readFileSync(report, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("tuition.csv,") && l.includes(",subject,science,bad_code,")),
    ).toHaveLength(n);
  });

  it("a file over max_quarantine_share: one pupil row in ten with a gender that is not M or F", () => {
    const dir = copy();
    let rows = 0;
    const n = edit(dir, "pupils.csv", (row, i) => {
      rows++;
      if (i % 10 !== 0) return false;
      row.gender = "U";
      return true;
    });
    const share = ((100 * n) / rows).toFixed(1);
    expectRefused(
      dir,
      `pupils.csv: ${rows} rows read, ${rows - n} loaded, ${n} quarantined; ${n} of ${rows} rows (${share}%) quarantined, more than max_quarantine_share 5%`,
      "bad_code in gender",
    );

    // The same input passes when the setting allows that share: the refusal is the setting's.
    editSettings(dir, (s) => (s.max_quarantine_share = 0.15));
    const out = mkdtempSync(join(tmpdir(), "refusal-allowed-"));
    const check = cli(["validate", dir, "--out", out]);
    expect(check.status, check.stderr).toBe(EXIT.ok);
    expect(check.stdout).toMatch(/pupils\s+pupils\.csv\s+\d+\s+\d+\s+\d+\s+\d+\.\d%/);
    expect(check.stdout).toContain(`bad_code in gender: ${n} rows`);
    expect(check.stdout).toContain(`"U"`);
    expect(check.stdout).toContain(join(out, "private", "quarantine.csv"));
  });

  it("no tuition in the academic years settings.json names", () => {
    const dir = copy();
    editSettings(dir, (s) => (s.academic_years = ["2012/13"]));
    expectRefused(dir, "tuition.csv: no loaded course is in the academic years of settings.json (2012/13)");
  });

  it("an LA of the settings with no school in the files (its return would be nothing but z and x)", () => {
    const dir = copy();
    editSettings(dir, (s) => {
      s.las = [s.la, { old_code: "202", name: "Camden", gss_code: "E09000007", region_code: "E12000007", region_name: "London" }];
      delete s.la;
    });
    expectRefused(dir, "schools.csv: settings.json names LA 202 (Camden), but no loaded school is in it");
  });

  it("the refusal lists every unknown code value with the value_aliases block to paste", () => {
    const dir = copy();
    const n = edit(dir, "tuition.csv", (row) => {
      if (row.entry_reason !== "falling_behind") return false;
      row.entry_reason = "Falling behind";
      return true;
    });
    expect(n).toBeGreaterThan(0);
    const { run } = expectRefused(dir, "tuition.csv:", "bad_code in entry_reason");
    expect(run.stderr).toContain(`"Falling behind": "falling_behind"`);
    expect(existsSync(join(dir, "settings.json"))).toBe(true);
  });
});
