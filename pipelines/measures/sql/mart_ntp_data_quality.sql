-- mart_ntp_data_quality: the ntp profile's data-quality reading (programmes.md §2): the loaded
-- courses that break a programme rule (validate's programme_breaches, which load and count: the
-- LA judges them), and the optional pupil_premium flag beside disadvantaged (fsm6, fsm, cla or pla).
-- Grain: one row per time_period × la_code × subject (English, Mathematics, Science, Other
--   subjects, Total), urn NULL, breakdown 'total', group 'Total'; la_code 'National' only with
--   several LAs. Courses are int_ntp_courses' (every funding source), by the arranging school's LA.
-- Course counts: dq_ntp_courses, dq_courses_breaching (courses breaking at least one rule), one
--   column per rule (a course may break several). Tutee counts (pupils with a course in the row):
--   dq_tutees, dq_tutees_pp_recorded (pupil_premium given Y or N in the census row of the year),
--   dq_tutees_pp_not_disadvantaged, dq_tutees_disadvantaged_not_pp (of those recorded).
-- Standardised-test results (§2): dq_std_results (`std` results of the year's census pupils in
--   the run's LAs, reading and english as English), of them dq_std_below_range (`<N`, read as
--   N − 1) and dq_std_above_range (`>N`, read as N + 1). Results are counted by pupil and subject
--   whatever their date, as the 2009 data-quality mart counts results.
-- Reads int_ntp_courses, stg_tuition, programme_breaches, stg_pupils, stg_schools, stg_attainment,
-- run_context and run_las.
create or replace table mart_ntp_data_quality as
with

-- programme_breaches names its rows by file and line, as the quarantine does
breached as (
    select t.tuition_id, b.rule
    from programme_breaches as b
    join stg_tuition as t on t._file = b.file and t._line = b.line
    where b.dataset = 'tuition'
),

courses as (
    select
        c.time_period, c.la_code, c.subject, c.tuition_id, c.upn, c.academic_year,
        coalesce(list_contains(r.rules, 'group_over_three'), false)     as group_over_three,
        coalesce(list_contains(r.rules, 'school_led_2020_21'), false)   as school_led_2020_21,
        coalesce(list_contains(r.rules, 'tutor_not_trained'), false)    as tutor_not_trained,
        coalesce(list_contains(r.rules, 'nc_year_out_of_scope'), false) as nc_year_out_of_scope,
        coalesce(list_contains(r.rules, 'group_over_size'), false)      as group_over_size,
        r.tuition_id is not null                                         as breaching,
        p.pupil_premium,
        p.fsm6 or p.fsm or p.cla or p.pla                               as disadvantaged
    from int_ntp_courses as c
    left join (select tuition_id, list(distinct rule) as rules from breached group by tuition_id) as r using (tuition_id)
    left join stg_pupils as p on p.upn = c.upn and p.academic_year = c.academic_year
),

counted as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        case when grouping(subject) = 1 then 'Total' else subject end   as subject,
        count(*)                                                         as dq_ntp_courses,
        count(*) filter (where breaching)                                as dq_courses_breaching,
        count(*) filter (where group_over_three)                         as dq_group_over_three,
        count(*) filter (where school_led_2020_21)                       as dq_school_led_2020_21,
        count(*) filter (where tutor_not_trained)                        as dq_tutor_not_trained,
        count(*) filter (where nc_year_out_of_scope)                     as dq_nc_year_out_of_scope,
        count(*) filter (where group_over_size)                          as dq_group_over_size,
        count(distinct upn)                                              as dq_tutees,
        count(distinct upn) filter (where pupil_premium is not null)     as dq_tutees_pp_recorded,
        count(distinct upn) filter (where pupil_premium and not disadvantaged)
                                                                         as dq_tutees_pp_not_disadvantaged,
        count(distinct upn) filter (where pupil_premium = false and disadvantaged)
                                                                         as dq_tutees_disadvantaged_not_pp
    from courses
    -- LA and National rows (cube), each by subject and across both
    group by time_period, cube(la_code, subject)
),

std_results as (
    select
        replace(p.academic_year, '/', '') as time_period, s.la_code,
        case a.subject when 'maths' then 'Mathematics' else 'English' end as subject,
        a.result
    from stg_attainment as a
    join stg_pupils as p on p.upn = a.upn
    join stg_schools as s on s.urn = p.urn
    where a.assessment = 'std'
      and s.la_code in (select la_code from run_las)
      and list_contains((select academic_years from run_context), p.academic_year)
),

std_counted as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        case when grouping(subject) = 1 then 'Total' else subject end   as subject,
        count(*)                                                         as dq_std_results,
        count(*) filter (where result like '<%')                         as dq_std_below_range,
        count(*) filter (where result like '>%')                         as dq_std_above_range
    from std_results
    -- LA and National rows (cube), each by subject and across both
    group by time_period, cube(la_code, subject)
),

final as (
    select
        c.time_period, c.la_code, null::VARCHAR as urn, c.subject, 'total' as breakdown, 'Total' as group_label,
        c.* exclude (time_period, la_code, subject),
        coalesce(r.dq_std_results, 0)      as dq_std_results,
        coalesce(r.dq_std_below_range, 0)  as dq_std_below_range,
        coalesce(r.dq_std_above_range, 0)  as dq_std_above_range
    from counted as c
    left join std_counted as r using (time_period, la_code, subject)
    where c.la_code <> 'National' or (select several_las from run_context)
)

select * from final
order by time_period, la_code, subject;
