-- Recoverable by differencing (outputs.md §2, secondary suppression): an additive set of one
-- count (its parts and their total) in which exactly one member is not shown as a number and
-- that member is c. Sets, as the reader sees the whole release:
--   b: the groups of one breakdown + the breakdown's Total row (same period, LA, school, subject)
--   s: every subject + subject Total (same period, LA, school, breakdown, group): English and
--      Mathematics, and in an ntp release Science and Other subjects too
--   u: the schools of an LA + the LA row (same period, LA, subject, breakdown, group)
--   n: the LAs + the National row (same period, subject, breakdown, group)
-- x and z members count as not shown (nothing can be taken from them), as in disclosure control.
-- Which sets a key's figures are members of is a matter of the key alone, so it is worked out
-- once per key (tens of thousands), not once per figure: each set is numbered by its kind and the
-- parts of the key its members share, and a set of one count is that number with the count's.
-- A b set's Total row is put in the set of every breakdown published beside it; where the count
-- has no part in that breakdown, the set has no part and cannot expose anything.
create or replace temp table audit_hidden_member as
with b_base as (
  select kid, tp, la, urn, subject, dense_rank() over (order by tp, la, urn, subject, breakdown) as base
  from audit_keys where breakdown <> 'total'
),
set_keys as (
  select kid, 1 as kind, base, false as is_total from b_base
  union all
  select t.kid, 1, p.base, true
  from audit_keys t join (select distinct tp, la, urn, subject, base from b_base) p using (tp, la, urn, subject)
  where t.breakdown = 'total'
  union all
  select kid, 2, dense_rank() over (order by tp, la, urn, breakdown, grp), subject = 'Total' from audit_keys where coalesce(subject, '') <> ''
  union all
  select kid, 3, dense_rank() over (order by tp, la, subject, breakdown, grp), urn = '' from audit_keys where la <> 'National'
  union all
  select kid, 4, dense_rank() over (order by tp, subject, breakdown, grp), la = 'National' from audit_keys where urn = ''
),
n_canon as (select max(cid) + 1 as n from audit_canon),
members as (
  select k.kind, k.is_total, s.kid, s.canon, s.shown, s.any_c, (k.base * 5 + k.kind) * n_canon.n + s.canon as set_id
  from audit_state s join set_keys k using (kid), n_canon
  where s.canon in (select cid from audit_count_canon)
),
-- a set can expose only with exactly one member not shown, and that one c: those sets are found
-- from the sets with a c not shown, and only their members not shown are counted, so the whole
-- set is counted only for them, where grouping every member by its set counted tens of millions
-- of sets on a national release (most of them with nothing suppressed)
c_sets as (
  select distinct set_id from members where not shown and any_c
),
one_hidden as (
  select set_id from members semi join c_sets using (set_id) where not shown group by set_id
  having count(*) = 1
),
exposed as (
  select set_id from members semi join one_hidden using (set_id) group by set_id
  having count(*) filter (where is_total) = 1 and count(*) filter (where not is_total) >= 1
),
-- the set in words, for the message (the same from each part of it; a b set's Total says nothing)
named as (
  select m.set_id, max(case m.kind
      when 1 then case when m.is_total then '' else 'the ' || k.breakdown || ' groups and Total of ' || k.subject || ', LA ' || k.la || case when k.urn <> '' then ', school ' || k.urn else '' end end
      when 2 then 'the subjects and subject Total of ' || k.grp || ', LA ' || k.la || case when k.urn <> '' then ', school ' || k.urn else '' end
      when 3 then 'the schools of LA ' || k.la || ' and the LA row (' || k.subject || ', ' || k.grp || ')'
      else 'the LAs and the National row (' || k.subject || ', ' || k.grp || ')' end) as what
  from members m semi join exposed e using (set_id) join audit_keys k on k.kid = m.kid
  group by m.set_id
),
hidden as (
  select m.kid, m.canon, n.what from members m join named n using (set_id) where not m.shown
)
select * from hidden;

-- each c that a set exposes, where it is published
select distinct 'differencing' as kind, r.place, r.loc, r.line, cast(c.indicator as VARCHAR) as col,
  'c, but recoverable by differencing ' || h.what || ' (' || k.canon || '): every other member of that set is published' as message
from audit_hidden_member h join audit_c c on c.kid = h.kid and c.canon = h.canon and c.cls = 2
join audit_rows r using (rid) join audit_canon k on k.cid = h.canon;
