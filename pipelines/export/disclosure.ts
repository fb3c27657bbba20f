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
 *
 * That exact path costs microseconds a value (printf, then DECIMAL(38) casts), which is most of
 * publishing at scale, so a fast path takes every value it gives the same answer for: y = |expr|
 * · 10^dp below 1e8 and at least 1e-4 from a half (y − floor(y) not within 1e-4 of 0.5). There
 * the 15-digit text (off by at most y·5e-15), its 12-decimal cast (10^dp·1e-12) and the double
 * product (y·2^-53) all lie within 2e-6 of y, so the exact path rounds to the integer nearest y
 * too, floor(y + 0.5), printed by the same DECIMAL to VARCHAR cast. Halves, near-halves, large
 * values and dp > 6 take the exact path.
 */
export function sqlRound(expr: string, dp: number): string {
  if (!Number.isInteger(dp) || dp < 0 || dp > 10) throw new DisclosureError(`dp must be an integer 0..10, got ${dp}`);
  const mag = `cast(cast(printf('%.14e', abs(${expr})) as decimal(38, 12)) as decimal(38, ${dp}))`;
  const exact = `(case when ${expr} < 0 and ${mag} <> 0 then '-' else '' end || cast(${mag} as varchar))`;
  if (dp > 6) return exact;
  const y = `(abs(${expr}) * cast(${10 ** dp} as double))`;
  const n = `floor(${y} + 0.5)`;
  const scaled = dp === 0 ? `cast(${n} as decimal(9, 0))` : `cast(${n} as decimal(9, 0)) * ${(10 ** -dp).toFixed(dp)}`;
  return `(case when ${y} < 1e8 and abs(${y} - floor(${y}) - 0.5) > 1e-4
      then (case when ${expr} < 0 and ${n} <> 0 then '-' else '' end) || cast(${scaled} as varchar)
      else ${exact} end)`;
}

// Integer ids, so that every join below is on one BIGINT instead of strings of keys:
//   row  grid    = mart index · ROW_SPAN + row_id              (row_id: the mart row's place in key order)
//   cell cell_id = grid · COL_SPAN + count-column index        (the mart's count columns, sorted)
//   set  rsid    = kind · KIND_SPAN + grid of its smallest part (kinds b, s, u, n = 0..3)
//        cset    = rsid · COL_SPAN + count-column index        (a set of cells: one set of rows, one count)
// Set membership does not depend on the count column, so it is worked out once on rows
// (_dc_members) and expanded to cells by column index only where a set is looked at.
const COL_SPAN = 1024;
const ROW_SPAN = 2 ** 36;
const KIND_SPAN = 2 ** 46;
const MAX_MARTS = KIND_SPAN / ROW_SPAN; // so grid < KIND_SPAN, and cset < 4 · KIND_SPAN · COL_SPAN = 2^58

interface MartPlan {
  m: number;
  mart: string;
  /** What to read the mart's values from: the mart, or a temp copy when the mart is a view (no rowid). */
  source: string;
  rows: CatalogueRow[];
  counts: string[];
  dims: string[];
  cols: Set<string>;
}

/** Builds published_<topic> for every mart in the catalogue, and published_footnotes. */
export async function publish(db: Db, settings: ResolvedSettings, options: PublishOptions = {}): Promise<void> {
  const catalogue = await inTransaction(db, () => loadCatalogue(db, options.catalogueDir));
  const threshold = Number(settings.suppression_threshold);
  const marts = [...new Set(catalogue.map((r) => martTable(r.mart)))];
  if (marts.length > MAX_MARTS) throw new DisclosureError(`Disclosure control handles at most ${MAX_MARTS} marts; the catalogue lists ${marts.length}.`);
  const meta = await tableMeta(db, marts);
  const plans: MartPlan[] = [];
  for (const [m, mart] of marts.entries()) {
    const { cols, text, view } = meta.get(mart)!;
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
    if (counts.size > COL_SPAN) throw new DisclosureError(`${mart} has more than ${COL_SPAN} count columns (internal limit of disclosure control).`);
    // Text columns beyond the key (e.g. a questionnaire item) are further dimensions: cells
    // differing in them are never parts of one additive set.
    const published = new Set([...rows.map((r) => r.indicator), ...counts]);
    const dims = text.filter((c) => !(KEY_COLUMNS as readonly string[]).includes(c) && !published.has(c) && !c.endsWith("na_reason"));
    const plan: MartPlan = { m, mart, source: ident(mart), rows, counts: [...counts].sort(), dims, cols };
    if (view) {
      plan.source = ident(`_src_${mart}`); // a view has no rowid to read values back by
      await db.run(`create or replace temp table ${plan.source} as select * from ${ident(mart)}`);
    }
    await buildRows(db, plan);
    plans.push(plan);
  }

  await buildCells(db, plans, threshold);
  await buildSets(db);
  await protect(db);

  for (const plan of plans) await buildPublished(db, plan, threshold);
  await buildFootnotes(db, plans, threshold);
  for (const plan of plans) {
    await db.run(`drop table if exists ${ident(`_rows_${plan.mart}`)}`);
    await db.run(`drop table if exists ${ident(`_src_${plan.mart}`)}`);
  }
  for (const t of ["_dc_rows", "_dc_cells", "_dc_members", "_dc_sec"]) await db.run(`drop table if exists ${t}`);
}

/**
 * Runs `work` as one transaction unless the caller has one open: loading the catalogue is a
 * statement per row, and one commit instead of one per row is most of its time.
 */
async function inTransaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  try {
    await db.run("begin transaction");
  } catch {
    return work(); // already inside the caller's transaction
  }
  try {
    const result = await work();
    await db.run("commit");
    return result;
  } catch (e) {
    await db.run("rollback").catch(() => undefined);
    throw e;
  }
}

/** Per mart: its column names, its VARCHAR columns in order, and whether it is a view. */
async function tableMeta(db: Db, marts: string[]): Promise<Map<string, { cols: Set<string>; text: string[]; view: boolean }>> {
  const meta = new Map(marts.map((m) => [m, { cols: new Set<string>(), text: [] as string[], view: false }]));
  const list = marts.map(() => "?").join(", ");
  const cols = await db.all<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns where table_name in (${list}) order by ordinal_position`, marts);
  for (const c of cols) {
    const m = meta.get(c.table_name)!;
    m.cols.add(c.column_name);
    if (c.data_type === "VARCHAR") m.text.push(c.column_name);
  }
  const views = await db.all<{ table_name: string }>(
    `select table_name from information_schema.tables where table_name in (${list}) and table_type = 'VIEW'`, marts);
  for (const v of views) meta.get(v.table_name)!.view = true;
  return meta;
}

// _rows_<mart>: one narrow row per mart row: row_id (key order), _src (the mart's rowid, to read
// the published values back), the key, further dimensions, _dim_key, and the count columns as
// DOUBLE (_c0.. in plan.counts order). Wide copies of a mart are what cost time, so there are none.
async function buildRows(db: Db, plan: MartPlan): Promise<void> {
  const { mart, dims, counts } = plan;
  const dimKey = dims.length === 0 ? "''" : `concat_ws('|', ${dims.map((d) => `coalesce(cast(${ident(d)} as varchar), '')`).join(", ")})`;
  await db.run(`create or replace temp table ${ident(`_rows_${mart}`)} as
    select row_number() over (order by time_period, la_code, urn nulls first, subject, breakdown, group_label${dims.map((d) => `, ${ident(d)}`).join("")}) as row_id,
      rowid as _src, ${dimKey} as _dim_key, ${[...KEY_COLUMNS, ...dims].map(ident).join(", ")}
      ${counts.map((c, i) => `, cast(${ident(c)} as double) as _c${i}`).join("")}
    from ${plan.source}
    order by row_id`);
  const n = await db.one<{ n: number }>(`select count(*) as n from ${ident(`_rows_${mart}`)}`);
  if (n && n.n >= ROW_SPAN) throw new DisclosureError(`${mart} has ${n.n} rows, more than disclosure control handles (${ROW_SPAN}).`);
}

// _dc_rows: every mart row's key, by grid. _dc_cells: one row per (mart row, count column), the
// cells disclosure control reasons about, with `hidden` (not published as a number: a NULL count
// or a suppressed one). A hidden cell with a value is a suppressed one.
async function buildCells(db: Db, plans: MartPlan[], threshold: number): Promise<void> {
  const rowParts: string[] = [];
  const cellParts: string[] = [];
  for (const { m, mart, counts } of plans) {
    const rows = ident(`_rows_${mart}`);
    rowParts.push(`select ${m * ROW_SPAN} + row_id as grid, ${m} as m, _dim_key as dim_key, time_period, la_code, cast(urn as varchar) as urn,
        subject, breakdown, group_label from ${rows}`);
    for (const i of counts.keys()) {
      cellParts.push(`select (${m * ROW_SPAN} + row_id) * ${COL_SPAN} + ${i} as cell_id, _c${i} as value,
          _c${i} is null or (_c${i} > 0 and _c${i} < ${threshold}) as hidden from ${rows}`);
    }
  }
  await db.run(`create or replace temp table _dc_rows as ${rowParts.join("\nunion all\n")}`);
  await db.run(`create or replace temp table _dc_cells as ${cellParts.join("\nunion all\n")}`);
}

// _dc_members(rsid, grid, is_total): the additive sets of the header comment, on rows. Part and
// total rows match on the columns the header names (= on each, `is not distinct from` on urn, so a
// NULL anywhere but urn matches nothing); a set exists when it has a part and a total. A part row
// is in exactly one set of each kind, so a set is named by its smallest part row.
interface SetKind {
  /** Columns a part and its total share. */
  shared: string[];
  /** Further columns shared by the parts of one set (b: the breakdown). */
  partOnly: string[];
  part: string;
  total: string;
  /** Columns that must not be NULL for the row to be in a set of this kind (those joined with =). */
  notNull: string[];
}

const SET_KINDS: SetKind[] = [
  { // b: the group rows of one breakdown + the breakdown='total' row (same LA, school, subject)
    shared: ["time_period", "la_code", "urn", "subject"], partOnly: ["breakdown"],
    part: "breakdown <> 'total'", total: "breakdown = 'total'", notNull: ["time_period", "la_code", "subject", "breakdown"] },
  { // s: subject English + Mathematics + subject Total (same LA, school, breakdown, group)
    shared: ["time_period", "la_code", "urn", "breakdown", "group_label"], partOnly: [],
    part: "subject in ('English', 'Mathematics')", total: "subject = 'Total'", notNull: ["time_period", "la_code", "breakdown", "group_label"] },
  { // u: the school rows of an LA + the LA row (same subject, breakdown, group)
    shared: ["time_period", "la_code", "subject", "breakdown", "group_label"], partOnly: [],
    part: "urn is not null", total: "urn is null", notNull: ["time_period", "la_code", "subject", "breakdown", "group_label"] },
  { // n: the LA rows + the National row (national runs)
    shared: ["time_period", "subject", "breakdown", "group_label"], partOnly: [],
    part: "urn is null and la_code <> 'National'", total: "urn is null and la_code = 'National'", notNull: ["time_period", "subject", "breakdown", "group_label"] },
];

async function buildSets(db: Db): Promise<void> {
  const on = (a: string, b: string, cols: string[]) =>
    ["m", "dim_key", ...cols].map((c) => (c === "urn" ? `${a}.urn is not distinct from ${b}.urn` : `${a}.${c} = ${b}.${c}`)).join(" and ");
  const ctes: string[] = [];
  const finals: string[] = [];
  for (const [kind, k] of SET_KINDS.entries()) {
    const keys = ["m", "dim_key", ...k.shared, ...k.partOnly].join(", ");
    const rows = `(select * from _dc_rows where ${k.notNull.map((c) => `${c} is not null`).join(" and ")})`;
    ctes.push(`k${kind}_part as (select * from ${rows} where ${k.part}),
    k${kind}_total as (select * from ${rows} where ${k.total}),
    k${kind}_set as (
      select ${keys}, ${kind} * ${KIND_SPAN} + min(grid) as rsid from k${kind}_part p
      where exists (select 1 from k${kind}_total t where ${on("t", "p", k.shared)})
      group by all
    )`);
    finals.push(`select s.rsid, p.grid, false as is_total from k${kind}_part p join k${kind}_set s on ${on("s", "p", [...k.shared, ...k.partOnly])}`);
    finals.push(`select s.rsid, t.grid, true from k${kind}_total t join k${kind}_set s on ${on("s", "t", k.shared)}`);
  }
  await db.run(`create or replace temp table _dc_members as
    with ${ctes.join(",\n    ")},
    final as (
      ${finals.join("\n      union all\n      ")}
    )
    select * from final`);
}

// Adds secondary suppressions (_dc_sec) until no set has exactly one hidden cell that is
// suppressed, in rounds: every such (exposed) set picks one more cell, then all picks are applied.
// Only a set holding a cell picked last round can have become exposed, so after the first round
// (which looks at every set with a hidden cell) only those sets are recounted.
async function protect(db: Db): Promise<void> {
  await db.run(`create or replace temp table _dc_exposed as
    select mem.rsid * ${COL_SPAN} + c.cell_id % ${COL_SPAN} as cset
    from _dc_cells c join _dc_members mem on mem.grid = c.cell_id // ${COL_SPAN}
    where c.hidden
    group by all
    having count(*) = 1 and count(c.value) > 0`);
  await db.run(`create or replace temp table _dc_sec (cell_id bigint)`);
  for (let round = 0; ; round++) {
    if (round > 10_000) throw new DisclosureError("secondary suppression did not settle (internal error)");
    // The pick: order by (value = 0, is_total, value), then tie_key; the first three decide
    // almost always, so the tie key is built only for the cells that tie on them.
    await db.run(`create or replace temp table _dc_pick as
      with exposed as (select cset, cset // ${COL_SPAN} as rsid, cset % ${COL_SPAN} as col from _dc_exposed),
      open as materialized (
        select e.cset, mem.is_total, c.cell_id, c.value
        from exposed e join _dc_members mem using (rsid)
        join _dc_cells c on c.cell_id = mem.grid * ${COL_SPAN} + e.col
        where not c.hidden
      ),
      best as (
        select cset, min({'zero': value = 0, 'is_total': is_total, 'value': value}) as k from open group by cset
      ),
      tied as (
        select o.cset, o.cell_id from open o join best b using (cset)
        where (o.value = 0) = b.k.zero and o.is_total = b.k.is_total and o.value = b.k.value
      ),
      final as (
        select distinct arg_min(t.cell_id, concat_ws('|', r.la_code, coalesce(r.urn, ''), r.subject, r.breakdown, r.group_label, r.dim_key)) as cell_id
        from tied t join _dc_rows r on r.grid = t.cell_id // ${COL_SPAN}
        group by t.cset
      )
      select * from final`);
    const picked = await db.one<{ n: number }>(`select count(*) as n from _dc_pick`);
    if (!picked || picked.n === 0) break;
    await db.run(`insert into _dc_sec select cell_id from _dc_pick`);
    await db.run(`update _dc_cells set hidden = true where cell_id in (select cell_id from _dc_pick)`);
    await db.run(`create or replace temp table _dc_dirty as
      select distinct mem.rsid * ${COL_SPAN} + p.cell_id % ${COL_SPAN} as cset
      from _dc_pick p join _dc_members mem on mem.grid = p.cell_id // ${COL_SPAN}`);
    await db.run(`create or replace temp table _dc_exposed as
      with dirty as (select cset // ${COL_SPAN} as rsid, cset % ${COL_SPAN} as col from _dc_dirty)
      select mem.rsid * ${COL_SPAN} + d.col as cset
      from dirty d join _dc_members mem using (rsid)
      join _dc_cells c on c.cell_id = mem.grid * ${COL_SPAN} + d.col
      where c.hidden
      group by all
      having count(*) = 1 and count(c.value) > 0`);
  }
  for (const t of ["_dc_pick", "_dc_dirty", "_dc_exposed"]) await db.run(`drop table if exists ${t}`);
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

// The CTEs giving, per row of a mart, whether each count is `c` (flags: a primary suppression
// from the value itself, or a secondary one from _dc_sec) and the same for the breakdown's Total
// row (total_flags, for `n@total`), and the FROM clause joining them to the mart (alias m) and its
// _rows_ (alias r).
function flagSql(plan: MartPlan, threshold: number): { ctes: string; from: string } {
  const { m, mart, counts } = plan;
  const rows = ident(`_rows_${mart}`);
  const secondary = counts.map((c, i) => `bool_or(cell_id % ${COL_SPAN} = ${i}) as ${ident(`${c}__s`)}`);
  const flags = counts.map((c, i) =>
    `coalesce(r._c${i} > 0 and r._c${i} < ${threshold}, false) or coalesce(s.${ident(`${c}__s`)}, false) as ${ident(`${c}__c`)}`);
  const ctes = `secondary as (
      select cell_id // ${COL_SPAN} - ${m * ROW_SPAN} as row_id, ${secondary.join(", ")}
      from _dc_sec where cell_id // ${COL_SPAN} between ${m * ROW_SPAN} and ${(m + 1) * ROW_SPAN - 1} group by all
    ),
    flags as (
      select r.row_id, ${flags.join(",\n        ")}
      from ${rows} r left join secondary s on s.row_id = r.row_id
    ),
    total_flags as (
      select r.time_period, r.la_code, r.urn, r.subject, r._dim_key, f.* exclude (row_id)
      from ${rows} r join flags f on f.row_id = r.row_id
      where r.breakdown = 'total'
    )`;
  const from = `${rows} r
      join ${plan.source} m on m.rowid = r._src
      left join flags f on f.row_id = r.row_id
      left join total_flags t on t.time_period = r.time_period and t.la_code = r.la_code and t.urn is not distinct from r.urn
        and t.subject = r.subject and t._dim_key = r._dim_key`;
  return { ctes, from };
}

/** The published text of an indicator: c, x, z or (round = true) the rounded number, else NULL. */
function valueSql(plan: MartPlan, r: CatalogueRow, round: boolean): string {
  const v = `cast(m.${ident(r.indicator)} as double)`;
  const reason = naReasonExpr(plan.cols, r.indicator);
  const suppressed = r.count_basis
    .map((c) => (c.endsWith("@total") ? `coalesce(t.${ident(`${basisColumn(c)}__c`)}, false)` : `coalesce(f.${ident(`${c}__c`)}, false)`))
    .join(" or ");
  return `case when ${suppressed} then 'c'
      when ${v} is null or isnan(${v}) or isinf(${v}) then case when ${isNotApplicable(reason)} then 'z' else 'x' end
      else ${round ? sqlRound(v, r.dp) : "null"} end`;
}

async function buildPublished(db: Db, plan: MartPlan, threshold: number): Promise<void> {
  const { ctes, from } = flagSql(plan, threshold);
  await db.run(`create or replace table ${ident(publishedTable(plan.mart))} as
    with ${ctes},
    final as (
      select r.row_id, ${[...KEY_COLUMNS, ...plan.dims].map((k) => `r.${ident(k)}`).join(", ")},
        ${plan.rows.map((r) => `${valueSql(plan, r, true)} as ${ident(r.indicator)}`).join(",\n        ")}
      from ${from}
    )
    select * exclude (row_id) from final order by row_id`);
}

// One row per x. The x cells are read back from published_<topic>: when it has one row per mart
// row (the usual case), its rows and _rows_<mart> are both stored in row_id order (tables keep
// the order they were created in, preserve_insertion_order), so a positional join pairs them. Only where a mart's breakdown Total row is not unique (so a row can be published
// more than once) are the x cells worked out again, by the published values' expressions less
// the rounding.
async function buildFootnotes(db: Db, plans: MartPlan[], threshold: number): Promise<void> {
  const parts: string[] = [];
  for (const plan of plans) {
    const pub = ident(publishedTable(plan.mart));
    const rows = ident(`_rows_${plan.mart}`);
    const counts = await db.one<{ same: boolean }>(`select (select count(*) from ${pub}) = (select count(*) from ${rows})
      and current_setting('preserve_insertion_order') as same`);
    const reason = (r: CatalogueRow) => `coalesce(nullif(trim(${naReasonExpr(plan.cols, r.indicator)}), ''), 'Not available')`;
    if (counts?.same) {
      const indicators = plan.rows.map((r) => ident(r.indicator));
      parts.push(`select '${publishedTable(plan.mart)}' as published_table, ${KEY_COLUMNS.map((k) => `u.${k}`).join(", ")}, u.indicator,
          case u.indicator ${plan.rows.map((r) => `when '${r.indicator}' then ${reason(r)}`).join(" ")} end as reason
        from (unpivot (select r._src, ${KEY_COLUMNS.map((k) => `p.${k}`).join(", ")}, ${plan.rows.map((r) => `p.${ident(r.indicator)}`).join(", ")}
            from ${pub} p positional join ${rows} r)
          on ${indicators.join(", ")} into name indicator value v) u
        join ${plan.source} m on m.rowid = u._src
        where u.v = 'x'`);
    } else {
      const { ctes, from } = flagSql(plan, threshold);
      const notes = plan.rows.map((r) => ident(`_dc_note_${r.indicator}`));
      const noteSql = plan.rows.map((r) => `case when ${valueSql(plan, r, false)} = 'x' then ${reason(r)} end as ${ident(`_dc_note_${r.indicator}`)}`);
      parts.push(`select '${publishedTable(plan.mart)}' as published_table, ${KEY_COLUMNS.join(", ")}, substr(note, ${"_dc_note_".length + 1}) as indicator, reason
        from (unpivot (
          with ${ctes}
          select ${KEY_COLUMNS.map((k) => `r.${k}`).join(", ")}, ${noteSql.join(",\n            ")}
          from ${from}
        ) on ${notes.join(", ")} into name note value reason)`);
    }
  }
  await db.run(`create or replace table published_footnotes as
    with notes as (${parts.join("\nunion all\n")}),
    final as (select * from notes)
    select * from final order by published_table, indicator, time_period, la_code, urn nulls first, subject, breakdown, group_label`);
}
