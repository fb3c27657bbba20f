// `tuition-impact site`: builds the report site from a run's database with the same build as
// `npm run build` (scripts/build-site.ts: Framework into a temporary folder, swapped into place
// only when it has finished). Paths on the command line are taken relative to where the command
// is run, as every other command's are.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InputError } from "./ingest/errors.ts";

const ROOT = resolve(import.meta.dirname, "..");

export interface SiteOptions {
  /** The run's database (default env TUITION_DB, else output/tuition-impact.duckdb). */
  db?: string;
  /** Folder the site ends up in (default dist). */
  out?: string;
  /** Print Framework's own output (a line per page). */
  verbose?: boolean;
}

/** scripts/build-site.ts's buildSite, as this command uses it. */
type BuildSite = (options: { db: string; out: string; verbose: boolean }) => Promise<{ out: string; seconds: number }>;

export async function buildSiteFromCli(options: SiteOptions): Promise<{ out: string; seconds: number }> {
  const db = resolve(options.db ?? process.env.TUITION_DB ?? join("output", "tuition-impact.duckdb"));
  if (!existsSync(db))
    throw new InputError(
      db,
      "no database here to build the site from. Run the pipeline first (tuition-impact run <folder>), or name the database with --db FILE.",
    );
  const out = resolve(options.out ?? "dist");
  // The site build and its Framework loaders are TypeScript run through tsx; the compiled CLI
  // (build/) registers tsx for them here, the CLI run from source already has it.
  if (!import.meta.url.endsWith(".ts")) (await import("tsx/esm/api")).register();
  // Imported by URL, not by a relative specifier: the compile of pipelines/ must not pull scripts/ in.
  const { buildSite } = (await import(pathToFileURL(join(ROOT, "scripts", "build-site.ts")).href)) as { buildSite: BuildSite };
  return buildSite({ db, out, verbose: options.verbose ?? true });
}
