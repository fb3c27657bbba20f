// The built site in Debian's chromium (playwright-core), served from 127.0.0.1 with every other
// request blocked: every page opens with no console errors and no failed or outside requests,
// charts render marks, the school search finds a school, a table downloads as CSV with the
// expected header, and axe finds no serious or critical accessibility violation.
import { AxeBuilder } from "@axe-core/playwright";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { launch, openPage, watchedContext, type Watched } from "./fixtures/site/browser.ts";
import { builtFixtureSite, type BuiltSite } from "./fixtures/site/built.ts";
import { clippedOnPage } from "./fixtures/site/clipped.ts";
import { serveStatic, type StaticServer } from "./fixtures/site/serve.ts";

const PAGES = ["/", "/pages/impact", "/pages/schools", "/pages/targeting", "/pages/delivery", "/pages/viewpoints", "/pages/data-quality", "/pages/methodology", "/pages/table-tool", "/pages/downloads"];
/** Pages whose charts must render: the number of chart figures each must have at least. */
const CHARTS: Record<string, number> = { "/": 3, "/pages/impact": 6, "/pages/schools": 2, "/pages/targeting": 2, "/pages/delivery": 4, "/pages/viewpoints": 2 };
const SHOTS = join(process.cwd(), "test-results", "site");

let site: BuiltSite;
let server: StaticServer;
let browser: Browser;
let watched: Watched;
let schoolUrl: string;
let schoolName: string;

beforeAll(async () => {
  site = await builtFixtureSite();
  server = await serveStatic(site.dist);
  browser = await launch();
  watched = await watchedContext(browser, server.origin, { width: 1280 });
  const names = readFileSync(join(site.dir, "return", "impact_schools_919_200910.csv"), "utf8").trim().split("\n").slice(1);
  // The fifth school of the return: URN and name (a quoted field).
  const cells = names[4].match(/,(\d{6}),\d{7},"([^"]+)"/)!;
  schoolUrl = `/schools/${cells[1]}`;
  schoolName = cells[2];
  mkdirSync(SHOTS, { recursive: true });
}, 1_200_000); // the build on a busy two-core machine

afterAll(async () => {
  await watched?.context.close();
  await browser?.close();
  await server?.close();
});

function expectClean(where: string) {
  expect(watched.outside, `${where}: requests outside the site`).toEqual([]);
  expect(watched.failed, `${where}: failed requests`).toEqual([]);
  expect(watched.errors, `${where}: console errors`).toEqual([]);
}

describe("every page, offline", () => {
  for (const path of [...PAGES, "school page"]) {
    it(`${path} opens cleanly, renders its charts and passes axe`, async () => {
      const url = server.origin + (path === "school page" ? schoolUrl : path);
      const page = await openPage(watched, url);
      try {
        expect(await page.locator("h1").first().textContent()).toBeTruthy();
        // Every page says which academic year, when built and from which inputs.
        await expect.poll(() => page.locator(".provenance").first().textContent(), { timeout: 20_000 }).toMatch(/Academic year 2009\/10.*Data built 2010-09-30.*from attainment\.csv, pupils\.xlsx, schools\.csv, tuition\.csv/);
        const figures = page.locator("figure.chart");
        const want = path === "school page" ? 1 : CHARTS[path] ?? 0;
        expect(await figures.count()).toBeGreaterThanOrEqual(want);
        for (let i = 0; i < want; i++) {
          const svg = figures.nth(i).locator("svg:has(g[aria-label])").first();
          expect(await svg.getAttribute("aria-label"), `${path} chart ${i} text alternative`).toBeTruthy();
          // Marks: circles, rects, lines or paths inside the plot's mark groups.
          expect(await svg.locator("g[aria-label] :is(circle, rect, line, path)").count(), `${path} chart ${i} marks`).toBeGreaterThan(0);
          expect(await figures.nth(i).locator("details.data table").count(), `${path} chart ${i} data table`).toBe(1);
        }
        const axe = await new AxeBuilder({ page }).analyze();
        const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
        expect(serious, `${path}: axe`).toEqual([]);
        const name = path === "school page" ? "school" : path === "/" ? "index" : path.slice(1).replace("/", "_");
        await page.screenshot({ path: join(SHOTS, `${name}-1280.png`), fullPage: true });
        expectClean(path);
      } finally {
        await page.close();
      }
    }, 300_000);
  }
});

describe("schools", () => {
  it("the search finds a school, and its link opens the school's page", async () => {
    const page = await openPage(watched, `${server.origin}/pages/schools`);
    const table = page.locator(".data-table").first();
    const before = await table.locator("tbody tr").count();
    await table.locator('input[type="search"]').fill(schoolName);
    const rows = table.locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeLessThan(before);
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.allTextContents()) expect(text).toContain(schoolName);
    await rows.first().locator("a").click();
    await page.waitForURL(`**${schoolUrl}`);
    await expect.poll(() => page.locator("h1").first().textContent(), { timeout: 20_000 }).toBe(schoolName);
    expectClean("school search");
    await page.close();
  });

  it("the schools table downloads as CSV with the expected header and every published school row", async () => {
    const page = await openPage(watched, `${server.origin}/pages/schools`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".data-table button.download").first().click()]);
    const bytes = readFileSync((await download.path())!);
    // A byte order mark, so that Excel reads the file as UTF-8 (issue 17).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8").slice(1).trim().split(/\r?\n/);
    expect(csv[0]).toBe("School,URN,Subject,Tutees,Mean progress (points),Adjusted progress vs similar untutored pupils (points),Lower 95%,Upper 95%,Against the LA's tutees (outside the funnel's 95% limits)");
    const db = await Db.open(site.db, { access_mode: "READ_ONLY" });
    const n = await db.one<{ n: number }>("select count(*)::int as n from published_school_progress where urn is not null");
    const small = await db.one<{ n: string }>("select adj_tutees as n from published_school_progress where urn = '100003' and subject = 'English'");
    db.close();
    expect(csv).toHaveLength(1 + n!.n);
    expect(small?.n).toBe("c");
    expect(csv.some((line) => /,100003,English,c,/.test(line))).toBe(true);
    expectClean("download");
    await page.close();
  });
});

describe("phone width and dark mode", () => {
  it("pages fit a 390px phone screen and render in dark mode without errors or axe violations", async () => {
    for (const [width, colorScheme] of [[390, "light"], [1280, "dark"]] as const) {
      const ctx = await watchedContext(browser, server.origin, { width, colorScheme });
      for (const path of [...PAGES, schoolUrl]) {
        const page = await openPage(ctx, server.origin + path);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(1);
        // axe with every rule at phone width (layout changes what it checks: the sidebar toggle,
        // reflowed tables); in dark mode only colours change, so its contrast rules (every rule
        // at 1280 px in light runs in the page tests above): no serious or critical violation.
        const builder = new AxeBuilder({ page });
        const axe = await (colorScheme === "dark" ? builder.withRules(["color-contrast", "link-in-text-block"]) : builder).analyze();
        const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
        expect(serious, `${path} at ${width}px, ${colorScheme}: axe`).toEqual([]);
        const name = path === "/" ? "index" : path.slice(1).replaceAll("/", "_");
        if (colorScheme === "light") await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
        await page.close();
      }
      expect(ctx.outside).toEqual([]);
      expect(ctx.failed).toEqual([]);
      expect(ctx.errors).toEqual([]);
      await ctx.context.close();
    }
  }, 900_000);
});

describe("desktop and phone: nothing cut off, no control hidden", () => {
  for (const width of [1280, 390]) {
    it(`every page type at ${width}px: no sideways scroll, no clipped label, the list of pages reachable`, async () => {
      const ctx = await watchedContext(browser, server.origin, { width });
      try {
        for (const path of [...PAGES, schoolUrl]) {
          const page = await openPage(ctx, server.origin + path);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(1);
          expect(await page.evaluate(clippedOnPage), `${path} at ${width}px`).toEqual([]);
          // The list of pages: on a phone behind the toggle, which must be on screen and open it.
          // Framework writes the sidebar's links relative to the page: ./pages/methodology on the
          // overview, ./methodology beside it in pages/, ../pages/methodology on a school's page.
          const link = page.locator('#observablehq-sidebar a[href$="methodology"]').first();
          if (width < 900) {
            const toggle = page.locator("#observablehq-sidebar-toggle");
            const box = (await toggle.boundingBox())!;
            expect(box.width, `${path}: toggle`).toBeGreaterThanOrEqual(24);
            expect(box.height, `${path}: toggle`).toBeGreaterThanOrEqual(24);
            expect(box.x + box.width).toBeLessThanOrEqual(width);
            await toggle.click();
          }
          await expect.poll(() => link.isVisible(), { timeout: 5_000 }).toBe(true);
          // On a phone the list slides in from the left (Framework's 0.15 s transition): on screen once it has.
          const inView = () => link.evaluate((a) => { const r = a.getBoundingClientRect(); return r.left >= 0 && r.right <= document.documentElement.clientWidth; });
          await expect.poll(inView, { message: `${path}: link to Methodology on screen`, timeout: 5_000 }).toBe(true);
          await page.close();
        }
        expect(ctx.outside).toEqual([]);
        expect(ctx.errors).toEqual([]);
      } finally {
        await ctx.context.close();
      }
    }, 600_000);
  }
});

describe("print", () => {
  it("every page type prints on A4 with no table wider than the page", async () => {
    const ctx = await watchedContext(browser, server.origin, { width: 1280 });
    // A4 less the print stylesheet's 15 mm margins, in CSS pixels (96 per inch).
    const printable = Math.floor(((210 - 2 * 15) / 25.4) * 96);
    try {
      for (const path of [...PAGES, schoolUrl]) {
        const page = await openPage(ctx, server.origin + path);
        await page.emulateMedia({ media: "print" });
        await page.setViewportSize({ width: printable, height: 1000 });
        await page.waitForTimeout(300);
        const wide = await page.evaluate((limit) =>
          [...document.querySelectorAll("#observablehq-main table")]
            .map((t) => ({ caption: t.querySelector("caption")?.textContent?.slice(0, 60) ?? "", width: Math.max(t.getBoundingClientRect().width, t.scrollWidth) }))
            .filter((t) => t.width > limit + 1), printable);
        expect(wide, `${path}: tables wider than A4`).toEqual([]);
        const pdf = await page.pdf({ format: "A4", printBackground: false });
        expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
        const name = path === schoolUrl ? "school" : path === "/" ? "index" : path.slice(1).replace("/", "_");
        writeFileSync(join(SHOTS, `${name}.pdf`), pdf);
        await page.close();
      }
      expect(ctx.outside).toEqual([]);
    } finally {
      await ctx.context.close();
    }
  }, 600_000);
});
