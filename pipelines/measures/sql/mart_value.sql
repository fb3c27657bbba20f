-- mart_value: value for money (measures.md §9) per group.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label
--   (keys as mart_delivery: urn = arranging school, NULL = whole LA; 'National' with ≥ 2 LAs).
-- Cost of a place is int_places.cost_gbp = (hours + 2 liaison hours) × tutor rate +
-- payment to the school per place (settings). Cost per point of impact is built with
-- the impact model (pipelines/measures, impact), not here.
-- Funding received comes from mart_places (allocations), so it exists only on the
-- total and key_stage breakdowns and where an allocation was recorded.
-- Needs mart_places built first.
create or replace table mart_value as
with

places as (
    select * from int_programme_places
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
        -- distinct pupils: one per place within a subject; across subjects, each pupil's
        -- first place at the level of the row (school, LA or National)
        case
            when grouping(subject) = 0 then count(*)
            when grouping(urn) = 0 then count(*) filter (where first_at_school)
            when grouping(la_code) = 0 then count(*) filter (where first_in_la)
            else count(*) filter (where first_in_run)
        end                                        as tutees,
        count(*)                               as places,
        count(*) filter (where full_place)     as full_places,
        sum(cost_gbp)                          as total_cost_gbp
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

final as (
    select
        -- key
        a.time_period, a.la_code, a.urn, a.subject, a.breakdown, a.group_label,
        -- counts the costs are divided by
        a.tutees, a.places, a.full_places,
        -- costs
        a.total_cost_gbp,
        a.total_cost_gbp / nullif(a.tutees, 0)                      as cost_per_tutee_gbp,
        a.total_cost_gbp / nullif(a.places, 0)                      as cost_per_place_gbp,
        a.total_cost_gbp / nullif(a.full_places, 0)                as cost_per_full_place_gbp,
        case when a.full_places = 0 then 'Not available: no full places' end
                                                                    as cost_per_full_place_gbp_na_reason,
        -- funding received against spent
        p.funding_gbp                                               as funding_received_gbp,
        case
            when a.breakdown not in ('total', 'key_stage')
                then 'Not applicable: places are funded by key stage and subject, not by pupil group'
            when p.funding_gbp is null then coalesce(p.funding_gbp_na_reason, 'Not available: no allocation recorded')
        end                                                         as funding_received_gbp_na_reason,
        100.0 * a.total_cost_gbp / nullif(p.funding_gbp, 0)         as pct_funding_spent,
        case
            when a.breakdown not in ('total', 'key_stage')
                then 'Not applicable: places are funded by key stage and subject, not by pupil group'
            when coalesce(p.funding_gbp, 0) = 0 then coalesce(p.funding_gbp_na_reason, 'Not available: no funding recorded')
        end                                                         as pct_funding_spent_na_reason
    from aggregated as a
    left join mart_places as p
      on p.time_period = a.time_period
     and p.la_code = a.la_code
     and p.urn is not distinct from a.urn
     and p.subject = a.subject
     and p.breakdown = a.breakdown
     and p.group_label = a.group_label
    where not a.is_national or (select several_las from run_context)
)

select * from final
