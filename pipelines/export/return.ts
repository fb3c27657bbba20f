// The return to the Department (outputs.md §1): per academic year and LA, the LA file and the
// schools file in EES tidy form with their metadata, a side file telling the combiner how each
// indicator aggregates, an .xlsx workbook of the same tables, and data-guidance.md. Built
// from published_* only; every file is screened before anything is written.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Db } from "../core/db.ts";
import { ident, literal } from "../core/db.ts";
import { type LocalAuthority, programmeOf, type ResolvedSettings } from "../core/settings.ts";
import { type CatalogueRow, combineRule, loadCatalogue, publishedTable, readCatalogue } from "./catalogue.ts";
import { toCsv } from "./csv.ts";
import { KEY_COLUMNS } from "./disclosure.ts";
import { renderGuidance } from "./guidance.ts";
import {
  AGGREGATION_COLUMNS,
  COUNTRY,
  GEOGRAPHY_COLUMNS,
  layoutFor,
  returnNames,
  type ReturnLayout,
  SCHOOL_COLUMNS,
  TIME_COLUMNS,
  TIME_IDENTIFIER,
} from "./layout.ts";
import { assertScreened, META_COLUMNS, problems, ReturnCheckError, screenReport, summarise, type ScreenSummary } from "./screener.ts";
import { writeWorkbook } from "./workbook.ts";
import { workbookSpec } from "./workbook-sheets.ts";

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

/** What the data guidance needs of a written file. */
export type ReturnFileSummary = Pick<ReturnFile, "name" | "metaName" | "level" | "columns" | "indicators"> & { rowCount: number; screened?: ScreenSummary };

export interface ReturnOptions {
  /** Folder of catalogue CSVs when indicator_catalogue is not yet loaded. */
  catalogueDir?: string;
}

/** Writes the return of every academic year and LA of the run into outDir. */
export async function writeReturn(db: Db, settings: ResolvedSettings, outDir: string, options: ReturnOptions = {}): Promise<{ files: string[] }> {
  const catalogue = (await db.hasTable("indicator_catalogue")) ? await readCatalogue(db) : await loadCatalogue(db, options.catalogueDir);
  const periods = await timePeriods(db, catalogue);
  const hasNational = await nationalRowsExist(db, catalogue);
  // Files are written as they are made (a national return does not fit in memory at once), into
  // a scratch folder that becomes outDir only when every file has passed the screener.
  const scratch = `${resolve(outDir)}.writing-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const written: string[] = [];
  const write = (name: string, content: string | Buffer) => {
    writeFileSync(join(scratch, name), content);
    written.push(name);
  };
  try {
    const scopes: { scope: string; las: LocalAuthority[]; national: boolean }[] = settings.las.map((la) => ({
      scope: la.old_code,
      las: [la],
      national: false,
    }));
    if (hasNational) scopes.push({ scope: "national", las: settings.las, national: true });
    const built: ReturnFileSummary[] = [];
    // The filters, breakdowns and subject order of the run's programme profile (an ntp return has routes and group sizes)
    const layout = layoutFor(programmeOf(settings));
    const columns = {
      la: await buildReturnTable(db, catalogue, settings.las, "la", layout),
      school: await buildReturnTable(db, catalogue, settings.las, "school", layout),
    };
    const inputs = await inputFiles(db);
    for (const tp of periods) {
      for (const { scope, las, national } of scopes) {
        const names = returnNames(scope, tp);
        const laFile = await readFile(db, catalogue, columns.la, tp, las, national, "la", names.la, names.laMeta, layout);
        const files = [laFile];
        if (!national) files.push(await readFile(db, catalogue, columns.school, tp, las, false, "school", names.schools, names.schoolsMeta, layout));
        for (const f of files) {
          if (f.rows.length === 0) continue;
          const data = toCsv(f.columns, f.rows);
          const meta = toCsv(META_COLUMNS, f.meta);
          const report = screenReport(data, meta, { data: f.name, meta: f.metaName }, { las: settings.las });
          assertScreened(f.name, problems(report));
          write(f.name, data);
          write(f.metaName, meta);
          // Only the shape is kept for the guidance: a national run's rows would not fit in memory twice.
          built.push({
            name: f.name,
            metaName: f.metaName,
            level: f.level,
            columns: f.columns,
            indicators: f.indicators,
            rowCount: f.rows.length,
            screened: summarise(report),
          });
        }
        write(names.aggregation, toCsv([...AGGREGATION_COLUMNS], aggregationRows(laFile)));
        write(
          names.workbook,
          await writeWorkbook(
            await workbookSpec(
              db,
              catalogue,
              files.filter((f) => f.rows.length > 0),
              {
                title: workbookTitle(las, national, tp, programmeOf(settings)),
                buildDate: settings.build_date,
                inputs,
                timePeriod: tp,
                las,
                national,
                suppressionThreshold: settings.suppression_threshold,
              },
            ),
          ),
        );
      }
    }
    write("data-guidance.md", await renderGuidance(db, built, settings));
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  mkdirSync(outDir, { recursive: true });
  for (const name of written) renameSync(join(scratch, name), join(outDir, name));
  rmSync(scratch, { recursive: true, force: true });
  return { files: written };
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

/**
 * Builds _return_<level>: every row of that level's data file for every period and LA of the
 * run, as text in the file's column order, with the columns the files are sorted by. One SQL
 * pass for all LAs; each file then only selects its rows (no per-row JavaScript).
 */
async function buildReturnTable(db: Db, catalogue: CatalogueRow[], las: LocalAuthority[], level: "la" | "school", layout: ReturnLayout): Promise<string[]> {
  const { filterColumns: FILTER_COLUMNS, breakdowns: BREAKDOWNS, subjectOrder: SUBJECT_ORDER, columnFilters } = layout;
  const indicators = catalogue.filter((r) => r.level === "both" || r.level === level);
  const marts = [...new Set(indicators.map((r) => publishedTable(r.mart)))];
  const urnCond = level === "la" ? "urn is null" : "urn is not null";
  const columns = [
    ...TIME_COLUMNS,
    ...GEOGRAPHY_COLUMNS,
    ...(level === "school" ? SCHOOL_COLUMNS : []),
    ...FILTER_COLUMNS,
    ...indicators.map((r) => r.indicator),
  ];
  const table = ident(`_return_${level}`);
  // Filters read from a mart column (an ntp return's outcome_measure): a mart without the column is 'Total' there.
  const martColumns = new Map<string, Set<string>>();
  for (const m of marts)
    martColumns.set(
      m,
      new Set((await db.all<{ c: string }>(`select column_name as c from information_schema.columns where table_name = ?`, [m])).map((r) => r.c)),
    );
  const dimOf = (m: string, c: string) => (martColumns.get(m)!.has(c) ? `coalesce(${ident(c)}, 'Total')` : "'Total'");
  const dimSelect = (m: string) => columnFilters.map((c) => `, ${dimOf(m, c)} as ${ident(c)}`).join("");
  for (const m of marts) {
    const dup = await db.one<{ n: number }>(
      `select count(*) as n from (select ${KEY_COLUMNS.join(", ")}${dimSelect(m)} from ${ident(m)} where ${urnCond} group by all having count(*) > 1)`,
    );
    if (dup && dup.n > 0)
      throw new ReturnCheckError(
        `${m} has ${dup.n} keys with more than one row; the return needs one row per (${KEY_COLUMNS.join(", ")}). Give the extra dimension a level of 'none' in the catalogue or fold it into the key.`,
      );
    const bad = await db.one<{ breakdown: string }>(
      `select breakdown from ${ident(m)} where ${urnCond} and breakdown not in (${BREAKDOWNS.map(literal).join(", ")}) limit 1`,
    );
    if (bad) throw new ReturnCheckError(`${m} has breakdown '${bad.breakdown}', which is not a filter of the return (${BREAKDOWNS.join(", ")}).`);
  }
  if (marts.length === 0) {
    await db.run(`create or replace temp table ${table} as select ${columns.map((c) => `null::VARCHAR as ${ident(c)}`).join(", ")},
      null::VARCHAR as la_code, null::VARCHAR as _urn, 0 as _subject, 0 as _breakdown, '' as _group, '' as _dims limit 0`);
    return columns;
  }
  await db.writeTable(
    "_return_geo",
    [
      ["la_code", "VARCHAR"],
      ["gss_code", "VARCHAR"],
      ["la_name", "VARCHAR"],
      ["region_code", "VARCHAR"],
      ["region_name", "VARCHAR"],
    ],
    las.map((la) => ({ la_code: la.old_code, gss_code: la.gss_code, la_name: la.name, region_code: la.region_code, region_name: la.region_name })),
    { temp: true },
  );
  const stranger = await db.one<{
    la_code: string;
  }>(`select la_code from (${marts.map((m) => `select distinct la_code from ${ident(m)} where ${urnCond}`).join(" union ")})
    where la_code <> 'National' and la_code not in (select la_code from _return_geo) limit 1`);
  if (stranger) throw new ReturnCheckError(`Published row for LA ${stranger.la_code} has no LA in the settings.`);

  const keys = marts.map((m) => `select ${KEY_COLUMNS.join(", ")}${dimSelect(m)} from ${ident(m)} where ${urnCond}`).join(" union ");
  const joins = marts.map((m, i) => {
    // A filter the mart lacks is 'Total' there: a key row of another value gets a NULL time_period
    // key, which matches nothing. Written as `'Total' = k.outcome_measure` (a condition on the
    // key side alone), it made DuckDB join by nested loop, quadratic in the rows.
    const [present, absent] = [true, false].map((has) => columnFilters.filter((c) => martColumns.get(m)!.has(c) === has));
    const time = absent.length ? `case when ${absent.map((c) => `k.${ident(c)} = 'Total'`).join(" and ")} then k.time_period end` : "k.time_period";
    return `left join ${ident(m)} p${i} on p${i}.time_period = ${time} and p${i}.la_code = k.la_code
      and p${i}.urn is not distinct from k.urn and p${i}.subject = k.subject and p${i}.breakdown = k.breakdown and p${i}.group_label = k.group_label${present
        .map((c) => ` and coalesce(p${i}.${ident(c)}, 'Total') = k.${ident(c)}`)
        .join("")}`;
  });
  const school = level === "school" && (await db.hasTable("stg_schools"));
  const national = "k.la_code = 'National'";
  const geo: Record<string, string> = {
    geographic_level: `case when ${national} then 'National' else ${literal(level === "school" ? "School" : "Local authority")} end`,
    country_code: literal(COUNTRY.code),
    country_name: literal(COUNTRY.name),
    region_code: "g.region_code",
    region_name: "g.region_name",
    old_la_code: "g.la_code",
    new_la_code: "g.gss_code",
    la_name: "g.la_name",
    school_urn: "cast(k.urn as VARCHAR)",
    school_laestab: school ? "cast(s.laestab as VARCHAR)" : "null",
    school_name: school ? "cast(s.school_name as VARCHAR)" : "null",
  };
  const select = columns.map((c) => {
    let expr: string;
    if (c === "time_period") expr = "k.time_period";
    else if (c === "time_identifier") expr = literal(TIME_IDENTIFIER);
    else if (c in geo) expr = geo[c];
    else if (c === "subject") expr = "k.subject";
    else if (columnFilters.includes(c)) expr = `k.${ident(c)}`;
    else if (FILTER_COLUMNS.includes(c)) expr = `case when k.breakdown = ${literal(c)} then k.group_label else 'Total' end`;
    // A mart without a row for this combination does not produce that measure there: not applicable.
    else expr = `coalesce(p${marts.indexOf(publishedTable(indicators.find((r) => r.indicator === c)!.mart))}.${ident(c)}, 'z')`;
    return `coalesce(cast(${expr} as VARCHAR), '') as ${ident(c)}`;
  });
  const subjectOrder = `coalesce(list_position(${listLiteral(SUBJECT_ORDER)}, k.subject), 100)`;
  await db.run(`create or replace temp table ${table} as
    with k as (${keys})
    select ${select.join(",\n      ")},
      k.la_code, coalesce(cast(k.urn as VARCHAR), '') as _urn, ${subjectOrder} as _subject,
      list_position(${listLiteral(BREAKDOWNS)}, k.breakdown) as _breakdown,
      case when k.group_label = 'Total' then '' else k.group_label end as _group,
      ${columnFilters.length ? `concat_ws('|', ${columnFilters.map((c) => `case when k.${ident(c)} = 'Total' then '' else k.${ident(c)} end`).join(", ")})` : "''"} as _dims
    from k ${joins.join(" ")}
    left join _return_geo g on g.la_code = k.la_code
    ${school ? "left join (select distinct on (urn) urn, laestab, school_name from stg_schools order by urn, laestab) s on s.urn = k.urn" : ""}`);
  return columns;
}

/** One data file: the rows of the period and LAs (and National rows for a combined return), sorted. */
async function readFile(
  db: Db,
  catalogue: CatalogueRow[],
  columns: string[],
  tp: string,
  las: LocalAuthority[],
  national: boolean,
  level: "la" | "school",
  name: string,
  metaName: string,
  layout: ReturnLayout,
): Promise<ReturnFile> {
  const indicators = catalogue.filter((r) => r.level === "both" || r.level === level);
  const laCodes = las.map((l) => l.old_code);
  if (national) laCodes.push("National");
  // Each row as one string (every cell is text, never NULL, in _return_<level>), split here:
  // converting a school file's millions of cells one by one cost more than writing them.
  const lines = await db.rows(
    `select concat_ws(chr(1), ${columns.map(ident).join(", ")}) from ${ident(`_return_${level}`)}
     where time_period = $1 and la_code in (${laCodes.map((_, i) => `$${i + 2}`).join(", ")})
     order by la_code = 'National', la_code, _urn, _subject, _dims, _breakdown, _group`,
    [tp, ...laCodes],
  );
  const rows = lines.map(([line], i) => {
    const cells = (line as string).split("\u0001");
    if (cells.length !== columns.length)
      throw new ReturnCheckError(`${name} row ${i + 2} holds the character U+0001 in a value; remove it from the input or the catalogue.`);
    return cells;
  });
  return { name, metaName, level, columns, rows, meta: metaRows(columns, rows, indicators, layout.filters), indicators };
}

function listLiteral(values: readonly string[]): string {
  return `[${values.map(literal).join(", ")}]`;
}

/** Filters with at least two values (a one-valued filter fails EES rule 38; it stays in the data as Total) and indicators. */
function metaRows(columns: string[], rows: string[][], indicators: CatalogueRow[], filters: ReturnLayout["filters"]): string[][] {
  const meta: string[][] = [];
  for (const f of filters) {
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

function workbookTitle(las: LocalAuthority[], national: boolean, tp: string, programme: ReturnType<typeof programmeOf>): string {
  const year = `${tp.slice(0, 4)}/${tp.slice(4)}`;
  const what = programme === "ntp" ? "National Tutoring Programme" : "One-to-one tuition impact";
  return national ? `${what}: national return ${year}` : `${what}: ${las[0].name} (${las[0].old_code}) return ${year}`;
}

async function inputFiles(db: Db): Promise<{ file: string; sha256: string }[]> {
  if (!(await db.hasTable("ingest_files"))) return [];
  return db.all<{ file: string; sha256: string }>(`select file, sha256 from ingest_files order by dataset, file`);
}
