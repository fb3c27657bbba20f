-- int_ntp_analysis_pupils: the analysis sample of the ntp profile's Standardised score measure
-- (programmes.md §3 §1–§2, measures.md §2): tutees and comparison pupils of English and
-- Mathematics with their standardised-test baseline and outcome and the model's covariates.
-- Grain: one row per academic year × subject × pupil who is a tutee (has a place) or a
--   comparison pupil. Temp table; reads stg_*, run_context and run_las (core/run-context.ts).
-- Scores: `std` results only (the scales never combine); a number as written, `<N` as N − 1 and
--   `>N` as N + 1 (§2 choice), `A` unscored. English is the `english` result, else `reading`
--   (§1 choice), on the same day.
-- Places: every tuition row makes a tutee, whatever its funding source; a place's route and
--   group size are those of its course with most attended hours (ties: earliest start, smallest
--   tuition_id); full place = attended hours over its courses ≥ full_course_hours.
-- Baseline: latest std in [start − 365, start]; outcome: earliest std in (end, end + 365] on the
--   baseline's test_name. Comparison pupils: census pupils of the year in NC 1–11 with no tuition
--   row in the subject (loaded or refused), in an NC year with tutees in it, anchored at the
--   median start and end of that NC year's places (the earlier middle date for an even count).
create or replace temp table int_ntp_analysis_pupils as
with

cohort as (
    select
        p.academic_year, replace(p.academic_year, '/', '') as time_period, s.la_code, p.urn, p.upn, p.nc_year,
        p.fsm6 or p.fsm or p.cla or p.pla                                        as disadvantaged,
        p.cla,
        case
            when p.first_language is null or p.first_language in ('NOT', 'REF') then null
            else p.first_language not in ('ENG', 'ENB')
        end                                                                      as eal,
        case p.gender when 'F' then true when 'M' then false end                 as female,
        case when p.sen is null then null else p.sen in ('K', 'E') end           as sen_any
    from stg_pupils as p
    join stg_schools as s on s.urn = p.urn
    where p.nc_year between 1 and 11
      and s.la_code in (select la_code from run_las)
      and list_contains((select academic_years from run_context), p.academic_year)
),

scores as (
    select
        upn, assessed_on, test_name,
        case subject when 'maths' then 'Mathematics' else 'English' end         as subject,
        case
            when result like '<%' then try_cast(substr(result, 2) as double) - 1
            when result like '>%' then try_cast(substr(result, 2) as double) + 1
            else try_cast(result as double)
        end                                                                      as score,
        subject = 'english'                                                      as is_english
    from stg_attainment
    where assessment = 'std' and subject in ('english', 'reading', 'maths')
),

std as (
    select upn, subject, assessed_on, test_name, score
    from scores
    where score is not null
    qualify row_number() over (partition by upn, subject, assessed_on order by is_english desc, test_name) = 1
),

attended as (
    select tuition_id, sum(minutes) filter (where attended) as attended_minutes
    from stg_sessions
    group by tuition_id
),

courses as (
    select
        t.academic_year, t.upn, t.tuition_id, t.start_date, t.end_date, t.route, t.group_size,
        case t.subject when 'english' then 'English' when 'maths' then 'Mathematics' end as subject,
        coalesce(a.attended_minutes, 0)                                          as attended_minutes
    from stg_tuition as t
    left join attended as a using (tuition_id)
    where t.subject in ('english', 'maths')
),

places as (
    select
        academic_year, upn, subject,
        min(start_date)                                                          as anchor_start,
        max(end_date)                                                            as anchor_end,
        sum(attended_minutes) / 60.0                                             as hours,
        list(struct_pack(route, group_size, attended_minutes, start_date, tuition_id)
             order by attended_minutes desc, start_date, tuition_id)[1]          as dominant
    from courses
    group by all
),

tutees as (
    select
        c.*, pl.subject, true as tutored, pl.anchor_start, pl.anchor_end, pl.hours,
        pl.hours >= (select ntp_full_course_hours from run_context)               as full_place,
        pl.dominant.route                                                        as route,
        case when pl.dominant.group_size >= 4 then '4+' else pl.dominant.group_size::VARCHAR end as group_size
    from places as pl
    join cohort as c using (academic_year, upn)
),

anchors as (
    select
        academic_year, la_code, subject, nc_year,
        quantile_disc(anchor_start, 0.5)                                         as anchor_start,
        quantile_disc(anchor_end, 0.5)                                           as anchor_end,
        count(*)                                                                 as n_places
    from tutees
    group by all
),

refused as (
    select distinct upn, academic_year, case subject when 'english' then 'English' when 'maths' then 'Mathematics' end as subject
    from stg_tuition_refused
),

comparison as (
    select
        c.*, a.subject, false as tutored, a.anchor_start, a.anchor_end, null::DOUBLE as hours,
        null::BOOLEAN as full_place, null::VARCHAR as route, null::VARCHAR as group_size
    from cohort as c
    join anchors as a using (academic_year, la_code, nc_year)
    where not exists (select 1 from courses as t where t.upn = c.upn and t.academic_year = c.academic_year and t.subject = a.subject)
      and not exists (select 1 from refused as r where r.upn = c.upn and r.academic_year = c.academic_year and r.subject = a.subject)
),

pupils as (
    select * from tutees
    union all by name
    select * from comparison
),

with_baseline as (
    select
        p.*,
        s.score       as baseline,
        s.test_name   as test_name,
        s.assessed_on as baseline_on
    from pupils as p
    left join std as s
      on s.upn = p.upn and s.subject = p.subject
     and s.assessed_on between p.anchor_start - interval 365 day and p.anchor_start
    qualify row_number() over (partition by p.academic_year, p.subject, p.upn order by s.assessed_on desc nulls last, s.test_name) = 1
),

final as (
    select
        p.*,
        o.score       as outcome,
        o.assessed_on as outcome_on,
        case
            when p.nc_year <= 2 then 1 when p.nc_year <= 6 then 2 when p.nc_year <= 9 then 3 else 4
        end                                                                      as key_stage,
        'Standardised score'                                                     as outcome_measure
    from with_baseline as p
    left join std as o
      on o.upn = p.upn and o.subject = p.subject and o.test_name = p.test_name
     and o.assessed_on > p.anchor_end and o.assessed_on <= p.anchor_end + interval 365 day
    qualify row_number() over (partition by p.academic_year, p.subject, p.upn order by o.assessed_on nulls last) = 1
)

select * from final;
