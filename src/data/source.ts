// Shared by the site's data loaders: where the database is, opening it read-only, and the
// few safe ways the site reads it. The site reads only published_* (disclosure-controlled),
// indicator_catalogue and run metadata: never stg_/int_/mart_ tables, never pupil rows.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Db, ident, type Row } from "../../pipelines/core/db.ts";

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

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

/** Tables present, so pages can say "not available in this run" instead of failing. */
export async function tableExists(db: Db, name: string): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    "select count(*)::int as n from information_schema.tables where table_name = ?",
    [name],
  );
  return (row?.n ?? 0) > 0;
}

/** Every row of one published table (already disclosure-controlled), or [] when it is absent. */
export async function publishedRows(db: Db, mart: string): Promise<Row[]> {
  const table = `published_${mart}`;
  if (!/^published_[a-z0-9_]+$/.test(table)) throw new Error(`not a published table name: ${table}`);
  if (!(await tableExists(db, table))) return [];
  return jsonSafe(await db.all(`select * from ${ident(table)}`));
}

/** Dates, BigInts and DuckDB values turned into plain JSON. */
export function jsonSafe<T>(rows: T): T {
  return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === "bigint" ? Number(v) : v)));
}

/** Runs a loader body with the database open and writes its result to stdout as JSON. */
export async function emitJson(body: (db: Db) => Promise<unknown>): Promise<void> {
  const db = await openDatabase();
  try {
    process.stdout.write(JSON.stringify(await body(db)));
  } finally {
    db.close();
  }
}
