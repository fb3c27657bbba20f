-- mart_ntp_delivery: NTP delivery as the Department's NTP statistics count it (programmes.md
-- §3 §13): course starts, hours, pupils and schools participating.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label.
--   la_code: LA of the arranging school (tuition.urn), or 'National' (only with ≥ 2 LAs).
--   urn: the school that arranged the courses; NULL = whole LA. On a school row every pupil
--     figure uses the courses that school arranged.
--   subject: English | Mathematics | Science | Other subjects | Total.
--   breakdown: total | route | group_size. Each course counts under its own route and group
--     size, so a pupil with courses on two routes adds to both route rows.
-- Only `ntp` courses count. A pupil's hours in a row are summed over their courses in the row
-- and rounded to the census's half hour (halves up) before the 16-hour split, so starts are
-- not additive: on Total, 12 h maths + 6 h English is 2 starts, and 1 in each subject row.
-- Minutes are integers, so the half hours are exact: (minutes + 15) // 30.
-- Reads int_ntp_courses, stg_pupils, stg_schools, run_context and run_las (core/run-context.ts).
create or replace table mart_ntp_delivery as
with

courses as (
    select
        time_period, la_code, urn, upn, subject, is_ntp, attended_minutes,
        'Total' as total, route_label as route, group_size_label as group_size
    from int_ntp_courses
),

grouped as (
    unpivot courses
    on total, route, group_size
    into name breakdown value group_label
),

-- one row per pupil per output row: their ntp minutes in it
pupil_rows as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        upn,
        coalesce(sum(attended_minutes) filter (where is_ntp), 0) as ntp_minutes
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, upn, rollup(la_code, urn), cube(subject)
),

pupil_starts as (
    select
        *,
        (ntp_minutes + 15) // 30 as census_half_hours,
        case
            when (ntp_minutes + 15) // 30 = 0 then 0
            when (ntp_minutes + 15) // 30 <= 2 * (select ntp_start_split_hours from run_context) then 1
            else 2
        end as starts
    from pupil_rows
),

pupil_figures as (
    select
        time_period, la_code, urn, subject, breakdown, group_label,
        sum(starts)                                 as total_courses,
        sum(ntp_minutes) / 60.0                     as total_hours,
        count(*) filter (where ntp_minutes > 0)     as ntp_pupils
    from pupil_starts
    group by all
),

-- schools with a census pupil in NC years 1–11 of the year
census_schools as (
    select distinct replace(p.academic_year, '/', '') as time_period, s.la_code, p.urn
    from stg_pupils as p
    join stg_schools as s on s.urn = p.urn
    where p.nc_year between 1 and 11
      and s.la_code in (select la_code from run_las)
      and list_contains((select academic_years from run_context), p.academic_year)
),

-- those of them that arranged an ntp course with hours in the row
participating as (
    select
        g.time_period, g.breakdown, g.group_label,
        case when grouping(g.la_code) = 1 then 'National' else g.la_code end as la_code,
        g.urn,
        case when grouping(g.subject) = 1 then 'Total' else g.subject end as subject,
        count(distinct g.urn) filter (where g.is_ntp and g.attended_minutes > 0 and cs.urn is not null)
                                                    as total_schools_participating
    from grouped as g
    left join census_schools as cs on cs.time_period = g.time_period and cs.urn = g.urn
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by g.time_period, g.breakdown, g.group_label, rollup(g.la_code, g.urn), cube(g.subject)
),

school_totals as (
    select time_period, la_code, count(*) as total_schools from census_schools group by all
    union all
    select time_period, 'National', count(*) from census_schools group by all
),

final as (
    select
        -- key
        f.time_period, f.la_code, f.urn, f.subject, f.breakdown, f.group_label,
        -- the Department's NTP statistics
        f.total_courses,
        f.total_hours,
        f.ntp_pupils,
        f.total_hours / nullif(f.total_courses, 0)                   as average_hours_per_course,
        -- programmes.md §13: `z` with no starts (a row of courses outside the NTP grant only)
        case when f.total_courses = 0 then 'Not applicable: no NTP course starts' end
                                                                     as average_hours_per_course_na_reason,
        -- a school row's schools are that school, if it had census pupils in NC 1–11
        case
            when f.urn is not null
                then (select count(*) from census_schools as cs where cs.time_period = f.time_period and cs.urn = f.urn)
            else coalesce(st.total_schools, 0)
        end                                                          as total_schools,
        p.total_schools_participating
    from pupil_figures as f
    join participating as p
      on p.time_period = f.time_period and p.la_code = f.la_code and p.urn is not distinct from f.urn
     and p.subject = f.subject and p.breakdown = f.breakdown and p.group_label = f.group_label
    left join school_totals as st
      on st.time_period = f.time_period and st.la_code = f.la_code
    where f.la_code <> 'National' or (select several_las from run_context)
)

select
    *,
    100.0 * total_schools_participating / nullif(total_schools, 0) as percentage_schools_participating,
    case when total_schools = 0 then 'Not available: no school with census pupils in years 1 to 11' end
                                                                   as percentage_schools_participating_na_reason
from final
order by time_period, la_code, urn nulls first, subject, breakdown, group_label;
