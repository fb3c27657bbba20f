// The indicator catalogue: which mart columns are published, how (label, unit, dp), which
// counts their suppression follows, and which file of the return they go in. The measures
// engineers keep it as CSVs under pipelines/measures/catalogue/; disclosure control, the
// return and the combiner all read it from table indicator_catalogue.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type Db, literal } from "../core/db.ts";

/** Beside this module, not relative to the working directory: the CLI runs from anywhere. */
export const DEFAULT_CATALOGUE_DIR = join(import.meta.dirname, "..", "measures", "catalogue");
/**
 * The ntp profile's catalogue (programmes.md §13–§14 and its data-quality reading), which an ntp
 * run publishes with instead: a subfolder, which the 2009 loader does not read.
 */
export const NTP_CATALOGUE_DIR = join(DEFAULT_CATALOGUE_DIR, "ntp");

const snake = /^[a-z][a-z0-9_]*$/;

/** How the combiner turns LA figures into a National figure (see combine.ts). */
export const Combine = z.enum(["sum", "weighted_mean", "not_combinable"]);
export type Combine = z.infer<typeof Combine>;

export const CatalogueRow = z.object({
  indicator: z.string().regex(snake, "indicator is a snake_case column name"),
  mart: z.string().regex(snake, "mart is a table name such as mart_impact"),
  label: z.string().min(1, "label is required"),
  grouping: z.string().default(""),
  unit: z.enum(["", "%", "pp", "£", "£m"]).default(""),
  dp: z.coerce.number().int().min(0).max(10),
  /**
   * Count column(s) of the same mart, `;`-separated; the first is the denominator (weights
   * means/% when combining). `name@total` means that count on the breakdown's Total row (same
   * LA, school, subject): for shares of the whole, e.g. a group's share of all tutees.
   */
  count_basis: z
    .string()
    .min(1, "count_basis names the count column(s) the indicator is derived from")
    .transform((s) =>
      s
        .split(";")
        .map((c) => c.trim())
        .filter(Boolean),
    )
    .refine(
      (cs) => cs.length > 0 && cs.every((c) => /^[a-z][a-z0-9_]*(@total)?$/.test(c)),
      "count_basis entries are snake_case column names, optionally ending @total",
    ),
  level: z.enum(["la", "school", "both", "none"]),
  combine: Combine.optional(),
});
export type CatalogueRow = z.infer<typeof CatalogueRow>;

export class CatalogueError extends Error {}

/** Table name of a catalogue `mart` value: `impact` and `mart_impact` both mean table mart_impact. */
export function martTable(mart: string): string {
  return mart.startsWith("mart_") ? mart : `mart_${mart}`;
}

/** The count column a count_basis entry names (`n@total` → `n`). */
export function basisColumn(entry: string): string {
  return entry.replace(/@total$/, "");
}

/** published_<topic> for mart_<topic>. */
export function publishedTable(mart: string): string {
  return `published_${martTable(mart).slice("mart_".length)}`;
}

/**
 * The combine rule: explicit `combine` column if the catalogue gives one; otherwise a count
 * (an indicator that is its own count basis) sums, a percentage or a `mean_` is weighted by its
 * first count basis, and anything else (impact, CIs, ratios, medians) is not combinable, so a
 * wrong National figure is never published.
 */
export function combineRule(row: CatalogueRow): Combine {
  if (row.combine) return row.combine;
  if (row.count_basis.includes(row.indicator)) return "sum";
  if (row.unit === "%" || row.indicator.startsWith("mean_")) return "weighted_mean";
  return "not_combinable";
}

/**
 * Loads every *.csv of `dir` into table indicator_catalogue (replacing it). When `dir` holds no
 * CSV, an existing indicator_catalogue table is kept (tests and other stages may build it).
 */
export async function loadCatalogue(db: Db, dir = DEFAULT_CATALOGUE_DIR): Promise<CatalogueRow[]> {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".csv"))
        .sort()
    : [];
  let raw: Record<string, unknown>[];
  if (files.length > 0) {
    const paths = files.map((f) => literal(join(dir, f))).join(", ");
    raw = await db.all(`select * from read_csv([${paths}], all_varchar = true, union_by_name = true, filename = true, header = true)`);
  } else {
    if (!(await db.hasTable("indicator_catalogue")))
      throw new CatalogueError(`No indicator catalogue: no CSV files in ${dir} and no table indicator_catalogue.`);
    raw = await db.all(`select * from indicator_catalogue`);
    for (const r of raw) delete r.ord;
  }
  const rows: CatalogueRow[] = raw.map((r, i) => {
    const where = r.filename ? `${r.filename} line ${i + 2}` : `indicator_catalogue row ${i + 1}`;
    const cleaned = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v == null ? undefined : String(v)]));
    if (cleaned.combine === "") delete cleaned.combine;
    const parsed = CatalogueRow.safeParse({ ...cleaned, grouping: cleaned.grouping ?? "", unit: cleaned.unit ?? "" });
    if (!parsed.success) {
      const msg = parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ");
      throw new CatalogueError(`Indicator catalogue ${where} (${cleaned.indicator ?? "?"}): ${msg}. Fix the catalogue CSV.`);
    }
    return parsed.data;
  });
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${martTable(r.mart)}.${r.indicator}`;
    if (seen.has(key)) throw new CatalogueError(`Indicator catalogue lists ${key} twice; keep one row.`);
    seen.add(key);
  }
  const columns = [
    ["indicator", "VARCHAR"],
    ["mart", "VARCHAR"],
    ["label", "VARCHAR"],
    ["grouping", "VARCHAR"],
    ["unit", "VARCHAR"],
    ["dp", "INTEGER"],
    ["count_basis", "VARCHAR"],
    ["level", "VARCHAR"],
    ["combine", "VARCHAR"],
    ["ord", "INTEGER"],
  ] as const;
  await db.writeTable(
    "indicator_catalogue",
    columns,
    rows.map((r, i) => ({
      indicator: r.indicator,
      mart: r.mart,
      label: r.label,
      grouping: r.grouping,
      unit: r.unit,
      dp: r.dp,
      count_basis: r.count_basis.join(";"),
      level: r.level,
      combine: combineRule(r),
      ord: i,
    })),
  );
  return rows;
}

/**
 * Which pupils a count column counts (outputs.md §2, "one decision per count"): two count
 * columns with the same population on the same key (time_period, LA, school, subject,
 * breakdown, group, further dimensions) are the same count of the same pupils, published under
 * two names, and get one disclosure decision. `within` names the population of the group the
 * count is a part of (its size), for attribute disclosure: where that size is `c`, so is this
 * count. `group` = `other`: the count is about the other group of a two-valued comparison
 * (counts/other_groups.csv), not the row's own group (mart_gaps' "other group" counts).
 * A count column not listed is a population of its own with no size above it.
 */
export const CountRow = z.object({
  mart: z.string().regex(snake, "mart is a table name such as mart_attainment"),
  count: z.string().regex(snake, "count is a snake_case column name"),
  population: z.string().regex(snake, "population is a snake_case name for which pupils are counted"),
  within: z.string().regex(snake, "within is a population name").or(z.literal("")).default(""),
  group: z.enum(["", "other"]).default(""),
});
export type CountRow = z.infer<typeof CountRow>;

export interface CountCatalogue {
  counts: CountRow[];
  /** breakdown → group label → the other group's label (for `group` = other). */
  otherGroups: { breakdown: string; group_label: string; other_label: string }[];
}

/**
 * Reads `<dir>/counts/counts.csv` and `<dir>/counts/other_groups.csv` (both optional: without
 * them every count is its own population). Kept in a subfolder so the indicator rows'
 * `*.csv` files stay one shape.
 */
export async function loadCountCatalogue(db: Db, dir = DEFAULT_CATALOGUE_DIR): Promise<CountCatalogue> {
  const read = async (name: string): Promise<Record<string, string>[]> => {
    const path = join(dir, "counts", name);
    if (!existsSync(path)) return [];
    return db.all<Record<string, string>>(`select * from read_csv(${literal(path)}, all_varchar = true, header = true)`);
  };
  const counts = (await read("counts.csv")).map((r, i) => {
    const cleaned = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ""]));
    const parsed = CountRow.safeParse(cleaned);
    if (!parsed.success) {
      const msg = parsed.error.issues.map((x) => `${x.path.join(".")}: ${x.message}`).join("; ");
      throw new CatalogueError(
        `Count catalogue ${join(dir, "counts", "counts.csv")} line ${i + 2} (${cleaned.mart ?? "?"}.${cleaned.count ?? "?"}): ${msg}. Fix the CSV.`,
      );
    }
    return { ...parsed.data, mart: martTable(parsed.data.mart) };
  });
  const seen = new Set<string>();
  for (const [i, r] of counts.entries()) {
    const key = `${r.mart}.${r.count}`;
    if (seen.has(key)) throw new CatalogueError(`Count catalogue counts/counts.csv line ${i + 2} lists ${key} a second time; keep one row.`);
    seen.add(key);
  }
  const populations = new Set(counts.map((r) => r.population));
  for (const [i, r] of counts.entries()) {
    if (r.within && !populations.has(r.within))
      throw new CatalogueError(
        `Count catalogue counts/counts.csv line ${i + 2}: ${r.mart}.${r.count} is within population ${r.within}, which no count column is declared to count.`,
      );
  }
  const otherGroups = (await read("other_groups.csv")).map((r, i) => {
    if (!r.breakdown || !r.group_label || !r.other_label)
      throw new CatalogueError(`Count catalogue counts/other_groups.csv line ${i + 2}: breakdown, group_label and other_label are all required.`);
    return { breakdown: r.breakdown, group_label: r.group_label, other_label: r.other_label };
  });
  return { counts, otherGroups };
}

/** Reads indicator_catalogue back (after loadCatalogue), in its own order. */
export async function readCatalogue(db: Db): Promise<CatalogueRow[]> {
  const raw = await db.all(`select * exclude (ord) from indicator_catalogue order by ord`);
  return raw.map((r) => CatalogueRow.parse({ ...r, dp: Number(r.dp), combine: r.combine ?? undefined }));
}
