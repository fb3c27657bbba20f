// The run as a whole: every row accounted for, identical results from identical inputs,
// and a run killed at any stage leaves the last good outputs untouched and readable.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { plantedRun } from "./helpers/planted-run.ts";
import { Db } from "../pipelines/core/db.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");

function runCli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" } });
}

/** The files a killed run may leave behind (removed by the next run), left out of comparisons. */
function withoutScratch(tree: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([f]) => !f.startsWith(".")));
}

/** Every table's rows, sorted, as text: what "identical table contents" means. */
async function tableContents(path: string, skip = new Set(["run_info"])): Promise<Record<string, string>> {
  const db = await Db.open(path, { access_mode: "READ_ONLY" });
  try {
    const tables = await db.all<{ name: string }>("select table_name as name from duckdb_tables() order by 1");
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      if (skip.has(name)) continue;
      const rows = await db.all(`select * from "${name}" order by all`);
      out[name] = JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    }
    return out;
  } finally {
    db.close();
  }
}

describe("tuition-impact run", () => {
  let out: string;
  beforeAll(async () => {
    // The planted fixture's run shared with other test files (refused there unless it exits 0),
    // copied: the tests below kill runs in this folder and run refused inputs into it.
    const first = await plantedRun();
    out = mkdtempSync(join(tmpdir(), "run-"));
    cpSync(first.out, out, { recursive: true });
  });

  it("succeeds and accounts for every row read: read = loaded + quarantined, per file", async () => {
    const db = await Db.open(join(out, "tuition-impact.duckdb"), { access_mode: "READ_ONLY" });
    try {
      const rows = await db.all<{ file: string; rows_read: number; rows_loaded: number; rows_quarantined: number; quarantined_lines: number }>(`
        select p.file, p.rows_read, p.rows_loaded, p.rows_quarantined,
               (select count(distinct line) from quarantine q where q.file = p.file) as quarantined_lines
        from provenance p order by p.file`);
      expect(rows.length).toBe(7);
      for (const r of rows) {
        expect(r.rows_loaded + r.rows_quarantined, r.file).toBe(r.rows_read);
        expect(r.quarantined_lines, r.file).toBe(r.rows_quarantined);
      }
      // Provenance carries a real SHA-256 of each input file.
      const schools = await db.one<{ sha256: string; bytes: number }>("select sha256, bytes from provenance where dataset = 'schools'");
      const bytes = readFileSync(join(FIXTURE, "schools.csv"));
      expect(schools!.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(schools!.bytes).toBe(bytes.length);
      const info = await db.one<{ tool_version: string; build_date: string }>("select tool_version, build_date from run_info");
      expect(info!.tool_version).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
      expect(info!.build_date).toBe("2010-09-30");
    } finally {
      db.close();
    }
    expect(existsSync(join(out, "private", "quarantine.csv"))).toBe(true);
    expect(readdirSync(join(out, "return")).some((f) => /^impact_919_\d{6}\.csv$/.test(f))).toBe(true);
    // Nothing of the build is left lying around.
    expect(readdirSync(out).filter((f) => f.startsWith("."))).toEqual([]);
  });

  it("validate is a dry run: reports, and writes only the quarantine report (issue 14)", () => {
    const dry = mkdtempSync(join(tmpdir(), "dry-"));
    const r = runCli(["validate", FIXTURE, "--out", dry]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Rows per input file/);
    expect(r.stdout).toMatch(/duplicate_key/);
    expect(readdirSync(dry)).toEqual(["private"]);
    expect(readdirSync(join(dry, "private"))).toEqual(["quarantine.csv"]);
    expect(r.stdout).toContain(join(dry, "private", "quarantine.csv"));
  });

  it("fails with one clear sentence and exit 1 when an input folder is unusable, leaving the last good outputs", () => {
    const before = hashTree(out);
    const broken = mkdtempSync(join(tmpdir(), "broken-"));
    cpSync(FIXTURE, broken, { recursive: true });
    cpSync(join(FIXTURE, "schools.csv"), join(broken, "Schools.CSV"));
    const r = runCli(["run", broken, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/schools/i);
    expect(
      r.stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("tuition-impact:")),
    ).toHaveLength(1);
    expect(hashTree(out)).toEqual(before);
  });

  it("prints usage with exit 2 for an unknown command, and --help explains every option", () => {
    expect(runCli(["frobnicate"]).status).toBe(2);
    const unknown = runCli(["run", "--input", FIXTURE]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--input'; try tuition-impact --help/);
    expect(unknown.stderr).not.toMatch(/unexpected error/);
    const help = runCli(["--help"]);
    expect(help.status).toBe(0);
    for (const option of ["--out", "--settings", "--scale", "--seed", "--faults", "--schools", "--quiet"]) expect(help.stdout).toContain(option);
  });

  // SIGKILL as soon as each stage starts: the previous database, return and private files
  // must be byte-identical and readable afterwards, and the next run must need no manual step.
  it.each(["ingest", "validate", "transform", "measures", "publish", "export"])(
    "a run killed during %s leaves the previous outputs untouched",
    async (stage) => {
      const before = withoutScratch(hashTree(out));
      // A temp folder of its own: ingest's working copies of the files go to the run's staging
      // folder (which the next run removes), so a killed run leaves none of them in it.
      const tmp = mkdtempSync(join(tmpdir(), "killed-run-tmp-"));
      const child = spawn(process.execPath, [CLI, "run", FIXTURE, "--out", out], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TMPDIR: tmp } });
      let seen = "";
      const killed = await new Promise<boolean>((done) => {
        child.stderr.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (seen.includes(`${stage}...`)) {
            child.kill("SIGKILL");
            done(true);
          }
        });
        child.on("exit", () => done(false));
      });
      await new Promise((r) => child.once("exit", r).once("close", r));
      expect(killed, `never reached ${stage}: ${seen}`).toBe(true);
      // The killed run may leave its scratch files; everything else is as it was.
      expect(withoutScratch(hashTree(out))).toEqual(before);
      expect(
        readdirSync(tmp).filter((f) => f.startsWith("tuition-")),
        "left in the temp folder",
      ).toEqual([]);
      rmSync(tmp, { recursive: true, force: true });
      const contents = await tableContents(join(out, "tuition-impact.duckdb"));
      expect(Number(JSON.parse(contents.validate_counts).length)).toBe(7);
    },
  );

  it("recovers after kills without manual steps, removing what the killed runs left", () => {
    const r = runCli(["run", FIXTURE, "--out", out, "--quiet"]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith("."))).toEqual([]);
  });

  // The run above is a second run of the same inputs (over the old outputs and what the killed
  // runs left): it must give what the first gave, which saves a run made only to compare.
  it("gives identical tables and byte-identical return files on the same inputs", async () => {
    const first = (await plantedRun()).out;
    const [a, b] = await Promise.all([tableContents(join(first, "tuition-impact.duckdb")), tableContents(join(out, "tuition-impact.duckdb"))]);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const table of Object.keys(a)) expect(b[table], table).toBe(a[table]);
    expect(hashTree(join(out, "return"))).toEqual(hashTree(join(first, "return")));
  });
});
