// Builds the report site into dist/ so that a failed build never destroys the last good one:
// clears Framework's loader cache (a new database must never be served from a stale cache),
// builds into a temporary folder, copies the return files in as downloads, and only then
// swaps the new folder into place.
// Usage: tsx scripts/build-site.ts [--out dist] [--db FILE]   (database default: env TUITION_DB)
// The CLI's `tuition-impact site` runs this same buildSite. With TUITION_SITE_TIMINGS=1 it prints
// the seconds of each phase (each loader, Framework, the audit, ...) when it ends.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { unzipSync } from "fflate";
import { Db } from "../pipelines/core/db.ts";
import { guard } from "../pipelines/core/interrupt.ts";
import { keepProgrammePages } from "../pipelines/site/ntp-site.ts";
import { assertReleaseClean, auditOptionsFromDatabase } from "../pipelines/export/audit.ts";
import { databasePath, type LoaderOutput, projectRoot, returnDir } from "../src/data/source.ts";
import { offeredBytes, offeredName, publishableDownloads } from "../src/data/downloadable.ts";
import { schoolPageUrns } from "../src/data/school-page.ts";
import { siteConfig } from "./site-config.ts";

export interface BuildSiteOptions {
  /** Folder the finished site ends up in (default dist/ in the project root). */
  out?: string;
  /** Database to publish (default env TUITION_DB, else output/tuition-impact.duckdb). */
  db?: string;
  /** Return folder to offer as downloads (default return/ beside the database). */
  returnDir?: string;
  /** Print Framework's output (default true). */
  verbose?: boolean;
}

export interface BuildSiteResult {
  out: string;
  seconds: number;
}

const cacheDir = join(projectRoot, "src", ".observablehq", "cache");
const lockDir = join(projectRoot, "src", ".observablehq", "build.lock");
/** Where a build writes Framework's configuration (runFramework), under the build lock like the cache. */
const configFile = join(projectRoot, "src", ".observablehq", "build.config.js");

/**
 * Fixes to Framework 1.13's page shell that axe reports as serious: no lang on <html>, the
 * sidebar toggle labelled only by a title, a <label> directly inside the sidebar's <ol>; and
 * zoom disabled on phones (maximum-scale=1). Pages' own content is untouched.
 */
export function accessibleHtml(html: string): string {
  return html
    .replace(/<html(?![^>]*\blang=)/, '<html lang="en-GB"')
    .replace(/,\s*maximum-scale=1/, "")
    .replace(/(<input id="observablehq-sidebar-toggle" type="checkbox")(?![^>]*aria-label)/, '$1 aria-label="Show or hide the list of pages"')
    .replace(/<ol>(\s*)(<label id="observablehq-sidebar-close"[^>]*><\/label>)/, "$2$1<ol>");
}

/** accessibleHtml on every page under `dir` (the LA site and the combined one). */
export function fixHtmlUnder(dir: string): void {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, name.name);
    if (name.isDirectory()) fixHtmlUnder(path);
    else if (name.name.endsWith(".html")) writeFileSync(path, accessibleHtml(readFileSync(path, "utf8")));
  }
}

/**
 * Removes every cached loader output (so a new database is never served stale), keeping only
 * _node/: Framework's bundles of node_modules packages, keyed by package version, not by data.
 */
export function clearLoaderCache(): void {
  if (!existsSync(cacheDir)) return;
  for (const name of readdirSync(cacheDir)) if (name !== "_node") rmSync(join(cacheDir, name), { recursive: true, force: true });
}

/**
 * Runs every database loader of src/data (a file that exports `output`, see source.ts runLoader)
 * in this process from one open database, and writes each output where Framework caches that
 * loader's file: Framework then finds it fresh (newer than the loader) and starts no process for
 * it. The same functions make the same bytes a loader run by Framework makes; a loader without
 * `output` (or a cache Framework ever judges stale) is simply run by Framework as before.
 * Returns the seconds each loader took, for the timings.
 */
export async function precomputeLoaders(db: string, returnFolder = returnDir({ ...process.env, TUITION_DB: db })): Promise<[string, number][]> {
  const dataDir = join(projectRoot, "src", "data");
  const loaders = readdirSync(dataDir)
    .filter((n) => /\.(json|zip)\.ts$/.test(n))
    .sort();
  const modules: [string, LoaderModule][] = [];
  for (const name of loaders) modules.push([name, (await import(pathToFileURL(join(dataDir, name)).href)) as LoaderModule]);
  const database = await Db.open(db, { access_mode: "READ_ONLY" });
  const seconds: [string, number][] = [];
  try {
    for (const [name, module] of modules) {
      if (typeof module.output !== "function") continue;
      const started = performance.now();
      const target = join(cacheDir, "data", name.replace(/\.ts$/, ""));
      mkdirSync(dirname(target), { recursive: true });
      const bytes = await module.output(database, { returnDir: returnFolder });
      writeFileSync(target, bytes);
      // An archive's members too, where Framework caches what it extracts (data/schools/<urn>.json
      // from data/schools.zip): else it reads the whole archive again for each of ~500 members.
      if (typeof bytes !== "string" && target.endsWith(".zip"))
        for (const [member, data] of Object.entries(unzipSync(bytes))) {
          if (member.endsWith("/") || member.split("/").includes("..")) continue;
          const path = join(target.slice(0, -".zip".length), member);
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, data);
        }
      seconds.push([name, (performance.now() - started) / 1000]);
    }
  } finally {
    database.close();
  }
  return seconds;
}

/**
 * The school pages: Framework builds the one page src/schools/school.md (schools/school.html),
 * which reads its school from its own address; here it is written as schools/<urn>.html for each
 * school with a page, and each school's data (its member of schools.zip) as
 * _file/data/schools/<urn>.json, which that page fetches. Building ~500 pages one by one was most
 * of the demo LA's build (issue 17); the pages' HTML was the same but for the URN. The template
 * itself is not published. Returns how many school pages were written.
 */
export async function writeSchoolPages(site: string, db: string): Promise<number> {
  const template = join(site, "schools", "school.html");
  if (!existsSync(template)) throw new Error(`The site build made no ${template} (src/schools/school.md): the school pages cannot be written.`);
  const database = await Db.open(db, { access_mode: "READ_ONLY" });
  let urns: string[];
  try {
    urns = await schoolPageUrns(database);
  } finally {
    database.close();
  }
  const archive = join(cacheDir, "data", "schools.zip");
  if (!existsSync(archive)) throw new Error(`No ${archive}: the loader src/data/schools.zip.ts did not run, so the school pages have no data.`);
  const members = unzipSync(readFileSync(archive));
  const dataDir = join(site, "_file", "data", "schools");
  mkdirSync(dataDir, { recursive: true });
  for (const urn of urns) {
    copyFileSync(template, join(site, "schools", `${urn}.html`));
    // A school with rows only in an earlier year has no member (the member holds the latest
    // year): its page then says it has no figures for the year rather than failing to load.
    const data = members[`${urn}.json`] ?? Buffer.from(JSON.stringify({ urn, name: null, tables: {} }));
    writeFileSync(join(dataDir, `${urn}.json`), data);
  }
  rmSync(template);
  return urns.length;
}

interface LoaderModule {
  output?: LoaderOutput;
}

/** True when the process that wrote a lock folder's pid file is gone (a killed build). */
function staleLock(dir: string): boolean {
  try {
    const pid = Number(readFileSync(join(dir, "pid"), "utf8"));
    if (!pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** Runs body holding a lock folder (mkdir is atomic); a lock left by a dead process is taken over. */
export async function withLockDir<T>(dir: string, body: () => Promise<T>, waitSeconds = 900): Promise<T> {
  for (let waited = 0; ; waited += 1) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, "pid"), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (staleLock(dir)) {
        rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (waited > waitSeconds) throw new Error(`${dir} has been held by another build for ${waitSeconds} s; if none is running, delete that folder.`);
      await sleep(1000);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds one site at a time: Framework's cache folder is shared by every build of src/. */
function withLock<T>(body: () => Promise<T>): Promise<T> {
  mkdirSync(join(projectRoot, "src", ".observablehq"), { recursive: true });
  return withLockDir(lockDir, body);
}

/** The module Framework is given as its configuration: the data alone, no import (scripts/site-config.ts says why). */
export function frameworkConfigModule(config: object): string {
  return `export default ${JSON.stringify(config, null, 2)};\n`;
}

/**
 * Runs `observable build` from the project root with this configuration, written for it as
 * frameworkConfigModule (the caller holds the build lock), and its telemetry off. A failure is `failure(exit code)` with
 * the end of Framework's output; stopped by a signal (tuition-impact site), Framework stops at
 * once, not after we exit. The combined site (pipelines/site/combined.ts) builds with it too.
 */
export function runFramework(config: object, env: NodeJS.ProcessEnv, verbose: boolean, failure: (code: number | null) => string): Promise<void> {
  writeFileSync(configFile, frameworkConfigModule(config));
  const bin = join(projectRoot, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
  return new Promise((resolve, reject) => {
    // Framework would otherwise send usage telemetry, and print a notice the first time.
    const child = spawn(process.execPath, [bin, "build", "--config", configFile], {
      cwd: projectRoot,
      env: { ...env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
      stdio: verbose ? "inherit" : "pipe",
    });
    const endGuard = guard({ abort: () => child.kill("SIGKILL"), cleanup: () => {} });
    child.on("exit", () => endGuard());
    let log = "";
    child.stdout?.on("data", (d) => (log += d));
    child.stderr?.on("data", (d) => (log += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${failure(code)}\n${log.slice(-4000)}`))));
  });
}

/**
 * With TUITION_SITE_TIMINGS=1, the seconds each phase of a build took, printed at its end
 * (stderr), so a slow build can be put down to its part (issue 17: the build-time budget).
 */
class PhaseTimer {
  private last = performance.now();
  private lastCpu = cpuSeconds();
  private readonly phases: [string, number, number | undefined][] = [];
  constructor(private readonly on: boolean) {}
  /** The phase that has just ended; with seconds, a part of the phase still running (not the clock). */
  mark(phase: string, seconds?: number): void {
    if (seconds !== undefined) {
      this.phases.push([phase, seconds, undefined]);
      return;
    }
    const now = performance.now();
    const cpu = cpuSeconds();
    this.phases.push([phase, (now - this.last) / 1000, cpu - this.lastCpu]);
    this.last = now;
    this.lastCpu = cpu;
  }
  print(): void {
    if (!this.on) return;
    const width = Math.max(...this.phases.map(([p]) => p.length));
    for (const [phase, s, cpu] of this.phases)
      process.stderr.write(`${phase.padEnd(width)}  ${s.toFixed(1).padStart(6)} s${cpu === undefined ? "" : `  ${cpu.toFixed(1).padStart(6)} CPU-s`}\n`);
  }
}

/**
 * CPU seconds (user + system) used so far by this process (its DuckDB threads included) and its
 * children that have ended (Framework): on a shared machine a phase's wall time says more about
 * the other work on it than about the phase. Linux's /proc (in clock ticks of 1/100 s, Linux's
 * USER_HZ); elsewhere this process's own.
 */
function cpuSeconds(): number {
  try {
    // Fields after the command name: state is field 3, utime/stime/cutime/cstime fields 14-17.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) / 100;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}

export async function buildSite(options: BuildSiteOptions = {}): Promise<BuildSiteResult> {
  const started = performance.now();
  const abs = (p: string) => (isAbsolute(p) ? p : join(projectRoot, p));
  const out = abs(options.out ?? "dist");
  const db = options.db ? abs(options.db) : databasePath();
  if (!existsSync(db)) throw new Error(`No database at ${db}: run the pipeline first, or set TUITION_DB to the database to publish.`);
  const downloadsFrom = options.returnDir ? abs(options.returnDir) : returnDir({ ...process.env, TUITION_DB: db });
  if (/(^|[\\/])private([\\/]|$)/.test(downloadsFrom))
    throw new Error(`Refusing to publish downloads from ${downloadsFrom}: nothing under private/ may reach the site.`);
  const temp = `${out}.building-${process.pid}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TUITION_DB: db,
    TUITION_RETURN: downloadsFrom,
    TUITION_RETURN_DIR: downloadsFrom,
  };
  // Stopped by a signal: the half-built folder goes too (dist/ is untouched; the build lock,
  // whose pid is then gone, is taken over by the next build).
  const endGuard = guard({ cleanup: () => rmSync(temp, { recursive: true, force: true }) });
  const timings = new PhaseTimer(process.env.TUITION_SITE_TIMINGS === "1");
  await withLock(async () => {
    timings.mark("waiting for the build lock");
    clearLoaderCache();
    rmSync(temp, { recursive: true, force: true });
    try {
      // A loader that fails here fails the build as Framework's own failure would, in the same words.
      const loaders = await precomputeLoaders(db, downloadsFrom).catch((e: Error) => {
        throw new Error(`The site build failed (a data loader: ${e.message.split("\n")[0]}); dist/ was left as it was.`);
      });
      for (const [loader, s] of loaders) timings.mark(`  loader ${loader}`, s);
      timings.mark("loaders, in one process (precomputeLoaders)");
      await runFramework(await siteConfig(db, temp), env, options.verbose ?? true, (code) => `The site build failed (exit ${code}); dist/ was left as it was.`);
      timings.mark("Framework (loaders and pages)");
      // Before the school pages are copied from their template: the template is fixed once.
      fixHtmlUnder(temp);
      timings.mark("page shell fixes (fixHtmlUnder)");
      await writeSchoolPages(temp, db);
      timings.mark("school pages and their data (writeSchoolPages)");
      // Only the pages of the database's programme profile: 2009 or ntp (pipelines/site/ntp-site.ts).
      await keepProgrammePages(temp, db);
      timings.mark("the programme's pages only (keepProgrammePages)");
      if (existsSync(downloadsFrom)) {
        mkdirSync(join(temp, "downloads"), { recursive: true });
        for (const name of publishableDownloads(readdirSync(downloadsFrom))) copyFileSync(join(downloadsFrom, name), join(temp, "downloads", name));
      }
      // The site and its downloads are audited as published (outputs.md §2) before dist/ is
      // replaced, with the database's tutor ids and comments as canaries; a breach keeps the old dist/.
      timings.mark("copying downloads");
      await assertReleaseClean(temp, "the site", await auditOptionsFromDatabase(db));
      timings.mark("release audit (assertReleaseClean)");
      // Only after the audit has read them: a large CSV is offered zipped (downloadable.ts).
      for (const name of existsSync(downloadsFrom) ? publishableDownloads(readdirSync(downloadsFrom)) : []) {
        const path = join(temp, "downloads", name);
        const data = readFileSync(path);
        if (offeredName(name, data.length) === name) continue;
        writeFileSync(join(temp, "downloads", offeredName(name, data.length)), offeredBytes(name, data));
        rmSync(path);
      }
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
    timings.mark("zipping large downloads");
    const old = `${out}.old-${process.pid}`;
    if (existsSync(out)) renameSync(out, old);
    renameSync(temp, out);
    rmSync(old, { recursive: true, force: true });
    timings.mark("swap into place");
  }).finally(endGuard);
  timings.print();
  return { out, seconds: (performance.now() - started) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  try {
    const { out, seconds } = await buildSite({ out: option("--out"), db: option("--db") });
    console.log(`Site built into ${out} in ${seconds.toFixed(1)} s.`);
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
