-- The audit's view of a release. Needs audit_rows (one per published row), audit_vals (one per
-- published cell), audit_counts(indicator), audit_alias_all(indicator, canon),
-- audit_other(indicator), audit_other_groups(breakdown, grp, other_grp).
-- Keys and counts are numbered (audit_keys.kid, audit_canon.cid) so that the million-cell steps
-- join and group on integers; their text is looked up only for the cells a breach names.

-- Every key a cell can have: its row's, and for a count of the breakdown's other group (a gap's
-- "other" side) that group's key, since such a count is that group's count.
create or replace temp table audit_keys as
with keys as (
  select tp, la, urn, subject, breakdown, grp from audit_rows
  union
  select r.tp, r.la, r.urn, r.subject, r.breakdown, coalesce(og.other_grp, r.grp)
  from audit_rows r join audit_other_groups og on og.breakdown = r.breakdown and og.grp = r.grp
),
numbered as (
  select cast(row_number() over () as integer) as kid, *,
    -- each part of the key as a number too: the differencing sets are keyed by parts of it
    dense_rank() over (order by tp) as tp_i, dense_rank() over (order by la) as la_i,
    dense_rank() over (order by urn) as urn_i, dense_rank() over (order by subject) as subject_i,
    dense_rank() over (order by breakdown) as breakdown_i, dense_rank() over (order by grp) as grp_i
  from keys
),
final as (
  -- total_kid: the breakdown's Total row of the same period, LA, school and subject (count_basis @total)
  select n.*, t.kid as total_kid
  from numbered n left join numbered t on t.tp = n.tp and t.la = n.la and t.urn = n.urn and t.subject = n.subject
    and t.breakdown = 'total' and t.grp = 'Total'
)
select * from final;

create or replace temp table audit_row_key as
select r.rid, k.kid from audit_rows r join audit_keys k using (tp, la, urn, subject, breakdown, grp);

create or replace temp table audit_row_other_key as
select r.rid, k.kid
from audit_rows r join audit_other_groups og on og.breakdown = r.breakdown and og.grp = r.grp
join audit_keys k on k.tp = r.tp and k.la = r.la and k.urn = r.urn and k.subject = r.subject and k.breakdown = r.breakdown
  and k.grp = coalesce(og.other_grp, r.grp);

-- Each name the audit knows, and the count each stands for (one name may stand for more than one).
create or replace temp table audit_canon as
select cast(row_number() over (order by canon) as integer) as cid, canon from (select distinct canon from audit_alias_all);

create or replace temp table audit_indicator_canon as
select cast(a.indicator as audit_indicator) as indicator, k.cid as canon
from audit_alias_all a join audit_canon k using (canon)
where a.indicator in (select unnest(enum_range(null::audit_indicator))::VARCHAR);

-- The counts (under every name they have): the differencing sets are sets of counts.
create or replace temp table audit_count_canon as
select distinct k.cid from audit_counts c join audit_alias_all a using (indicator) join audit_canon k on k.canon = a.canon;

-- One row per published cell and each count it stands for: its key and its class, 1 a number,
-- 2 c, 4 anything else (x, z, text). A cell that is neither a number nor c tells a reader nothing
-- of its own figure: it is kept only where it is a count, as a member of a differencing set that
-- is not shown. A number keeps its published text, for the messages.
create or replace temp table audit_c as
with other as (select cast(indicator as audit_indicator) as indicator from audit_other where indicator in (select unnest(enum_range(null::audit_indicator))::VARCHAR)),
classed as (
  -- x, z and c are never numbers: the cast is tried only on the rest
  select v.rid, v.indicator, v.value,
    cast(case when v.value = 'c' then 2 when v.value in ('x', 'z') or try_cast(v.value as double) is null then 4 else 1 end as utinyint) as cls
  from audit_vals v
),
keyed as (
  select c.rid, c.indicator, k.kid, c.cls, c.value from classed c join audit_row_key k using (rid)
  where c.indicator not in (select indicator from other)
  union all
  select c.rid, c.indicator, coalesce(ok.kid, k.kid), c.cls, c.value
  from classed c join other o using (indicator) join audit_row_key k using (rid) left join audit_row_other_key ok using (rid)
),
final as (
  select c.rid, c.indicator, c.kid, a.canon, c.cls, case when c.cls = 1 then c.value end as value
  from keyed c join audit_indicator_canon a using (indicator)
  where c.cls < 4 or a.canon in (select cid from audit_count_canon)
)
select * from final;

-- What a reader of the whole release knows of each figure: shown (a number somewhere) and any_c.
create or replace temp table audit_state as
with flags as (select kid, canon, bit_or(cls) as f from audit_c group by kid, canon)
select kid, canon, f & 1 = 1 as shown, f & 2 = 2 as any_c from flags;
