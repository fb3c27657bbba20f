// `tuition-impact site`: builds the report site from the last run's database, with
// Observable Framework's telemetry off (nothing sent, no notice printed, nothing written to ~).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { smallLaRun, type SmallLaRun } from "./helpers/small-la-run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");

describe("tuition-impact site", () => {
  let dir: string;
  let home: string;
  let site: SpawnSyncReturns<string>;
  let run: SmallLaRun;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "site-cmd-"));
    // The shared small LA's run (synth and run by the CLI, in an empty home of their own), copied
    // to where `run in` puts it by default, since the site is built beside it.
    run = await smallLaRun();
    cpSync(run.out, join(dir, "output"), { recursive: true });
    // An empty home: Framework with telemetry on would write ~/.observablehq and print a notice.
    home = mkdtempSync(join(tmpdir(), "site-cmd-home-"));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TUITION_MEMORY_LIMIT: "1GB" };
    delete env.OBSERVABLE_TELEMETRY_DISABLE;
    // Defaults, relative to where it is run: output/tuition-impact.duckdb into dist/.
    site = spawnSync(process.execPath, [CLI, "site"], { cwd: dir, encoding: "utf8", env });
  }, 900_000);

  it("builds the site from output/tuition-impact.duckdb into dist/, with the return as downloads", () => {
    expect(site.status, `${site.stdout}\n${site.stderr}`).toBe(EXIT.ok);
    expect(site.stdout).toMatch(new RegExp(`Site built into ${join(dir, "dist")} in [\\d.]+ s`));
    for (const page of ["index.html", "pages/impact.html", "pages/schools.html", "pages/data-quality.html"])
      expect(existsSync(join(dir, "dist", page)), page).toBe(true);
    expect(readdirSync(join(dir, "dist", "downloads"))).toContain("impact_919_200910.csv");
    expect(readdirSync(join(dir, "dist", "schools")).filter((f) => /^\d{6}\.html$/.test(f)).length).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.includes(".building-") || f.includes(".old-"))).toEqual([]);
  });

  it("runs Framework with telemetry disabled: no notice printed, nothing written to the home folder", () => {
    expect(`${site.stdout}${site.stderr}`).not.toMatch(/telemetry|Attention/i);
    expect(readdirSync(home)).toEqual([]);
    // Nor did synth and run write to theirs.
    expect(run.homeAfter).toEqual([]);
  });

  it("without a database, refuses in one sentence naming it (exit 1) and leaves dist/ alone", () => {
    const before = readdirSync(join(dir, "dist")).sort();
    const r = spawnSync(process.execPath, [CLI, "site", "--db", "missing.duckdb"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(EXIT.inputRefused);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tuition-impact: .*missing\.duckdb: no database here .*tuition-impact run/)]);
    expect(readdirSync(join(dir, "dist")).sort()).toEqual(before);
  });
});
