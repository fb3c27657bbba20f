-- mart_ntp_practice: who was tutored and by whom (programmes.md §3 §7–§8): the share of
-- tutees who are disadvantaged, and the share of attended pupil-hours taught by each tutor
-- type, with the share of school-led hours by tutors other than qualified teachers whose
-- tutor training is passed.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label, keys as
--   mart_ntp_cost (urn = arranging school, NULL = whole LA; 'National' with ≥ 2 LAs; breakdown
--   total | route | group_size, each course under its own route and size).
-- Every course in the row counts, whatever its funding source (our reading: §7 and §8 describe
-- the tuition the schools arranged, as §14's cost does). Tutees: pupils with a course in the
-- row (the count basis, as mart_ntp_cost's tutees); disadvantaged = fsm6, fsm, cla or pla in
-- the census row of the tuition's year. pct_hours_trained_tutor: of the attended hours of
-- school-led courses whose tutor is not a qualified teacher and whose tutor_trained is Y or N,
-- the % with Y (NULL, `x`, where there are none).
-- pct_tp_courses_pupil_premium (§7, the 65% target): on the Tuition partner route rows of
-- 2021/22 only (`z` elsewhere: the target was that route's in that year), of the row's `ntp`
-- courses (tuition rows claimed against the grant), the % whose pupil is pupil_premium in the
-- census row of the tuition's year, or, where that flag is blank, disadvantaged (our reading of
-- "pupil_premium (else disadvantaged)": the fallback is per pupil, so a folder without the flag
-- counts disadvantaged throughout). Its count basis is tutees_tp_ntp, the pupils with such a course
-- (on those rows only).
-- Reads int_ntp_courses, stg_tuition, stg_pupils and run_context.
create or replace table mart_ntp_practice as
with

courses as (
    select
        c.time_period, c.la_code, c.urn, c.upn, c.subject, c.attended_minutes,
        t.tutor_type, t.tutor_trained, c.route as route_code,
        coalesce(p.fsm6 or p.fsm or p.cla or p.pla, false)             as disadvantaged,
        c.route = 'tuition_partner' and c.is_ntp                         as tp_ntp,
        coalesce(p.pupil_premium, p.fsm6 or p.fsm or p.cla or p.pla, false) as pupil_premium_else_disadvantaged,
        'Total' as total, c.route_label as route, c.group_size_label as group_size
    from int_ntp_courses as c
    join stg_tuition as t using (tuition_id)
    left join stg_pupils as p on p.upn = c.upn and p.academic_year = c.academic_year
),

grouped as (
    unpivot courses
    on total, route, group_size
    into name breakdown value group_label
),

course_sums as (
    select
        time_period, breakdown, group_label, la_code, urn, subject, grouping(la_code, urn, subject) as level,
        count(*) filter (where tp_ntp)                                   as tp_ntp_courses,
        count(*) filter (where tp_ntp and pupil_premium_else_disadvantaged) as tp_ntp_courses_pupil_premium,
        sum(attended_minutes)                                            as minutes,
        sum(attended_minutes) filter (where tutor_type = 'qualified_teacher')  as minutes_qualified_teacher,
        sum(attended_minutes) filter (where tutor_type = 'teaching_assistant') as minutes_teaching_assistant,
        sum(attended_minutes) filter (where tutor_type = 'other_school_staff') as minutes_other_school_staff,
        sum(attended_minutes) filter (where tutor_type = 'external_tutor')     as minutes_external_tutor,
        sum(attended_minutes) filter (where route_code = 'school_led' and tutor_type <> 'qualified_teacher' and tutor_trained is not null)
                                                                         as minutes_trainable,
        sum(attended_minutes) filter (where route_code = 'school_led' and tutor_type <> 'qualified_teacher' and tutor_trained)
                                                                         as minutes_trained
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

row_tutees as (
    -- each tutee once in each row they count in (the same six levels), with whether they are
    -- disadvantaged and have a tuition partner course claimed against the grant there; counted
    -- below, where count(distinct upn) in each of the six grouping sets kept a set of upns per
    -- group and aggregate (most of this file's time on a 400-school ntp LA)
    select
        time_period, breakdown, group_label, la_code, urn, subject, grouping(la_code, urn, subject) as level,
        bool_or(disadvantaged)                                           as disadvantaged,
        bool_or(tp_ntp)                                                  as tp_ntp
    from grouped
    where upn is not null
    group by time_period, breakdown, group_label, upn, rollup(la_code, urn), cube(subject)
),

tutee_counts as (
    select
        time_period, breakdown, group_label, la_code, urn, subject, level,
        count(*)                                                         as tutees,
        count(*) filter (where disadvantaged)                            as tutees_disadvantaged,
        count(*) filter (where tp_ntp)                                   as tutees_tp_ntp
    from row_tutees
    group by all
),

counted as (
    -- level is grouping(la_code, urn, subject): 4 where la_code is rolled up (National rows), 1
    -- where subject is (Total rows)
    select
        s.time_period, s.breakdown, s.group_label,
        case when s.level & 4 <> 0 then 'National' else s.la_code end   as la_code,
        s.urn,
        case when s.level & 1 <> 0 then 'Total' else s.subject end      as subject,
        s.* exclude (time_period, breakdown, group_label, la_code, urn, subject, level),
        coalesce(t.tutees, 0)                                            as tutees,
        coalesce(t.tutees_disadvantaged, 0)                              as tutees_disadvantaged,
        coalesce(t.tutees_tp_ntp, 0)                                     as tutees_tp_ntp
    from course_sums as s
    left join tutee_counts as t
      on t.level = s.level and t.time_period = s.time_period and t.breakdown = s.breakdown and t.group_label = s.group_label
     and t.la_code is not distinct from s.la_code and t.urn is not distinct from s.urn and t.subject is not distinct from s.subject
),

final as (
    select
        time_period, la_code, urn, subject, breakdown, group_label,
        tutees, tutees_disadvantaged,
        -- NULL off the target's rows, so no disclosure decision makes its figure `c` where it is `z`
        case when time_period = '202122' and breakdown = 'route' and group_label = 'Tuition partner'
            then tutees_tp_ntp end                                                   as tutees_tp_ntp,
        100.0 * tutees_disadvantaged / nullif(tutees, 0)                             as pct_tutees_disadvantaged,
        100.0 * coalesce(minutes_qualified_teacher, 0) / nullif(minutes, 0)          as pct_hours_qualified_teacher,
        100.0 * coalesce(minutes_teaching_assistant, 0) / nullif(minutes, 0)         as pct_hours_teaching_assistant,
        100.0 * coalesce(minutes_other_school_staff, 0) / nullif(minutes, 0)         as pct_hours_other_school_staff,
        100.0 * coalesce(minutes_external_tutor, 0) / nullif(minutes, 0)             as pct_hours_external_tutor,
        case when coalesce(minutes, 0) = 0 then 'Not available: no attended hours' end as na_reason,
        100.0 * coalesce(minutes_trained, 0) / nullif(minutes_trainable, 0)          as pct_hours_trained_tutor,
        case when coalesce(minutes_trainable, 0) = 0
            then 'Not available: no attended school-led hours by a tutor other than a qualified teacher with tutor training recorded' end
                                                                                     as pct_hours_trained_tutor_na_reason,
        case when time_period = '202122' and breakdown = 'route' and group_label = 'Tuition partner'
            then 100.0 * tp_ntp_courses_pupil_premium / nullif(tp_ntp_courses, 0) end    as pct_tp_courses_pupil_premium,
        case
            when not (time_period = '202122' and breakdown = 'route' and group_label = 'Tuition partner')
                then 'Not applicable: the 65% pupil premium target was set for tuition partners in 2021/22 only'
            when coalesce(tp_ntp_courses, 0) = 0
                then 'Not applicable: no tuition partner courses claimed against the NTP grant'
        end                                                                          as pct_tp_courses_pupil_premium_na_reason
    from counted
    where la_code <> 'National' or (select several_las from run_context)
)

select * from final
order by time_period, la_code, urn nulls first, subject, breakdown, group_label;
