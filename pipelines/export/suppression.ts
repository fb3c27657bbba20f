// Attribute and secondary suppression over the one table of counts (count-identity.ts).
//
// Attribute disclosure: a count whose group size (an edge in _dc_edges) is `c` is `c` too, 0
// and counts equal to the size included ("0 of c" tells that none of them did it).
// Secondary suppression, over the additive sets in which a cell could be recovered by
// differencing (each set = its parts + the total they add up to, per count):
//   b: the group rows of one breakdown + the breakdown='total' row (same LA, school, subject);
//   s: the subjects (English + Mathematics; an ntp run adds Science, Other subjects) + subject Total
//      (same LA, school, breakdown, group);
//   u: the school rows of an LA + the LA row (same subject, breakdown, group);
//   n: the LA rows + the National row (national runs).
// Sets are built on the rows of each mart (per count column), and, for counts that several
// marts publish (keyed counts), once more on the counts themselves, so that a set whose parts
// are in one mart and total in another (schools' adjusted-progress tutees vs the LA's model
// tutees) is protected too. Every such set is protected whether or not its parts add up
// exactly (distinct-pupil totals, blanks in a characteristic): where they don't, differencing
// still narrows a suppressed value, so we protect conservatively. A set with exactly one hidden
// cell that is suppressed gets one more cell suppressed: the smallest non-zero part; failing
// that the total; zeros last (a zero is published as 0 whenever that is safe). Ties: (la_code,
// urn, subject, breakdown, group_label) in byte order. A suppressed count is suppressed under
// every name (its uid), its parts follow it (attribute), and all sets are re-examined until
// nothing changes. Text columns of a mart beyond the key separate the sets.
import type { Db } from "../core/db.ts";
import { COL_SPAN, DisclosureError, KIND_SPAN, ROW_SPAN } from "./count-identity.ts";

/** Set ids of the count-level sets: kind · USET_SPAN + smallest part uid (uid < 2^56). */
const USET_SPAN = 2 ** 56;

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
  {
    // b: the group rows of one breakdown + the breakdown='total' row (same LA, school, subject)
    shared: ["time_period", "la_code", "urn", "subject"],
    partOnly: ["breakdown"],
    part: "breakdown <> 'total'",
    total: "breakdown = 'total'",
    notNull: ["time_period", "la_code", "subject", "breakdown"],
  },
  {
    // s: every subject + subject Total (same LA, school, breakdown, group); 2009 has English and Mathematics only
    shared: ["time_period", "la_code", "urn", "breakdown", "group_label"],
    partOnly: [],
    part: "subject <> 'Total'",
    total: "subject = 'Total'",
    notNull: ["time_period", "la_code", "breakdown", "group_label"],
  },
  {
    // u: the school rows of an LA + the LA row (same subject, breakdown, group)
    shared: ["time_period", "la_code", "subject", "breakdown", "group_label"],
    partOnly: [],
    part: "urn is not null",
    total: "urn is null",
    notNull: ["time_period", "la_code", "subject", "breakdown", "group_label"],
  },
  {
    // n: the LA rows + the National row (national runs)
    shared: ["time_period", "subject", "breakdown", "group_label"],
    partOnly: [],
    part: "urn is null and la_code <> 'National'",
    total: "urn is null and la_code = 'National'",
    notNull: ["time_period", "subject", "breakdown", "group_label"],
  },
];

/**
 * Membership of the sets of every kind over `source` (a table with an integer `id` column, the
 * key columns and `scope`, the columns besides the key that must match), as
 * `select set_id, id, is_total`. A part is in exactly one set of each kind, so a set is named
 * by its smallest part.
 */
function membersSql(source: string, scope: string[], span: number): string {
  const on = (a: string, b: string, cols: string[]) =>
    [...scope, ...cols].map((c) => (c === "urn" ? `${a}.urn is not distinct from ${b}.urn` : `${a}.${c} = ${b}.${c}`)).join(" and ");
  const ctes: string[] = [];
  const finals: string[] = [];
  for (const [kind, k] of SET_KINDS.entries()) {
    const keys = [...scope, ...k.shared, ...k.partOnly].join(", ");
    const rows = `(select * from ${source} where ${k.notNull.map((c) => `${c} is not null`).join(" and ")})`;
    ctes.push(`k${kind}_part as (select * from ${rows} where ${k.part}),
    k${kind}_total as (select * from ${rows} where ${k.total}),
    k${kind}_set as (
      select ${keys}, ${kind} * ${span} + min(id) as set_id from k${kind}_part p
      where exists (select 1 from k${kind}_total t where ${on("t", "p", k.shared)})
      group by all
    )`);
    finals.push(`select s.set_id, p.id, false as is_total from k${kind}_part p join k${kind}_set s on ${on("s", "p", [...k.shared, ...k.partOnly])}`);
    finals.push(`select s.set_id, t.id, true from k${kind}_total t join k${kind}_set s on ${on("s", "t", k.shared)}`);
  }
  return `with ${ctes.join(",\n    ")},
    final as (
      ${finals.join("\n      union all\n      ")}
    )
    select * from final`;
}

// _dc_members(rsid, grid, is_total): the sets on the rows of each mart (set membership does not
// depend on the count column, so it is worked out once on rows and expanded to cells by column
// index: cset = rsid · COL_SPAN + column). _dc_umembers(usid, uid, is_total): the same sets on
// the keyed counts, with their population as part of the scope.
export async function buildSets(db: Db): Promise<void> {
  await db.run(`create or replace temp table _dc_members as
    select set_id as rsid, id as grid, is_total from (
      ${membersSql("(select grid as id, * from _dc_rows)", ["m", "dim_key"], KIND_SPAN)})`);
  // only a population published by two or more marts can have a set whose parts and total are
  // in different marts; the sets within one mart are the row sets above
  await db.run(`create or replace temp table _dc_umembers as
    select set_id as usid, id as uid, is_total from (
      ${membersSql(
        `(select distinct uid as id, population, dim_key, time_period, la_code, urn, subject, breakdown, group_label from _dc_ident
        where population in (select population from _dc_ident group by population having count(distinct cell_id // ${COL_SPAN * ROW_SPAN}) > 1))`,
        ["population", "dim_key"],
        USET_SPAN,
      )})`);
}

/**
 * Hides every count below a count in `seed` (table with column uid: counts just suppressed),
 * along _dc_edges (attribute disclosure), leaving in _dc_spread the uids it hid. Being "within"
 * is transitive (a part of a part of a group is a part of the group), so the edges are followed
 * down from the seed until nothing new is reached (a cycle ends it): the seeds are few, and the
 * walk from them costs far less than the closure of every edge would.
 */
async function spread(db: Db, seed: string): Promise<void> {
  await db.run(`create or replace temp table _dc_spread as
    with recursive below(uid) as (
      select e.child from (select distinct uid from ${seed}) s join _dc_edges e on e.parent = s.uid
      union
      select e.child from below b join _dc_edges e on e.parent = b.uid
    )
    select b.uid from below b join _dc_cells c on c.cell_id = b.uid
    where not c.hidden`);
  await db.run(`update _dc_cells set hidden = true where uid in (select uid from _dc_spread)`);
}

// Sets with exactly one hidden member, and that one with a value (a suppressed count, not an x).
const exposedRowSets = (dirty: string) => `
      with dirty as (select cset // ${COL_SPAN} as rsid, cset % ${COL_SPAN} as col from ${dirty})
      select mem.rsid * ${COL_SPAN} + d.col as cset
      from dirty d join _dc_members mem using (rsid)
      join _dc_cells c on c.cell_id = mem.grid * ${COL_SPAN} + d.col
      where c.hidden
      group by all
      having count(*) = 1 and count(c.value) > 0`;
const exposedCountSets = (dirty: string) => `
      select mem.usid
      from (select distinct usid from ${dirty}) d join _dc_umembers mem using (usid)
      join _dc_cells c on c.cell_id = mem.uid
      where c.hidden
      group by all
      having count(*) = 1 and count(c.value) > 0`;

// The pick of an exposed set (fam 0: a row set, sid = cset; fam 1: a count set, sid = usid)
// among its open members: order by (value = 0, is_total, value),
// then the tie key; the first three decide almost always, so the tie key is built only for
// the cells that tie on them.
const pickSql = (open: string) => `
      open as materialized (${open}),
      best as (
        select fam, sid, min({'zero': value = 0, 'is_total': is_total, 'value': value}) as k from open group by fam, sid
      ),
      tied as (
        select o.fam, o.sid, o.cell_id from open o join best b using (fam, sid)
        where (o.value = 0) = b.k.zero and o.is_total = b.k.is_total and o.value = b.k.value
      ),
      picked as (
        select distinct arg_min(t.cell_id, concat_ws('|', r.la_code, coalesce(r.urn, ''), r.subject, r.breakdown, r.group_label, r.dim_key)) as cell_id
        from tied t join _dc_rows r on r.grid = t.cell_id // ${COL_SPAN}
        group by t.fam, t.sid
      )`;

/**
 * Attribute suppression of the primary suppressions, then secondary suppression until no set
 * has exactly one hidden cell that is suppressed, in rounds: every such (exposed) set picks one
 * more cell, then all picks are applied to every cell of their count and spread to the counts
 * below them. Only sets holding a cell hidden last round can have become exposed, so after the
 * first round (which looks at every set with a hidden cell) only those sets are recounted.
 * Leaves the table `decision` (cell_id): every cell published as `c`.
 */
export async function protect(db: Db, decision: string): Promise<void> {
  await db.run(`create or replace temp table _dc_seed as select distinct uid from _dc_cells where hidden and value is not null`);
  await spread(db, "_dc_seed");
  await db.run(`create or replace temp table _dc_exposed as
    select mem.rsid * ${COL_SPAN} + c.cell_id % ${COL_SPAN} as cset
    from _dc_cells c join _dc_members mem on mem.grid = c.cell_id // ${COL_SPAN}
    where c.hidden
    group by all
    having count(*) = 1 and count(c.value) > 0`);
  await db.run(`create or replace temp table _dc_uexposed as ${exposedCountSets("_dc_umembers")}`);
  for (let round = 0; ; round++) {
    if (round > 10_000) throw new DisclosureError("secondary suppression did not settle (internal error)");
    await db.run(`create or replace temp table _dc_pick as
      with ${pickSql(`
        select 0 as fam, e.cset as sid, mem.is_total, c.cell_id, c.value
        from (select cset, cset // ${COL_SPAN} as rsid, cset % ${COL_SPAN} as col from _dc_exposed) e
        join _dc_members mem using (rsid)
        join _dc_cells c on c.cell_id = mem.grid * ${COL_SPAN} + e.col
        where not c.hidden
        union all
        select 1, e.usid, mem.is_total, c.cell_id, c.value
        from _dc_uexposed e join _dc_umembers mem using (usid)
        join _dc_cells c on c.cell_id = mem.uid
        where not c.hidden`)}
      select distinct c.uid from picked p join _dc_cells c using (cell_id)`);
    const picked = await db.one<{ n: number }>(`select count(*) as n from _dc_pick`);
    if (!picked || Number(picked.n) === 0) break;
    await db.run(`update _dc_cells set hidden = true where uid in (select uid from _dc_pick)`);
    await spread(db, "_dc_pick");
    // every cell of every count hidden this round: its row sets and count sets are dirty
    await db.run(`create or replace temp table _dc_new as
      select uid from _dc_pick union select uid from _dc_spread`);
    await db.run(`create or replace temp table _dc_dirty as
      select distinct mem.rsid * ${COL_SPAN} + c.cell_id % ${COL_SPAN} as cset
      from _dc_cells c join _dc_new n using (uid)
      join _dc_members mem on mem.grid = c.cell_id // ${COL_SPAN}`);
    await db.run(`create or replace temp table _dc_udirty as
      select distinct mem.usid from _dc_umembers mem join _dc_new n using (uid)`);
    await db.run(`create or replace temp table _dc_exposed as ${exposedRowSets("_dc_dirty")}`);
    await db.run(`create or replace temp table _dc_uexposed as ${exposedCountSets("_dc_udirty")}`);
  }
  await db.run(`create or replace table ${decision} as select cell_id from _dc_cells where hidden and value is not null`);
  for (const t of ["_dc_seed", "_dc_spread", "_dc_pick", "_dc_new", "_dc_dirty", "_dc_udirty", "_dc_exposed", "_dc_uexposed"]) {
    await db.run(`drop table if exists ${t}`);
  }
}
