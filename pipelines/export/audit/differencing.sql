-- Recoverable by differencing (outputs.md §2, secondary suppression): an additive set of one
-- count (its parts and their total) in which exactly one member is not shown as a number and
-- that member is c. Sets, as the reader sees the whole release:
--   b: the groups of one breakdown + the breakdown's Total row (same period, LA, school, subject)
--   s: every subject + subject Total (same period, LA, school, breakdown, group): English and
--      Mathematics, and in an ntp release Science and Other subjects too
--   u: the schools of an LA + the LA row (same period, LA, subject, breakdown, group)
--   n: the LAs + the National row (same period, subject, breakdown, group)
-- x and z members count as not shown (nothing can be taken from them), as in disclosure control.
with st as (
  select * from audit_state where canon in (select a.canon from audit_counts k join audit_alias_all a using (indicator))
),
b_parts as (select distinct tp, la, urn, subject, breakdown as part_breakdown, canon from st where breakdown <> 'total'),
members as (
  select 'b' as kind, concat_ws('|', tp, la, urn, subject, breakdown, canon) as set_id, false as is_total, st.*,
    'the ' || breakdown || ' groups and Total of ' || subject || ', LA ' || la || case when urn <> '' then ', school ' || urn else '' end as what
  from st where breakdown <> 'total'
  union all
  select 'b', concat_ws('|', st.tp, st.la, st.urn, st.subject, p.part_breakdown, st.canon), true, st.*, ''
  from st join b_parts p using (tp, la, urn, subject, canon) where st.breakdown = 'total'
  union all
  select 's', concat_ws('|', tp, la, urn, breakdown, grp, canon), subject = 'Total', st.*,
    'the subjects and subject Total of ' || grp || ', LA ' || la || case when urn <> '' then ', school ' || urn else '' end
  from st where coalesce(subject, '') <> ''
  union all
  select 'u', concat_ws('|', tp, la, subject, breakdown, grp, canon), urn = '', st.*,
    'the schools of LA ' || la || ' and the LA row (' || subject || ', ' || grp || ')'
  from st where la <> 'National'
  union all
  select 'n', concat_ws('|', tp, subject, breakdown, grp, canon), la = 'National', st.*,
    'the LAs and the National row (' || subject || ', ' || grp || ')'
  from st where urn = ''
),
exposed as (
  select set_id, max(what) as what, any_value(canon) as canon
  from members group by set_id
  having count(*) filter (where is_total) = 1 and count(*) filter (where not is_total) >= 1
    and count(*) filter (where not shown) = 1 and count(*) filter (where not shown and any_c) = 1
),
hidden as (
  select m.*, e.what from members m join exposed e using (set_id) where not m.shown
),
final as (
  select distinct 'differencing' as kind, c.place, c.loc, c.line, c.col,
    'c, but recoverable by differencing ' || h.what || ' (' || h.canon || '): every other member of that set is published' as message
  from hidden h join audit_c c on c.tp = h.tp and c.la = h.la and c.urn = h.urn and c.subject = h.subject
    and c.breakdown = h.breakdown and c.grp = h.grp and c.canon = h.canon and c.is_c
)
select * from final;
