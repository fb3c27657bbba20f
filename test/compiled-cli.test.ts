// The compiled CLI (scripts/compile.mjs → build/, what `npm ci` makes and bin/ runs): it finds
// its .sql and catalogue files and gives the same return as the TypeScript sources; and bin/
// runs it only while it is at least as new as every source file, so an edit is never run stale.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { hashTree } from "./helpers/files.ts";
import { EXIT } from "../pipelines/core/exit-codes.ts";

const ROOT = resolve(import.meta.dirname, "..");
const FIXTURE = join(ROOT, "test", "fixtures", "ingest", "planted");
const MARK = "(compiled build)";

describe("the compiled CLI", () => {
  let pkg: string;
  beforeAll(() => {
    // A package folder of its own: package.json, bin/, pipelines/, node_modules (linked), build/.
    pkg = mkdtempSync(join(tmpdir(), "compiled-"));
    cpSync(join(ROOT, "package.json"), join(pkg, "package.json"));
    cpSync(join(ROOT, "bin"), join(pkg, "bin"), { recursive: true });
    cpSync(join(ROOT, "pipelines"), join(pkg, "pipelines"), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(pkg, "node_modules"));
    const compile = spawnSync(process.execPath, [join(ROOT, "scripts", "compile.mjs"), "--out", join(pkg, "build")], { encoding: "utf8" });
    expect(compile.status, compile.stderr).toBe(0);
    // Mark the compiled --help so a test can tell which of the two bin/ started.
    const cli = join(pkg, "build", "cli.js");
    writeFileSync(cli, readFileSync(cli, "utf8").replace("tuition-impact: evaluate", `${MARK} tuition-impact: evaluate`));
  });

  it("gives the same return, byte for byte, as the TypeScript sources", () => {
    const env = { ...process.env, TUITION_MEMORY_LIMIT: "1GB" };
    const compiledOut = join(pkg, "out-compiled");
    const sourceOut = join(pkg, "out-source");
    const compiled = spawnSync(process.execPath, [join(pkg, "build", "cli.js"), "run", FIXTURE, "--out", compiledOut, "--quiet"], { encoding: "utf8", env });
    expect(compiled.status, compiled.stderr).toBe(EXIT.ok);
    const source = spawnSync(process.execPath, [join(pkg, "bin", "tuition-impact.js"), "run", FIXTURE, "--out", sourceOut, "--quiet"], {
      encoding: "utf8",
      env: { ...env, TUITION_FROM_SOURCE: "1" },
    });
    expect(source.status, source.stderr).toBe(EXIT.ok);
    const a = hashTree(join(compiledOut, "return"));
    expect(Object.keys(a).length).toBeGreaterThan(3);
    expect(a).toEqual(hashTree(join(sourceOut, "return")));
  });

  it("bin/ runs build/ while it is current, and the sources once any file under pipelines/ is newer", () => {
    const help = () => spawnSync(process.execPath, [join(pkg, "bin", "tuition-impact.js"), "--help"], { encoding: "utf8" });
    const current = help();
    expect(current.status, current.stderr).toBe(EXIT.ok);
    expect(current.stdout.startsWith(MARK)).toBe(true);
    // An edited .sql file (not only .ts) makes the build stale.
    const later = new Date(Date.now() + 60_000);
    const sqlDir = join(pkg, "pipelines", "transform", "sql");
    const sql = readdirSync(sqlDir).find((f) => f.endsWith(".sql"));
    expect(sql).toBeDefined();
    utimesSync(join(sqlDir, sql!), later, later);
    const stale = help();
    expect(stale.status, stale.stderr).toBe(EXIT.ok);
    expect(stale.stdout.startsWith("tuition-impact: evaluate")).toBe(true);
  });

  it("bin/ runs the sources once a file under pipelines/ is deleted (its folder changed)", () => {
    const help = () => spawnSync(process.execPath, [join(pkg, "bin", "tuition-impact.js"), "--help"], { encoding: "utf8" });
    // Every source an hour old, the build half an hour old: current.
    const hourAgo = new Date(Date.now() - 3_600_000);
    const sources = join(pkg, "pipelines");
    for (const entry of readdirSync(sources, { recursive: true, withFileTypes: true })) utimesSync(join(entry.parentPath, entry.name), hourAgo, hourAgo);
    utimesSync(sources, hourAgo, hourAgo);
    const halfHourAgo = new Date(Date.now() - 1_800_000);
    utimesSync(join(pkg, "build", "BUILT"), halfHourAgo, halfHourAgo);
    expect(help().stdout.startsWith(MARK)).toBe(true);
    const sqlDir = join(sources, "measures", "sql");
    rmSync(join(sqlDir, readdirSync(sqlDir).find((f) => f.endsWith(".sql"))!));
    expect(help().stdout.startsWith("tuition-impact: evaluate")).toBe(true);
  });
});
