// The built site in Debian's chromium (playwright-core), served from 127.0.0.1 with every other
// request blocked: every page opens with no console errors and no failed or outside requests,
// charts render marks, the school search finds a school, a table downloads as CSV with the
// expected header, and axe finds no serious or critical accessibility violation.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Db } from "../pipelines/core/db.ts";
import { seriousViolations } from "./fixtures/site/axe.ts";
import { launch, nextFrames, openInTab, watchedContext, type Watched } from "./fixtures/site/browser.ts";
import { builtFixtureSite, type BuiltSite } from "./fixtures/site/built.ts";
import { clippedOnPage } from "./fixtures/site/clipped.ts";
import { serveStatic, type StaticServer } from "./fixtures/site/serve.ts";
import { coloursDifferByWidth } from "./fixtures/site/width-colours.ts";

const PAGES = [
  "/",
  "/pages/impact",
  "/pages/schools",
  "/pages/targeting",
  "/pages/delivery",
  "/pages/viewpoints",
  "/pages/data-quality",
  "/pages/methodology",
  "/pages/table-tool",
  "/pages/downloads",
];
/** Pages whose charts must render: the number of chart figures each must have at least. */
const CHARTS: Record<string, number> = { "/": 3, "/pages/impact": 6, "/pages/schools": 2, "/pages/targeting": 2, "/pages/delivery": 4, "/pages/viewpoints": 2 };
// Screenshots for a person to look at are made by test/fixtures/site/screenshots.ts, not here:
// no test reads them, and a full-page shot of each page at each width was a tenth of this file's time.
const SHOTS = join(process.cwd(), "test-results", "site");

let site: BuiltSite;
let server: StaticServer;
let browser: Browser;
let watched: Watched;
/** The phone-width context: every 390 px test's page in its one tab. */
let phone: Watched;
let schoolUrl: string;
let schoolName: string;

beforeAll(async () => {
  site = await builtFixtureSite();
  server = await serveStatic(site.dist);
  browser = await launch();
  watched = await watchedContext(browser, server.origin, { width: 1280 });
  phone = await watchedContext(browser, server.origin, { width: 390 });
  const names = readFileSync(join(site.dir, "return", "impact_schools_919_200910.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1);
  // The fifth school of the return: URN and name (a quoted field).
  const cells = names[4].match(/,(\d{6}),\d{7},"([^"]+)"/)!;
  schoolUrl = `/schools/${cells[1]}`;
  schoolName = cells[2];
  mkdirSync(SHOTS, { recursive: true });
}, 1_200_000); // the build on a busy two-core machine

afterAll(async () => {
  await watched?.context.close();
  await phone?.context.close();
  await browser?.close();
  await server?.close();
});

function expectClean(where: string, w: Watched = watched) {
  expect(w.outside, `${where}: requests outside the site`).toEqual([]);
  expect(w.failed, `${where}: failed requests`).toEqual([]);
  expect(w.errors, `${where}: console errors`).toEqual([]);
}

const urlOf = (path: string) => server.origin + (path === "school page" ? schoolUrl : path);

/**
 * Nothing cut off and no control hidden at this width: no sideways scroll, no clipped label, and
 * the list of pages reachable (on a phone behind the toggle, which must be on screen and open it).
 * Framework writes the sidebar's links relative to the page: ./pages/methodology on the overview,
 * ./methodology beside it in pages/, ../pages/methodology on a school's page. Clicks the toggle.
 */
async function expectNothingCutOff(page: Page, path: string, width: number) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(1);
  expect(await page.evaluate(clippedOnPage), `${path} at ${width}px`).toEqual([]);
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
  const inView = () =>
    link.evaluate((a) => {
      const r = a.getBoundingClientRect();
      return r.left >= 0 && r.right <= document.documentElement.clientWidth;
    });
  await expect.poll(inView, { message: `${path}: link to Methodology on screen`, timeout: 5_000 }).toBe(true);
}

/**
 * The page in dark mode, on the same load: the site's dark theme is CSS alone (style.css imports
 * Framework's near-midnight theme under prefers-color-scheme: dark; charts draw in currentColor and
 * the theme's variables), so switching the scheme gives what a reader in dark mode is given, without
 * a second load of every page. The theme must have taken (light text) before axe checks
 * the colours: its contrast rules, as only colours change (every rule ran above, in light). Back to
 * light after.
 */
async function expectDarkModeReadable(page: Page, path: string) {
  await page.emulateMedia({ colorScheme: "dark" });
  await nextFrames(page);
  // The dark theme's text is light (Framework's near-midnight: rgb(223, 223, 214); light's rgb(27, 30, 35)).
  const text = await page.evaluate(() => getComputedStyle(document.body).color);
  const [r, g, b] = (text.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  expect(0.2126 * r! + 0.7152 * g! + 0.0722 * b!, `${path} in dark mode: the text colour is ${text}`).toBeGreaterThan(160);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${path} at 1280px, dark: scrolls sideways`).toBeLessThanOrEqual(1);
  expect(await seriousViolations(page, { only: ["color-contrast", "link-in-text-block"] }), `${path} at 1280px, dark: axe`).toEqual([]);
  await page.emulateMedia({ colorScheme: "light" });
}

/** A4 less the print stylesheet's 15 mm margins, in CSS pixels (96 per inch). */
const PRINTABLE = Math.floor(((210 - 2 * 15) / 25.4) * 96);

/** The page printed on A4: no table wider than the page, and the PDF written to test-results/ for a person to look at. */
async function expectPrintsOnA4(page: Page, path: string, name: string) {
  await page.emulateMedia({ media: "print" });
  await page.setViewportSize({ width: PRINTABLE, height: 1000 });
  await page.waitForTimeout(300);
  const wide = await page.evaluate(
    (limit) =>
      [...document.querySelectorAll("#observablehq-main table")]
        .map((t) => ({ caption: t.querySelector("caption")?.textContent?.slice(0, 60) ?? "", width: Math.max(t.getBoundingClientRect().width, t.scrollWidth) }))
        .filter((t) => t.width > limit + 1),
    PRINTABLE,
  );
  expect(wide, `${path}: tables wider than A4`).toEqual([]);
  const pdf = await page.pdf({ format: "A4", printBackground: false });
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  writeFileSync(join(SHOTS, `${name}.pdf`), pdf);
}

// Each page is opened once per width, and everything checked at that width is checked on that one
// load, dark mode at 1280 px among it (a page load with its charts is most of a check's time).
describe("every page at 1280px, offline: opens cleanly, renders its charts, passes axe, nothing cut off, in dark mode too, prints on A4", () => {
  for (const path of [...PAGES, "school page"]) {
    it(`${path} opens cleanly, renders its charts and passes axe; no sideways scroll, no clipped label, the list of pages reachable; in dark mode no axe violation of its colours; prints on A4 with no table wider than the page`, async () => {
      const page = await openInTab(watched, urlOf(path));
      // a reader's screen at 1280 px, not the printed or dark view the test before left in the tab
      expect(await page.evaluate(() => [innerWidth, matchMedia("print").matches, matchMedia("(prefers-color-scheme: dark)").matches])).toEqual([
        1280,
        false,
        false,
      ]);
      expect(await page.locator("h1").first().textContent()).toBeTruthy();
      // Every page says which academic year, when built and from which inputs.
      await expect
        .poll(() => page.locator(".provenance").first().textContent(), { timeout: 20_000 })
        .toMatch(/Academic year 2009\/10.*Data built 2010-09-30.*from attainment\.csv, pupils\.xlsx, schools\.csv, tuition\.csv/);
      const figures = page.locator("figure.chart");
      const want = path === "school page" ? 1 : (CHARTS[path] ?? 0);
      expect(await figures.count()).toBeGreaterThanOrEqual(want);
      for (let i = 0; i < want; i++) {
        const svg = figures.nth(i).locator("svg:has(g[aria-label])").first();
        expect(await svg.getAttribute("aria-label"), `${path} chart ${i} text alternative`).toBeTruthy();
        // Marks: circles, rects, lines or paths inside the plot's mark groups.
        expect(await svg.locator("g[aria-label] :is(circle, rect, line, path)").count(), `${path} chart ${i} marks`).toBeGreaterThan(0);
        expect(await figures.nth(i).locator("details.data table").count(), `${path} chart ${i} data table`).toBe(1);
      }
      expect(await seriousViolations(page), `${path}: axe`).toEqual([]);
      const name = path === "school page" ? "school" : path === "/" ? "index" : path.slice(1).replace("/", "_");
      await expectNothingCutOff(page, path, 1280);
      await expectDarkModeReadable(page, path);
      await expectPrintsOnA4(page, path, name);
      expectClean(path);
    }, 300_000);
  }
});

describe("schools", () => {
  // One load of the schools page for both: the download first, while the table holds every row,
  // then the search, whose link leaves the page.
  it("the schools table downloads as CSV with the expected header and every published school row; the search finds a school, and its link opens the school's page", async () => {
    const page = await openInTab(watched, `${server.origin}/pages/schools`);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".data-table button.download").first().click()]);
    const bytes = readFileSync((await download.path())!);
    // A byte order mark, so that Excel reads the file as UTF-8 (issue 17).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString("utf8").slice(1).trim().split(/\r?\n/);
    expect(csv[0]).toBe(
      "School,URN,Subject,Tutees,Mean progress (points),Adjusted progress vs similar untutored pupils (points),Lower 95%,Upper 95%,Against the LA's tutees (outside the funnel's 95% limits)",
    );
    const db = await Db.open(site.db, { access_mode: "READ_ONLY" });
    const n = await db.one<{ n: number }>("select count(*)::int as n from published_school_progress where urn is not null");
    const small = await db.one<{ n: string }>("select adj_tutees as n from published_school_progress where urn = '100003' and subject = 'English'");
    db.close();
    expect(csv).toHaveLength(1 + n!.n);
    expect(small?.n).toBe("c");
    expect(csv.some((line) => /,100003,English,c,/.test(line))).toBe(true);
    expectClean("download");

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
  });
});

describe("phone width: every page at 390px, light", () => {
  for (const path of [...PAGES, "school page"]) {
    it(`${path} fits a 390px phone screen without errors or axe violations (colour contrast on the 1280 px load: no colour set by width); no clipped label, the list of pages behind a toggle on screen`, async () => {
      const page = await openInTab(phone, urlOf(path));
      const shown = path === "school page" ? schoolUrl : path;
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${shown} at 390px scrolls sideways`).toBeLessThanOrEqual(1);
      // axe at phone width (layout changes what it checks: the sidebar toggle, reflowed tables):
      // no serious or critical violation. Every rule but colour contrast, checked on the 1280 px
      // load: the colours are the same at both widths, as the stylesheets set none by width.
      expect(await coloursDifferByWidth(page), `${shown} at 390px: colours by width`).toEqual([]);
      expect(await seriousViolations(page, { skip: ["color-contrast"] }), `${shown} at 390px, light: axe`).toEqual([]);
      await expectNothingCutOff(page, shown, 390);
      expectClean(`${shown} at 390px`, phone);
    }, 300_000);
  }
});
