-- int_ntp_courses: every course (tuition row) of an ntp run with its hours, cost and programme
-- funding (programmes.md §3 §13–§14), and int_ntp_places: a pupil's courses in one subject
-- and year, with the course that gives the place its route, size and school.
-- Grain: int_ntp_courses one row per tuition_id; int_ntp_places one row per academic year ×
-- upn × subject. Both for the analysed years and the run's LAs (LA of the arranging school,
-- tuition.urn). Temp tables; read run_context and run_las (core/run-context.ts) and the rule tables
-- ntp_subsidy, ntp_route_costs, ntp_phase_caps (pipelines/transform/ntp.ts, from core/ntp-rules.ts
-- and the settings).
-- Attended hours = Σ attended minutes / 60; billed hours = Σ minutes of every session,
-- attended or not (the tutor is paid for the session; a 0-minute missed session bills nothing).
-- Minutes are kept as integers so the census half-hours of §13 are exact.
create or replace temp table int_ntp_courses as
with

course_sessions as (
    select
        tuition_id,
        coalesce(sum(minutes) filter (where attended), 0) as attended_minutes,
        coalesce(sum(minutes), 0)                         as billed_minutes
    from stg_sessions
    group by tuition_id
),

courses as (
    select
        t.tuition_id, t.academic_year, replace(t.academic_year, '/', '') as time_period,
        s.la_code, t.urn, t.upn, t.start_date,
        case t.subject
            when 'english' then 'English' when 'maths' then 'Mathematics'
            when 'science' then 'Science' when 'other' then 'Other subjects'
        end                                                           as subject,
        t.route,
        case t.route
            when 'tuition_partner' then 'Tuition partner' when 'academic_mentor' then 'Academic mentor'
            when 'school_led' then 'School-led tutoring'
        end                                                           as route_label,
        t.group_size,
        case
            when t.group_size = 1 then 'One-to-one' when t.group_size = 2 then 'Two pupils'
            when t.group_size = 3 then 'Three pupils' else 'Four or more pupils'
        end                                                           as group_size_label,
        t.funding_source,
        t.funding_source = 'ntp'                                      as is_ntp,
        coalesce(cs.attended_minutes, 0)                              as attended_minutes,
        coalesce(cs.billed_minutes, 0)                                as billed_minutes,
        -- blank = the route's default cost of a tutor-hour (settings.ntp.hourly_cost_gbp)
        coalesce(t.hourly_cost_gbp, rc.default_hourly_cost_gbp)       as hourly_cost_gbp,
        sub.share, sub.capped, pc.cap_gbp, s.phase
    from stg_tuition as t
    join stg_schools as s on s.urn = t.urn
    left join course_sessions as cs on cs.tuition_id = t.tuition_id
    left join ntp_route_costs as rc on rc.route = t.route
    left join ntp_subsidy as sub on sub.academic_year = t.academic_year and sub.route = t.route
    left join ntp_phase_caps as pc on pc.phase = s.phase
    where list_contains((select academic_years from run_context), t.academic_year)
      and s.la_code in (select la_code from run_las)
),

costed as (
    select
        c.*,
        c.attended_minutes / 60.0                                     as attended_hours,
        c.billed_minutes / 60.0                                       as billed_hours,
        c.hourly_cost_gbp / c.group_size                              as cost_per_pupil_hour_gbp,
        c.billed_minutes / 60.0 * c.hourly_cost_gbp / c.group_size    as cost_gbp
    from courses as c
),

final as (
    select
        c.*,
        case
            when not c.is_ntp then 0.0
            -- validate keeps years to 2020/21–2023/24 and routes to the three, so a missing
            -- cell or cap is a fault in this pipeline, not in the data: say so rather than fund 0
            when c.share is null then error(format('NTP funding: tuition row {} (year {}, route {}) has no subsidy share', c.tuition_id, c.academic_year, c.route))
            when c.capped and c.cap_gbp is null then error(format('NTP funding: tuition row {} was arranged by school {} whose phase {} has no cap', c.tuition_id, c.urn, coalesce(c.phase, '(blank)')))
            when c.capped then c.share * c.billed_hours * least(c.cost_per_pupil_hour_gbp, c.cap_gbp)
            else c.share * c.cost_gbp
        end                                                           as programme_funding_gbp
    from costed as c
)

select
    tuition_id, academic_year, time_period, la_code, urn, upn, start_date,
    subject, route, route_label, group_size, group_size_label, funding_source, is_ntp,
    attended_minutes, billed_minutes, attended_hours, billed_hours,
    hourly_cost_gbp, cost_per_pupil_hour_gbp, cost_gbp,
    programme_funding_gbp, cost_gbp - programme_funding_gbp as school_contribution_gbp
from final;

-- a place takes the route, size and arranging school of its course with most attended
-- hours (ties: earliest start, smallest tuition_id), programmes.md §3 §2; it is full with
-- at least full_course_hours attended over all its courses, whatever their funding source
create or replace temp table int_ntp_places as
with ranked as (
    select
        *,
        row_number() over (partition by academic_year, upn, subject order by attended_minutes desc, start_date, tuition_id) as rank_in_place,
        sum(attended_minutes) over (partition by academic_year, upn, subject) as place_attended_minutes,
        count(*) over (partition by academic_year, upn, subject)              as n_courses
    from int_ntp_courses
)
select
    academic_year, time_period, la_code, urn, upn, subject, route_label, group_size_label, n_courses,
    place_attended_minutes / 60.0                                                   as attended_hours,
    place_attended_minutes / 60.0 >= (select ntp_full_course_hours from run_context) as full_place
from ranked
where rank_in_place = 1;
