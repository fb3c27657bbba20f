// Disclosure control (outputs.md §2), the ONE place it happens: every mart listed in the
// indicator catalogue becomes published_<topic>, every value VARCHAR (a rounded number or
// c / x / z), plus published_footnotes giving the reason for each x.
//
// One decision over the whole release: every count column of every mart row goes into one
// table of counts, in which the same count of the same pupils published under two names or in
// two marts is one count (count-identity.ts, declared in catalogue/counts/counts.csv). On that
// table: primary suppression (a count 1..threshold−1 is `c`), attribute suppression (a count
// whose group size is `c` is `c`) and secondary suppression over every additive set
// (suppression.ts). Then every published_* table reads its `c` cells from that one decision, and
// every indicator whose count_basis names a `c` count is `c` (`n@total`: the count n on the
// breakdown's Total row, for shares of the whole). A figure with no value is `z` where its
// denominator (first count_basis) is 0 or the mart says not applicable, else `x` with the
// mart's reason as footnote.
import type { Db } from "../core/db.ts";
import { ident } from "../core/db.ts";
import { ensureRunContext } from "../core/run-context.ts";
import type { ResolvedSettings } from "../core/settings.ts";
import { basisColumn, type CatalogueRow, type CountCatalogue, loadCatalogue, loadCountCatalogue, martTable, publishedTable } from "./catalogue.ts";
import { buildCountTable, COL_SPAN, declareCounts, DisclosureError, KEY_COLUMNS, MAX_MARTS, type MartPlan, ROW_SPAN } from "./count-identity.ts";
import { buildPublishedSchools } from "./published-schools.ts";
import { buildSets, protect } from "./suppression.ts";

export { DisclosureError, KEY_COLUMNS };

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
 *
 * `y` is |expr| · 10^dp (scaledSql): given as a column that a query has worked out once for the
 * row, it keeps the expression DuckDB binds small (publishedFigures).
 */
export function sqlRound(expr: string, dp: number, y = scaledSql(expr, dp)): string {
  if (!Number.isInteger(dp) || dp < 0 || dp > 10) throw new DisclosureError(`dp must be an integer 0..10, got ${dp}`);
  const mag = `cast(cast(printf('%.14e', abs(${expr})) as decimal(38, 12)) as decimal(38, ${dp}))`;
  const exact = `(case when ${expr} < 0 and ${mag} <> 0 then '-' else '' end || cast(${mag} as varchar))`;
  if (dp > 6) return exact;
  const n = `floor(${y} + 0.5)`;
  const scaled = dp === 0 ? `cast(${n} as decimal(9, 0))` : `cast(${n} as decimal(9, 0)) * ${(10 ** -dp).toFixed(dp)}`;
  return `(case when ${y} < 1e8 and abs(${y} - floor(${y}) - 0.5) > 1e-4
      then (case when ${expr} < 0 and ${n} <> 0 then '-' else '' end) || cast(${scaled} as varchar)
      else ${exact} end)`;
}

/** y of sqlRound: |expr| · 10^dp, as a double. */
function scaledSql(expr: string, dp: number): string {
  return `(abs(${expr}) * cast(${10 ** dp} as double))`;
}

/** Builds published_<topic> for every mart in the catalogue, published_footnotes and published_schools. */
export async function publish(db: Db, settings: ResolvedSettings, options: PublishOptions = {}): Promise<void> {
  // The suppression threshold reaches the SQL through run_context, as every setting does.
  await ensureRunContext(db, settings);
  const catalogue = await inTransaction(db, () => loadCatalogue(db, options.catalogueDir));
  const countCatalogue = await loadCountCatalogue(db, options.catalogueDir);
  const marts = [...new Set(catalogue.map((r) => martTable(r.mart)))];
  if (marts.length > MAX_MARTS) throw new DisclosureError(`Disclosure control handles at most ${MAX_MARTS} marts; the catalogue lists ${marts.length}.`);
  const meta = await tableMeta(db, marts);
  // Each mart's narrow rows and the one decision are read by two connections at the end
  // (buildAllPublished), so they go to an in-memory catalogue of the instance, which every
  // connection sees, not to this connection's temp one; detaching it drops them.
  const work = await db.attachCatalogue();
  try {
    await publishWith(db, work.name, catalogue, countCatalogue, marts, meta);
  } finally {
    await work.detach();
  }
  for (const t of ["_dc_rows", "_dc_cells", "_dc_ident", "_dc_edges", "_dc_other_groups", "_dc_members", "_dc_umembers"]) {
    await db.run(`drop table if exists ${t}`);
  }
}

/** publish's work once its catalogue is read and its work catalogue `work` attached. */
async function publishWith(
  db: Db,
  work: string,
  catalogue: CatalogueRow[],
  countCatalogue: CountCatalogue,
  marts: string[],
  meta: Map<string, MartMeta>,
): Promise<void> {
  const plans: MartPlan[] = [];
  const sizes = new Map<MartPlan, number>();
  const decision = `${work}._dc_c`;
  for (const [m, mart] of marts.entries()) {
    const { cols, text, view } = meta.get(mart)!;
    if (cols.size === 0)
      throw new DisclosureError(`The indicator catalogue lists mart ${mart}, but there is no such table. Run the measures stage first or fix the catalogue.`);
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
    const plan: MartPlan = {
      m,
      mart,
      source: ident(mart),
      narrow: `${work}.${ident(`_rows_${mart}`)}`,
      decision,
      rows,
      counts: [...counts].sort(),
      decls: [],
      dims,
      cols,
    };
    if (view) {
      plan.source = `${work}.${ident(`_src_${mart}`)}`; // a view has no rowid to read values back by
      await db.run(`create or replace table ${plan.source} as select * from ${ident(mart)}`);
    }
    sizes.set(plan, await buildRows(db, plan));
    plans.push(plan);
  }

  declareCounts(plans, countCatalogue);
  await buildCountTable(db, plans, countCatalogue);
  await buildSets(db);
  await protect(db, decision);

  await buildAllPublished(db, plans, sizes);
  await buildFootnotes(db, plans);
  await buildPublishedSchools(db, catalogue); // the schools file's list of schools, for the site
}

/**
 * published_<topic> of every mart, on two connections at once (Db.sideBySide), each taking the
 * largest left (rows × indicators): each table is one statement over its mart, and alone the
 * statements kept the two cores busy a little over half the time (the demo LA's publish stage).
 */
async function buildAllPublished(db: Db, plans: MartPlan[], sizes: Map<MartPlan, number>): Promise<void> {
  const cost = (plan: MartPlan) => sizes.get(plan)! * plan.rows.length;
  const queue = [...plans].sort((a, b) => cost(b) - cost(a));
  const drain = async (on: Db) => {
    for (let plan = queue.shift(); plan; plan = queue.shift()) await buildPublished(on, plan);
  };
  await db.sideBySide(drain, drain);
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

/** A mart's column names, its VARCHAR columns in order, and whether it is a view. */
interface MartMeta {
  cols: Set<string>;
  text: string[];
  view: boolean;
}

/** Each mart's MartMeta. */
async function tableMeta(db: Db, marts: string[]): Promise<Map<string, MartMeta>> {
  const meta = new Map(marts.map((m) => [m, { cols: new Set<string>(), text: [] as string[], view: false }]));
  const list = marts.map(() => "?").join(", ");
  const cols = await db.all<{ table_name: string; column_name: string; data_type: string }>(
    `select table_name, column_name, data_type from information_schema.columns where table_name in (${list}) order by ordinal_position`,
    marts,
  );
  for (const c of cols) {
    const m = meta.get(c.table_name)!;
    m.cols.add(c.column_name);
    if (c.data_type === "VARCHAR") m.text.push(c.column_name);
  }
  const views = await db.all<{ table_name: string }>(
    `select table_name from information_schema.tables where table_name in (${list}) and table_type = 'VIEW'`,
    marts,
  );
  for (const v of views) meta.get(v.table_name)!.view = true;
  return meta;
}

// _rows_<mart>: one narrow row per mart row: row_id (key order), _src (the mart's rowid, to read
// the published values back), the key, further dimensions, _dim_key, and the count columns as
// DOUBLE (_c0.. in plan.counts order). Wide copies of a mart are what cost time, so there are none.
async function buildRows(db: Db, plan: MartPlan): Promise<number> {
  const { mart, dims, counts } = plan;
  const dimKey = dims.length === 0 ? "''" : `concat_ws('|', ${dims.map((d) => `coalesce(cast(${ident(d)} as varchar), '')`).join(", ")})`;
  await db.run(`create or replace table ${plan.narrow} as
    select row_number() over (order by time_period, la_code, urn nulls first, subject, breakdown, group_label${dims.map((d) => `, ${ident(d)}`).join("")}) as row_id,
      rowid as _src, ${dimKey} as _dim_key, ${[...KEY_COLUMNS, ...dims].map(ident).join(", ")}
      ${counts.map((c, i) => `, cast(${ident(c)} as double) as _c${i}`).join("")}
    from ${plan.source}
    order by row_id`);
  const n = Number((await db.one<{ n: number }>(`select count(*) as n from ${plan.narrow}`))!.n);
  if (n >= ROW_SPAN) throw new DisclosureError(`${mart} has ${n} rows, more than disclosure control handles (${ROW_SPAN}).`);
  return n;
}

// The reason a figure is missing: its own <indicator>_na_reason, else the row's na_reason (a
// row-wide reason, e.g. 'z' on impact's subject Total rows, applies to every figure the row's
// own columns say nothing about).
function naReasonExpr(cols: Set<string>, indicator: string): string {
  const own = `${indicator}_na_reason`;
  const reasons = [own, "na_reason"].filter((c) => cols.has(c)).map((c) => `nullif(trim(m.${ident(c)}), '')`);
  if (reasons.length === 0) return "cast(null as varchar)";
  return reasons.length === 1 ? reasons[0] : `coalesce(${reasons.join(", ")})`;
}

/** True where the mart marks a missing figure as not applicable (z) rather than not available (x). */
function isNotApplicable(reason: string): string {
  return `(lower(trim(${reason})) = 'z' or lower(trim(${reason})) like 'not applicable%')`;
}

// The CTEs giving, per row of a mart, whether each count is `c` (flags, from the one decision
// _dc_c) and the same for the breakdown's Total
// row (total_flags, for `n@total`), and the FROM clause joining them to the mart (alias m) and its
// _rows_ (alias r).
function flagSql(plan: MartPlan): { ctes: string; from: string } {
  const { m, counts, narrow: rows } = plan;
  const suppressed = counts.map((c, i) => `bool_or(cell_id % ${COL_SPAN} = ${i}) as ${ident(`${c}__s`)}`);
  const flags = counts.map((c) => `coalesce(s.${ident(`${c}__s`)}, false) as ${ident(`${c}__c`)}`);
  const ctes = `secondary as (
      select cell_id // ${COL_SPAN} - ${m * ROW_SPAN} as row_id, ${suppressed.join(", ")}
      from ${plan.decision} where cell_id // ${COL_SPAN} between ${m * ROW_SPAN} and ${(m + 1) * ROW_SPAN - 1} group by all
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

/** The name of a column of publishedFigures holding `part` of an indicator's figure. */
function part(r: CatalogueRow, which: "v" | "s" | "e" | "z" | "r" | "y"): string {
  return ident(`${r.indicator}__${which}`);
}

/** A footnote's reason: the mart's reason for a missing value (`reason`, SQL), else 'Not available'. */
function footnoteReason(reason: string): string {
  return `coalesce(nullif(trim(${reason}), ''), 'Not available')`;
}

/**
 * The CTEs of flagSql, then `figures` and `scaled`: a row per row of the mart, its key, and the parts
 * each indicator's published text is made of, each worked out once: the value as a double (__v),
 * whether a count it rests on is c (__s), whether its denominator is 0 (__e), whether the mart
 * says a missing value is not applicable (__z), |value| · 10^dp for the rounding (__y, round) and
 * the mart's reason for a missing value (__r, for the footnotes: not round). Written into every
 * indicator's CASE instead, the value's cast appeared some twenty times an indicator, and a mart of
 * 40 indicators came to 60,000 characters of SQL: binding and optimising that took most of a
 * small run's publish stage (the common-subexpression pass alone 15 ms for mart_balance's 75 rows).
 */
function publishedFigures(plan: MartPlan, round: boolean): string {
  const parts = plan.rows.map((r) => {
    const suppressed = r.count_basis
      .map((c) => (c.endsWith("@total") ? `coalesce(t.${ident(`${basisColumn(c)}__c`)}, false)` : `coalesce(f.${ident(`${c}__c`)}, false)`))
      .join(" or ");
    // an empty denominator: the figure has no meaning for the row (outputs.md §2), so z, not x
    const denominator = r.count_basis[0];
    const empty = denominator.endsWith("@total") ? "false" : `coalesce(cast(m.${ident(denominator)} as double) = 0, false)`;
    const reason = naReasonExpr(plan.cols, r.indicator);
    return [
      `cast(m.${ident(r.indicator)} as double) as ${part(r, "v")}`,
      `${suppressed} as ${part(r, "s")}`,
      `${empty} as ${part(r, "e")}`,
      `${isNotApplicable(reason)} as ${part(r, "z")}`,
      // the reason itself only for the footnotes
      ...(round ? [] : [`${reason} as ${part(r, "r")}`]),
    ].join(", ");
  });
  const scaled = plan.rows.filter((r) => round && r.dp <= 6).map((r) => `${scaledSql(part(r, "v"), r.dp)} as ${part(r, "y")}`);
  const { ctes, from } = flagSql(plan);
  return `${ctes},
    figures as (
      select r.row_id, ${[...KEY_COLUMNS, ...plan.dims].map((k) => `r.${ident(k)}`).join(", ")},
        ${parts.join(",\n        ")}
      from ${from}
    ),
    scaled as (select *${scaled.map((y) => `, ${y}`).join("")} from figures)`;
}

/** The published text of an indicator, from the parts publishedFigures gives: c, x, z or (round = true) the rounded number, else NULL. */
function publishedValue(r: CatalogueRow, round: boolean): string {
  const v = part(r, "v");
  return `case when ${part(r, "s")} then 'c'
      when ${v} is null or isnan(${v}) or isinf(${v}) then case when ${part(r, "e")} or ${part(r, "z")} then 'z' else 'x' end
      else ${round ? sqlRound(v, r.dp, r.dp <= 6 ? part(r, "y") : undefined) : "null"} end`;
}

async function buildPublished(db: Db, plan: MartPlan): Promise<void> {
  await db.run(`create or replace table ${ident(publishedTable(plan.mart))} as
    with ${publishedFigures(plan, true)},
    final as (
      select row_id, ${[...KEY_COLUMNS, ...plan.dims].map(ident).join(", ")},
        ${plan.rows.map((r) => `${publishedValue(r, true)} as ${ident(r.indicator)}`).join(",\n        ")}
      from scaled
    )
    select * exclude (row_id) from final order by row_id`);
}

// One row per x. The x cells are read back from published_<topic>: when it has one row per mart
// row (the usual case), its rows and _rows_<mart> are both stored in row_id order (tables keep
// the order they were created in, preserve_insertion_order), so a positional join pairs them. Only where a mart's breakdown Total row is not unique (so a row can be published
// more than once) are the x cells worked out again, by the published values' expressions less
// the rounding.
async function buildFootnotes(db: Db, plans: MartPlan[]): Promise<void> {
  const parts: string[] = [];
  for (const plan of plans) {
    const pub = ident(publishedTable(plan.mart));
    const rows = plan.narrow;
    const counts = await db.one<{ same: boolean }>(`select (select count(*) from ${pub}) = (select count(*) from ${rows})
      and current_setting('preserve_insertion_order') as same`);
    if (counts?.same) {
      const indicators = plan.rows.map((r) => ident(r.indicator));
      parts.push(`select '${publishedTable(plan.mart)}' as published_table, ${KEY_COLUMNS.map((k) => `u.${k}`).join(", ")}, u.indicator,
          case u.indicator ${plan.rows.map((r) => `when '${r.indicator}' then ${footnoteReason(naReasonExpr(plan.cols, r.indicator))}`).join(" ")} end as reason
        from (unpivot (select r._src, ${KEY_COLUMNS.map((k) => `p.${k}`).join(", ")}, ${plan.rows.map((r) => `p.${ident(r.indicator)}`).join(", ")}
            from ${pub} p positional join ${rows} r)
          on ${indicators.join(", ")} into name indicator value v) u
        join ${plan.source} m on m.rowid = u._src
        where u.v = 'x'`);
    } else {
      const notes = plan.rows.map((r) => ident(`_dc_note_${r.indicator}`));
      const noteSql = plan.rows.map(
        (r) => `case when ${publishedValue(r, false)} = 'x' then ${footnoteReason(part(r, "r"))} end as ${ident(`_dc_note_${r.indicator}`)}`,
      );
      parts.push(`select '${publishedTable(plan.mart)}' as published_table, ${KEY_COLUMNS.join(", ")}, substr(note, ${"_dc_note_".length + 1}) as indicator, reason
        from (unpivot (
          with ${publishedFigures(plan, false)}
          select ${KEY_COLUMNS.join(", ")}, ${noteSql.join(",\n            ")}
          from scaled
        ) on ${notes.join(", ")} into name note value reason)`);
    }
  }
  await db.run(`create or replace table published_footnotes as
    with notes as (${parts.join("\nunion all\n")}),
    final as (select * from notes)
    select * from final order by published_table, indicator, time_period, la_code, urn nulls first, subject, breakdown, group_label`);
}
