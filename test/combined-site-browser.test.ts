// The combined view (issue 19) in Debian's chromium, offline: `tuition-impact site --combined`
// over a folder `combine` wrote from six hand-made LA returns (the metafor fixture's estimates,
// test/fixtures/combined/make.ts). Per subject the forest plot draws one mark per LA with a
// published estimate and none for an LA whose estimate is x, one diamond whose ends are the
// combined return's National CI, and the prediction interval; the reading gives k, τ², I² in
// words; the page makes no outside request and axe finds nothing serious at 1280 and 390 px.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../pipelines/core/exit-codes.ts";
import { parseTable } from "../pipelines/export/csv.ts";
import { makeCombinedFolder, metaCases } from "./fixtures/combined/make.ts";
import { seriousViolations } from "./fixtures/site/axe.ts";
import { launch, openPage, watchedContext } from "./fixtures/site/browser.ts";
import { serveStatic, type StaticServer } from "./fixtures/site/serve.ts";

const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "tuition-impact.js");
/** The chart's mark groups (src/components/meta-forest.js MARKS, Plot's className). */
const MARKS = { las: "g.meta-las", intervals: "g.meta-intervals", pooled: "g.meta-pooled", prediction: "g.meta-prediction" };

let dir: string;
let national: string;
let server: StaticServer;
let browser: Browser;
let rows: Record<string, string>[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "combined-site-"));
  national = await makeCombinedFolder(dir);
  const r = spawnSync(process.execPath, [CLI, "site", "--combined", national, "--out", join(dir, "dist"), "--quiet"], { cwd: dir, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(EXIT.ok);
  rows = parseTable(readFileSync(join(national, "impact_national_200910.csv"), "utf8")).records.map((x) => x.values);
  server = await serveStatic(join(dir, "dist"));
  browser = await launch();
  mkdirSync(join(ROOT, "test-results", "site"), { recursive: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The combined return's whole-cohort rows of a subject (every filter but subject at Total). */
const wholeCohort = (subject: string) => rows.filter((v) => v.subject === subject && v.fsm_status === "Total" && v.prior_attainment === "Total");

describe.each([1280, 390])("the combined view at %i px", (width) => {
  it("one mark per LA with a published estimate, one diamond spanning the National CI, the prediction interval; axe-clean and offline", async () => {
    const watched = await watchedContext(browser, server.origin, { width });
    const page = await openPage(watched, `${server.origin}/`);
    try {
      const { english, maths } = metaCases();
      const charts = page.locator("figure.chart svg[role=img]");
      await expect.poll(() => charts.count(), { timeout: 20_000 }).toBe(2);
      for (const [i, subject, fixture] of [
        [0, "English", english],
        [1, "Mathematics", maths],
      ] as const) {
        const svg = charts.nth(i);
        const las = wholeCohort(subject).filter((v) => v.geographic_level === "Local authority");
        const published = las.filter((v) => /^-?\d/.test(v.b));
        // The fixture: every LA in English, one LA's impact x in mathematics (not plotted, named).
        expect(las).toHaveLength(6);
        expect(published).toHaveLength(fixture.k);
        expect(await svg.locator(`${MARKS.las} > *`).count(), `${subject}: LA marks`).toBe(fixture.k);
        expect(await svg.locator(`${MARKS.pooled} path`).count(), `${subject}: diamond`).toBe(1);
        expect(await svg.locator(`${MARKS.prediction} line`).count(), `${subject}: prediction interval`).toBe(1);
        const description = (await svg.getAttribute("aria-description"))!;
        for (const la of las.filter((v) => !published.includes(v))) expect(description).toContain(`Not plotted: ${la.la_name} (${la.b})`);
        const nat = wholeCohort(subject).find((v) => v.geographic_level === "National")!;
        expect(description).toContain(`National (pooled over ${fixture.k} LAs): ${nat.b} (95% CI ${nat.ci_low} to ${nat.ci_high})`);
        // The diamond's ends sit at the National CI on the chart's x axis, whose scale is read off
        // the LA intervals' group (from the lowest published lower bound to the highest upper one).
        const box = (await svg.locator(`${MARKS.pooled} path`).boundingBox())!;
        const spans = (await svg.locator(`${MARKS.intervals}`).boundingBox())!;
        const [minLo, maxHi] = [Math.min(...published.map((v) => Number(v.ci_low))), Math.max(...published.map((v) => Number(v.ci_high)))];
        const at = (px: number) => minLo + ((px - spans.x) / spans.width) * (maxHi - minLo);
        expect(at(box.x)).toBeCloseTo(Number(nat.ci_low), 1);
        expect(at(box.x + box.width)).toBeCloseTo(Number(nat.ci_high), 1);
        const reading = page.locator("p.reading").nth(i);
        const text = (await reading.textContent())!;
        expect(text).toContain(`k = ${fixture.k} LAs`);
        expect(text).toContain(`${nat.b} points (95% CI ${nat.ci_low} to ${nat.ci_high})`);
        expect(text).toContain(`between ${nat.pooled_pi_low} and ${nat.pooled_pi_high} points (95% prediction interval)`);
        expect(text).toContain(fixture.tau2 === 0 ? "(τ² = 0)" : `τ² = ${nat.pooled_tau2} points squared`);
        expect(text).toContain(`I² = ${nat.pooled_i2}%`);
      }
      // Nothing off the page's right edge on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await seriousViolations(page)).toEqual([]);
      expect(watched.outside).toEqual([]);
      expect(watched.failed).toEqual([]);
      expect(watched.errors).toEqual([]);
      await page.screenshot({ path: join(ROOT, "test-results", "site", `combined-${width}.png`), fullPage: true });
    } finally {
      await page.close();
      await watched.context.close();
    }
  }, 120_000);
});

describe("the combined view's downloads", () => {
  it("offer the combined return as published, byte for byte", async () => {
    const res = await fetch(`${server.origin}/downloads/impact_national_200910.csv`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(readFileSync(join(national, "impact_national_200910.csv"), "utf8"));
  });
});
