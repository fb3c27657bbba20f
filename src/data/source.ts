// Shared by the site's data loaders: where the database is, opening it read-only, and the
// few safe ways the site reads it. The site reads only published_* (disclosure-controlled),
// indicator_catalogue and run metadata: never stg_/int_/mart_ tables, never pupil rows.
import { existsSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Db, ident, type Row } from "../../pipelines/core/db.ts";
import { hasTable } from "./site-catalogue.ts";

/** What a loader reads besides the database: the return folder the site offers as downloads. */
export interface LoaderInputs {
  returnDir: string;
}

/** What a database loader writes: its output file's bytes, from the open database (and the return folder). */
export type LoaderOutput = (db: Db, inputs: LoaderInputs) => Promise<string | Uint8Array>;

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * How Framework runs a `.ts` data loader (observablehq.config.ts `interpreters`), and so how the
 * tests run one as Framework would: Node with tsx's hooks imported. Framework's default is the
 * `tsx` command, which starts a second Node process to run the file in; `tsx -e 0` took 0.77 s
 * here against 0.37-0.43 s for this, on each loader Framework starts.
 */
export const TS_LOADER_COMMAND: readonly string[] = [process.execPath, "--import", "tsx"];

/** The database the site is built from: env TUITION_DB, relative paths from the project root. */
export function databasePath(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.TUITION_DB || "output/tuition-impact.duckdb";
  return isAbsolute(given) ? given : join(projectRoot, given);
}

/** Where the return files are: env TUITION_RETURN (or TUITION_RETURN_DIR), else `return/` beside the database. */
export function returnDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.TUITION_RETURN || env.TUITION_RETURN_DIR;
  if (given) return isAbsolute(given) ? given : join(projectRoot, given);
  return join(dirname(databasePath(env)), "return");
}

export async function openDatabase(): Promise<Db> {
  const path = databasePath();
  if (!existsSync(path)) {
    throw new Error(`No database at ${path}: run the pipeline first (npm run pipeline), or set TUITION_DB to the database to publish.`);
  }
  return Db.open(path, { access_mode: "READ_ONLY" });
}

/** Every row of one published table (already disclosure-controlled), or [] when it is absent. */
export async function publishedRows(db: Db, mart: string): Promise<Row[]> {
  const table = `published_${mart}`;
  if (!/^published_[a-z0-9_]+$/.test(table)) throw new Error(`not a published table name: ${table}`);
  if (!(await hasTable(db, table))) return [];
  return jsonSafe(await db.all(`select * from ${ident(table)}`));
}

/**
 * How many rows of each input file broke each rule: rule ids and counts only, never the values,
 * lines or messages (they can hold UPNs). [] when the run quarantined nothing.
 */
export async function quarantineRuleCounts(db: Db): Promise<Row[]> {
  if (!(await hasTable(db, "quarantine"))) return [];
  return jsonSafe(
    await db.all(
      `select dataset, file, rule, count(distinct line)::int as rows
         from quarantine group by dataset, file, rule order by dataset, rows desc, rule`,
    ),
  );
}

/** Dates, BigInts and DuckDB values turned into plain JSON. */
export function jsonSafe<T>(rows: T): T {
  return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
}

/** A loader body's result as the JSON text its file holds. */
export function asJson(body: (db: Db, inputs: LoaderInputs) => Promise<unknown>): LoaderOutput {
  return async (db, inputs) => JSON.stringify(await body(db, inputs));
}

/**
 * Runs a database loader when Framework runs its file (writing its output to stdout), and does
 * nothing when scripts/build-site.ts imports it: the build computes every loader's output in its
 * own process from one open database (issue 17: a process and a database open per loader cost
 * ~2 s each) and puts it in Framework's loader cache, where Framework finds it fresh.
 */
export async function runLoader(moduleUrl: string, output: LoaderOutput): Promise<void> {
  const script = process.argv[1];
  if (!script || realpathSync(resolve(script)) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const db = await openDatabase();
  try {
    process.stdout.write(await output(db, { returnDir: returnDir() }));
  } finally {
    db.close();
  }
}
