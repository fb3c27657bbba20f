// `tuition-impact site --pdf`: for a small synthetic LA (test/helpers/small-la-run.ts), one A4 PDF per school page of the built
// site, each with the school's name and its verdict as text (poppler's pdfinfo and pdftotext read
// them back, as a person's PDF reader would).
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { smallLaRun } from "./helpers/small-la-run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");

describe("tuition-impact site --pdf", () => {
  let dir: string;
  let stdout = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "site-pdf-"));
    // The shared small LA's run, copied to where `run in` puts it by default (the site is built beside it).
    cpSync((await smallLaRun()).out, join(dir, "output"), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, TUITION_MEMORY_LIMIT: "1GB" };
    const site = spawnSync(process.execPath, [CLI, "site", "--quiet", "--pdf", "--pdf-out", "packs"], { cwd: dir, encoding: "utf8", env });
    stdout = site.stdout;
    expect(site.status, `${site.stdout}\n${site.stderr}`).toBe(EXIT.ok);
  }, 900_000);

  it("writes one PDF per school page, named by URN and school", () => {
    const pages = readdirSync(join(dir, "dist", "schools"))
      .filter((f) => /^\d{6}\.html$/.test(f))
      .map((f) => f.slice(0, 6))
      .sort();
    const pdfs = readdirSync(join(dir, "packs")).sort();
    expect(pages.length).toBeGreaterThan(0);
    expect(pdfs.map((f) => f.slice(0, 6))).toEqual(pages);
    for (const f of pdfs) expect(f).toMatch(/^\d{6}-[a-z0-9-]+\.pdf$/);
    expect(stdout).toMatch(new RegExp(`${pdfs.length} school PDFs \\(A4\\) written into ${join(dir, "packs")} in [\\d.]+ s`));
  });

  it("each PDF is A4 and holds the school's name, its verdict and the questions as text", () => {
    for (const f of readdirSync(join(dir, "packs"))) {
      const path = join(dir, "packs", f);
      const info = spawnSync("pdfinfo", [path], { encoding: "utf8" });
      expect(info.status, `pdfinfo ${f}: ${info.stderr}`).toBe(0);
      // A4 is 595 × 842 points; Chromium rounds to 595.92 × 842.88.
      expect(info.stdout, f).toMatch(/Page size:\s+59[5-6](\.\d+)? x 84[2-3](\.\d+)? pts \(A4\)/);
      const text = spawnSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" }).stdout.replace(/\s+/g, " ");
      expect(text, f).toMatch(/Verdict/);
      // One verdict sentence per subject, whichever of the four it is.
      expect(text, f).toMatch(/In English, .*(did better than|did worse than|did neither better nor worse than|there are too few tutees to say)/);
      expect(text, f).toMatch(/In maths, .*(did better than|did worse than|did neither better nor worse than|there are too few tutees to say)/);
      expect(text, f).toMatch(/Who was chosen for tuition, and why them\?/);
      expect(text, f).toContain(`(URN ${f.slice(0, 6)})`);
      // The name the file is named by (its words, as the slug keeps them) heads the page.
      const words = f.slice(7, -4).split("-").join(" ");
      expect(text.toLowerCase().replace(/[^a-z0-9]+/g, " "), f).toContain(words);
    }
  });

  it("--pdf-out without --pdf is a usage error, before anything is built", () => {
    const r = spawnSync(process.execPath, [CLI, "site", "--pdf-out", "elsewhere"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(EXIT.usage);
    expect(r.stderr).toMatch(/--pdf-out goes with --pdf/);
  });
});
