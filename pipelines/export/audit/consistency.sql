-- One decision per figure (outputs.md §2): the same figure of the same key (under one name, or
-- under names the audit knows count the same pupils) published as a number in one place and c
-- in another. Reported where the number gives the suppressed value away.
with final as (
  select 'inconsistent' as kind, c.place, c.loc, c.line, c.col,
    'published as ' || c.value || ' but c elsewhere (' || s.first_c || ')' as message
  from audit_c c join audit_state s using (tp, la, urn, subject, breakdown, grp, canon)
  where c.num is not null and s.any_c
)
select * from final;
