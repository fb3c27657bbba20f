// The table tool in Debian's chromium (playwright-core), on a site built from a real run (a small
// synthetic LA through the whole pipeline and `tuition-impact site`, test/helpers/small-la-site.ts), served from 127.0.0.1
// with every other request blocked: pick indicators and a breakdown, see the table, sort it, download it as CSV, and find
// every downloaded cell equal to the return's cell for that row; the same on the schools data for
// chosen schools. Indicator labels are read from the return's metadata, not written here.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../pipelines/export/csv.ts";
import { smallLaSite } from "./helpers/small-la-site.ts";
import { launch, openPage, watchedContext, type Watched } from "./fixtures/site/browser.ts";
import { serveStatic, type StaticServer } from "./fixtures/site/serve.ts";

type Table = { header: string[]; rows: Record<string, string>[] };

function readTable(path: string): Table {
  const [header, ...rows] = parseCsv(readFileSync(path, "utf8").replace(/^\uFEFF/, "")).filter((r) => r.length > 1);
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))) };
}

let dir: string;
let server: StaticServer;
let browser: Browser;
let watched: Watched;
let la: Table;
let schools: Table;
let labels: Map<string, string>; // indicator → label, from the return's metadata

beforeAll(async () => {
  // Downloads are saved here.
  dir = mkdtempSync(join(tmpdir(), "table-tool-"));
  // The shared small LA's run and its site, built by `tuition-impact site` (test/helpers/small-la-site.ts;
  // refused there unless it exits 0): both only read here.
  const site = await smallLaSite();
  const out = site.run.out;
  la = readTable(join(out, "return", "impact_919_200910.csv"));
  schools = readTable(join(out, "return", "impact_schools_919_200910.csv"));
  labels = new Map(readTable(join(out, "return", "impact_919_200910.meta.csv")).rows.map((r) => [r.col_name, r.label]));
  for (const r of readTable(join(out, "return", "impact_schools_919_200910.meta.csv")).rows) labels.set(r.col_name, r.label);
  server = await serveStatic(join(site.dir, "dist"));
  browser = await launch();
  watched = await watchedContext(browser, server.origin, { width: 1280 });
}, 1_200_000);

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await server?.close();
});

async function check(page: Page, indicator: string) {
  const label = labels.get(indicator)!;
  const box = page.getByLabel(label, { exact: true });
  // Indicators are grouped in closed <details>: open the one holding it.
  if (!(await box.isVisible())) await page.locator("details", { has: box }).locator("summary").click();
  await box.check();
}

async function download(page: Page): Promise<{ text: string; table: Table }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download CSV" }).click()]);
  const path = join(dir, `download-${Date.now()}.csv`);
  await file.saveAs(path);
  return { text: readFileSync(path, "utf8"), table: readTable(path) };
}

describe("table tool", () => {
  it("LA data: an indicator and a breakdown give the return's cells, sortable, downloaded as CSV with a BOM", async () => {
    const page = await openPage(watched, `${server.origin}/pages/table-tool`);
    try {
      await page.getByLabel("Pupils broken down by").selectOption({ label: "Free school meals status" });
      for (const indicator of ["n_t", "b", "pct_at_are_outcome_t"]) await check(page, indicator);
      const expected = la.rows.filter(
        (r) => r.geographic_level === "Local authority" && ["English", "Mathematics"].includes(r.subject) && r.fsm_status !== "Total",
      );
      expect(expected.length).toBeGreaterThan(0);
      await expect.poll(() => page.locator(".tt-table tbody tr").count()).toBe(expected.length);

      const { text, table } = await download(page);
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(table.header).toEqual(["Subject", "Free school meals status", labels.get("n_t"), labels.get("b"), labels.get("pct_at_are_outcome_t")]);
      expect(table.rows).toHaveLength(expected.length);
      for (const row of table.rows) {
        const published = expected.filter((r) => r.subject === row.Subject && r.fsm_status === row["Free school meals status"]);
        expect(published, JSON.stringify(row)).toHaveLength(1);
        for (const indicator of ["n_t", "b", "pct_at_are_outcome_t"])
          expect(row[labels.get(indicator)!], `${indicator} of ${JSON.stringify(row)}`).toBe(published[0][indicator]);
      }

      // Sorted by the tutees column, largest first: the download follows the table's order, c/x/z last.
      const heading = page.locator(".tt-table thead th", { hasText: labels.get("n_t")! }).getByRole("button");
      await heading.click();
      await heading.click();
      expect(await page.locator(".tt-table thead th", { hasText: labels.get("n_t")! }).getAttribute("aria-sort")).toBe("descending");
      const sorted = (await download(page)).table.rows.map((r) => r[labels.get("n_t")!]);
      const numbers = sorted.filter((v) => !["c", "x", "z"].includes(v)).map(Number);
      expect(sorted.slice(0, numbers.length).map(Number)).toEqual(numbers);
      expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
      expect(watched.outside).toEqual([]);
      expect(watched.failed).toEqual([]);
      expect(watched.errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it("schools data: loaded only when chosen; chosen schools' rows equal the return's schools file", async () => {
    const page = await openPage(watched, `${server.origin}/pages/table-tool`);
    const fetched: string[] = [];
    page.on("request", (r) => fetched.push(r.url()));
    try {
      expect(fetched.filter((u) => u.includes("schools-"))).toEqual([]);
      await page.getByLabel("School figures").check();
      const wholeSchool = schools.rows.filter(
        (r) =>
          r.fsm_status === "Total" &&
          r.cla_status === "Total" &&
          r.first_language === "Total" &&
          r.sex === "Total" &&
          r.sen_provision === "Total" &&
          r.ethnicity_major === "Total" &&
          r.key_stage === "Total" &&
          r.prior_attainment === "Total" &&
          r.subject === "English",
      );
      const chosen = wholeSchool.slice(0, 2);
      expect(chosen).toHaveLength(2);
      await page.getByLabel(/^Choose schools/).selectOption(chosen.map((r) => r.school_urn));
      await page.getByLabel("Mathematics", { exact: true }).uncheck();
      for (const indicator of ["places", "adjusted_progress"]) await check(page, indicator);
      await expect.poll(() => page.locator(".tt-table tbody tr").count()).toBe(2);
      const { table } = await download(page);
      expect(table.rows.map((r) => r.URN).sort()).toEqual(chosen.map((r) => r.school_urn).sort());
      for (const row of table.rows) {
        const published = chosen.find((r) => r.school_urn === row.URN)!;
        expect(row.School).toBe(published.school_name);
        for (const indicator of ["places", "adjusted_progress"]) expect(row[labels.get(indicator)!], indicator).toBe(published[indicator]);
      }
      expect(fetched.some((u) => u.includes("schools-rows"))).toBe(true);
      expect(watched.failed).toEqual([]);
      expect(watched.errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
