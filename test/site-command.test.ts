// `tuition-impact site`: builds the report site from the last run's database, with
// Observable Framework's telemetry off (nothing sent, no notice printed, nothing written to ~).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { smallLaSite, type SmallLaSite } from "./helpers/small-la-site.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");

describe("tuition-impact site", () => {
  let dir: string;
  let site: SmallLaSite;
  beforeAll(async () => {
    // The shared small LA's run (synth and run by the CLI, in an empty home of their own) and its
    // site, built by `site` with its defaults (output/tuition-impact.duckdb into dist/, where it
    // was run) in an empty home, shared with table-tool-browser; refused there unless it exits 0.
    site = await smallLaSite();
    dir = site.dir;
  }, 1_500_000);

  it("builds the site from output/tuition-impact.duckdb into dist/, with the return as downloads", () => {
    expect(site.stdout).toMatch(new RegExp(`Site built into ${join(dir, "dist")} in [\\d.]+ s`));
    for (const page of ["index.html", "pages/impact.html", "pages/schools.html", "pages/data-quality.html"])
      expect(existsSync(join(dir, "dist", page)), page).toBe(true);
    expect(readdirSync(join(dir, "dist", "downloads"))).toContain("impact_919_200910.csv");
    expect(readdirSync(join(dir, "dist", "schools")).filter((f) => /^\d{6}\.html$/.test(f)).length).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.includes(".building-") || f.includes(".old-"))).toEqual([]);
  });

  it("runs Framework with telemetry disabled: no notice printed, nothing written to the home folder", () => {
    expect(`${site.stdout}${site.stderr}`).not.toMatch(/telemetry|Attention/i);
    expect(site.homeAfter).toEqual([]);
    // Nor did synth and run write to theirs.
    expect(site.run.homeAfter).toEqual([]);
  });

  it("without a database, refuses in one sentence naming it (exit 1) and leaves dist/ alone", () => {
    // A copy of the built site: the shared one stays as built whatever this command does.
    const own = mkdtempSync(join(tmpdir(), "site-cmd-"));
    cpSync(join(dir, "dist"), join(own, "dist"), { recursive: true });
    const before = readdirSync(join(own, "dist")).sort();
    const r = spawnSync(process.execPath, [CLI, "site", "--db", "missing.duckdb"], { cwd: own, encoding: "utf8" });
    expect(r.status).toBe(EXIT.inputRefused);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tuition-impact: .*missing\.duckdb: no database here .*tuition-impact run/)]);
    expect(readdirSync(join(own, "dist")).sort()).toEqual(before);
  });
});
