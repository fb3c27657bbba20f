// The return to the Department (outputs.md §1): per academic year and LA, the LA file and the
// schools file in EES tidy form with their metadata, a side file telling the combiner how each
// indicator aggregates, an .xlsx workbook of the same tables, and data-guidance.md. Built
// from published_* only; every file is screened before anything is written.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../core/db.ts";
import { ident } from "../core/db.ts";
import type { LocalAuthority, ResolvedSettings } from "../core/settings.ts";
import { type CatalogueRow, combineRule, loadCatalogue, martTable, publishedTable, readCatalogue } from "./catalogue.ts";
import { toCsv } from "./csv.ts";
import { KEY_COLUMNS } from "./disclosure.ts";
import { renderGuidance } from "./guidance.ts";
import {
  AGGREGATION_COLUMNS, BREAKDOWNS, COUNTRY, FILTER_COLUMNS, FILTERS, GEOGRAPHY_COLUMNS, returnNames, SCHOOL_COLUMNS,
  SUBJECT_ORDER, TIME_COLUMNS, TIME_IDENTIFIER,
} from "./layout.ts";
import { assertScreened, META_COLUMNS, ReturnCheckError, screen } from "./screener.ts";
import { writeWorkbook, type WorkbookSheet } from "./workbook.ts";

export { ReturnCheckError } from "./screener.ts";

/** One data file of the return, ready to write. */
export interface ReturnFile {
  name: string;
  metaName: string;
  level: "la" | "school";
  columns: string[];
  rows: string[][];
  meta: string[][];
  indicators: CatalogueRow[];
}

export interface ReturnOptions {
  /** Folder of catalogue CSVs when indicator_catalogue is not yet loaded. */
  catalogueDir?: string;
}

/** Writes the return of every academic year and LA of the run into outDir. */
export async function writeReturn(db: Db, settings: ResolvedSettings, outDir: string, options: ReturnOptions = {}): Promise<{ files: string[] }> {
  const catalogue = (await tableExists(db, "indicator_catalogue")) ? await readCatalogue(db) : await loadCatalogue(db, options.catalogueDir);
  const periods = await timePeriods(db, catalogue);
  const hasNational = await nationalRowsExist(db, catalogue);
  const pending: { name: string; content: string | Buffer }[] = [];
  const scopes: { scope: string; las: LocalAuthority[]; national: boolean }[] = settings.las.map((la) => ({ scope: la.old_code, las: [la], national: false }));
  if (hasNational) scopes.push({ scope: "national", las: settings.las, national: true });
  const built: ReturnFile[] = [];
  for (const tp of periods) {
    for (const { scope, las, national } of scopes) {
      const names = returnNames(scope, tp);
      const laFile = await buildFile(db, catalogue, tp, las, national, "la", names.la, names.laMeta);
      const files = [laFile];
      if (!national) files.push(await buildFile(db, catalogue, tp, las, false, "school", names.schools, names.schoolsMeta));
      const sheets: WorkbookSheet[] = [];
      for (const f of files) {
        if (f.rows.length === 0) continue;
        const data = toCsv(f.columns, f.rows);
        const meta = toCsv(META_COLUMNS, f.meta);
        assertScreened(f.name, screen(data, meta, { data: f.name, meta: f.metaName }, { las: settings.las }));
        pending.push({ name: f.name, content: data }, { name: f.metaName, content: meta });
        built.push(f);
        sheets.push(...sheetsOf(f));
      }
      pending.push({ name: names.aggregation, content: toCsv([...AGGREGATION_COLUMNS], aggregationRows(laFile)) });
      const inputs = await inputFiles(db);
      pending.push({ name: names.workbook, content: await writeWorkbook({ title: workbookTitle(las, national, tp), buildDate: settings.build_date, inputs, files: files.filter((f) => f.rows.length > 0).map((f) => f.name), sheets }) });
    }
  }
  pending.push({ name: "data-guidance.md", content: await renderGuidance(db, built, settings) });
  mkdirSync(outDir, { recursive: true });
  for (const p of pending) writeFileSync(join(outDir, p.name), p.content);
  return { files: pending.map((p) => p.name) };
}

async function tableExists(db: Db, name: string): Promise<boolean> {
  return (await db.one(`select 1 as x from information_schema.tables where table_name = ?`, [name])) !== undefined;
}

function publishedMarts(catalogue: CatalogueRow[]): string[] {
  return [...new Set(catalogue.filter((r) => r.level !== "none").map((r) => publishedTable(r.mart)))];
}

async function timePeriods(db: Db, catalogue: CatalogueRow[]): Promise<string[]> {
  const parts = publishedMarts(catalogue).map((t) => `select distinct time_period from ${ident(t)}`);
  if (parts.length === 0) return [];
  const rows = await db.all<{ time_period: string }>(`${parts.join(" union ")} order by 1`);
  return rows.map((r) => r.time_period);
}

async function nationalRowsExist(db: Db, catalogue: CatalogueRow[]): Promise<boolean> {
  for (const t of publishedMarts(catalogue)) {
    if (await db.one(`select 1 as x from ${ident(t)} where la_code = 'National' limit 1`)) return true;
  }
  return false;
}

/** Builds one data file: rows from every published mart holding indicators of that level, joined on the key. */
export async function buildFile(
  db: Db, catalogue: CatalogueRow[], tp: string, las: LocalAuthority[], national: boolean, level: "la" | "school", name: string, metaName: string,
): Promise<ReturnFile> {
  const indicators = catalogue.filter((r) => r.level === "both" || r.level === level);
  const marts = [...new Set(indicators.map((r) => publishedTable(r.mart)))];
  const laCodes = las.map((l) => l.old_code);
  if (national) laCodes.push("National");
  const urnCond = level === "la" ? "urn is null" : "urn is not null";
  const codeList = laCodes.map((_, i) => `$${i + 2}`).join(", ");
  const where = `time_period = $1 and la_code in (${codeList}) and ${urnCond}`;
  const params = [tp, ...laCodes];
  for (const m of marts) {
    const dup = await db.one<{ n: number }>(
      `select count(*) as n from (select ${KEY_COLUMNS.join(", ")} from ${ident(m)} where ${where} group by all having count(*) > 1)`, params);
    if (dup && dup.n > 0) throw new ReturnCheckError(`${m} has ${dup.n} keys with more than one row; the return needs one row per (${KEY_COLUMNS.join(", ")}). Give the extra dimension a level of 'none' in the catalogue or fold it into the key.`);
    const bad = await db.one<{ breakdown: string }>(`select breakdown from ${ident(m)} where ${where} and breakdown not in (${BREAKDOWNS.map((b) => `'${b}'`).join(", ")}) limit 1`, params);
    if (bad) throw new ReturnCheckError(`${m} has breakdown '${bad.breakdown}', which is not a filter of the return (${BREAKDOWNS.join(", ")}).`);
  }
  let rows: Record<string, unknown>[] = [];
  if (marts.length > 0) {
    const keys = marts.map((m) => `select ${KEY_COLUMNS.join(", ")} from ${ident(m)} where ${where}`).join(" union ");
    const joins = marts.map((m, i) => `left join ${ident(m)} p${i} on p${i}.time_period = k.time_period and p${i}.la_code = k.la_code
      and p${i}.urn is not distinct from k.urn and p${i}.subject = k.subject and p${i}.breakdown = k.breakdown and p${i}.group_label = k.group_label`);
    const cols = indicators.map((r) => `p${marts.indexOf(publishedTable(r.mart))}.${ident(r.indicator)} as ${ident(r.indicator)}`);
    const school = level === "school" && (await tableExists(db, "stg_schools"));
    rows = await db.all(
      `with k as (${keys})
       select k.*, ${school ? "s.laestab as school_laestab, s.school_name" : "null as school_laestab, null as school_name"}, ${cols.join(", ")}
       from k ${joins.join(" ")}
       ${school ? "left join (select distinct on (urn) urn, laestab, school_name from stg_schools order by urn, laestab) s on s.urn = k.urn" : ""}`,
      params,
    );
  }
  const byCode = new Map(las.map((l) => [l.old_code, l]));
  const columns = [...TIME_COLUMNS, ...GEOGRAPHY_COLUMNS, ...(level === "school" ? SCHOOL_COLUMNS : []), ...FILTER_COLUMNS, ...indicators.map((r) => r.indicator)];
  const out = rows.map((r) => {
    const la = byCode.get(String(r.la_code));
    const isNational = r.la_code === "National";
    if (!la && !isNational) throw new ReturnCheckError(`Published row for LA ${String(r.la_code)} has no LA in the settings.`);
    const geo: Record<string, string> = {
      geographic_level: isNational ? "National" : level === "school" ? "School" : "Local authority",
      country_code: COUNTRY.code, country_name: COUNTRY.name,
      region_code: la?.region_code ?? "", region_name: la?.region_name ?? "",
      old_la_code: la?.old_code ?? "", new_la_code: la?.gss_code ?? "", la_name: la?.name ?? "",
      school_urn: level === "school" ? String(r.urn) : "",
      school_laestab: r.school_laestab == null ? "" : String(r.school_laestab),
      school_name: r.school_name == null ? "" : String(r.school_name),
    };
    const filters = Object.fromEntries(FILTER_COLUMNS.map((c) => [c, "Total"]));
    filters.subject = String(r.subject);
    if (r.breakdown !== "total") filters[String(r.breakdown)] = String(r.group_label);
    const values: Record<string, string> = { time_period: tp, time_identifier: TIME_IDENTIFIER, ...geo, ...filters };
    // A mart without a row for this combination does not produce that measure there: not applicable.
    for (const ind of indicators) values[ind.indicator] = r[ind.indicator] == null ? "z" : String(r[ind.indicator]);
    return { sort: sortKey(r), cells: columns.map((c) => values[c] ?? "") };
  });
  out.sort((a, b) => (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0));
  const dataRows = out.map((o) => o.cells);
  return { name, metaName, level, columns, rows: dataRows, meta: metaRows(columns, dataRows, indicators), indicators };
}

function sortKey(r: Record<string, unknown>): string {
  const pad = (n: number) => String(n).padStart(3, "0");
  const subject = SUBJECT_ORDER.indexOf(String(r.subject));
  return [r.la_code === "National" ? "~" : String(r.la_code), String(r.urn ?? ""), pad(subject < 0 ? 99 : subject), pad(BREAKDOWNS.indexOf(String(r.breakdown))),
    r.group_label === "Total" ? "" : String(r.group_label)].join("\u0001");
}

/** Filters with at least two values (a one-valued filter fails EES rule 38; it stays in the data as Total) and indicators. */
function metaRows(columns: string[], rows: string[][], indicators: CatalogueRow[]): string[][] {
  const meta: string[][] = [];
  for (const f of FILTERS) {
    const i = columns.indexOf(f.col);
    if (new Set(rows.map((r) => r[i])).size < 2) continue;
    meta.push([f.col, "Filter", f.label, "", "", "", f.hint, ""]);
  }
  for (const r of indicators) meta.push([r.indicator, "Indicator", r.label, r.grouping, r.unit, String(r.dp), "", ""]);
  return meta;
}

/** How the combiner aggregates each indicator; a weighted mean needs its weight in the same file. */
function aggregationRows(file: ReturnFile): string[][] {
  const published = new Set(file.indicators.map((r) => r.indicator));
  return file.indicators.map((r) => {
    const rule = combineRule(r);
    const weight = r.count_basis[0];
    if (rule === "weighted_mean" && !published.has(weight)) return [r.indicator, "not_combinable", ""];
    return [r.indicator, rule, rule === "weighted_mean" ? weight : ""];
  });
}

function sheetsOf(f: ReturnFile): WorkbookSheet[] {
  const base = f.columns.filter((c) => !f.indicators.some((r) => r.indicator === c));
  const topics = [...new Set(f.indicators.map((r) => martTable(r.mart)))];
  return topics.map((t) => {
    const inds = f.indicators.filter((r) => martTable(r.mart) === t);
    const idx = [...base, ...inds.map((r) => r.indicator)].map((c) => f.columns.indexOf(c));
    const topic = t.slice("mart_".length).replaceAll("_", " ");
    return {
      name: `${topic}${f.level === "school" ? " (schools)" : ""}`,
      columns: idx.map((i) => f.columns[i]),
      dp: Object.fromEntries(inds.map((r) => [r.indicator, r.dp])),
      rows: f.rows.map((row) => idx.map((i) => row[i])),
    };
  });
}

function workbookTitle(las: LocalAuthority[], national: boolean, tp: string): string {
  const year = `${tp.slice(0, 4)}/${tp.slice(4)}`;
  return national ? `One-to-one tuition impact: national return ${year}` : `One-to-one tuition impact: ${las[0].name} (${las[0].old_code}) return ${year}`;
}

async function inputFiles(db: Db): Promise<{ file: string; sha256: string }[]> {
  if (!(await tableExists(db, "ingest_files"))) return [];
  return db.all<{ file: string; sha256: string }>(`select file, sha256 from ingest_files order by dataset, file`);
}

