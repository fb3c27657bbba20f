-- int_places: tuition places (measures.md §2, §8, §9): a pupil's courses in one subject and
-- year taken together, with hours delivered, full place and cost.
-- Grain: one row per academic year × pupil (upn) × subject with tuition, for the LAs in
-- run_las (LA of the school that arranged the earliest course) and the years in
-- run_context.academic_years; hours and cost use run_context's rates.
create or replace table int_places as
with courses as (
    select
        t.*,
        case t.subject when 'english' then 'English' else 'Mathematics' end as subject_label,
        s.la_code
    from stg_tuition as t
    join stg_schools as s on s.urn = t.urn
    where t.academic_year in (select unnest(academic_years) from run_context)
),

course_sessions as (
    select
        tuition_id,
        count(*) as sessions,
        count(*) filter (where attended) as sessions_attended,
        coalesce(sum(minutes) filter (where attended), 0) as minutes_attended
    from stg_sessions
    group by tuition_id
),

places as (
    select
        c.academic_year,
        c.upn,
        c.subject_label as subject,
        arg_min(c.la_code, (c.start_date, c.tuition_id)) as la_code,
        arg_min(c.urn, (c.start_date, c.tuition_id)) as arranging_urn,
        count(*) as n_courses,
        min(c.start_date) as start_date,
        max(c.end_date) as end_date,
        coalesce(sum(cs.sessions), 0) as sessions,
        coalesce(sum(cs.sessions_attended), 0) as sessions_attended,
        coalesce(sum(cs.minutes_attended), 0) as minutes_attended,
        list(distinct c.allocation order by c.allocation) as allocations,
        list(distinct c.entry_reason order by c.entry_reason) as entry_reasons
    from courses as c
    left join course_sessions as cs using (tuition_id)
    group by c.academic_year, c.upn, c.subject_label
),

final as (
    select
        -- keys
        p.academic_year,
        replace(p.academic_year, '/', '') as time_period,
        p.la_code,
        p.arranging_urn,
        p.upn,
        p.subject,
        -- courses and dates
        p.n_courses,
        p.start_date,
        p.end_date,
        -- delivery (NULL when the LA gave no sessions at all: not available)
        p.sessions,
        p.sessions_attended,
        case when r.sessions_available then p.minutes_attended / 60.0 end as hours,
        case when r.sessions_available then p.minutes_attended / 60.0 >= 10 end as full_place,
        -- cost (measures.md §9): (hours + 2 hours' liaison) × rate + payment to the school
        case when r.sessions_available
            then (p.minutes_attended / 60.0 + 2) * r.tutor_hourly_rate_gbp + r.school_payment_per_place_gbp
        end as cost_gbp,
        -- what the courses recorded (targeting, data quality)
        p.allocations,
        p.entry_reasons
    from places as p
    cross join run_context as r
    where p.la_code in (select la_code from run_las)
)

select * from final;
