-- One decision per figure (outputs.md §2): the same figure of the same key (under one name, or
-- under names the audit knows count the same pupils) published as a number in one place and c
-- in another. Reported where the number gives the suppressed value away.
with hits as (
  select c.rid, c.indicator, c.value, c.kid, c.canon
  from audit_c c join audit_state s using (kid, canon)
  where c.cls = 1 and s.any_c
),
-- the first place (in text order) each of those figures is c, for the message
first_c as (
  select c.kid, c.canon, min(r.place || ' ' || r.loc || ' ' || cast(c.indicator as VARCHAR)) as first_c
  from audit_c c semi join hits h on h.kid = c.kid and h.canon = c.canon join audit_rows r using (rid)
  where c.cls = 2
  group by c.kid, c.canon
),
final as (
  select 'inconsistent' as kind, r.place, r.loc, r.line, cast(h.indicator as VARCHAR) as col,
    'published as ' || h.value || ' but c elsewhere (' || f.first_c || ')' as message
  from hits h join audit_rows r using (rid) join first_c f using (kid, canon)
)
select * from final;
