// `tuition-impact site --pdf`: one A4 PDF per school page of a built site, the pack a School
// Improvement Partner takes to a visit. Debian's chromium (playwright-core) prints each page
// with the site's print CSS, served from 127.0.0.1 with every other request refused. One browser
// and a few tabs in turn, each tab reused for page after page, keep 500 schools to minutes.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import { InputError } from "../ingest/errors.ts";
import { createServer, type Server } from "node:http";
import sirv from "sirv";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

export interface PdfOptions {
  /** The built site (with schools/<urn>.html). */
  site: string;
  /** Folder the PDFs are written to; replaced whole once every PDF is written. */
  out: string;
  /** Tabs printing at once (default: the number of cores, at least 2, at most 4). */
  parallel?: number;
  /** Chromium to drive (default env CHROMIUM_PATH, else /usr/bin/chromium). */
  executablePath?: string;
  /** Called after each PDF (done, total). */
  progress?: (done: number, total: number) => void;
}

export interface PdfResult {
  out: string;
  files: string[];
  seconds: number;
}

// A4 at 96 px per inch less the 12 mm margins below: the width the print layout has, so charts
// drawn to the window's width (Framework's resize) are drawn at the page's width.
const A4_CONTENT_WIDTH = Math.round(((210 - 2 * 12) / 25.4) * 96);

/** "100001-oak-primary-school.pdf": URN first (unique), then the name for a person to find it. */
export function pdfName(urn: string, name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  return `${urn}${slug ? `-${slug}` : ""}.pdf`;
}

const PDF_NAME = /^\d{6}(-[a-z0-9-]+)?\.pdf$/;

/** URNs of the school pages of a built site. */
export function schoolPages(site: string): string[] {
  const dir = join(site, "schools");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{6}\.html$/.test(f))
    .map((f) => f.slice(0, 6))
    .sort();
}

export async function schoolPdfs(options: PdfOptions): Promise<PdfResult> {
  const started = performance.now();
  const site = resolve(options.site);
  const out = resolve(options.out);
  const urns = schoolPages(site);
  if (!urns.length) throw new InputError(site, "has no school pages (schools/<urn>.html) to print: no school has published figures in this run.");
  let playwright: typeof import("playwright-core");
  try {
    playwright = await import("playwright-core");
  } catch {
    throw new Error("--pdf needs the playwright-core package, one of the tool's dependencies: run npm ci in the tool's folder to install it.");
  }
  const executablePath = options.executablePath ?? process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath))
    throw new InputError(executablePath, "no Chromium here to print the school pages with: install Debian's chromium, or name one with CHROMIUM_PATH.");
  // Only ever replace a folder of school PDFs (a mistyped --pdf-out must not cost anything).
  const others = existsSync(out) ? readdirSync(out).filter((f) => !PDF_NAME.test(f)) : [];
  if (others.length)
    throw new InputError(
      out,
      `holds files other than school PDFs (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", ..." : ""}); name an empty or new folder with --pdf-out.`,
    );
  const temp = `${out}.writing-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const { server, url } = await cachingServer(site);
  const browser = await playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const files: string[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: A4_CONTENT_WIDTH, height: 1100 }, colorScheme: "light", serviceWorkers: "block" });
    // Nothing leaves the machine: every request not to the local server is refused.
    await context.route("**/*", (route) => {
      const u = route.request().url();
      return u.startsWith(`${url}/`) || u.startsWith("data:") || u.startsWith("blob:") ? route.continue() : route.abort("blockedbyclient");
    });
    const parallel = Math.max(1, options.parallel ?? Math.min(4, Math.max(2, cpus().length)));
    const queue = [...urns];
    const tab = async () => {
      const page = await context.newPage();
      await page.emulateMedia({ media: "print" });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      for (let urn = queue.shift(); urn; urn = queue.shift()) {
        errors.length = 0;
        await page.goto(`${url}/schools/${urn}`, { waitUntil: "load" });
        // Framework runs the page's cells after load; the page's last cell marks the page ready
        // (src/schools/school.md, ntp-school.md), and each chart is drawn once its size is known (resize).
        await page
          .waitForFunction(
            () =>
              document.documentElement.dataset.schoolPage === "ready" &&
              !document.querySelector("observablehq-loading") &&
              [...document.querySelectorAll("figure.chart")].every((f) => f.querySelector("svg")),
            undefined,
            { timeout: 60_000, polling: 50 },
          )
          .catch(() => undefined);
        await page.evaluate(() => document.fonts.ready);
        const ready = await page.evaluate(() => document.documentElement.dataset.schoolPage === "ready");
        const failed = await page.locator(".observablehq--error").allTextContents();
        if (!ready) failed.push("it was not ready after 60 s");
        if (failed.length || errors.length)
          throw new Error(`The page of school ${urn} did not render, so no PDF was written for it: ${[...failed, ...errors].join("; ")}`);
        const name = ((await page.locator("h1").first().textContent()) ?? "").trim();
        const file = pdfName(urn, name);
        await page.pdf({
          path: join(temp, file),
          format: "A4",
          printBackground: true,
          margin: { top: "12mm", bottom: "14mm", left: "12mm", right: "12mm" },
          displayHeaderFooter: true,
          headerTemplate: "<span></span>",
          footerTemplate: `<div style="font: 8px sans-serif; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between; color: #555"><span>${escapeHtml(name)} (URN ${urn})</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
        });
        files.push(file);
        options.progress?.(files.length, urns.length);
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: Math.min(parallel, urns.length) }, tab));
    await context.close();
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.close(() => done()));
  }
  // The folder is replaced only when every school's PDF is written: never half a set of packs.
  // (It held nothing but school PDFs: checked above.)
  rmSync(out, { recursive: true, force: true });
  renameSync(temp, out);
  return { out, files: files.sort(), seconds: (performance.now() - started) / 1000 };
}

/**
 * The site on 127.0.0.1 for the printer, by sirv as `serve` does, but letting the browser cache:
 * every school page loads the same Framework and Plot modules (about 600 KB), which are then
 * fetched and compiled once rather than once per school. The site is not rebuilt meanwhile.
 */
async function cachingServer(root: string): Promise<{ server: Server; url: string }> {
  const files = sirv(root, { extensions: ["html"], dotfiles: false, maxAge: 3600 });
  const server = createServer((req, res) =>
    files(req, res, () => {
      res.writeHead(404).end();
    }),
  );
  await new Promise<void>((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", () => ok()));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
