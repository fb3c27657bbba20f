-- The audit's view of a release (grain: one row per published cell; audit_state one row per
-- key and count a reader can see, over every place that publishes it). Needs audit_cells,
-- audit_counts(indicator), audit_basis(indicator, basis, at_total), audit_alias(indicator, canon), audit_other(indicator),
-- audit_other_groups(breakdown, grp, other_grp).
create or replace temp table audit_c as
with final as (
  select c.* replace (coalesce(og.other_grp, c.grp) as grp), coalesce(a.canon, c.indicator) as canon,
    try_cast(c.value as double) as num, c.value = 'c' as is_c
  from audit_cells c left join audit_alias a using (indicator)
  -- a count of the breakdown's other group (a gap's "other" side) is that group's count
  left join audit_other o using (indicator)
  left join audit_other_groups og on o.indicator is not null and og.breakdown = c.breakdown and og.grp = c.grp
)
select * from final;

-- What a reader of the whole release knows of each figure: shown (a number somewhere), any_c,
-- and the first place it is c (for the messages).
create or replace temp table audit_state as
with final as (
  select tp, la, urn, subject, breakdown, grp, canon,
    bool_or(num is not null) as shown, bool_or(is_c) as any_c,
    min(place || ' ' || loc || ' ' || col) filter (where is_c) as first_c
  from audit_c group by all
)
select * from final;
