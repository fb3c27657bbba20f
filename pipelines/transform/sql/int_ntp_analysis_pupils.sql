-- int_ntp_analysis_pupils: the analysis samples of the ntp profile's three outcome measures
-- (programmes.md §3 §1–§2, measures.md §2): tutees and comparison pupils of English and
-- Mathematics with their baseline, its scale, their outcome and the model's covariates.
-- Grain: one row per outcome_measure × academic year × subject × pupil who is a tutee (has a
--   place) or a comparison pupil in the measure's NC years (Standardised score 1–11, KS2 scaled
--   score 6, GCSE grade 11). Temp table; reads stg_*, run_context and run_las (core/run-context.ts).
-- Key-stage scores (§2 table): ks1 TA PKF 4, WTS 6, EXS 8, GDS 10, PK1–PK4 1–4 (others unscored);
--   ks2 the scaled score; ks4 (scale gcse9) 9–1 and U as 0 (X unscored). English on ks1 is the
--   `english` result, else the mean of reading and writing (both needed), else reading; on ks2
--   and ks4 `english`, else reading (§1 choice). KS2 and GCSE baselines fall back to the latest
--   ks1 / ks2 result on or before the place's start when there is no std baseline.
-- Scores: `std` results only (the scales never combine); a number as written, `<N` as N − 1 and
--   `>N` as N + 1 (§2 choice), `A` unscored. English is the `english` result, else `reading`
--   (§1 choice), on the same day.
-- Characteristics for the §5 breakdowns: sen_provision (N, K, E; blank in no group) and the
--   ethnicity major group (needs int_ethnicity_groups, which transform/ntp.ts builds first).
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
        case when p.sen is null then null else p.sen in ('K', 'E') end           as sen_any,
        -- §4 labels; a blank sen is in no SEN group (as the 2009 profile's int_pupils)
        case p.sen
            when 'N' then 'No SEN provision'
            when 'K' then 'SEN support / SEN without an EHC plan'
            when 'E' then 'Education, health and care plan'
        end                                                                      as sen_provision,
        -- the GSS major group by the 2009 profile's rules (transform/sql/int_ethnicity_groups.sql)
        coalesce(ec.ethnicity_major, ep.ethnicity_major, 'Unknown')             as ethnicity_major
    from stg_pupils as p
    join stg_schools as s on s.urn = p.urn
    left join int_ethnicity_groups as ec on ec.match_kind = 'code' and ec.pattern = p.ethnicity
    left join int_ethnicity_groups as ep on ep.match_kind = 'prefix' and ep.pattern = left(p.ethnicity, 1)
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
    -- the first of a pupil's scores in the subject that day by `english` first, then test name:
    -- a group by (a hash of the keys), where row_number() over each partition sorted every row
    select upn, subject, assessed_on, pick.test_name, pick.score
    from (
        select upn, subject, assessed_on,
            arg_min({'test_name': test_name, 'score': score}, {'not_english': not is_english, 'test_name': test_name}) as pick
        from scores
        where score is not null
        group by upn, subject, assessed_on
    )
),

ks_raw as (
    select
        upn, assessed_on, subject as raw_subject,
        case assessment when 'ks4' then 'gcse9' else assessment end              as scale,
        case assessment
            when 'ks1' then case
                when result = 'PKF' then 4 when result = 'WTS' then 6 when result = 'EXS' then 8 when result = 'GDS' then 10
                when result in ('PK1', 'PK2', 'PK3', 'PK4') then cast(substr(result, 3) as double)
            end
            when 'ks2' then try_cast(result as double)
            when 'ks4' then case when result = 'U' then 0 else try_cast(result as double) end
        end                                                                      as score
    from stg_attainment
    where assessment in ('ks1', 'ks2', 'ks4') and subject in ('english', 'reading', 'writing', 'maths')
),

ks as (
    select upn, 'Mathematics' as subject, scale, assessed_on, score
    from ks_raw
    where raw_subject = 'maths' and score is not null
    union all
    select upn, 'English' as subject, scale, assessed_on, score
    from (
        select
            upn, scale, assessed_on,
            coalesce(
                max(score) filter (where raw_subject = 'english'),
                case when scale = 'ks1' then (max(score) filter (where raw_subject = 'reading') + max(score) filter (where raw_subject = 'writing')) / 2 end,
                max(score) filter (where raw_subject = 'reading')
            ) as score
        from ks_raw
        where raw_subject <> 'maths'
        group by upn, scale, assessed_on
    )
    where score is not null
),

measures as (
    select * from (values
        ('Standardised score', 1, 11, 'std', null),
        ('KS2 scaled score', 6, 6, 'ks2', 'ks1'),
        ('GCSE grade', 11, 11, 'gcse9', 'ks2')
    ) as m(outcome_measure, nc_min, nc_max, outcome_scale, fallback_scale)
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
        -- the course with most attended minutes, then the earliest, then the first tuition_id
        -- (which is unique, so one course): arg_min, where an ordered list sorted each place's courses
        arg_min({'route': route, 'group_size': group_size},
                {'minutes': -attended_minutes, 'start_date': start_date, 'tuition_id': tuition_id}) as dominant
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

pupil_measures as (
    select p.*, m.outcome_measure, m.outcome_scale, m.fallback_scale
    from pupils as p
    join measures as m on p.nc_year between m.nc_min and m.nc_max
),

-- The dated picks below are each one hash join on the pupil and a group by (max_by / min_by on
-- the date), not a row_number() over every match: std holds one row a pupil, subject and day,
-- and ks one a pupil, subject, scale and day, so the latest (or earliest) match is one row.
-- The std baseline is a pupil's, whatever the measure: it is found once for each pupil row.
std_baselines as (
    -- the latest std in [start − 365, start]
    select
        p.academic_year, p.upn, p.subject,
        max_by(s.score, s.assessed_on)     as std_baseline,
        max_by(s.test_name, s.assessed_on) as test_name,
        max(s.assessed_on)                 as std_baseline_on
    from pupils as p
    join std as s
      on s.upn = p.upn and s.subject = p.subject
     and s.assessed_on between p.anchor_start - interval 365 day and p.anchor_start
    group by p.academic_year, p.upn, p.subject
),

ks_baselines as (
    -- the latest key-stage result of the measure's fallback scale on or before the start
    select
        p.outcome_measure, p.academic_year, p.upn, p.subject,
        max_by(k.score, k.assessed_on) as ks_baseline,
        max(k.assessed_on)             as ks_baseline_on
    from pupil_measures as p
    join ks as k
      on k.upn = p.upn and k.subject = p.subject
     and k.scale = p.fallback_scale and k.assessed_on <= p.anchor_start
    group by p.outcome_measure, p.academic_year, p.upn, p.subject
),

with_baseline as (
    select
        p.*,
        b.test_name,
        coalesce(b.std_baseline, k.ks_baseline)                                  as baseline,
        coalesce(b.std_baseline_on, k.ks_baseline_on)                            as baseline_on,
        case when b.std_baseline is not null then 'std' when k.ks_baseline is not null then p.fallback_scale end as baseline_scale
    from pupil_measures as p
    left join std_baselines as b using (academic_year, upn, subject)
    left join ks_baselines as k using (outcome_measure, academic_year, upn, subject)
),

outcomes as (
    select upn, subject, 'std' as scale, assessed_on, test_name, score from std
    union all
    -- '' joins the key-stage outcomes on one equality with the std ones (an OR here costs a nested-loop join)
    select upn, subject, scale, assessed_on, '' as test_name, score from ks where scale in ('ks2', 'gcse9')
),

first_outcomes as (
    -- the earliest result in (end, end + 365] on the measure's scale (std: the baseline's test)
    select
        p.outcome_measure, p.academic_year, p.upn, p.subject,
        min_by(o.score, o.assessed_on) as outcome,
        min(o.assessed_on)             as outcome_on
    from with_baseline as p
    join outcomes as o
      on o.upn = p.upn and o.subject = p.subject and o.scale = p.outcome_scale
     and o.test_name = case when p.outcome_scale = 'std' then p.test_name else '' end
     and o.assessed_on > p.anchor_end and o.assessed_on <= p.anchor_end + interval 365 day
    group by p.outcome_measure, p.academic_year, p.upn, p.subject
),

final as (
    select
        p.* exclude (outcome_scale, fallback_scale),
        o.outcome,
        o.outcome_on,
        case
            when p.nc_year <= 2 then 1 when p.nc_year <= 6 then 2 when p.nc_year <= 9 then 3 else 4
        end                                                                      as key_stage
    from with_baseline as p
    left join first_outcomes as o using (outcome_measure, academic_year, upn, subject)
)

select * from final;
