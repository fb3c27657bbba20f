-- A count 1..threshold-1 published as a number (outputs.md §2, primary suppression).
with final as (
  select 'small_count' as kind, place, loc, line, col,
    'a count of ' || value || ', below the threshold of ' || $threshold || ', is published (it should be c)' as message
  from audit_c
  where indicator in (select indicator from audit_counts) and num >= 1 and num < $threshold
)
select * from final;
