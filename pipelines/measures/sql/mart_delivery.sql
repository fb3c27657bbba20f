-- mart_delivery: how tuition was delivered (measures.md §8), counted per place with
-- its courses beside it.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label.
--   la_code: LA of the arranging school, or 'National' (only when the run has ≥ 2 LAs).
--   urn: the school that arranged the place (int_places.arranging_urn); NULL = whole LA.
--   subject: English | Mathematics | Total (Total sums places, counts distinct pupils).
-- Every percentage keeps its numerator and denominator counts beside it: disclosure
-- control (pipelines/export) suppresses from them. Tutor ids are only ever counted.
-- Places funded, their use and the 3.5% benchmark come from mart_places (built first) on
-- the total and key_stage breakdowns; a school with an allocation but no places used
-- still gets a row (places 0), so under-used allocations show.
-- Reads run_context (pipelines/core/run-context.ts).
create or replace table mart_delivery as
with

places as (
    select * from int_programme_places
),

-- a course belongs to the place of its pupil, subject and year, and is counted at
-- the place's arranging school so a place and its courses land in the same row
courses as (
    select
        pl.academic_year, pl.time_period, pl.la_code, pl.urn, pl.upn, pl.subject,
        t.tuition_id, t.tutor_id, t.itp_agreed, t.mid_check, t.targets_set, t.targets_met
    from stg_tuition as t
    join places as pl
      on pl.academic_year = t.academic_year
     and pl.upn = t.upn
     and pl.subject = case t.subject when 'english' then 'English' when 'maths' then 'Mathematics' end
),

course_sessions as (
    select
        s.tuition_id,
        count(*)                                                        as sessions,
        count(*) filter (where s.attended)                              as sessions_attended,
        count(*) filter (where s.attended and s.minutes >= 60)          as sessions_60_min,
        count(*) filter (where s.attended and s.in_school_day is not null) as sessions_day_known,
        count(*) filter (where s.attended and not s.in_school_day)      as sessions_outside_day
    from stg_sessions as s
    group by s.tuition_id
),

-- everything about a place's courses and sessions is additive, so it is summed to the
-- place first; only the tutors need counting across places (tutor_groups below)
place_facts as (
    select
        pl.time_period, pl.academic_year, pl.la_code, pl.urn, pl.upn, pl.subject, pl.hours, pl.full_place,
        pl.first_at_school, pl.first_in_la, pl.first_in_run,
        count(c.tuition_id)                                              as courses,
        count(c.itp_agreed)                                              as courses_itp_recorded,
        count(*) filter (where c.itp_agreed)                             as courses_itp_agreed,
        count(c.mid_check)                                               as courses_mid_check_recorded,
        count(*) filter (where c.mid_check)                              as courses_mid_check,
        count(*) filter (where c.targets_set is not null and c.targets_met is not null)
                                                                         as courses_targets_recorded,
        coalesce(sum(c.targets_set) filter (where c.targets_set is not null and c.targets_met is not null), 0)
                                                                         as targets_set,
        coalesce(sum(c.targets_met) filter (where c.targets_set is not null and c.targets_met is not null), 0)
                                                                         as targets_met,
        coalesce(sum(cs.sessions), 0)                                    as sessions,
        coalesce(sum(cs.sessions_attended), 0)                           as sessions_attended,
        coalesce(sum(cs.sessions_60_min), 0)                             as sessions_60_min,
        coalesce(sum(cs.sessions_day_known), 0)                          as sessions_day_known,
        coalesce(sum(cs.sessions_outside_day), 0)                        as sessions_outside_day
    from places as pl
    left join courses as c
      on c.academic_year = pl.academic_year and c.upn = pl.upn and c.subject = pl.subject
    left join course_sessions as cs
      on cs.tuition_id = c.tuition_id
    group by all
),

-- the pupil's census characteristics that year give the group of each breakdown
-- (pupil_year_groups.sql); a pupil without a census row counts in the total only
grouped as (
    select * from in_pupil_year_groups(place_facts)
),

aggregated as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        grouping(la_code) = 1 as is_national,
        -- places and pupils
        count(*)                                   as places,
        -- distinct pupils: one per place within a subject; across subjects, each pupil's
        -- first place at the level of the row (school, LA or National)
        case
            when grouping(subject) = 0 then count(*)
            when grouping(urn) = 0 then count(*) filter (where first_at_school)
            when grouping(la_code) = 0 then count(*) filter (where first_in_la)
            else count(*) filter (where first_in_run)
        end                                        as pupils,
        sum(courses)                               as courses,
        -- hours per place
        avg(hours)                                 as hours_mean,
        quantile_cont(hours, 0.5)                  as hours_median,
        quantile_cont(hours, 0.25)                 as hours_p25,
        quantile_cont(hours, 0.75)                 as hours_p75,
        count(*) filter (where full_place)         as full_places,
        -- sessions
        sum(sessions)                              as sessions,
        sum(sessions_attended)                     as sessions_attended,
        sum(sessions_60_min)                       as sessions_60_min,
        sum(sessions_day_known)                    as sessions_day_known,
        sum(sessions_outside_day)                  as sessions_outside_day,
        -- courses: plans, checks, targets (blank flags and targets are unknown, left out)
        sum(courses_itp_recorded)                  as courses_itp_recorded,
        sum(courses_itp_agreed)                    as courses_itp_agreed,
        sum(courses_mid_check_recorded)            as courses_mid_check_recorded,
        sum(courses_mid_check)                     as courses_mid_check,
        sum(courses_targets_recorded)              as courses_targets_recorded,
        sum(targets_set)                           as targets_set,
        sum(targets_met)                           as targets_met
    from grouped
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

-- tutors: distinct across places, so counted in their own pass (ids go no further)
tutor_groups as (
    select time_period, la_code, urn, subject, tutor_id, breakdown, group_label
    from in_pupil_year_groups(courses)
),

tutors as (
    select
        time_period, breakdown, group_label,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        count(distinct tutor_id) as tutors
    from tutor_groups
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, breakdown, group_label, rollup(la_code, urn), cube(subject)
),

with_tutors as (
    select a.*, coalesce(t.tutors, 0) as tutors
    from aggregated as a
    left join tutors as t
      on t.time_period = a.time_period
     and t.la_code = a.la_code
     and t.urn is not distinct from a.urn
     and t.subject = a.subject
     and t.breakdown = a.breakdown
     and t.group_label = a.group_label
    -- National rows only when the run covers several LAs
    where not a.is_national or (select several_las from run_context)
),

-- places funded (allocations) sit beside places used; a key only mart_places has is a
-- school or key stage with funded places and none used
with_funded as (
    select
        coalesce(a.time_period, p.time_period)   as time_period,
        coalesce(a.la_code, p.la_code)           as la_code,
        coalesce(a.urn, p.urn)                   as urn,
        coalesce(a.subject, p.subject)           as subject,
        coalesce(a.breakdown, p.breakdown)       as breakdown,
        coalesce(a.group_label, p.group_label)   as group_label,
        coalesce(a.places, 0)                    as places,
        coalesce(a.pupils, 0)                    as pupils,
        coalesce(a.courses, 0)                   as courses,
        a.hours_mean, a.hours_median, a.hours_p25, a.hours_p75,
        coalesce(a.full_places, 0)               as full_places,
        coalesce(a.sessions, 0)                  as sessions,
        coalesce(a.sessions_attended, 0)         as sessions_attended,
        coalesce(a.sessions_60_min, 0)           as sessions_60_min,
        coalesce(a.sessions_day_known, 0)        as sessions_day_known,
        coalesce(a.sessions_outside_day, 0)      as sessions_outside_day,
        coalesce(a.courses_itp_recorded, 0)      as courses_itp_recorded,
        coalesce(a.courses_itp_agreed, 0)        as courses_itp_agreed,
        coalesce(a.courses_mid_check_recorded, 0) as courses_mid_check_recorded,
        coalesce(a.courses_mid_check, 0)         as courses_mid_check,
        coalesce(a.courses_targets_recorded, 0)  as courses_targets_recorded,
        coalesce(a.targets_set, 0)               as targets_set,
        coalesce(a.targets_met, 0)               as targets_met,
        coalesce(a.tutors, 0)                    as tutors,
        p.places_funded, p.places_funded_na_reason, p.utilisation_pct, p.utilisation_pct_na_reason,
        p.eligible_cohort, p.benchmark_places
    from with_tutors as a
    full join mart_places as p
      on p.time_period = a.time_period
     and p.la_code = a.la_code
     and p.urn is not distinct from a.urn
     and p.subject = a.subject
     and p.breakdown = a.breakdown
     and p.group_label = a.group_label
),

-- reasons a figure is not available (x) or not applicable (z) travel with it, one
-- column per indicator, worded as the footnote the export writes
reasons as (
    select
        *,
        case when places = 0 then 'Not available: no places used'
             when not (select sessions_available from run_context)
                 then 'Not available: no sessions file was supplied, so hours delivered are unknown' end
                                                                                    as why_hours,
        case when not (select sessions_available from run_context)
                 then 'Not available: no sessions file was supplied'
             when sessions = 0 then 'Not available: no sessions recorded' end       as why_sessions,
        case when not (select sessions_available from run_context)
                 then 'Not available: no sessions file was supplied'
             when sessions_attended = 0 then 'Not available: no sessions attended' end as why_attended,
        case when breakdown not in ('total', 'key_stage')
             then 'Not applicable: places are funded by key stage and subject, not by pupil group' end
                                                                                    as why_not_by_group
    from with_funded
),

final as (
    select
        -- key
        time_period, la_code, urn, subject, breakdown, group_label,
        -- counts (pupils: distinct pupils, the count disclosure control protects)
        places, pupils, courses,
        -- places funded and used (allocations; total and key stage breakdowns only)
        places_funded,
        coalesce(why_not_by_group, places_funded_na_reason, case when places_funded is null
            then 'Not available: no allocation recorded' end)                      as places_funded_na_reason,
        utilisation_pct                                                             as pct_funded_places_used,
        coalesce(why_not_by_group, utilisation_pct_na_reason)                       as pct_funded_places_used_na_reason,
        eligible_cohort,
        benchmark_places,
        why_not_by_group                                                            as benchmark_places_na_reason,
        -- hours delivered per place (not available without a sessions file)
        case when why_hours is null then hours_mean end                             as mean_hours,
        why_hours                                                                   as mean_hours_na_reason,
        case when why_hours is null then hours_median end                           as median_hours,
        why_hours                                                                   as median_hours_na_reason,
        case when why_hours is null then hours_p25 end                              as hours_p25,
        why_hours                                                                   as hours_p25_na_reason,
        case when why_hours is null then hours_p75 end                              as hours_p75,
        why_hours                                                                   as hours_p75_na_reason,
        case when (select sessions_available from run_context) then full_places end            as full_places,
        case when not (select sessions_available from run_context) then why_hours end          as full_places_na_reason,
        case when why_hours is null then 100.0 * full_places / nullif(places, 0) end           as pct_full_places,
        why_hours                                                                   as pct_full_places_na_reason,
        -- sessions: attendance of all session rows; length and timing of attended ones
        sessions, sessions_attended,
        100.0 * sessions_attended / nullif(sessions, 0)                             as attendance_rate,
        why_sessions                                                                as attendance_rate_na_reason,
        sessions_60_min                                                             as sessions_60min,
        100.0 * sessions_60_min / nullif(sessions_attended, 0)                      as pct_sessions_60min,
        why_attended                                                                as pct_sessions_60min_na_reason,
        sessions_day_known, sessions_outside_day,
        100.0 * sessions_outside_day / nullif(sessions_day_known, 0)                as pct_sessions_outside_day,
        coalesce(why_attended, case when sessions_day_known = 0
            then 'Not available: whether sessions were in the school day was not recorded' end)
                                                                                    as pct_sessions_outside_day_na_reason,
        -- courses: plans and checks (blank flags are unknown and left out of both counts)
        courses_itp_recorded, courses_itp_agreed,
        100.0 * courses_itp_agreed / nullif(courses_itp_recorded, 0)                as pct_itp_agreed,
        case when courses_itp_recorded = 0
             then 'Not available: no course recorded whether an ITP was agreed' end as pct_itp_agreed_na_reason,
        courses_mid_check_recorded, courses_mid_check,
        100.0 * courses_mid_check / nullif(courses_mid_check_recorded, 0)           as pct_mid_check,
        case when courses_mid_check_recorded = 0
             then 'Not available: no course recorded whether a mid-tuition check was held' end
                                                                                    as pct_mid_check_na_reason,
        -- targets, over courses recording both figures
        courses_targets_recorded, targets_set, targets_met,
        100.0 * targets_met / nullif(targets_set, 0)                                as pct_targets_met,
        case when targets_set = 0 then 'Not available: no targets recorded' end     as pct_targets_met_na_reason,
        -- tutors (a count only: tutor ids never reach a mart)
        tutors,
        courses / nullif(tutors, 0)                                                 as courses_per_tutor,
        case when tutors = 0 then 'Not available: no courses' end                   as courses_per_tutor_na_reason
    from reasons
)

select * from final
