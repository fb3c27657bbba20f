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
create or replace table int_analysis_pupils as
with tutees as (
    select
        pu.academic_year, pu.upn, pl.subject,
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
        pu.academic_year, pu.upn, a.subject,
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

with_baseline as (
    select
        c.*,
        s.assessed_on as baseline_on_any,
        s.points as baseline_any,
        s.scale as baseline_scale_any
    from candidates as c
    asof left join int_scores as s
        on s.upn = c.upn and s.subject = c.subject and c.anchor_start >= s.assessed_on
),

with_outcome as (
    select
        b.*,
        s.assessed_on as outcome_on_any,
        s.points as outcome_any,
        s.scale as outcome_scale_any
    from with_baseline as b
    asof left join int_scores as s
        on s.upn = b.upn and s.subject = b.subject and b.anchor_end < s.assessed_on
),

key_stage_results as (
    select
        upn, subject,
        max_by(whole_level, assessed_on) filter (where assessment = 'ks1') as ks1_level,
        max_by(whole_level, assessed_on) filter (where assessment = 'ks2') as ks2_level,
        max_by(whole_level, assessed_on) filter (where assessment = 'ks4') as ks4_level
    from int_scores
    where assessment in ('ks1', 'ks2', 'ks4')
    group by upn, subject
),

windowed as (
    select
        o.academic_year, o.upn, o.subject, o.tutored, o.full_place, o.anchor_start, o.anchor_end,
        case when o.baseline_on_any >= o.anchor_start - 365 then o.baseline_any end as baseline,
        case when o.baseline_on_any >= o.anchor_start - 365 then o.baseline_on_any end as baseline_on,
        case when o.baseline_on_any >= o.anchor_start - 365 then o.baseline_scale_any end as baseline_scale,
        case when o.outcome_on_any <= o.anchor_end + 365 then o.outcome_any end as outcome,
        case when o.outcome_on_any <= o.anchor_end + 365 then o.outcome_on_any end as outcome_on,
        case when o.outcome_on_any <= o.anchor_end + 365 then o.outcome_scale_any end as outcome_scale
    from with_outcome as o
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
        w.baseline is not null and w.outcome is not null as in_model_sample
    from windowed as w
    join int_pupils as pu using (academic_year, upn)
    left join key_stage_results as k using (upn, subject)
)

select * from final;
