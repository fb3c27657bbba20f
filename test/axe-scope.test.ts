// The browser tests' axe (test/fixtures/site/axe.ts) finds every serious and critical violation
// axe's defaults find: on a page made to break rules of each impact, its list equals the one
// from AxeBuilder with no options, filtered as the tests filter; `only` and `skip` narrow it;
// and the rules it leaves out are only those whose violations are minor or moderate.
import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LESSER_RULES, seriousViolations } from "./fixtures/site/axe.ts";
import { launch } from "./fixtures/site/browser.ts";

// An image with no text alternative (image-alt, critical), grey on white (color-contrast,
// serious), a button with no name (button-name, critical), text outside any landmark (region,
// moderate) and a skipped heading level (heading-order, moderate).
const BROKEN = `<!doctype html><html lang="en"><head><title>Broken</title></head><body>
<p>Outside every landmark.</p>
<main><h1>Title</h1><h4>Skipped levels</h4>
<p style="color:#bbb;background:#fff">Too pale to read</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
<button></button></main></body></html>`;

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  // in a context of its own, as the tests open pages: AxeBuilder's default run opens a second page beside it
  page = await (await browser.newContext()).newPage();
  await page.setContent(BROKEN);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe("the browser tests' axe", () => {
  it("reports the serious and critical violations axe's defaults report, and only those", async () => {
    const all = await new AxeBuilder({ page }).analyze();
    const serious = all.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
    expect(serious.map((line) => line.split(":")[0]).sort()).toEqual(["button-name", "color-contrast", "image-alt"]);
    // the page breaks the lesser rules too, so leaving them out is seen to change nothing asserted
    expect(all.violations.map((v) => v.id)).toEqual(expect.arrayContaining(["region", "heading-order"]));
    expect((await seriousViolations(page)).sort()).toEqual(serious.sort());
  }, 60_000);

  it("runs only the rules asked for, and not those skipped", async () => {
    expect((await seriousViolations(page, { only: ["color-contrast"] })).map((line) => line.split(":")[0])).toEqual(["color-contrast"]);
    expect((await seriousViolations(page, { skip: ["color-contrast", "image-alt"] })).map((line) => line.split(":")[0])).toEqual(["button-name"]);
    await expect(seriousViolations(page, { only: ["region"] })).rejects.toThrow(/region can only report minor or moderate/);
  }, 60_000);

  it("leaves out only rules whose violations are minor or moderate", async () => {
    expect(LESSER_RULES).toEqual(expect.arrayContaining(["region", "heading-order", "landmark-one-main"]));
    for (const id of ["color-contrast", "image-alt", "button-name", "link-in-text-block", "label", "aria-allowed-attr"])
      expect(LESSER_RULES, id).not.toContain(id);
  });
});
