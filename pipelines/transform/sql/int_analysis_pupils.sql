-- int_analysis_pupils: tutees and comparison pupils with their baseline, outcome, progress,
-- ARE classification and expected progress (measures.md §1, §2).
-- Grain: one row per academic year × subject × pupil who has a place (tutored) or is a
-- comparison pupil: eligible (§7), in an NC year of their LA with tuition in the subject, and
-- with no tuition row in that subject and year, loaded or refused (stg_tuition_refused).
-- Baseline: latest score with anchor_start − 365 days ≤ assessed_on ≤ anchor_start.
-- Outcome: earliest score with anchor_end < assessed_on ≤ anchor_end + 365 days.
-- ARE is relative to the NC year of the analysed year: baseline against the end of the
-- previous NC year, outcome against the end of the current one; a GCSE-scale score against
-- grade C (40). NULL ARE flags: no score, or unclassifiable (NC scale, year outside 2..9).
-- prior_attainment: the baseline's band against that same ARE (well below = under ARE − 6,
-- below = ARE − 6 up to ARE, at or above = from ARE; Unknown where it has no ARE; NULL without one).
-- pupil_id (int_pupils' integer key, last column) joins the scores and the census, so the
-- as-of joins over int_scores compare integers; upn stays for the private lists and the marts.
create or replace table int_analysis_pupils as
with tutees as (
    select
        pu.academic_year, pu.pupil_id, pl.subject,
        true as tutored, pl.full_place,
        pl.start_date as anchor_start, pl.end_date as anchor_end
    from int_places as pl
    join int_pupils as pu using (academic_year, upn)
),

any_tuition as (
    select academic_year, upn, case subject when 'english' then 'English' else 'Mathematics' end as subject
    from stg_tuition
    union
    select academic_year, upn, case lower(subject) when 'english' then 'English' when 'maths' then 'Mathematics' end
    from stg_tuition_refused
),

comparison as (
    select
        pu.academic_year, pu.pupil_id, a.subject,
        false as tutored, cast(null as boolean) as full_place,
        a.anchor_start, a.anchor_end
    from int_pupils as pu
    join int_anchors as a using (academic_year, la_code, nc_year)
    anti join any_tuition as t
        on t.academic_year = pu.academic_year and t.upn = pu.upn and t.subject = a.subject
    where pu.eligible
),

candidates as (
    select * from tutees
    union all
    select * from comparison
),

in_windows as (
    -- each candidate's scores in the subject that fall in the baseline or the outcome window:
    -- one hash join on the integer key and a filter, where two as-of joins each sorted all of
    -- int_scores. The latest score up to anchor_start is in the window exactly when any is,
    -- so picking within the windows is the same as picking first and windowing after (each
    -- pick filters to its own window, so the two never mix however the anchors fall). A score's
    -- date outside a window is NULL in that window's column, which max_by / min_by skip: the
    -- same picks as a FILTER on each aggregate, which DuckDB plans one aggregate at a time
    -- (national: 52.4-55.6 s with FILTERs, 50.2-52.6 s so; the same table on the demo LA).
    select
        academic_year, pupil_id, subject,
        max(baseline_on) as baseline_on,
        max_by(points, baseline_on) as baseline,
        max_by(scale, baseline_on) as baseline_scale,
        min(outcome_on) as outcome_on,
        min_by(points, outcome_on) as outcome,
        min_by(scale, outcome_on) as outcome_scale
    from (
        select
            c.academic_year, c.pupil_id, c.subject, s.points, s.scale,
            case when s.assessed_on between c.anchor_start - 365 and c.anchor_start then s.assessed_on end as baseline_on,
            case when s.assessed_on > c.anchor_end and s.assessed_on <= c.anchor_end + 365 then s.assessed_on end as outcome_on
        from candidates as c
        join int_scores as s on s.pupil_id = c.pupil_id and s.subject = c.subject
        where s.assessed_on between c.anchor_start - 365 and c.anchor_start
            or (s.assessed_on > c.anchor_end and s.assessed_on <= c.anchor_end + 365)
    )
    group by academic_year, pupil_id, subject
),

windowed_scores as (
    select c.academic_year, c.pupil_id, c.subject, c.tutored, c.full_place, c.anchor_start, c.anchor_end,
        w.baseline, w.baseline_on, w.baseline_scale, w.outcome, w.outcome_on, w.outcome_scale
    from candidates as c
    left join in_windows as w using (academic_year, pupil_id, subject)
),

key_stage_results as (
    -- each key stage's latest level: a date only on that key stage's rows (as in_windows)
    select
        pupil_id, subject,
        max_by(whole_level, case when assessment = 'ks1' then assessed_on end) as ks1_level,
        max_by(whole_level, case when assessment = 'ks2' then assessed_on end) as ks2_level,
        max_by(whole_level, case when assessment = 'ks4' then assessed_on end) as ks4_level
    from int_scores
    where assessment in ('ks1', 'ks2', 'ks4')
    group by pupil_id, subject
),

final as (
    select
        -- keys and characteristics (census school that year)
        pu.academic_year, pu.time_period, pu.la_code, pu.urn, pu.upn, w.subject,
        pu.nc_year, pu.key_stage, pu.fsm, pu.cla, pu.eal, pu.female, pu.sen, pu.sen_any,
        pu.ethnicity_major, pu.eligible,
        pu.fsm_status, pu.cla_status, pu.first_language, pu.sex, pu.sen_provision,
        -- treatment and anchors
        w.tutored, w.full_place, w.anchor_start, w.anchor_end,
        -- scores
        w.baseline, w.outcome, w.baseline_on, w.outcome_on, w.baseline_scale, w.outcome_scale,
        w.outcome - w.baseline as progress,
        -- ARE (measures.md §1)
        case
            when w.baseline is null then null
            when w.baseline_scale = 'gcse' then w.baseline < 40
            when pu.nc_year - 1 between 2 and 9 then w.baseline < 15 + 3 * (pu.nc_year - 1 - 2)
        end as below_are_baseline,
        case
            when w.outcome is null then null
            when w.outcome_scale = 'gcse' then w.outcome >= 40
            when pu.nc_year between 2 and 9 then w.outcome >= 15 + 3 * (pu.nc_year - 2)
        end as at_are_outcome,
        -- prior-attainment band (measures.md §5): the baseline against the same ARE as
        -- below_are_baseline, so a KS1 result of a Y3 pupil is held against Y2's 15 and a KS2
        -- result of a Y7 pupil against Y6's 27; a band is the subject's, and a pupil with no
        -- baseline is in no band (NULL, so int_pupil_groups leaves them out)
        case
            when w.baseline is null then null
            when w.baseline_scale = 'gcse' then
                case when w.baseline < 40 - 6 then 'Well below expected'
                     when w.baseline < 40 then 'Below expected'
                     else 'At or above expected' end
            when pu.nc_year - 1 between 2 and 9 then
                case when w.baseline < 15 + 3 * (pu.nc_year - 1 - 2) - 6 then 'Well below expected'
                     when w.baseline < 15 + 3 * (pu.nc_year - 1 - 2) then 'Below expected'
                     else 'At or above expected' end
            else 'Unknown'
        end as prior_attainment,
        -- expected progress over the key stage (KS1→KS2 ≥ 2 whole levels, KS2→KS4 ≥ 3)
        case pu.key_stage
            when 'Key stage 2' then k.ks2_level - k.ks1_level >= 2
            when 'Key stage 4' then k.ks4_level - k.ks2_level >= 3
        end as expected_progress,
        k.ks1_level, k.ks2_level, k.ks4_level,
        -- sample
        w.baseline is not null and w.outcome is not null as in_model_sample,
        pu.pupil_id
    from windowed_scores as w
    join int_pupils as pu using (academic_year, pupil_id)
    left join key_stage_results as k using (pupil_id, subject)
)

select * from final;
