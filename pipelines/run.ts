// Orchestrates one run: ingest → validate here, then transform → measures → export (stages.ts),
// into a new database file that replaces the last good one only when every stage has passed.
// A run that fails or is killed leaves the previous database, return and site untouched.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Db, MEMORY_LIMIT, runBlockMemory } from "./core/db.ts";
import { makeReporter, type Reporter } from "./core/progress.ts";
import { guard, setStopMessage } from "./core/interrupt.ts";
import { loadSettings, type ResolvedSettings } from "./core/settings.ts";
import { ingest, InputError, inputBytes } from "./ingest/index.ts";
import { refuseInput } from "./ingest/refusal.ts";
import { dropValidatedInputs, validate, writeQuarantineReport } from "./validate/index.ts";
import { buildValidateReport, type ValidateReport } from "./validate/report.ts";
import { refuseUnusableInput } from "./validate/refusal.ts";

export const DATABASE_NAME = "tuition-impact.duckdb";
const ROOT = resolve(import.meta.dirname, "..");

export interface RunOptions {
  input: string;
  out: string;
  settingsPath?: string;
  reporter?: Reporter;
  /** Stop after validation, in a scratch database, writing nothing (the `validate` command). */
  dryRun?: boolean;
}

export interface FileCounts {
  dataset: string;
  file: string;
  rows_read: number;
  rows_loaded: number;
  rows_quarantined: number;
}

export interface RunResult {
  database?: string;
  files: FileCounts[];
  timings: { stage: string; seconds: number }[];
  quarantine: { rule: string; rows: number }[];
  /** Per file counts and top reasons, unknown code values, aliases used (validate/report.ts). */
  report?: ValidateReport;
  /** The quarantine report written (validate: <out>/private/quarantine.csv). */
  quarantineCsv?: string;
}

export function toolVersion(): string {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
}

export async function runPipeline(options: RunOptions): Promise<RunResult> {
  const reporter = options.reporter ?? makeReporter(process.stderr, true);
  const settings = loadSettings(options.settingsPath ?? join(options.input, "settings.json"));
  // DuckDB keeps freed buffer memory on a large input only (runBlockMemory in core/db.ts).
  const block_allocator_memory = runBlockMemory(inputBytes(options.input));
  if (options.dryRun) {
    // The run's memory limit, as the run has (Db.inMemory).
    const db = await Db.inMemory({ block_allocator_memory });
    try {
      const { problems, report } = await loadAndValidate(db, options.input, settings, reporter);
      // The one file validate writes: the officer needs every quarantined row most when refused.
      const quarantineCsv = await writeDryRunQuarantine(db, options.out);
      await refuseUnusableInput(db, settings, report, quarantineCsv, problems);
      return { files: await fileCounts(db), timings: reporter.timings, quarantine: await ruleCounts(db), report, quarantineCsv };
    } finally {
      db.close();
    }
  }

  const out = resolve(options.out);
  try {
    makeFolder(out);
    removeLeftovers(out);
  } catch (error) {
    throw new InputError(
      out,
      `cannot be used as the output folder (${(error as Error).message}). Choose another --out folder, or fix that path and its permissions, and run again.`,
    );
  }
  const previous = join(out, DATABASE_NAME);
  if (existsSync(previous) && !looksLikeDuckDb(previous))
    process.stderr.write(`warning: ${previous} is not a readable DuckDB database (damaged or overwritten?); this run will replace it.\n`);
  const building = join(out, `.building-${process.pid}.duckdb`);
  const staging = join(out, `.staging-${process.pid}`);
  // A bounded memory limit makes DuckDB spill to disk rather than grow past it (national runs).
  const db = await Db.open(building, { memory_limit: MEMORY_LIMIT, block_allocator_memory });
  // Ctrl-C / SIGTERM: stop the running query and remove this run's scratch (the database being
  // built, its WAL and spill folder, the staged folders) before exiting; nothing is published.
  const endGuard = guard({
    abort: () => db.connection.interrupt(),
    cleanup: () => {
      for (const path of [building, `${building}.wal`, `${building}.tmp`, staging]) rmSync(path, { recursive: true, force: true });
    },
  });
  try {
    const { problems, report } = await loadAndValidate(db, options.input, settings, reporter, staging);
    // Refused before anything is written: the catch below removes the scratch database.
    await refuseUnusableInput(db, settings, report, undefined, problems);
    await dropValidatedInputs(db);
    await recordRun(db, settings);
    // The stages' modules are loaded only now: a dry run or a refused input never runs them, and
    // loading them (the models, the release's writers) took 0.3 s of each such command.
    const { buildRelease } = await import("./stages.ts");
    await buildRelease(db, settings, reporter, staging);
    const result: RunResult = {
      database: join(out, DATABASE_NAME),
      files: await fileCounts(db),
      timings: reporter.timings,
      quarantine: await ruleCounts(db),
      report,
      quarantineCsv: join(out, "private", "quarantine.csv"),
    };
    await db.run("CHECKPOINT");
    db.close();
    // Swap in: the database first (the site and return are built from it), then the folders.
    // Synchronous, so no signal handler runs between these renames (outputs never half old, half new).
    endGuard();
    renameSync(building, join(out, DATABASE_NAME));
    for (const folder of ["return", "private"]) swapFolder(join(staging, folder), join(out, folder));
    rmSync(staging, { recursive: true, force: true });
    setStopMessage(`the run had finished: its outputs in ${out} were published.`);
    return result;
  } catch (error) {
    endGuard();
    try {
      db.close();
    } catch {
      // already closed: the failure came after the checkpoint
    }
    rmSync(building, { force: true });
    rmSync(`${building}.wal`, { force: true });
    rmSync(staging, { recursive: true, force: true });
    if (/No space left on device|ENOSPC|disk is full/i.test(String((error as Error)?.message)))
      throw new InputError(
        out,
        `ran out of disk space during the run (${firstLine((error as Error).message)}). The previous outputs were left as they were; free some space or choose another --out folder, and run again.`,
      );
    throw error;
  }
}

/** validate's quarantine report, <out>/private/quarantine.csv, written whole then renamed into place. */
async function writeDryRunQuarantine(db: Db, outFolder: string): Promise<string> {
  const folder = join(resolve(outFolder), "private");
  try {
    makeFolder(folder);
  } catch (error) {
    throw new InputError(
      folder,
      `cannot hold the quarantine report (${(error as Error).message}). Choose another --out folder, or fix that path and its permissions, and run again.`,
    );
  }
  const path = join(folder, "quarantine.csv");
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeQuarantineReport(db, partial);
    renameSync(partial, path);
  } finally {
    rmSync(partial, { force: true });
  }
  return path;
}

/** mkdir -p, one level at a time: Node's recursive mkdirSync never returns for a path under /proc. */
function makeFolder(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Error(`${path} is a file, not a folder`);
    return;
  }
  const parent = dirname(path);
  if (parent !== path) makeFolder(parent);
  mkdirSync(path);
}

function firstLine(message: string): string {
  const text = message.split("\n")[0];
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** DuckDB files carry "DUCK" at byte 8; anything else in the database's place is damage. */
function looksLikeDuckDb(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(12);
    return readSync(fd, head, 0, 12, 0) === 12 && head.subarray(8, 12).toString("latin1") === "DUCK";
  } finally {
    closeSync(fd);
  }
}

/**
 * Ingest reads a file whose headers are refused on with the guessed headers (issue 14: one
 * pass), so validate's report also lists its values; the input is then refused once, with both.
 * `scratch`: a run's staging folder, for ingest's working copies of the files (a dry run has none).
 */
async function loadAndValidate(db: Db, input: string, settings: ResolvedSettings, reporter: Reporter, scratch?: string) {
  const ingested = await reporter.stage("ingest", (progress) => ingest(db, input, settings, progress, { guessHeaders: true, scratch }));
  try {
    await reporter.stage("validate", () => validate(db, settings));
  } catch (error) {
    // A stop in validate (e.g. another LA's schools) joins the files refused by ingest.
    if (ingested.problems.length && error instanceof InputError) throw refuseInput([...ingested.problems, error], settings.header_aliases);
    throw error;
  }
  const guesses = ingested.files.flatMap((f) => Object.entries(f.guessed ?? {}).map(([column, header]) => ({ file: f.file, column, header })));
  return { problems: ingested.problems, report: await buildValidateReport(db, guesses) };
}

/** Provenance: what went in, with which settings and tool version, and when. */
async function recordRun(db: Db, settings: ResolvedSettings) {
  await db.run(
    `create or replace table run_info as select
       $version::varchar as tool_version,
       $build_date::varchar as build_date,
       $settings::json as settings,
       from_json($years, '["VARCHAR"]') as academic_years,
       from_json($las, '["VARCHAR"]') as la_names,
       current_timestamp as run_at`,
    {
      version: toolVersion(),
      build_date: settings.build_date,
      settings: JSON.stringify(settings),
      years: JSON.stringify((await db.all<{ y: string }>("select distinct academic_year y from stg_tuition order by 1")).map((r) => r.y)),
      las: JSON.stringify(settings.las.map((l) => l.name)),
    },
  );
  await db.run(`create or replace table provenance as
    select f.dataset, f.file, f.format, f.encoding, f.bytes, f.sha256, f.rows_read,
           c.rows_loaded, c.rows_quarantined
    from ingest_files f left join validate_counts c using (dataset, file)
    order by f.dataset, f.file`);
}

async function fileCounts(db: Db): Promise<FileCounts[]> {
  return db.all<FileCounts & Record<string, unknown>>(
    "select dataset, file, rows_read, rows_loaded, rows_quarantined from validate_counts order by dataset, file",
  );
}

async function ruleCounts(db: Db) {
  return db.all<{ rule: string; rows: number }>("select rule, count(distinct (file, line)) as rows from quarantine group by rule order by rows desc, rule");
}

/** Replaces `target` by `fresh` with renames only, so a reader never sees a half-written folder. */
function swapFolder(fresh: string, target: string) {
  if (!existsSync(fresh)) return;
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true });
}

/** Removes what killed runs left behind (their pid is gone), so the next run needs no manual step. */
function removeLeftovers(out: string) {
  for (const name of readdirSync(out)) {
    const m = /^\.(building|staging)-(\d+)/.exec(name) ?? /\.old-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[m.length - 1]);
    if (pid !== process.pid && !isAlive(pid)) rmSync(join(out, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
