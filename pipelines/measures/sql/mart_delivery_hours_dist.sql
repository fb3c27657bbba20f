-- mart_delivery_hours_dist: the distribution of hours delivered per place (measures.md §8),
-- in bins of one hour, ready for a histogram.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label × hours_from
--   (keys as mart_delivery; a bin [hours_from, hours_from + 1) with no places has no row).
--   School rows only on the total breakdown, to keep the table small.
-- Not published (its extra key column does not fit published_*); for analysts and checks.
-- Empty when there is no sessions file (hours are then not available).
create or replace table mart_delivery_hours_dist as
with

places as (
    select
        p.academic_year, p.time_period, p.la_code, p.arranging_urn as urn, p.upn, p.subject,
        floor(p.hours)::integer as hours_from
    from int_places as p
    where (select sessions_available from run_context)
      and list_contains((select academic_years from run_context), p.academic_year)
),

grouped as (
    -- each place in its pupil's groups that year (pupil_year_groups.sql); a place whose pupil has
    -- no census row that year is in the total only
    select * from in_pupil_year_groups(places)
),

aggregated as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        grouping(la_code) = 1 as is_national,
        hours_from,
        count(*) as places
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, hours_from, rollup(la_code, urn), cube(subject)
),

final as (
    select
        time_period, la_code, urn, subject, breakdown, group_label,
        hours_from, hours_from + 1 as hours_to,
        places
    from aggregated
    where (not is_national or (select several_las from run_context))
      and (urn is null or breakdown = 'total')
)

select * from final
