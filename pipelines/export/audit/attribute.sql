-- A figure published beside a suppressed count it is about (outputs.md §2: a figure derived
-- from a suppressed count, and attribute disclosure: "0 of c"). The counts a figure is about are
-- its catalogue count_basis; @total entries are that count on the breakdown's Total row. The count
-- is hidden when the release shows it nowhere as a number and as c somewhere.
with figures as (
  select c.*, b.basis, b.at_total from audit_c c join audit_basis b using (indicator)
  where c.num is not null
),
final as (
  select 'attribute' as kind, f.place, f.loc, f.line, f.col,
    'published as ' || f.value || ' although the count it is about, ' || f.basis || case when f.at_total then ' on the Total row' else '' end
      || ', is c (' || s.first_c || ')' as message
  from figures f
  join audit_alias_all a on a.indicator = f.basis
  join audit_state s on s.canon = a.canon and s.tp = f.tp and s.la = f.la and s.urn = f.urn and s.subject = f.subject
    and s.breakdown = case when f.at_total then 'total' else f.breakdown end
    and s.grp = case when f.at_total then 'Total' else f.grp end
  where s.any_c and not s.shown
)
select * from final;
