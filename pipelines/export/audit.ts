// tuition-impact audit <folder>: checks a release AS PUBLISHED (return CSVs and metadata, the
// workbook, data-guidance.md, a built site's data files and pages) for every breach of
// outputs.md §2 a reader could exploit, one line each naming file, row and column:
//   small_count   a count 1..threshold−1 published as a number;
//   attribute     a figure published beside a suppressed count it is about ("0 of c");
//   inconsistent  the same figure a number in one place and c in another;
//   differencing  a c recoverable from a total and its other parts (breakdowns, subjects,
//                 schools and LA, LAs and National);
//   upn / tutor_id / comment   identifiers in any published text;
//   unreadable    a part of the release the audit cannot read (so cannot vouch for).
// Which columns are counts, and which counts a figure is about, come from the indicator
// catalogue (pipelines/measures/catalogue): an indicator is a count when its count_basis names
// itself (as disclosure control reads it); the other entries of a count_basis are the counts the
// figure is about. Figures under different names that count the same pupils are listed in
// SAME_PUPILS below. The threshold: --threshold, else the one data-guidance.md states, else 5.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Db, literal } from "../core/db.ts";
import { ReleaseRefusedError } from "../core/exit-codes.ts";
import {
  csvHeader,
  DIMENSION_HEADINGS,
  HeaderMap,
  INDICATOR_TYPE,
  loadWide,
  loadWorkbook,
  LongWriter,
  memberPath,
  ROW_COLUMNS,
  siteRows,
  VAL_COLUMNS,
} from "./audit/cells.ts";
import { countFiles, discover, rel } from "./audit/discover.ts";
import { type Canaries, IdentifierScanner, lineOf } from "./audit/identifiers.ts";
import { basisColumn, DEFAULT_CATALOGUE_DIR, loadCatalogue, NTP_CATALOGUE_DIR } from "./catalogue.ts";
import { NTP_GUIDANCE_TITLE } from "./ntp-guidance.ts";
import { loadNationalIndicators } from "./national-impact.ts";
import { parseCsv } from "./csv.ts";
import { ALL_FILTERS as FILTERS, GEOGRAPHY_COLUMNS, SCHOOL_COLUMNS, TIME_COLUMNS } from "./layout.ts";

export type BreachKind = "small_count" | "attribute" | "inconsistent" | "differencing" | "upn" | "tutor_id" | "comment" | "unreadable";

export interface Breach {
  kind: BreachKind;
  /** File relative to the audited folder, with the sheet for a workbook. */
  place: string;
  /** Row ("row 12"), JSON path, or line. */
  loc: string;
  /** Column name (with its cell reference in a workbook). */
  col: string;
  message: string;
}

export interface AuditOptions {
  threshold?: number;
  canaries?: Canaries;
  catalogueDir?: string;
  /** The run's open database: the audit's tables go to a scratch catalog inside its memory limit. */
  database?: Db;
}

export interface AuditResult {
  breaches: Breach[];
  threshold: number;
  files: number;
  cells: number;
  seconds: number;
}

/**
 * Counts published under different names that count the same pupils by definition (measures.md
 * §3, §4): the model's tutees and comparison pupils, and the matched ones. One decision covers
 * both names, so a c under one and a number under the other is a breach.
 */
export const SAME_PUPILS: string[][] = [
  ["n_t", "bal_n_t"],
  ["n_c", "bal_n_c"],
  ["n_matched_t", "mbal_n_t"],
  ["n_matched_c", "mbal_n_c"],
];

const SQL = (name: string) => readFileSync(join(import.meta.dirname, "audit", name), "utf8");

export async function auditRelease(folder: string, options: AuditOptions = {}): Promise<AuditResult> {
  const started = performance.now();
  const files = discover(folder);
  const breaches: Breach[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "tuition-audit-"));
  // Each return file is loaded into DuckDB (`loading`, on DuckDB's threads) while the JavaScript
  // below goes on reading the release's text and workbooks, on its own: the schools file's load
  // and the workbook's cells are each some 0.5-0.9 s (demo LA). The loads still run one after
  // another and before anything else is loaded, so row ids and breaches come in the same order.
  let loading: Promise<void> = Promise.resolve();
  // Nationally the audit's tables reach gigabytes: in an instance of its own, with DuckDB's default
  // limit (80% of RAM), they came on top of the run's own limit, then 6 GB (a 16.5 GB peak, issue 18).
  const { db, release } = options.database
    ? await options.database.scratch()
    : await Db.inMemory().then((own) => ({
        db: own,
        release: async () => own.close(),
      }));
  try {
    const catalogueDir = options.catalogueDir ?? catalogueFromGuidance(files.guidance);
    const catalogue = await loadCatalogue(db, catalogueDir);
    const threshold = options.threshold ?? thresholdFromGuidance(files.guidance) ?? 5;
    const indicators = new Set(catalogue.map((r) => r.indicator));
    // A combined folder's National-only pooling columns (k LAs, tau², I², prediction interval)
    // describe LAs' published estimates, not pupils: nothing in them can disclose a pupil. They
    // are the combiner's own columns, so they come from the tool's catalogue even when a test
    // audits with a catalogue of its own.
    const pooling = new Set(loadNationalIndicators(DEFAULT_CATALOGUE_DIR).map((r) => r.indicator));
    const scanner = new IdentifierScanner(options.canaries);
    const found = (kind: Breach["kind"], place: string, loc: string, col: string, message: string) => breaches.push({ kind, place, loc, col, message });
    const scanText = (place: string, text: string, locate: (index: number) => { loc: string; col: string }) => {
      for (const hit of scanner.scan(text)) {
        const { loc, col } = locate(hit.index);
        found(hit.kind, place, loc, col, `${describe(hit.kind)} ${hit.shown} is published`);
      }
    };
    if (countFiles(files) === 0)
      found("unreadable", folder, "", "", "no release files here (no impact_*.csv, workbook, data-guidance.md or site data): nothing to audit");

    await db.run(`create type ${INDICATOR_TYPE} as enum (${[...indicators].map(literal).join(", ")})`);
    await db.run(`create temp table audit_rows (${ROW_COLUMNS})`);
    await db.run(`create temp table audit_vals (${VAL_COLUMNS})`);
    // Column names and labels of every metadata file: how workbook headers are read.
    const headers = new HeaderMap([...indicators, ...FILTERS.map((f) => f.col), "prior_attainment", ...TIME_COLUMNS, ...GEOGRAPHY_COLUMNS, ...SCHOOL_COLUMNS]);
    for (const r of catalogue) headers.add(r.label, r.indicator);
    for (const f of FILTERS) headers.add(f.label, f.col);
    for (const [heading, col] of DIMENSION_HEADINGS) headers.add(heading, col);

    for (const { path, meta } of files.data) {
      const place = rel(folder, path);
      const metaRows = parseCsv(readFileSync(meta, "utf8"));
      const mh = metaRows[0] ?? [];
      const [ci, ti, li] = ["col_name", "col_type", "label"].map((c) => mh.indexOf(c));
      const metaIndicators = metaRows
        .slice(1)
        .filter((r) => r[ti] === "Indicator")
        .map((r) => r[ci]);
      for (const r of metaRows.slice(1)) if (r[ci] && r[li]) headers.add(r[li], r[ci]);
      for (const name of metaIndicators) {
        if (!indicators.has(name) && !pooling.has(name))
          found(
            "unreadable",
            rel(folder, meta),
            "",
            name,
            "an indicator the catalogue does not list: the audit cannot tell whether it is a count or what it is about",
          );
      }
      const columns = csvHeader(path);
      await loading;
      loading = loadWide(db, { place, csv: path, columns, indicators: metaIndicators.filter((n) => indicators.has(n)) });
      loading.catch(() => undefined); // awaited later: a failure is thrown there, not first reported as unhandled
      for (const p of [path, meta]) scanCsvText(rel(folder, p), readFileSync(p, "utf8"), scanText);
    }
    for (const path of files.otherText) scanCsvText(rel(folder, path), readFileSync(path, "utf8"), scanText);
    for (const path of [...files.guidance, ...files.pages]) {
      const text = readFileSync(path, "utf8");
      scanText(rel(folder, path), text, (i) => ({ loc: `line ${lineOf(text, i).line}`, col: "" }));
    }
    const sheets = new LongWriter(join(tmp, "sheets.csv"));
    for (const path of files.workbooks) {
      const place = rel(folder, path);
      try {
        for (const sheet of loadWorkbook(path, place, sheets, headers, indicators)) {
          if (sheet.problem) found("unreadable", `${place} sheet "${sheet.name}"`, "row 1", "", sheet.problem);
          for (const t of sheet.texts) scanText(`${place} sheet "${sheet.name}"`, t.text, () => ({ loc: `cell ${t.ref}`, col: "" }));
        }
      } catch (error) {
        found("unreadable", place, "", "", `cannot be read as a workbook: ${(error as Error).message}`);
      }
    }
    await loading;
    await sheets.load(db);
    const site = new LongWriter(join(tmp, "site.csv"));
    for (const path of files.siteJson) {
      const place = rel(folder, path);
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path, "utf8"));
      } catch (error) {
        found("unreadable", place, "", "", `is not JSON: ${(error as Error).message}`);
        continue;
      }
      siteRows(
        json,
        indicators,
        (loc, key, indicator, value) => site.add(place, loc, key, indicator, value),
        (text, parent, step) => scanText(place, text, () => ({ loc: memberPath(parent, step), col: "" })),
      );
    }
    await site.load(db);

    await loadRules(db, catalogue, catalogueDir);
    for (const statement of statements(SQL("setup.sql"))) await db.run(statement);
    for (const check of ["small_counts.sql", "attribute.sql", "consistency.sql", "differencing.sql"]) {
      // A check may make tables first (their sizes then known, so DuckDB plans its joins on the
      // small side); its last statement lists the breaches.
      const parts = statements(SQL(check));
      for (const statement of parts.slice(0, -1)) await db.run(statement);
      const rows = await db.all<Breach & { line: number } & Record<string, unknown>>(
        `select * from (${parts.at(-1)}) order by place, line nulls first, loc, col`,
        check === "small_counts.sql" ? { threshold } : undefined,
      );
      for (const r of rows) found(r.kind, r.place, r.loc, r.col, r.message);
    }
    const cells = Number((await db.one<{ n: number }>("select count(*) as n from audit_vals"))?.n ?? 0);
    return { breaches, threshold, files: countFiles(files), cells, seconds: (performance.now() - started) / 1000 };
  } finally {
    await loading.catch(() => undefined); // a load still running when something failed ends before its connection does
    await release();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The statements of an audit .sql file (each ends with ";" at the end of a line). */
function statements(sql: string): string[] {
  return sql
    .split(/;[ \t]*\r?\n/)
    .map((s) => s.trim().replace(/;$/, ""))
    .filter((s) => s.replace(/--.*$/gm, "").trim());
}

function describe(kind: string): string {
  return kind === "upn" ? "a UPN-shaped string" : kind === "tutor_id" ? "the tutor id" : "the questionnaire comment";
}

/** A CSV's text scanned for identifiers, each hit placed by row and column. */
function scanCsvText(place: string, text: string, scanText: (place: string, text: string, locate: (i: number) => { loc: string; col: string }) => void) {
  let header: string[] | null = null;
  scanText(place, text, (index) => {
    header ??= parseCsv(text.slice(0, Math.max(0, text.search(/\r?\n/))))[0] ?? [];
    const { line, start } = lineOf(text, index);
    const end = text.indexOf("\n", index);
    const fields = parseCsv(text.slice(start, end === -1 ? undefined : end))[0] ?? [];
    // Which field holds the index: count the commas before it outside quotes.
    let k = 0;
    let quoted = false;
    for (let p = start; p < index; p++) {
      if (text[p] === '"') quoted = !quoted;
      else if (text[p] === "," && !quoted) k++;
    }
    return { loc: `row ${line}`, col: header[k] ?? `field ${k + 1} of ${fields.length}` };
  });
}

/** The counts, what each figure is about, and the names that count the same pupils, as tables. */
async function loadRules(db: Db, catalogue: { indicator: string; count_basis: string[]; unit: string }[], catalogueDir: string) {
  const declarations = readCsvObjects(join(catalogueDir, "counts", "counts.csv"));
  const otherGroups = readCsvObjects(join(catalogueDir, "counts", "other_groups.csv")).map((r) => [r.breakdown, r.group_label, r.other_label]);
  await db.run("create or replace temp table audit_counts (indicator VARCHAR)");
  await db.run("create or replace temp table audit_basis (indicator VARCHAR, basis VARCHAR, at_total BOOLEAN)");
  await db.run("create or replace temp table audit_alias (indicator VARCHAR, canon VARCHAR)");
  const names = new Set<string>();
  const counts: string[] = [];
  const basis: [string, string, boolean][] = [];
  for (const r of catalogue) {
    names.add(r.indicator);
    if (r.count_basis.includes(r.indicator)) counts.push(r.indicator);
    for (const entry of r.count_basis) {
      names.add(basisColumn(entry));
      if (entry !== r.indicator) basis.push([r.indicator, basisColumn(entry), entry.endsWith("@total")]);
    }
    // A percentage's first entry is its denominator: the group its numerator counts are counts
    // of (below ARE of those classifiable), so each of those is a count about it too.
    const [first, ...rest] = r.count_basis;
    if (r.unit === "%")
      for (const entry of rest) if (basisColumn(entry) !== basisColumn(first)) basis.push([basisColumn(entry), basisColumn(first), first.endsWith("@total")]);
  }
  const seen = new Set<string>();
  basis.splice(0, basis.length, ...basis.filter((b) => !seen.has(b.join("|")) && seen.add(b.join("|"))));
  const alias: [string, string][] = SAME_PUPILS.flatMap((group) => group.map((n) => [n, group[0]] as [string, string]));
  const other: [string][] = [];
  // Where the catalogue declares which pupils each count counts (counts/counts.csv: population,
  // the population of the group it is a part of, and `other` for a count of the breakdown's other
  // group), those declarations name the counts instead: same population and key, same count.
  for (const d of declarations) {
    alias.push([d.count, `population:${d.population}`]);
    if (d.within) basis.push([d.count, `population:${d.within}`, false]);
    if (d.group === "other") other.push([d.count]);
    names.add(`population:${d.population}`);
    if (d.within) names.add(`population:${d.within}`);
  }
  for (const n of alias) names.add(n[0]);
  await db.run("create or replace temp table audit_other (indicator VARCHAR)");
  await insertRows(db, "audit_other", other);
  await db.run("create or replace temp table audit_other_groups (breakdown VARCHAR, grp VARCHAR, other_grp VARCHAR)");
  await insertRows(db, "audit_other_groups", otherGroups);
  await insertRows(
    db,
    "audit_counts",
    counts.map((c) => [c]),
  );
  await insertRows(db, "audit_basis", basis);
  await insertRows(db, "audit_alias", alias);
  await db.run(
    `create or replace temp table audit_alias_all as
    select n.indicator, coalesce(a.canon, n.indicator) as canon
    from (select unnest(string_split(?, ',')) as indicator) n left join audit_alias a using (indicator)`,
    [[...names].join(",")],
  );
}

async function insertRows(db: Db, table: string, rows: unknown[][]) {
  if (rows.length === 0) return;
  const width = rows[0].length;
  await db.run(
    `insert into ${table} select * from (values ${rows.map((_, i) => `(${Array.from({ length: width }, (_, j) => `$${i * width + j + 1}`).join(", ")})`).join(", ")})`,
    rows.flat() as never,
  );
}

/** Rows of a CSV with a header as objects; none when the file is absent. */
function readCsvObjects(path: string): Record<string, string>[] {
  if (!existsSync(path)) return [];
  const [header = [], ...rows] = parseCsv(readFileSync(path, "utf8"));
  return rows.filter((r) => r.some(Boolean)).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

/** "Counts of pupils from 1 to N are suppressed" in data-guidance.md gives threshold N + 1. */
/** A National Tutoring Programme release says so in its data guidance's title: its counts are the ntp catalogue's. */
function catalogueFromGuidance(paths: string[]): string {
  return paths.some((p) => readFileSync(p, "utf8").startsWith(NTP_GUIDANCE_TITLE)) ? NTP_CATALOGUE_DIR : DEFAULT_CATALOGUE_DIR;
}

function thresholdFromGuidance(paths: string[]): number | undefined {
  for (const p of paths) {
    const m = /from 1 to (\d+) are suppressed/i.exec(readFileSync(p, "utf8"));
    if (m) return Number(m[1]) + 1;
  }
  return undefined;
}

/** One line per breach: file, row, column, what. */
export function formatBreach(b: Breach): string {
  return `${[b.place, b.loc, b.col ? `column ${b.col}` : ""].filter(Boolean).join(", ")}: [${b.kind}] ${b.message}`;
}

export function summarise(result: AuditResult): string {
  const n = result.breaches.length;
  if (n === 0) return `0 breaches (${result.files} files, ${result.cells} published cells, threshold ${result.threshold}, ${result.seconds.toFixed(1)} s)`;
  const byKind = new Map<string, number>();
  for (const b of result.breaches) byKind.set(b.kind, (byKind.get(b.kind) ?? 0) + 1);
  return `${n} breach${n === 1 ? "" : "es"} (${[...byKind].map(([k, v]) => `${k} ${v}`).join(", ")}; ${result.files} files, ${result.cells} published cells, threshold ${result.threshold})`;
}

/** Audits a release about to be published; throws ReleaseRefusedError naming every breach (the first 200 in full). */
export async function assertReleaseClean(folder: string, what: string, options: AuditOptions = {}): Promise<AuditResult> {
  const result = await auditRelease(folder, options);
  if (result.breaches.length === 0) return result;
  const lines = result.breaches.slice(0, 200).map(formatBreach);
  const more = result.breaches.length - lines.length;
  throw new ReleaseRefusedError(
    `The disclosure audit refused ${what}: ${summarise(result)}. Nothing was published.\n${lines.join("\n")}${more > 0 ? `\n... and ${more} more (run tuition-impact audit on the release to list them all)` : ""}`,
  );
}

/** The run's own tutor ids and questionnaire comments, as canaries for the audit. */
export async function canariesFromDb(db: Db): Promise<Canaries> {
  const tutorIds = (await db.hasTable("stg_tuition"))
    ? (await db.all<{ v: string }>("select distinct tutor_id as v from stg_tuition where tutor_id is not null")).map((r) => r.v)
    : [];
  const comments = (await db.hasTable("stg_viewpoints"))
    ? (await db.all<{ v: string }>("select distinct comment as v from stg_viewpoints where comment is not null")).map((r) => r.v)
    : [];
  return { tutorIds, comments };
}

/** What a built site is audited with: the database's canaries and its run's threshold. */
export async function auditOptionsFromDatabase(path: string): Promise<AuditOptions> {
  const db = await Db.open(path, { access_mode: "READ_ONLY" });
  try {
    const settings = (await db.hasTable("run_context")) ? await db.one<{ t: number }>("select suppression_threshold as t from run_context") : undefined;
    return { canaries: await canariesFromDb(db), threshold: settings?.t == null ? undefined : Number(settings.t) };
  } finally {
    db.close();
  }
}
