// The report site of an ntp run (issue 16, programmes.md §4 and §6 items 2 and 7): built from a
// small synthetic ntp LA, it holds the ntp pages and none of the 2009 ones, no 2009 wording, the
// return's figures cell for cell, and it passes the release audit as published.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { auditOptionsFromDatabase, auditRelease, formatBreach } from "../pipelines/export/audit.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { keepProgrammePages, sitePages } from "../pipelines/site/ntp-site.ts";
import { builtNtpSite, type BuiltNtpSite } from "./fixtures/ntp-site/built.ts";
import { filesUnder } from "./helpers/source-files.ts";

let site: BuiltNtpSite;

beforeAll(async () => {
  site = await builtNtpSite();
}, 600_000);

/** The site's own text: its pages, page data and page modules (not the bundled libraries). */
function siteText(): { file: string; text: string }[] {
  return filesUnder(site.dist)
    .filter((f) => /\.(html|json)$/.test(f) || /[\\/]_import[\\/].*\.js$/.test(f))
    .map((f) => ({ file: relative(site.dist, f), text: readFileSync(f, "utf8") }));
}

/** A page's data file: _file/data/<name>.<hash>.json. */
function pageData(name: string): { tables: Record<string, Record<string, string>[]> } {
  const dir = join(site.dist, "_file", "data");
  const file = readdirSync(dir).find((f) => f.startsWith(`${name}.`) && f.endsWith(".json"));
  if (!file) throw new Error(`no ${name}.*.json in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), "utf8"));
}

describe("an ntp run's site (programmes.md §6.2, §6.7)", () => {
  it("has the ntp pages of its nav and an overview, and none of the 2009-only pages", () => {
    for (const page of sitePages("ntp")) expect(existsSync(join(site.dist, `${page.path.slice(1)}.html`)), page.path).toBe(true);
    expect(existsSync(join(site.dist, "index.html"))).toBe(true);
    for (const page of ["pages/targeting", "pages/viewpoints", "pages/impact", "pages/delivery", "pages/schools", "pages/table-tool", "ntp-overview"])
      expect(existsSync(join(site.dist, `${page}.html`)), page).toBe(false);
    const index = readFileSync(join(site.dist, "index.html"), "utf8");
    expect(index).toContain("National Tutoring Programme: overview");
    for (const page of sitePages("ntp")) expect(index).toContain(`href=".${page.path}"`);
    expect(index).not.toContain('href="./pages/targeting"');
  });

  it("has a page for each school with published rows, the ntp school page (not the 2009 one)", () => {
    const schools = readdirSync(join(site.dist, "schools")).filter((f) => /^\d{6}\.html$/.test(f));
    const data = readdirSync(join(site.dist, "_file", "data", "schools")).filter((f) => f.endsWith(".json"));
    expect(schools.length).toBeGreaterThan(5);
    expect(schools.map((f) => f.replace(".html", ""))).toEqual(data.map((f) => f.replace(".json", "")));
    const page = readFileSync(join(site.dist, "schools", schools[0]), "utf8");
    expect(page).toMatch(/_import\/components\/ntp-school\.[0-9a-f]+\.js/);
    expect(page).not.toMatch(/school-page\.[0-9a-f]+\.js|questions\.[0-9a-f]+\.js/);
    expect(existsSync(join(site.dist, "schools", "ntp-school.html"))).toBe(false);
  });

  it("says nothing of ten-hour places or a one-to-one programme, in any page, data file or page module", () => {
    const texts = siteText();
    expect(texts.length).toBeGreaterThan(10);
    const worded = texts.filter((t) => /\b(10|ten) hours\b|one-to-one (programme|tuition)|ten-hour/i.test(t.text)).map((t) => t.file);
    expect(worded).toEqual([]);
    // The pages do name the profile's own things.
    const html = texts
      .filter((t) => t.file.endsWith(".html"))
      .map((t) => t.text)
      .join("\n");
    for (const words of ["course starts", "school-led tutoring", "tuition partners", "academic mentors", "15 hours"])
      expect(html.toLowerCase()).toContain(words);
  });

  it("shows every LA indicator of the return, each cell equal to the return's (indicators from the metadata)", () => {
    const returnDir = join(site.out, "return");
    const name = readdirSync(returnDir).find((f) => /^impact_\d+_\d{6}\.csv$/.test(f))!;
    const meta = parseTable(readFileSync(join(returnDir, name.replace(/\.csv$/, ".meta.csv")), "utf8")).records.map((r) => r.values);
    const indicators = meta.filter((m) => m.col_type === "Indicator").map((m) => m.col_name);
    const filters = meta.filter((m) => m.col_type === "Filter").map((m) => m.col_name);
    expect(indicators.length).toBeGreaterThan(20);
    const rows = parseTable(readFileSync(join(returnDir, name), "utf8")).records.map((r) => r.values);
    const site_ = ["ntp-delivery", "ntp-value", "ntp-impact", "ntp-data-quality"].flatMap((p) => Object.values(pageData(p).tables).flat());
    // A page row's filters as the return writes them: its breakdown's column holds its group.
    const keyOf = (r: Record<string, string>) =>
      filters
        .map((f) => (f === "subject" ? r.subject : f === "outcome_measure" ? (r.outcome_measure ?? "Total") : r.breakdown === f ? r.group_label : "Total"))
        .join("|");
    const shown = new Map<string, Record<string, string>[]>();
    for (const r of site_) shown.set(keyOf(r), [...(shown.get(keyOf(r)) ?? []), r]);
    const compared = new Map<string, number>();
    const differ: string[] = [];
    for (const row of rows) {
      const key = filters.map((f) => row[f]).join("|");
      for (const indicator of indicators) {
        const cell = row[indicator];
        const holders = (shown.get(key) ?? []).filter((r) => indicator in r);
        if (!holders.length) continue;
        compared.set(indicator, (compared.get(indicator) ?? 0) + 1);
        for (const h of holders) if (h[indicator] !== cell) differ.push(`${key} ${indicator}: site ${h[indicator]}, return ${cell}`);
      }
    }
    expect(differ).toEqual([]);
    expect(
      indicators.filter((i) => !compared.has(i)),
      "return indicators the site does not show",
    ).toEqual([]);
  });

  it("passes the release audit as published (tuition-impact audit on the built site)", async () => {
    const result = await auditRelease(site.dist, await auditOptionsFromDatabase(site.db));
    expect(result.breaches.map(formatBreach)).toEqual([]);
    expect(result.cells).toBeGreaterThan(0);
  }, 120_000);
});

describe("a 2009 site keeps exactly its own pages (programmes.md §6.1)", () => {
  it("keepProgrammePages on a 2009 build removes the ntp pages, their data and modules and the ntp school page, and nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keep-2009-"));
    try {
      const ntp = [
        "ntp-overview.html",
        "pages/ntp-impact.html",
        "pages/ntp-schools.html",
        "schools/ntp-school.html",
        "_file/data/ntp-impact.0a1b2c3d.json",
        "_import/components/ntp.0a1b2c3d.js",
        "_import/components/ntp-school.0a1b2c3d.js",
      ];
      const of2009 = [
        "index.html",
        "pages/impact.html",
        "pages/targeting.html",
        "pages/downloads.html",
        "schools/100001.html",
        "_file/data/impact.0a1b2c3d.json",
        "_file/data/schools/100001.json",
        "_file/data/table-tool/la.json",
        "_import/components/format.0a1b2c3d.js",
        "_import/components/questions.0a1b2c3d.js",
      ];
      for (const f of [...ntp, ...of2009]) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), f);
      }
      // No database: a 2009 site (as a database without run_context is).
      await keepProgrammePages(dir, join(dir, "none.duckdb"));
      expect(ntp.filter((f) => existsSync(join(dir, f)))).toEqual([]);
      expect(of2009.filter((f) => !existsSync(join(dir, f)))).toEqual([]);
      for (const f of of2009) expect(readFileSync(join(dir, f), "utf8")).toBe(f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
