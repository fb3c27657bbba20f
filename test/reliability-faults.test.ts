// Faults (issue 8): an output folder that cannot be written, a disk that fills up mid-run, a
// damaged previous database, a site build that fails. Each time: the previous outputs survive
// byte for byte, the error says what to do, and the next run recovers with no manual step.
// (SIGKILL at each stage is test/run.test.ts.) Tests run as root in CI, where chmod does not
// stop writes, so an unwritable folder is a path under a file, or under /proc.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { plantedRun } from "./helpers/planted-run.ts";
import { Db } from "../pipelines/core/db.ts";
import { buildSite } from "../scripts/build-site.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");

/** Runs the CLI from a folder outside the project, as an LA officer would. */
function runCli(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd: tmpdir(), encoding: "utf8", env: { ...process.env, TUITION_MEMORY_LIMIT: "1GB" } });
}

async function validateCountRows(db: string): Promise<number> {
  const d = await Db.open(db, { access_mode: "READ_ONLY" });
  try {
    return Number((await d.one<{ n: number }>("select count(*) as n from validate_counts"))!.n);
  } finally {
    d.close();
  }
}

/** One line of stderr starting "tuition-impact:", and no "unexpected error" (a known failure, explained). */
function explained(stderr: string): string {
  const lines = stderr
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("tuition-impact:"));
  expect(lines, stderr).toHaveLength(1);
  expect(stderr).not.toMatch(/unexpected error/);
  return lines[0];
}

describe("faults", () => {
  let good: string;
  let goodReturn: Record<string, string>;
  beforeAll(async () => {
    // The planted fixture's good run (exit 0), shared with other test files: only read and copied here.
    good = (await plantedRun()).out;
    goodReturn = hashTree(join(good, "return"));
  });

  it("an output folder under a file: refused before anything is read, saying what to do", () => {
    const file = join(mkdtempSync(join(tmpdir(), "faults-file-")), "not-a-folder");
    writeFileSync(file, "I am a file");
    const r = runCli(["run", FIXTURE, "--out", join(file, "out")]);
    expect(r.status).toBe(1);
    expect(explained(r.stderr)).toMatch(/cannot be used as the output folder.*Choose another --out folder/);
    expect(readFileSync(file, "utf8")).toBe("I am a file");
  });

  it("an output folder that cannot be created even by root (/proc): refused at once, not hung", () => {
    // Node's mkdirSync(..., { recursive: true }) never returns for a path under /proc.
    const r = spawnSync(process.execPath, [CLI, "run", FIXTURE, "--out", `/proc/tuition-impact-${process.pid}/out`], {
      cwd: tmpdir(),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.signal, "the run hung").toBeNull();
    expect(r.status).toBe(1);
    expect(explained(r.stderr)).toMatch(/cannot be used as the output folder/);
  });

  it("a damaged previous database: the next run says so, replaces it, and gives the same return", async () => {
    const out = mkdtempSync(join(tmpdir(), "faults-corrupt-"));
    cpSync(good, out, { recursive: true });
    const garbage = Buffer.alloc(64 * 1024, 0x5a);
    garbage.write("this is not a database", 0);
    writeFileSync(join(out, "tuition-impact.duckdb"), garbage);
    const r = runCli(["run", FIXTURE, "--out", out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/tuition-impact\.duckdb is not a readable DuckDB database .*this run will replace it/);
    expect(await validateCountRows(join(out, "tuition-impact.duckdb"))).toBe(7);
    expect(hashTree(join(out, "return"))).toEqual(goodReturn);
    expect(readdirSync(out).filter((f) => f.startsWith("."))).toEqual([]);
  });

  describe("disk full (a small tmpfs)", () => {
    const mnt = join(tmpdir(), `faults-tmpfs-${process.pid}`);
    let mounted = false;
    beforeAll(() => {
      // Room for the previous outputs plus 256 KB: a new database cannot fit.
      const bytes = Object.keys(hashTree(good)).reduce((n, f) => n + statSync(join(good, f)).size, 0);
      const kb = Math.ceil(bytes / 1024) + 256;
      mkdirSync(mnt, { recursive: true });
      // Fails rather than skips without mount rights: CI runs as root, and a skipped
      // disk-full test would leave the ENOSPC message unchecked without anyone noticing.
      const m = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${kb}k`, "tmpfs", mnt], { encoding: "utf8" });
      if (m.status !== 0)
        throw new Error(
          `the disk-full test cannot mount a tmpfs at ${mnt} (${(m.stderr || String(m.error)).trim()}): it needs root with mount rights, as CI has`,
        );
      mounted = true;
      cpSync(good, mnt, { recursive: true });
    });
    afterAll(() => {
      if (mounted) spawnSync("umount", [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    });

    it("fails saying the disk is full and what to do, leaves the previous outputs, recovers once there is room", async () => {
      const before = hashTree(mnt);
      const r = runCli(["run", FIXTURE, "--out", mnt]);
      expect(r.status).toBe(1);
      expect(explained(r.stderr)).toMatch(/ran out of disk space.*previous outputs were left as they were; free some space/);
      expect(hashTree(mnt)).toEqual(before);
      expect(await validateCountRows(join(mnt, "tuition-impact.duckdb"))).toBe(7);

      expect(spawnSync("mount", ["-o", "remount,size=512m", mnt]).status).toBe(0);
      const again = runCli(["run", FIXTURE, "--out", mnt, "--quiet"]);
      expect(again.status, again.stderr).toBe(0);
      expect(hashTree(join(mnt, "return"))).toEqual(goodReturn);
      expect(readdirSync(mnt).filter((f) => f.startsWith("."))).toEqual([]);
    });
  });

  it("a site build that fails leaves the previous dist/ as it was, and says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faults-site-"));
    const dist = join(dir, "dist");
    mkdirSync(join(dist, "data"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<p>the last good site</p>");
    writeFileSync(join(dist, "data", "published.json"), "[1,2,3]");
    const before = hashTree(dist);
    const damaged = join(dir, "tuition-impact.duckdb");
    writeFileSync(damaged, Buffer.alloc(64 * 1024, 0x5a));
    await expect(buildSite({ db: damaged, out: dist, returnDir: join(good, "return"), verbose: false })).rejects.toThrow(
      /site build failed.*dist\/ was left as it was/s,
    );
    expect(hashTree(dist)).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual(["dist", "tuition-impact.duckdb"]);
    // No database at all: refused before Framework starts, naming what to do.
    await expect(buildSite({ db: join(dir, "missing.duckdb"), out: dist, verbose: false })).rejects.toThrow(/No database at .*run the pipeline first/);
    expect(hashTree(dist)).toEqual(before);
  });
});
