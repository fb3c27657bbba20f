-- mart_ntp_cost: cost, programme funding and school contribution of NTP tuition
-- (programmes.md §3 §14), per the rows of mart_ntp_delivery.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label, keys as
--   mart_ntp_delivery (urn = arranging school, NULL = whole LA; 'National' with ≥ 2 LAs).
-- Cost and school contribution cover every course in the row, whatever its funding source;
-- programme funding only `ntp` ones (int_ntp_courses: billed hours × cost per pupil-hour,
-- the share of the year × route cell, capped per pupil-hour where the cell is). Funding is an
-- estimate per course, not the ESFA reconciliation, which capped each school's year totals.
-- Tutees: pupils with a course in the row, any funding (the count basis for suppression).
-- Cost per attended pupil-hour divides by the attended hours of every course in the row (the
-- cost's own courses; our reading). Full places: a place (pupil × subject × year) counts in
-- the route, size and school rows of its dominant course (§3 §2), on Total once per place.
-- Allocations (NTP funding per school; urn blank = held by the LA, counted on the LA row
-- only) sit on the total breakdown of subject Total only: they are not split by subject,
-- route or size. Cost per point of impact needs the impact model and is not built here.
-- Reads int_ntp_courses, int_ntp_places, mart_ntp_delivery, run_context and run_las.
create or replace table mart_ntp_cost as
with

courses as (
    select
        time_period, la_code, urn, upn, subject, attended_hours, cost_gbp, programme_funding_gbp, school_contribution_gbp,
        'Total' as total, route_label as route, group_size_label as group_size
    from int_ntp_courses
),

grouped as (
    unpivot courses
    on total, route, group_size
    into name breakdown value group_label
),

money as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        count(distinct upn)                 as tutees,
        sum(attended_hours)                 as attended_pupil_hours,
        sum(cost_gbp)                       as cost_gbp,
        sum(programme_funding_gbp)          as programme_funding_gbp,
        sum(school_contribution_gbp)        as school_contribution_gbp
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

places as (
    select
        time_period, la_code, urn, subject, full_place,
        'Total' as total, route_label as route, group_size_label as group_size
    from int_ntp_places
),

places_grouped as (
    unpivot places
    on total, route, group_size
    into name breakdown value group_label
),

full_places as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        count(*) filter (where full_place)  as full_places
    from places_grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

allocations as (
    select replace(academic_year, '/', '') as time_period, la_code, urn, funding_gbp
    from stg_allocations
    where la_code in (select la_code from run_las)
      and list_contains((select academic_years from run_context), academic_year)
),

allocated as (
    -- a school's own; the LA's: its schools' and what it held (urn blank); National: all
    select time_period, la_code, urn, sum(funding_gbp) as allocation_gbp from allocations where urn is not null group by all
    union all
    select time_period, la_code, null, sum(funding_gbp) from allocations group by all
    union all
    select time_period, 'National', null, sum(funding_gbp) from allocations group by all
),

final as (
    select
        -- key
        m.time_period, m.la_code, m.urn, m.subject, m.breakdown, m.group_label,
        -- what the costs are divided by
        m.tutees, m.attended_pupil_hours, d.ntp_pupils, d.total_hours, coalesce(fp.full_places, 0) as full_places,
        -- totals
        m.cost_gbp, m.programme_funding_gbp, m.school_contribution_gbp,
        -- per tutee and per attended pupil-hour
        m.cost_gbp / nullif(m.tutees, 0)                                  as cost_per_tutee_gbp,
        m.cost_gbp / nullif(m.attended_pupil_hours, 0)                    as cost_per_pupil_hour_gbp,
        case when m.attended_pupil_hours = 0 then 'Not available: no attended hours' end
                                                                          as cost_per_pupil_hour_gbp_na_reason,
        -- programme funding per NTP pupil and per NTP hour (§13's counts)
        m.programme_funding_gbp / nullif(d.ntp_pupils, 0)                 as programme_funding_per_ntp_pupil_gbp,
        m.programme_funding_gbp / nullif(d.total_hours, 0)                as programme_funding_per_hour_gbp,
        case when d.ntp_pupils = 0 then 'Not available: no NTP pupils' end
                                                                          as programme_funding_per_ntp_pupil_gbp_na_reason,
        m.cost_gbp / nullif(fp.full_places, 0)                            as cost_per_full_place_gbp,
        case when coalesce(fp.full_places, 0) = 0 then 'Not available: no full places' end
                                                                          as cost_per_full_place_gbp_na_reason,
        -- allocation against programme funding
        case when m.breakdown = 'total' and m.subject = 'Total' then a.allocation_gbp end
                                                                          as allocation_gbp,
        case
            when m.breakdown <> 'total' or m.subject <> 'Total'
                then 'Not applicable: NTP funding is allocated per school, not by subject, route or group size'
            when a.allocation_gbp is null then 'Not available: no allocation recorded'
        end                                                               as allocation_gbp_na_reason,
        case when m.breakdown = 'total' and m.subject = 'Total' then 100.0 * m.programme_funding_gbp / nullif(a.allocation_gbp, 0) end
                                                                          as pct_allocation_funded,
        case
            when m.breakdown <> 'total' or m.subject <> 'Total'
                then 'Not applicable: NTP funding is allocated per school, not by subject, route or group size'
            when coalesce(a.allocation_gbp, 0) = 0 then 'Not available: no allocation recorded'
        end                                                               as pct_allocation_funded_na_reason
    from money as m
    join mart_ntp_delivery as d
      on d.time_period = m.time_period and d.la_code = m.la_code and d.urn is not distinct from m.urn
     and d.subject = m.subject and d.breakdown = m.breakdown and d.group_label = m.group_label
    left join full_places as fp
      on fp.time_period = m.time_period and fp.la_code = m.la_code and fp.urn is not distinct from m.urn
     and fp.subject = m.subject and fp.breakdown = m.breakdown and fp.group_label = m.group_label
    left join allocated as a
      on a.time_period = m.time_period and a.la_code = m.la_code and a.urn is not distinct from m.urn
    where m.la_code <> 'National' or (select several_las from run_context)
)

select * from final
order by time_period, la_code, urn nulls first, subject, breakdown, group_label;
