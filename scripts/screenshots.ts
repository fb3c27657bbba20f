// The screenshots of docs/screenshots/: the overview, impact, schools and one school page of a
// built site, at 1280 px (desktop) and 390 px (phone), and the first page of each printed to A4
// (rendered to an image by poppler's pdftoppm). JPEG at modest quality keeps each small enough to
// commit. The site is served from 127.0.0.1 and every other request is refused, as in the tests.
//   npx tsx scripts/screenshots.ts --dir /tmp/demo/dist --out docs/screenshots [--school 100001]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { launch, openPage, watchedContext } from "../test/fixtures/site/browser.ts";
import { serveStatic } from "../test/fixtures/site/serve.ts";

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "dist" },
    out: { type: "string", default: "docs/screenshots" },
    school: { type: "string" },
    png: { type: "boolean", default: false },
  },
});
const dir = resolve(values.dir!);
const out = resolve(values.out!);
mkdirSync(out, { recursive: true });
const school =
  values.school ??
  readdirSync(join(dir, "schools"))
    .find((f) => /^\d{6}\.html$/.test(f))
    ?.slice(0, 6);
if (!school) throw new Error(`No school page in ${join(dir, "schools")}: build the site first.`);

const PAGES: [string, string][] = [
  ["overview", "/"],
  ["impact", "/pages/impact"],
  ["schools", "/pages/schools"],
  ["school", `/schools/${school}`],
];
// Whole pages run to many screens (the impact page to 12,000 px): the first screens only, where the
// reader starts, keep each shot under 150 KB. --png writes lossless PNGs instead (to check by eye).
const HEIGHT = { desktop: 1200, phone: 2000 };
const QUALITY = 55;
const ext = values.png ? "png" : "jpg";
const shot = values.png ? ({ type: "png" } as const) : ({ type: "jpeg", quality: QUALITY } as const);

const server = await serveStatic(dir);
const browser = await launch();
const temp = mkdtempSync(join(tmpdir(), "screenshots-"));
try {
  for (const [width, kind] of [
    [1280, "desktop"],
    [390, "phone"],
  ] as const) {
    const ctx = await watchedContext(browser, server.origin, { width, height: HEIGHT[kind] });
    for (const [name, path] of PAGES) {
      const page = await openPage(ctx, server.origin + path);
      await page.screenshot({ path: join(out, `${name}-${kind}.${ext}`), ...shot });
      if (kind === "desktop") {
        await page.emulateMedia({ media: "print" });
        await page.waitForTimeout(500);
        const pdf = join(temp, `${name}.pdf`);
        await page.pdf({ path: pdf, format: "A4", printBackground: false });
        // The first A4 page, at 60 dpi: legible, and small.
        const r = spawnSync(
          "pdftoppm",
          [
            ...(values.png ? ["-png"] : ["-jpeg", "-jpegopt", `quality=${QUALITY}`]),
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf,
            join(out, `${name}-pdf`),
          ],
          { encoding: "utf8" },
        );
        if (r.status !== 0) throw new Error(`pdftoppm failed on ${pdf}: ${r.stderr}`);
      }
      await page.close();
    }
    if (ctx.outside.length || ctx.failed.length || ctx.errors.length)
      throw new Error(`The ${kind} pages did not load cleanly: ${[...ctx.outside, ...ctx.failed, ...ctx.errors].join("; ")}`);
    await ctx.context.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(temp, { recursive: true, force: true });
}
for (const f of readdirSync(out)
  .filter((f) => f.endsWith(`.${ext}`))
  .sort())
  console.log(`${f}\t${Math.round(statSync(join(out, f)).size / 1024)} KB`);
