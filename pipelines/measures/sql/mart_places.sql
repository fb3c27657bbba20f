-- mart_places: places used against places funded (measures.md §8), per LA, school,
-- key stage and subject, with the 3.5%-of-cohort benchmark.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label,
--   breakdown ∈ total | key_stage (allocations are funded by key stage and subject only).
--   urn NULL = the LA (funded = the LA's total allocation rows, blank urn);
--   urn = a school (places counted at the school that arranged them; funded = its rows).
--   subject Total sums places, funding and benchmark over the two subjects.
-- Places used = distinct pupils with tuition in the subject = places (int_places).
-- A school with no allocation row (academies are funded directly by DCSF) has
-- places_funded NULL and utilisation not available.
-- Benchmark: 3.5% of the eligible cohort (measures.md §7: Y3–9, and Y10–11 only in
-- National Challenge schools) per subject and key stage, the programme's planning rate.
create or replace table mart_places as
with

places as (
    select
        p.academic_year, p.time_period, p.la_code, p.arranging_urn as urn, p.upn, p.subject,
        ip.key_stage
    from int_places as p
    left join int_pupils as ip
      on ip.academic_year = p.academic_year and ip.upn = p.upn
    where list_contains((select academic_years from run_context), p.academic_year)
),

allocations as (
    select
        a.academic_year,
        replace(a.academic_year, '/', '') as time_period,
        a.la_code, a.urn,
        'Key stage ' || a.key_stage as key_stage,
        case a.subject when 'english' then 'English' when 'maths' then 'Mathematics' end as subject,
        a.places, a.funding_gbp
    from stg_allocations as a
    where list_contains((select academic_years from run_context), a.academic_year)
),

-- places used and places funded, stacked for one grouped pass; an LA's own
-- allocation rows (blank urn) are kept apart from its schools' rows
facts as (
    select
        time_period, la_code, urn, subject, key_stage,
        1 as places_used, null::integer as funded_la, null::integer as funded_school,
        null::double as funding_la, null::double as funding_school
    from places
    union all
    select
        time_period, la_code, urn, subject, key_stage,
        0,
        case when urn is null then places end, case when urn is not null then places end,
        case when urn is null then funding_gbp end, case when urn is not null then funding_gbp end
    from allocations
),

labelled as (
    select *, 'Total' as total from facts
),

grouped as (
    unpivot labelled
    on total, key_stage
    into name breakdown value group_label
),

aggregated as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        grouping(la_code) = 1 as is_national,
        grouping(urn) = 0 as is_school,
        sum(places_used)     as places_used,
        sum(funded_la)       as funded_la,
        sum(funded_school)   as funded_school,
        sum(funding_la)      as funding_la,
        sum(funding_school)  as funding_school
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

-- the eligible cohort is the same for both subjects, so it is grouped without them
cohort_pupils as (
    select time_period, la_code, urn, key_stage, 'Total' as total
    from int_pupils
    where eligible
      and list_contains((select academic_years from run_context), academic_year)
),

cohort_grouped as (
    unpivot cohort_pupils
    on total, key_stage
    into name breakdown value group_label
),

cohort as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        count(*) as eligible_cohort
    from cohort_grouped
    -- school, LA and National rows (rollup)
    group by time_period, breakdown, group_label, rollup(la_code, urn)
),

joined as (
    select
        a.*,
        case when a.is_school then a.funded_school else a.funded_la end   as places_funded,
        case when a.is_school then a.funding_school else a.funding_la end as funding_gbp,
        case when a.is_school
             then 'Not available: no allocation recorded for this school (academies are funded directly by DCSF)'
             else 'Not available: no allocation recorded for this local authority, key stage and subject' end
                                                                           as no_allocation,
        coalesce(c.eligible_cohort, 0)                                     as eligible_cohort
    from aggregated as a
    left join cohort as c
      on c.time_period = a.time_period
     and c.la_code = a.la_code
     and c.urn is not distinct from a.urn
     and c.breakdown = a.breakdown
     and c.group_label = a.group_label
    -- school-level sets also group the LA's own (blank-urn) allocation rows: drop them
    where not (a.is_school and a.urn is null)
      and (not a.is_national or (select several_las from run_context))
),

final as (
    select
        -- key
        time_period, la_code, urn, subject, breakdown, group_label,
        -- used against funded
        places_used,
        places_funded,
        case when places_funded is null then no_allocation end            as places_funded_na_reason,
        100.0 * places_used / nullif(places_funded, 0)                     as utilisation_pct,
        case when coalesce(places_funded, 0) = 0 then no_allocation end    as utilisation_pct_na_reason,
        funding_gbp,
        case when funding_gbp is null then no_allocation end               as funding_gbp_na_reason,
        -- benchmark: 3.5% of the eligible cohort per subject (Total: both subjects)
        eligible_cohort,
        0.035 * eligible_cohort * case when subject = 'Total' then 2 else 1 end
                                                                           as benchmark_places
    from joined
)

select * from final
