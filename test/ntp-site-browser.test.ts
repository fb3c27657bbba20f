// The ntp report site in Debian's chromium (issue 16, programmes.md §6.2; issue 17's standards),
// served from 127.0.0.1 with every other request blocked: every ntp page type at 1280 and 390 px
// opens with no console error or outside request, passes axe with no serious or critical
// violation, scrolls no page sideways and clips no label; the impact page draws its forests with
// the zero line; a page with suppressed or unavailable cells says what the symbols mean.
// One small ntp site (test/fixtures/ntp-site/built.ts), shared with test/ntp-site.test.ts.
// Screenshots for a person to look at: test/fixtures/site/screenshots.ts (no test reads them).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sitePages } from "../pipelines/site/ntp-site.ts";
import { seriousViolations } from "./fixtures/site/axe.ts";
import { launch, openInTab, watchedContext, type Watched } from "./fixtures/site/browser.ts";
import { serveStatic, type StaticServer } from "./fixtures/site/serve.ts";
import { builtNtpSite } from "./fixtures/ntp-site/built.ts";
import { clippedOnPage } from "./fixtures/site/clipped.ts";
import { coloursDifferByWidth } from "./fixtures/site/width-colours.ts";

const PAGES = ["/", ...sitePages("ntp").map((p) => p.path)];
// Its forests and readings are checked on its load at 1280 px below: a renamed page must not drop them.
if (!PAGES.includes("/pages/ntp-impact"))
  throw new Error("ntp-site-browser: the ntp site has no /pages/ntp-impact, whose forests and readings this file checks.");
let schoolUrl: string;
/** Pages whose charts must render: the number of chart figures each must have at least. */
const CHARTS: Record<string, number> = { "/pages/ntp-impact": 4, "/pages/ntp-delivery": 3, "/pages/ntp-value": 2 };

let server: StaticServer;
let browser: Browser;
/** A context for each width, each test's page loaded in its one tab (openInTab). */
const contexts = new Map<number, Watched>();

beforeAll(async () => {
  const site = await builtNtpSite();
  schoolUrl = `/schools/${readdirSync(join(site.dist, "schools"))
    .filter((f) => /^\d{6}\.html$/.test(f))[0]
    .replace(".html", "")}`;
  server = await serveStatic(site.dist);
  browser = await launch();
  for (const width of [1280, 390]) contexts.set(width, await watchedContext(browser, server.origin, { width }));
}, 600_000);

afterAll(async () => {
  for (const watched of contexts.values()) await watched.context.close();
  await browser?.close();
  await server?.close();
});

/** The impact page's forests, each with its zero line, and each estimate and difference read in words (a reading with its CI, or its symbol's meaning). */
async function expectForestsAndReadings(page: Page) {
  const forests = page.locator("figure.chart svg[aria-label^='Forest plot']");
  expect(await forests.count()).toBeGreaterThanOrEqual(4);
  for (let i = 0; i < (await forests.count()); i++)
    expect(await forests.nth(i).locator("text", { hasText: "0 = no difference" }).count(), `forest ${i}`).toBe(1);
  const readings = await page.locator("ul.readings ul > li, ul.readings > li:not(:has(ul))").allTextContents();
  expect(readings.length).toBeGreaterThan(10);
  expect(readings.filter((t) => !/95% CI -?\d|\((c|x|z)\)/.test(t))).toEqual([]);
  expect(readings.some((t) => t.startsWith("School-led tutoring: "))).toBe(true);
  expect(readings.some((t) => t.startsWith("Tuition partner − School-led tutoring: "))).toBe(true);
  expect(readings.some((t) => t.startsWith("Disadvantaged − Not known to be disadvantaged: "))).toBe(true);
}

describe("the ntp site in a browser, offline", () => {
  // One test per page and width (each its own timeout): the impact page alone is a large DOM for axe.
  for (const width of [1280, 390]) {
    for (const which of [...PAGES, "school page"]) {
      // The impact page at 1280 px is also read for its forests and words, on the same load (the page is a large DOM).
      const forests = which === "/pages/ntp-impact" && width === 1280;
      it(`${which} at ${width}px: clean, axe-clean, nothing cut off, charts drawn${forests ? "; each forest drawn with its zero line and each estimate read in words" : ""}`, async () => {
        const path = which === "school page" ? schoolUrl : which;
        const watched = contexts.get(width)!;
        const page = await openInTab(watched, server.origin + path);
        expect(await page.locator("h1").first().textContent(), path).toBeTruthy();
        await expect.poll(() => page.locator(".provenance").first().textContent(), { timeout: 20_000 }).toMatch(/Academic year 2022\/23.*Data built/);
        const figures = page.locator("figure.chart");
        const want = CHARTS[path] ?? 0;
        expect(await figures.count(), `${path}: charts`).toBeGreaterThanOrEqual(want);
        for (let i = 0; i < want; i++) {
          const svg = figures.nth(i).locator("svg:has(g[aria-label])").first();
          expect(await svg.getAttribute("aria-label"), `${path} chart ${i} text alternative`).toBeTruthy();
          expect(await svg.locator("g[aria-label] :is(circle, rect, line, path)").count(), `${path} chart ${i} marks`).toBeGreaterThan(0);
        }
        if (forests) await expectForestsAndReadings(page);
        // Every rule that can report a serious violation (./fixtures/site/axe.ts) at 1280 px; at 390 px every one but colour contrast, the slowest, whose
        // colours are the same at both widths: the stylesheets set none by width (asserted first).
        // The content of closed <details> (each chart's data table) is not rendered, so not checked.
        expect(await coloursDifferByWidth(page), `${path}: colours set by width`).toEqual([]);
        const serious = await seriousViolations(page, { exclude: "details:not([open]) > :not(summary)", skip: width < 900 ? ["color-contrast"] : [] });
        expect(serious, `${path} at ${width}px: axe`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${path} at ${width}px scrolls sideways`).toBeLessThanOrEqual(1);
        expect(await page.evaluate(clippedOnPage), `${path} at ${width}px`).toEqual([]);
        // Every symbol shown in a table is explained on the page.
        const symbols = await page
          .locator("#observablehq-main td")
          .evaluateAll((tds) => [...new Set(tds.map((td) => td.textContent?.trim()).filter((t) => t === "c" || t === "x" || t === "z"))]);
        const legends = (await page.locator(".symbol-legend").allTextContents()).join(" ");
        for (const sym of symbols) expect(legends, `${path}: legend for ${sym}`).toMatch(new RegExp(`${sym} (suppressed|not available|not applicable)`));
        expect(watched.outside, "requests outside the site").toEqual([]);
        expect(watched.failed, "failed requests").toEqual([]);
        expect(watched.errors, "console errors").toEqual([]);
      }, 300_000); // axe on the impact page takes minutes when the two cores are shared
    }
  }
});
