// Shared by the per-page loaders (overview.json, impact.json, ...): each page's one JSON file
// holds only the rows and columns that page shows, with the run's provenance (run, inputs) and
// the labels of the indicators it holds, so a page makes one data request and no page carries
// another page's tables (issue 17: a 400 KB file of every LA table was loaded on every page).
// Rows stay objects with the five key columns, exactly as published: the site's disclosure
// audit (pipelines/export/audit) recognises published rows by those keys.
import { ident, type Db, type Row } from "../../pipelines/core/db.ts";
import { columnsOf, hasTable, publishedTablesWith } from "./site-catalogue.ts";
import { jsonSafe } from "./source.ts";

export interface MartSelection {
  /** Published table without its `published_` prefix. */
  mart: string;
  /** Every academic year (the overview's trend); default the latest year only. */
  allYears?: boolean;
  /** Only the whole-cohort rows (breakdown = 'total'). */
  totalOnly?: boolean;
  /** Indicator columns the page never shows, left out (key columns are always kept). */
  drop?: string[];
  /** School rows (urn not null) instead of LA rows. */
  schools?: boolean;
}

export interface PageData {
  run: Record<string, unknown>;
  inputs: Row[];
  tables: Record<string, Row[]>;
  catalogue?: Row[];
}

const KEY = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label"];

/** The latest academic year of the published tables: the one every page shows. */
export async function latestPeriod(db: Db): Promise<string | undefined> {
  const tables = await publishedTablesWith(db, "time_period");
  if (!tables.length) return undefined;
  const union = tables.map((t) => `select max(time_period) as p from ${ident(t)}`).join(" union all ");
  return (await db.one<{ p: string | null }>(`select max(p) as p from (${union})`))?.p ?? undefined;
}

/** Rows of one published table as a page shows them (see MartSelection). */
export async function martRows(db: Db, selection: MartSelection, period: string | undefined): Promise<Row[]> {
  const table = `published_${selection.mart}`;
  if (!/^published_[a-z0-9_]+$/.test(table)) throw new Error(`not a published table name: ${table}`);
  if (!(await hasTable(db, table))) return [];
  const all = await columnsOf(db, table);
  const cols = all.filter((c) => KEY.includes(c) || !(selection.drop ?? []).includes(c));
  const where = [
    all.includes("urn") ? (selection.schools ? "urn is not null" : "urn is null") : selection.schools ? "false" : "true",
    selection.allYears || period === undefined ? "true" : "time_period = ?",
    selection.totalOnly && all.includes("breakdown") ? "breakdown = 'total'" : "true",
  ];
  const params = selection.allYears || period === undefined ? [] : [period];
  return jsonSafe(await db.all(`select ${cols.map(ident).join(", ")} from ${ident(table)} where ${where.join(" and ")} order by all`, params));
}

/**
 * Labels, units and topics of the indicators some rows hold as columns, or name in an
 * `indicator` column (footnotes), not the whole catalogue's 190.
 */
export async function catalogueFor(db: Db, tables: Record<string, Row[]>): Promise<Row[]> {
  return labelsOf(db, new Set(Object.values(tables).flatMap((rows) => rows.flatMap((r) => [...Object.keys(r), String(r.indicator ?? "")]))));
}

/** The catalogue's label, unit and topic of each named indicator. */
export async function labelsOf(db: Db, used: Set<string>): Promise<Row[]> {
  if (!(await hasTable(db, "indicator_catalogue"))) return [];
  const rows = await db.all<Row>("select indicator, label, unit, grouping from indicator_catalogue order by mart, indicator");
  return jsonSafe(rows.filter((r) => used.has(String(r.indicator))));
}

/** When and from what the data was built (run_info), for the provenance line of every page. */
export async function runInfo(db: Db): Promise<Record<string, unknown>> {
  if (await hasTable(db, "run_info")) {
    const info = jsonSafe((await db.one<Row>("select * from run_info")) ?? {}) as Record<string, unknown>;
    let laCodes: string[] = [];
    try {
      const settings = typeof info.settings === "string" ? JSON.parse(info.settings) : info.settings;
      laCodes = (settings?.las ?? (settings?.la ? [settings.la] : [])).map((l: { old_code: string }) => l.old_code);
    } catch {
      laCodes = [];
    }
    // Only these fields: run_info also holds the settings, of which the site needs the LA codes alone.
    return {
      source: "run_info",
      tool_version: info.tool_version ?? null,
      build_date: info.build_date ?? null,
      run_at: info.run_at ?? null,
      academic_years: info.academic_years ?? [],
      la_names: info.la_names ?? [],
      la_codes: laCodes,
    };
  }
  // Older databases: the academic years from the published tables, the build date unknown.
  const years = await db.all<{ time_period: string }>(
    (await hasTable(db, "published_impact"))
      ? "select distinct time_period from published_impact order by time_period"
      : "select null::varchar as time_period where false",
  );
  return { source: "published tables", time_periods: years.map((y) => y.time_period) };
}

/** The input files read: rows read / loaded / quarantined and unused column names (never values). */
export async function inputFiles(db: Db): Promise<Row[]> {
  if (!(await hasTable(db, "ingest_files"))) return [];
  const counts = await hasTable(db, "validate_counts");
  return jsonSafe(
    await db.all(
      counts
        ? `select f.dataset, f.file, f.format, f.encoding, f.bytes, f.sha256, f.rows_read,
                  v.rows_loaded, v.rows_quarantined, f.extra_columns
             from ingest_files f left join validate_counts v using (dataset, file)
            order by f.dataset`
        : `select dataset, file, format, encoding, bytes, sha256, rows_read,
                  null as rows_loaded, null as rows_quarantined, extra_columns
             from ingest_files order by dataset`,
    ),
  );
}

/** One page's data: its marts' rows, the run's provenance and (optionally) the labels of what it holds. */
export async function pageData(db: Db, marts: MartSelection[], { catalogue = true } = {}): Promise<PageData> {
  const period = await latestPeriod(db);
  const tables: Record<string, Row[]> = {};
  for (const m of marts) tables[m.mart] = await martRows(db, m, period);
  const out: PageData = { ...(await provenanceData(db)), tables };
  if (catalogue) out.catalogue = await catalogueFor(db, tables);
  return out;
}

/**
 * What a page's provenance line and the data-quality table need: the run without the time it
 * ran, the input files without their bytes and SHA-256 (the same data gives the same page data;
 * the hashes are on the Downloads page).
 */
export async function provenanceData(db: Db): Promise<{ run: Record<string, unknown>; inputs: Row[] }> {
  const { run_at: _ranAt, ...run } = await runInfo(db);
  const inputs = (await inputFiles(db)).map(({ sha256: _sha, bytes: _bytes, ...f }) => f);
  return { run, inputs };
}

/** Every published table whose name matches, LA rows of the latest year (targeting's reason tables). */
export async function martsMatching(db: Db, pattern: RegExp): Promise<MartSelection[]> {
  return (await publishedTablesWith(db, "time_period"))
    .map((t) => t.slice("published_".length))
    .filter((m) => pattern.test(m))
    .map((mart) => ({ mart }));
}
