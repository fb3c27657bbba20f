// Disclosure control (outputs.md §2), the ONE place it happens: every mart listed in the
// indicator catalogue becomes published_<topic>, every value VARCHAR (a rounded number or
// c / x / z), plus published_footnotes giving the reason for each x.
//
// Primary suppression: a count of pupils 1..threshold−1 is `c`; every indicator whose
// count_basis names a suppressed count is `c` (`n@total`: the count n on the breakdown's Total
// row, for shares of the whole).
// Secondary suppression, over the additive sets in which a cell could be recovered by
// differencing (each set = its parts + the total they add up to, per count column):
//   b: the group rows of one breakdown + the breakdown='total' row (same LA, school, subject);
//   s: subject English + Mathematics + subject Total (same LA, school, breakdown, group);
//   u: the school rows of an LA + the LA row (same subject, breakdown, group);
//   n: the LA rows + the National row (national runs).
// Every such set is protected whether or not its parts add up exactly (distinct-pupil totals,
// blanks in a characteristic): where they don't, differencing still narrows a suppressed value,
// so we protect conservatively. A set with exactly one hidden cell that is suppressed gets one
// more cell suppressed: the smallest non-zero part; failing that the total; zeros last (a zero
// is published as 0 whenever that is safe). Ties: (la_code, urn, subject, breakdown, group_label)
// in byte order. All sets are re-examined until nothing changes. Text columns of a mart beyond
// the key (e.g. a questionnaire item) are kept in published_* and separate the sets.
import type { Db } from "../core/db.ts";
import { ident } from "../core/db.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { basisColumn, type CatalogueRow, loadCatalogue, martTable, publishedTable } from "./catalogue.ts";

export const KEY_COLUMNS = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label"] as const;

export class DisclosureError extends Error {}

export interface PublishOptions {
  /** Folder of catalogue CSVs; default pipelines/measures/catalogue. */
  catalogueDir?: string;
}

/**
 * SQL for `expr` (DOUBLE) rounded half away from zero to `dp` decimals, as text with exactly dp
 * decimals: the same figures as formatFixed in core/round.ts. Like roundHalfAway it first keeps
 * 15 significant digits (printf %.14e), so binary noise (1.005 = 1.00499999…) does not decide
 * the half; DuckDB's DECIMAL narrowing cast then rounds half away from zero.
 */
export function sqlRound(expr: string, dp: number): string {
  if (!Number.isInteger(dp) || dp < 0 || dp > 10) throw new DisclosureError(`dp must be an integer 0..10, got ${dp}`);
  const mag = `cast(cast(printf('%.14e', abs(${expr})) as decimal(38, 12)) as decimal(38, ${dp}))`;
  return `(case when ${expr} < 0 and ${mag} <> 0 then '-' else '' end || cast(${mag} as varchar))`;
}

/** Builds published_<topic> for every mart in the catalogue, and published_footnotes. */
export async function publish(db: Db, settings: ResolvedSettings, options: PublishOptions = {}): Promise<void> {
  const catalogue = await loadCatalogue(db, options.catalogueDir);
  const threshold = settings.suppression_threshold;
  const marts = [...new Set(catalogue.map((r) => martTable(r.mart)))];
  const countCols = new Map<string, string[]>();
  const dimsByMart = new Map<string, string[]>();
  for (const mart of marts) {
    const cols = await columnsOf(db, mart);
    if (cols.size === 0) throw new DisclosureError(`The indicator catalogue lists mart ${mart}, but there is no such table. Run the measures stage first or fix the catalogue.`);
    for (const k of KEY_COLUMNS) {
      if (!cols.has(k)) throw new DisclosureError(`${mart} lacks key column ${k} (docs/architecture.md: every mart has ${KEY_COLUMNS.join(", ")}).`);
    }
    const rows = catalogue.filter((r) => martTable(r.mart) === mart);
    const counts = new Set<string>();
    for (const r of rows) {
      if (!cols.has(r.indicator)) throw new DisclosureError(`Indicator catalogue: ${r.indicator} is not a column of ${mart}.`);
      for (const entry of r.count_basis) {
        const c = basisColumn(entry);
        if (!cols.has(c)) throw new DisclosureError(`Indicator catalogue: count_basis ${entry} of ${r.indicator} is not a column of ${mart}.`);
        counts.add(c);
      }
    }
    countCols.set(mart, [...counts].sort());
    // Text columns beyond the key (e.g. a questionnaire item) are further dimensions: cells
    // differing in them are never parts of one additive set.
    const published = new Set([...rows.map((r) => r.indicator), ...counts]);
    const dims = (await textColumnsOf(db, mart)).filter(
      (c) => !(KEY_COLUMNS as readonly string[]).includes(c) && !published.has(c) && !c.endsWith("na_reason"));
    dimsByMart.set(mart, dims);
    const dimKey = dims.length === 0 ? "''" : `concat_ws('|', ${dims.map((d) => `coalesce(cast(${ident(d)} as varchar), '')`).join(", ")})`;
    await db.run(`create or replace temp table ${ident(`_rows_${mart}`)} as
      select row_number() over (order by time_period, la_code, urn nulls first, subject, breakdown, group_label${dims.map((d) => `, ${ident(d)}`).join("")}) as row_id,
        ${dimKey} as _dim_key, *
      from ${ident(mart)}`);
  }

  await buildCells(db, marts, countCols, threshold);
  await buildSets(db);
  await protect(db);

  for (const mart of marts) {
    await buildPublished(db, mart, catalogue.filter((r) => martTable(r.mart) === mart), countCols.get(mart)!, dimsByMart.get(mart)!);
  }
  await buildFootnotes(db, marts, catalogue);
  for (const mart of marts) {
    await db.run(`drop table if exists ${ident(`_rows_${mart}`)}`);
    await db.run(`drop table if exists ${ident(`_pub_${mart}`)}`);
  }
}

async function textColumnsOf(db: Db, table: string): Promise<string[]> {
  const rows = await db.all<{ column_name: string }>(
    `select column_name from information_schema.columns where table_name = ? and data_type = 'VARCHAR' order by ordinal_position`, [table]);
  return rows.map((r) => r.column_name);
}

async function columnsOf(db: Db, table: string): Promise<Set<string>> {
  const rows = await db.all<{ column_name: string }>(
    `select column_name from information_schema.columns where table_name = ? order by ordinal_position`, [table]);
  return new Set(rows.map((r) => r.column_name));
}

// One row per (mart row, count column): the cells disclosure control reasons about.
async function buildCells(db: Db, marts: string[], countCols: Map<string, string[]>, threshold: number): Promise<void> {
  const parts: string[] = [];
  for (const mart of marts) {
    for (const col of countCols.get(mart)!) {
      parts.push(`select '${mart}' as mart, row_id, '${col}' as count_col, _dim_key as dim_key, time_period, la_code, cast(urn as varchar) as urn, subject, breakdown, group_label,
        cast(${ident(col)} as double) as value from ${ident(`_rows_${mart}`)}`);
    }
  }
  await db.run(`create or replace temp table disclosure_cells as
    with unpivoted as (${parts.join("\nunion all\n")}),
    final as (
      select row_number() over (order by mart, count_col, row_id) as cell_id, *,
        value > 0 and value < ${Number(threshold)} as suppressed,
        value > 0 and value < ${Number(threshold)} as primary_suppressed,
        concat_ws('|', la_code, coalesce(urn, ''), subject, breakdown, group_label, dim_key) as tie_key
      from unpivoted
    )
    select * from final`);
}

// disclosure_sets(set_id, cell_id, is_total): the additive sets of the header comment.
async function buildSets(db: Db): Promise<void> {
  await db.run(`create or replace temp table disclosure_sets as
    with c as (select * from disclosure_cells),
    by_breakdown as (
      select concat_ws('|', 'b', p.mart, p.count_col, p.dim_key, p.time_period, p.la_code, coalesce(p.urn, ''), p.subject, p.breakdown) as set_id,
        p.cell_id as part_id, t.cell_id as total_id
      from c p join c t on t.mart = p.mart and t.count_col = p.count_col and t.dim_key = p.dim_key and t.time_period = p.time_period
        and t.la_code = p.la_code and t.urn is not distinct from p.urn and t.subject = p.subject
        and t.breakdown = 'total'
      where p.breakdown <> 'total'
    ),
    by_subject as (
      select concat_ws('|', 's', p.mart, p.count_col, p.dim_key, p.time_period, p.la_code, coalesce(p.urn, ''), p.breakdown, p.group_label),
        p.cell_id, t.cell_id
      from c p join c t on t.mart = p.mart and t.count_col = p.count_col and t.dim_key = p.dim_key and t.time_period = p.time_period
        and t.la_code = p.la_code and t.urn is not distinct from p.urn and t.breakdown = p.breakdown
        and t.group_label = p.group_label and t.subject = 'Total'
      where p.subject in ('English', 'Mathematics')
    ),
    by_school as (
      select concat_ws('|', 'u', p.mart, p.count_col, p.dim_key, p.time_period, p.la_code, p.subject, p.breakdown, p.group_label),
        p.cell_id, t.cell_id
      from c p join c t on t.mart = p.mart and t.count_col = p.count_col and t.dim_key = p.dim_key and t.time_period = p.time_period
        and t.la_code = p.la_code and t.urn is null and t.subject = p.subject and t.breakdown = p.breakdown
        and t.group_label = p.group_label
      where p.urn is not null
    ),
    by_la as (
      select concat_ws('|', 'n', p.mart, p.count_col, p.dim_key, p.time_period, p.subject, p.breakdown, p.group_label),
        p.cell_id, t.cell_id
      from c p join c t on t.mart = p.mart and t.count_col = p.count_col and t.dim_key = p.dim_key and t.time_period = p.time_period
        and t.la_code = 'National' and t.urn is null and t.subject = p.subject and t.breakdown = p.breakdown
        and t.group_label = p.group_label
      where p.urn is null and p.la_code <> 'National'
    ),
    pairs as (
      select * from by_breakdown union all select * from by_subject union all select * from by_school union all select * from by_la
    ),
    final as (
      select set_id, part_id as cell_id, false as is_total from pairs
      union
      select set_id, total_id as cell_id, true as is_total from pairs
    )
    select * from final`);
}

// Adds secondary suppressions until no set has exactly one hidden cell that is suppressed.
// Only sets holding a cell changed in the last round can have become exposed, so each round
// looks at those alone (the first round at all of them).
async function protect(db: Db): Promise<void> {
  await db.run(`create or replace temp table disclosure_dirty as select distinct set_id from disclosure_sets`);
  for (let round = 0; ; round++) {
    if (round > 10_000) throw new DisclosureError("secondary suppression did not settle (internal error)");
    await db.run(`create or replace temp table disclosure_pick as
      with state as (
        select s.set_id, s.is_total, c.cell_id, c.value, c.suppressed, c.suppressed or c.value is null as hidden, c.tie_key
        from disclosure_sets s semi join disclosure_dirty d using (set_id) join disclosure_cells c using (cell_id)
      ),
      exposed as (
        select set_id from state group by set_id
        having count(*) filter (where hidden) = 1 and bool_or(suppressed)
      ),
      ranked as (
        select cell_id, row_number() over (
          partition by set_id order by value = 0, is_total, value, tie_key) as rn
        from state join exposed using (set_id)
        where not hidden
      ),
      final as (select distinct cell_id from ranked where rn = 1)
      select * from final`);
    const picked = await db.one<{ n: number }>(`select count(*) as n from disclosure_pick`);
    if (!picked || picked.n === 0) break;
    await db.run(`update disclosure_cells set suppressed = true where cell_id in (select cell_id from disclosure_pick)`);
    await db.run(`create or replace temp table disclosure_dirty as
      select distinct set_id from disclosure_sets semi join disclosure_pick using (cell_id)`);
  }
  await db.run(`drop table if exists disclosure_pick`);
  await db.run(`drop table if exists disclosure_dirty`);
}

function naReasonExpr(cols: Set<string>, indicator: string): string {
  const own = `${indicator}_na_reason`;
  if (cols.has(own)) return `m.${ident(own)}`;
  if (cols.has("na_reason")) return `m."na_reason"`;
  return "cast(null as varchar)";
}

/** True where the mart marks a missing figure as not applicable (z) rather than not available (x). */
function isNotApplicable(reason: string): string {
  return `(lower(trim(${reason})) = 'z' or lower(trim(${reason})) like 'not applicable%')`;
}

async function buildPublished(db: Db, mart: string, rows: CatalogueRow[], counts: string[], dims: string[]): Promise<void> {
  const cols = await columnsOf(db, mart);
  const flags = counts.map(
    (c) => `bool_or(suppressed) filter (where count_col = '${c}') as ${ident(`${c}__c`)}`,
  );
  const values = rows.map((r) => {
    const v = `cast(m.${ident(r.indicator)} as double)`;
    const reason = naReasonExpr(cols, r.indicator);
    const suppressed = r.count_basis
      .map((c) => (c.endsWith("@total") ? `coalesce(t.${ident(`${basisColumn(c)}__c`)}, false)` : `coalesce(f.${ident(`${c}__c`)}, false)`))
      .join(" or ");
    return `case when ${suppressed} then 'c'
      when ${v} is null or isnan(${v}) or isinf(${v}) then case when ${isNotApplicable(reason)} then 'z' else 'x' end
      else ${sqlRound(v, r.dp)} end as ${ident(r.indicator)}`;
  });
  await db.run(`create or replace temp table ${ident(`_pub_${mart}`)} as
    with flags as (
      select row_id, ${flags.join(",\n      ")} from disclosure_cells where mart = '${mart}' group by row_id
    ),
    total_flags as (
      select m.time_period, m.la_code, m.urn, m.subject, m._dim_key, f.* exclude (row_id)
      from ${ident(`_rows_${mart}`)} m join flags f using (row_id)
      where m.breakdown = 'total'
    ),
    final as (
      select m.row_id, ${[...KEY_COLUMNS, ...dims].map((k) => `m.${ident(k)}`).join(", ")},
        ${values.join(",\n        ")}
      from ${ident(`_rows_${mart}`)} m
      left join flags f using (row_id)
      left join total_flags t on t.time_period = m.time_period and t.la_code = m.la_code and t.urn is not distinct from m.urn
        and t.subject = m.subject and t._dim_key = m._dim_key
    )
    select * from final`);
  await db.run(`create or replace table ${ident(publishedTable(mart))} as
    select * exclude (row_id) from ${ident(`_pub_${mart}`)} order by row_id`);
}

async function buildFootnotes(db: Db, marts: string[], catalogue: CatalogueRow[]): Promise<void> {
  const parts: string[] = [];
  for (const mart of marts) {
    const cols = await columnsOf(db, mart);
    const pub = publishedTable(mart);
    for (const r of catalogue.filter((x) => martTable(x.mart) === mart)) {
      const reason = naReasonExpr(cols, r.indicator);
      parts.push(`select '${pub}' as published_table, ${KEY_COLUMNS.map((k) => `p.${k}`).join(", ")}, '${r.indicator}' as indicator,
          coalesce(nullif(trim(${reason}), ''), 'Not available') as reason
        from ${ident(`_rows_${mart}`)} m join ${ident(`_pub_${mart}`)} p using (row_id)
        where p.${ident(r.indicator)} = 'x'`);
    }
  }
  await db.run(`create or replace table published_footnotes as
    with notes as (${parts.join("\nunion all\n")}),
    final as (select * from notes)
    select * from final order by published_table, indicator, time_period, la_code, urn nulls first, subject, breakdown, group_label`);
}
