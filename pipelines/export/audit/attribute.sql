-- A figure published beside a suppressed count it is about (outputs.md §2: a figure derived
-- from a suppressed count, and attribute disclosure: "0 of c"). The counts a figure is about are
-- its catalogue count_basis; @total entries are that count on the breakdown's Total row. The count
-- is hidden when the release shows it nowhere as a number and as c somewhere.
with about as (
  select cast(b.indicator as audit_indicator) as indicator, b.basis, b.at_total, k.cid as canon
  from audit_basis b join audit_alias_all a on a.indicator = b.basis join audit_canon k on k.canon = a.canon
  where b.indicator in (select unnest(enum_range(null::audit_indicator))::VARCHAR)
),
hidden as (select kid, canon from audit_state where any_c and not shown),
hits as (
  select c.rid, c.indicator, c.value, ab.basis, ab.at_total, s.kid, s.canon
  from audit_c c join about ab using (indicator) join audit_keys k on k.kid = c.kid
  join hidden s on s.canon = ab.canon and s.kid = case when ab.at_total then k.total_kid else c.kid end
  where c.cls = 1
),
first_c as (
  select c.kid, c.canon, min(r.place || ' ' || r.loc || ' ' || cast(c.indicator as VARCHAR)) as first_c
  from audit_c c semi join hits h on h.kid = c.kid and h.canon = c.canon join audit_rows r using (rid)
  where c.cls = 2
  group by c.kid, c.canon
),
final as (
  select 'attribute' as kind, r.place, r.loc, r.line, cast(h.indicator as VARCHAR) as col,
    'published as ' || h.value || ' although the count it is about, ' || h.basis || case when h.at_total then ' on the Total row' else '' end
      || ', is c (' || f.first_c || ')' as message
  from hits h join audit_rows r using (rid) join first_c f using (kid, canon)
)
select * from final;
