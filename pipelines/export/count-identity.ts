// The one table of published counts that disclosure control decides on (outputs.md §2, "one
// decision per count across the whole release"). Every count column of every mart row is a
// cell; cells that count the same pupils (same population, counts/counts.csv, on the same key)
// are one count, named by a uid, so a count suppressed under one name or in one file is
// suppressed under every name and in every file. Edges from a count to the count of the group
// it is a part of (its `within` population, or the other counts an indicator count's
// count_basis names) carry attribute disclosure: where the group's size is `c`, so is the count.
//
// Integer ids, so that every join on the hot path is on one BIGINT instead of strings of keys:
//   row  grid    = mart index · ROW_SPAN + row_id              (row_id: the mart row's place in key order)
//   cell cell_id = grid · COL_SPAN + count-column index        (the mart's count columns, sorted)
//   count uid    = the smallest cell_id of the cells that are one count (a cell of its own: its cell_id)
// Only populations declared for two or more columns, or named as the size of a count in another
// mart, are matched on their keys (strings); every other cell is its own count at no cost.
import type { Db } from "../core/db.ts";
import { ident, literal } from "../core/db.ts";
import { basisColumn, type CatalogueRow, type CountCatalogue } from "./catalogue.ts";

export const KEY_COLUMNS = ["time_period", "la_code", "urn", "subject", "breakdown", "group_label"] as const;
export const COL_SPAN = 1024;
export const ROW_SPAN = 2 ** 36;
export const KIND_SPAN = 2 ** 46;
export const MAX_MARTS = KIND_SPAN / ROW_SPAN; // so grid < KIND_SPAN, and cell_id < KIND_SPAN · COL_SPAN = 2^56

export class DisclosureError extends Error {}

/** Which pupils count column `counts[i]` of a mart counts, and the group it is a part of. */
export interface CountDecl {
  population: string;
  /** Population of the group this count is a part of ("" = none declared). */
  within: string;
  group: "" | "other";
  /** Count columns of the same row that are this count's group size (attribute disclosure). */
  parentCols: number[];
  /** `within` when the group size is not a column of the same row (matched on keys). */
  crossWithin: string;
  /** Matched on its keys: shared with another column, or some count's cross-mart size. */
  keyed: boolean;
}

export interface MartPlan {
  m: number;
  mart: string;
  /** What to read the mart's values from: the mart, or a copy when the mart is a view (no rowid). */
  source: string;
  /** Its narrow rows (`_rows_<mart>`, disclosure.ts buildRows): a table of publish's work catalogue. */
  narrow: string;
  /** The one decision: every cell published as c (`_dc_c`, suppression.ts protect), in the same catalogue. */
  decision: string;
  rows: CatalogueRow[];
  counts: string[];
  decls: CountDecl[];
  dims: string[];
  cols: Set<string>;
}

/** Fills plan.decls from the count catalogue and the indicator catalogue (for every plan at once). */
export function declareCounts(plans: MartPlan[], catalogue: CountCatalogue): void {
  const declared = new Map(catalogue.counts.map((r) => [`${r.mart}.${r.count}`, r]));
  for (const r of catalogue.counts) {
    const plan = plans.find((p) => p.mart === r.mart);
    if (plan && !plan.cols.has(r.count))
      throw new DisclosureError(`Count catalogue (counts/counts.csv): ${r.count} is not a column of ${r.mart}. Fix the catalogue or the mart.`);
  }
  for (const plan of plans) {
    plan.decls = plan.counts.map((c) => {
      const d = declared.get(`${plan.mart}.${c}`);
      // an undeclared count is a population of its own (a name no declared population can have)
      return {
        population: d?.population ?? `${plan.mart}.${c}`,
        within: d?.within ?? "",
        group: d?.group ?? "",
        parentCols: [],
        crossWithin: "",
        keyed: false,
      };
    });
    for (const d of plan.decls) {
      if (!d.within) continue;
      const j = plan.decls.findIndex((p) => p.population === d.within && p.group === d.group);
      if (j >= 0) d.parentCols.push(j);
      else d.crossWithin = d.within;
    }
    // An indicator that is a count and lists further counts in its count_basis (places;pupils)
    // is published as c when they are: it is a count about their group, so it is hidden (and
    // protected from differencing) with them.
    for (const r of plan.rows) {
      const own = plan.counts.indexOf(r.indicator);
      if (own < 0 || !r.count_basis.includes(r.indicator)) continue;
      for (const entry of r.count_basis) {
        if (entry.endsWith("@total")) continue;
        const j = plan.counts.indexOf(basisColumn(entry));
        if (j >= 0 && j !== own && !plan.decls[own].parentCols.includes(j)) plan.decls[own].parentCols.push(j);
      }
    }
  }
  const uses = new Map<string, number>();
  for (const plan of plans) for (const d of plan.decls) uses.set(d.population, (uses.get(d.population) ?? 0) + 1);
  const crossSizes = new Set(plans.flatMap((p) => p.decls.map((d) => d.crossWithin).filter(Boolean)));
  for (const plan of plans) for (const d of plan.decls) d.keyed = (uses.get(d.population) ?? 0) > 1 || crossSizes.has(d.population);
}

/** The keys of a row as a count of `decl` sees them: the group remapped for `group` = other. */
function keySql(decl: CountDecl): string {
  const group = decl.group === "other" ? "og.other_label" : "r.group_label";
  return `r.time_period, r.la_code, cast(r.urn as varchar) as urn, r.subject, r.breakdown, ${group} as group_label, r._dim_key as dim_key`;
}

function otherJoin(decl: CountDecl): string {
  return decl.group === "other" ? "left join _dc_other_groups og on og.breakdown = r.breakdown and og.group_label = r.group_label" : "";
}

/**
 * Builds _dc_rows (every mart row's key by grid), _dc_cells(cell_id, uid, value, hidden) and
 * _dc_edges(child, parent) over uids. `hidden`: not published as a number (a NULL count, or a
 * count 1..threshold−1, on every cell of its uid; the threshold is run_context's). Fails loudly
 * where two cells declared one count differ in value (a wrong declaration would otherwise hide a breach).
 */
export async function buildCountTable(db: Db, plans: MartPlan[], catalogue: CountCatalogue): Promise<void> {
  const rowParts: string[] = [];
  const cellParts: string[] = [];
  const identParts: string[] = [];
  for (const { m, narrow: rows, counts, decls } of plans) {
    rowParts.push(`select ${m * ROW_SPAN} + row_id as grid, ${m} as m, _dim_key as dim_key, time_period, la_code, cast(urn as varchar) as urn,
        subject, breakdown, group_label from ${rows}`);
    for (const i of counts.keys()) {
      cellParts.push(`select (${m * ROW_SPAN} + row_id) * ${COL_SPAN} + ${i} as cell_id, _c${i} as value from ${rows}`);
      if (decls[i].keyed) {
        identParts.push(`select (${m * ROW_SPAN} + r.row_id) * ${COL_SPAN} + ${i} as cell_id, ${literal(decls[i].population)} as population,
            ${keySql(decls[i])}, r._c${i} as value
          from ${rows} r ${otherJoin(decls[i])}`);
      }
    }
  }
  await db.run(`create or replace temp table _dc_other_groups (breakdown varchar, group_label varchar, other_label varchar)`);
  for (const g of catalogue.otherGroups) await db.run(`insert into _dc_other_groups values (?, ?, ?)`, [g.breakdown, g.group_label, g.other_label]);
  await db.run(`create or replace temp table _dc_rows as ${rowParts.join("\nunion all\n")}`);

  // _dc_ident: the keyed cells with their keys; uid = the smallest cell_id of the same count.
  const identSql =
    identParts.length > 0
      ? identParts.join("\nunion all\n")
      : `select null::bigint as cell_id, null::varchar as population, ${KEY_COLUMNS.map((k) => `null::varchar as ${k}`).join(", ")}, null::varchar as dim_key, null::double as value where false`;
  await db.run(`create or replace temp table _dc_ident as
    with cells as (${identSql}),
    final as (
      select *, min(cell_id) over (partition by population, time_period, la_code, urn, subject, breakdown, group_label, dim_key) as uid
      from cells
    )
    select * from final`);
  await checkIdentities(db, plans);
  await db.run(`create or replace temp table _dc_cells as
    with cells as (${cellParts.join("\nunion all\n")}),
    final as (
      select c.cell_id, coalesce(i.uid, c.cell_id) as uid, c.value, c.value is null or (c.value > 0 and c.value < t.suppression_threshold) as hidden
      from cells c cross join run_context t left join (select cell_id, uid from _dc_ident where uid <> cell_id) i using (cell_id)
    )
    select * from final`);
  // one decision per count: a count small under one name is hidden under all of them
  await db.run(`update _dc_cells set hidden = true
    where not hidden and uid in (select uid from _dc_cells where value > 0 and value < (select suppression_threshold from run_context))`);
  await buildEdges(db, plans);
}

/** Two cells declared to count the same pupils must hold the same number. */
async function checkIdentities(db: Db, plans: MartPlan[]): Promise<void> {
  const bad = await db.all<{
    cell_id: number;
    value: number;
    time_period: string;
    la_code: string;
    urn: string | null;
    subject: string;
    breakdown: string;
    group_label: string;
    population: string;
  }>(
    `with conflicts as (
      select uid from _dc_ident where value is not null group by uid having min(value) <> max(value) limit 3
    )
    select i.cell_id, i.value, i.time_period, i.la_code, i.urn, i.subject, i.breakdown, i.group_label, i.population
    from _dc_ident i join conflicts using (uid) where i.value is not null order by i.uid, i.cell_id`,
  );
  if (bad.length === 0) return;
  const name = (cell: number) => {
    const grid = Math.floor(Number(cell) / COL_SPAN);
    const plan = plans.find((p) => p.m === Math.floor(grid / ROW_SPAN))!;
    return `${plan.mart}.${plan.counts[Number(cell) % COL_SPAN]}`;
  };
  const first = bad[0];
  const same = bad.filter(
    (b) =>
      b.population === first.population &&
      b.la_code === first.la_code &&
      b.urn === first.urn &&
      b.subject === first.subject &&
      b.breakdown === first.breakdown &&
      b.group_label === first.group_label,
  );
  throw new DisclosureError(
    `Count catalogue (counts/counts.csv) declares ${same.map((b) => `${name(b.cell_id)} = ${b.value}`).join(", ")} to count the same pupils ` +
      `(population ${first.population}), but they differ at LA ${first.la_code}${first.urn ? `, school ${first.urn}` : ""}, ${first.subject}, ${first.breakdown} ${first.group_label}. ` +
      `Fix the declaration or the marts: one count of one set of pupils must be one number.`,
  );
}

// _dc_edges(child, parent): child count is a part of the group whose size is parent.
async function buildEdges(db: Db, plans: MartPlan[]): Promise<void> {
  const parts: string[] = [];
  for (const { m, narrow: rows, decls } of plans) {
    for (const [i, d] of decls.entries()) {
      for (const j of d.parentCols) {
        parts.push(
          `select (${m * ROW_SPAN} + row_id) * ${COL_SPAN} + ${i} as child_cell, (${m * ROW_SPAN} + row_id) * ${COL_SPAN} + ${j} as parent_cell from ${rows}`,
        );
      }
      if (d.crossWithin) {
        parts.push(`select k.cell_id as child_cell, p.uid as parent_cell
          from (select (${m * ROW_SPAN} + r.row_id) * ${COL_SPAN} + ${i} as cell_id, ${keySql(d)} from ${rows} r ${otherJoin(d)}) k
          join _dc_ident p on p.population = ${literal(d.crossWithin)} and p.time_period = k.time_period and p.la_code = k.la_code
            and p.urn is not distinct from k.urn and p.subject = k.subject and p.breakdown = k.breakdown
            and p.group_label = k.group_label and p.dim_key = k.dim_key`);
      }
    }
  }
  const edges = parts.length > 0 ? parts.join("\nunion all\n") : "select null::bigint as child_cell, null::bigint as parent_cell where false";
  // cell → uid through the few aliased cells only (every other cell is its own uid)
  await db.run(`create or replace temp table _dc_edges as
    with edges as (${edges}),
    alias as (select cell_id, uid from _dc_ident where uid <> cell_id),
    final as (
      select distinct coalesce(c.uid, e.child_cell) as child, coalesce(p.uid, e.parent_cell) as parent
      from edges e left join alias c on c.cell_id = e.child_cell left join alias p on p.cell_id = e.parent_cell
      where coalesce(c.uid, e.child_cell) <> coalesce(p.uid, e.parent_cell)
    )
    select * from final`);
}
