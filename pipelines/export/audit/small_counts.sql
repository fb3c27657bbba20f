-- A count 1..threshold-1 published as a number (outputs.md §2, primary suppression).
with counts as (
  select cast(indicator as audit_indicator) as indicator from audit_counts
  where indicator in (select unnest(enum_range(null::audit_indicator))::VARCHAR)
),
final as (
  select 'small_count' as kind, r.place, r.loc, r.line, cast(c.indicator as VARCHAR) as col,
    'a count of ' || c.value || ', below the threshold of ' || $threshold || ', is published (it should be c)' as message
  from audit_c c join audit_rows r using (rid)
  where c.cls = 1 and c.indicator in (select indicator from counts)
    and try_cast(c.value as double) >= 1 and try_cast(c.value as double) < $threshold
)
select * from final;
