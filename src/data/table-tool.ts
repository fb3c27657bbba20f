// What the table tool (src/pages/table-tool.md) reads: the return's two data files rebuilt from
// published_* (disclosure-controlled) with the catalogue's labels, never pupil rows.
// - la.json, loaded with the page: every LA row (all years), as row objects keyed exactly like the
//   published tables, so the site's disclosure audit reads each cell; with the filters' and
//   indicators' labels and the run's provenance.
// - schools-rows.json and one schools-<mart>.json per published table with school rows, loaded
//   only when the reader chooses the schools data: columnar (rows as small index arrays, each
//   indicator one array of values), because as row objects the demo LA's 500 schools would add
//   ~14 MB to a site whose budget is 20 MB (issue 17). School rows are the whole school, key
//   stage and prior-attainment rows, as on the school pages: the pupil-characteristic breakdowns
//   of one school are nearly all suppressed and would make the data ~20 times larger; they are in
//   the schools file on the Downloads page.
// A cell a table has no row for is `z`, as the return writes it (pipelines/export/return.ts).
import { ident, type Db, type Row } from "../../pipelines/core/db.ts";
import { publishedTable } from "../../pipelines/export/catalogue.ts";
import { BREAKDOWNS, FILTERS, SUBJECT_ORDER } from "../../pipelines/export/layout.ts";
import { provenanceData } from "./page-data.ts";
import { PUPIL_BREAKDOWNS } from "./school-page.ts";
import { columnsOf, hasTable } from "./site-catalogue.ts";
import { jsonSafe } from "./source.ts";

/**
 * The published tables whose school rows the page can load, one file each. The page names each
 * file literally (Framework only publishes files a page names), so a new table with school
 * indicators must be added here and in the page; schoolParts() refuses one that is not.
 */
export const SCHOOL_PARTS = ["attainment", "delivery", "value", "school_progress"] as const;

const KEY = ["time_period", "la_code", "subject", "breakdown", "group_label"] as const;

export interface ToolIndicator {
  indicator: string;
  label: string;
  grouping: string;
  unit: string;
  dp: number;
  /** The published table holding it (without `published_`): which schools file to load. */
  part: string;
}

type CatalogueEntry = Row & {
  indicator: string;
  mart: string;
  label: string;
  grouping: string | null;
  unit: string | null;
  dp: number;
  level: string;
};

/** The catalogue in its own order (the return's column order), read as the site needs it. */
async function catalogueOf(db: Db): Promise<CatalogueEntry[]> {
  if (!(await hasTable(db, "indicator_catalogue"))) return [];
  const order = (await columnsOf(db, "indicator_catalogue")).includes("ord") ? "ord" : "rowid";
  return jsonSafe(
    await db.all<CatalogueEntry>(`select indicator, mart, label, grouping, unit, dp::int as dp, level from indicator_catalogue order by ${order}`),
  );
}

function indicatorsOf(catalogue: CatalogueEntry[], level: "la" | "school"): ToolIndicator[] {
  return catalogue
    .filter((r) => r.level === "both" || r.level === level)
    .map((r) => ({
      indicator: r.indicator,
      label: r.label,
      grouping: r.grouping ?? "",
      unit: r.unit ?? "",
      dp: Number(r.dp),
      part: publishedTable(r.mart).slice("published_".length),
    }));
}

const keyOf = (r: Row, cols: readonly string[]) => JSON.stringify(cols.map((c) => r[c] ?? null));

/** Published rows of some indicators, merged across their tables by key; a missing cell is z. */
async function mergedRows(db: Db, indicators: ToolIndicator[], level: "la" | "school", key: readonly string[]): Promise<Row[]> {
  const merged = new Map<string, Row>();
  const parts = [...new Set(indicators.map((i) => i.part))];
  for (const part of parts) {
    const table = `published_${part}`;
    if (!(await hasTable(db, table))) continue;
    const cols = await columnsOf(db, table);
    const wanted = indicators.filter((i) => i.part === part).map((i) => i.indicator);
    const missing = wanted.filter((c) => !cols.includes(c));
    if (missing.length)
      throw new Error(
        `${table} has no column ${missing.join(", ")}, which the indicator catalogue lists for it: the database and the catalogue are from different versions; run the pipeline again.`,
      );
    const urn = cols.includes("urn") ? (level === "school" ? "urn is not null" : "urn is null") : level === "school" ? "false" : "true";
    const breakdowns = level === "school" ? ` and breakdown not in (${PUPIL_BREAKDOWNS.map(() => "?").join(", ")})` : "";
    const rows = jsonSafe(
      await db.all<Row>(
        `select ${[...key, ...wanted].map(ident).join(", ")} from ${ident(table)} where ${urn}${breakdowns}`,
        level === "school" ? PUPIL_BREAKDOWNS : [],
      ),
    );
    for (const r of rows) {
      const k = keyOf(r, key);
      merged.set(k, { ...(merged.get(k) ?? {}), ...r });
    }
  }
  const out = [...merged.values()];
  for (const r of out) for (const i of indicators) r[i.indicator] ??= "z";
  const position = (list: readonly string[], v: unknown) => list.indexOf(String(v)) + 1 || list.length + 1;
  return out.sort(
    (a, b) =>
      String(a.time_period).localeCompare(String(b.time_period)) ||
      Number(a.la_code === "National") - Number(b.la_code === "National") ||
      String(a.la_code).localeCompare(String(b.la_code)) ||
      String(a.urn ?? "").localeCompare(String(b.urn ?? "")) ||
      position(SUBJECT_ORDER, a.subject) - position(SUBJECT_ORDER, b.subject) ||
      position(BREAKDOWNS, a.breakdown) - position(BREAKDOWNS, b.breakdown) ||
      (a.group_label === "Total" ? -1 : b.group_label === "Total" ? 1 : String(a.group_label).localeCompare(String(b.group_label))),
  );
}

/** la.json: the LA rows, the labels, and what the schools files hold (names, indicators). */
export async function laData(db: Db, names: Record<string, string>): Promise<Record<string, unknown>> {
  const catalogue = await catalogueOf(db);
  const la = indicatorsOf(catalogue, "la");
  const school = indicatorsOf(catalogue, "school");
  const schoolPartsUsed = [...new Set(school.map((i) => i.part))];
  const unknown = schoolPartsUsed.filter((p) => !(SCHOOL_PARTS as readonly string[]).includes(p));
  if (unknown.length)
    throw new Error(
      `The indicator catalogue has school indicators in published_${unknown.join(", published_")}, which the table tool has no file for: add it to SCHOOL_PARTS in src/data/table-tool.ts and to the page src/pages/table-tool.md.`,
    );
  const rows = await mergedRows(db, la, "la", KEY);
  return {
    ...(await provenanceData(db)),
    filters: FILTERS.map((f) => ({ col: f.col, label: f.label })),
    la: { indicators: la, rows },
    schools: { indicators: school, names },
  };
}

/** A published value as stored in the columnar files: a JSON number where that gives back the published text exactly. */
export function compactValue(value: unknown, dp: number): string | number {
  const s = String(value);
  const n = Number(s);
  return /^-?\d+(\.\d+)?$/.test(s) && n.toFixed(dp) === s ? n : s;
}

/**
 * schools-rows.json: the school rows' keys, each row [time period, school, subject, group] as
 * indexes into the lists beside it; and schools-<part>.json: per indicator, its values in that
 * row order. Numbers are stored as numbers when printing them to the indicator's dp gives the
 * published text back exactly; anything else (c, x, z) stays text.
 */
export async function schoolParts(db: Db): Promise<{ rows: Record<string, unknown>; parts: Record<string, Record<string, (string | number)[]>> }> {
  const catalogue = await catalogueOf(db);
  const indicators = indicatorsOf(catalogue, "school");
  const key = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label"];
  const rows = await mergedRows(db, indicators, "school", key);
  const lists = { periods: [] as string[], schools: [] as string[], subjects: [] as string[], groups: [] as [string, string][] };
  const at = <T>(list: T[], v: T, same = (a: T) => a === v) => {
    const i = list.findIndex(same);
    return i === -1 ? list.push(v) - 1 : i;
  };
  const keys = rows.map((r) => [
    at(lists.periods, String(r.time_period)),
    at(lists.schools, String(r.urn)),
    at(lists.subjects, String(r.subject)),
    at(lists.groups, [String(r.breakdown), String(r.group_label)], (g) => g[0] === r.breakdown && g[1] === r.group_label),
  ]);
  const parts: Record<string, Record<string, (string | number)[]>> = {};
  for (const part of SCHOOL_PARTS) parts[part] = {};
  for (const i of indicators) parts[i.part][i.indicator] = rows.map((r) => compactValue(r[i.indicator], i.dp));
  return { rows: { ...lists, keys }, parts };
}
