-- mart_gaps: gap measures of measures.md §5 for the two-valued groups.
-- Grain: one row per time_period × la_code × subject × breakdown (fsm_status, cla_status,
-- first_language, sex), labelled with the group of concern (FSM eligible, Looked after,
-- other than English, Male): gap = that group − the other.
-- Progress gaps among tutees and among comparison pupils are over the same pupils as the
-- §6 means (int_analysis_pupils.in_model_sample, as mart_attainment), not over the model
-- sample: §5 says a published gap is the difference of the two published §6 mean progress
-- figures, and the model leaves out pupils with an unknown covariate. gap_n_* count those
-- §6 pupils (the same counts as mart_attainment.pupils_att_t / _c of each group).
-- The difference in impact b(group) − b(others) with SE √(SE₁² + SE₂²) (the two models use
-- disjoint pupils) and a normal 95% CI ± 1.96·SE.
create or replace table mart_gaps as
with

pairs as (
    -- the manifest's gaps (models.ts IMPACT_BREAKDOWNS, table impact_breakdowns)
    select breakdown, gap_concern as concern, gap_other as other
    from impact_breakdowns
    where gap_concern is not null
),

progress_sides as (
    -- the §6 pupils of each group, LA rows and (several LAs) National rows, as mart_attainment
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        subject, breakdown, group_label, tutored as tutee,
        count(*) as n, avg(progress) as mean_progress
    from (
        -- each §6 pupil once in their group of each gap's breakdown (int_pupil_groups, whose
        -- rows carry the pupil's place and progress: no join back to int_analysis_pupils)
        select time_period, la_code, subject, tutored, progress, breakdown, group_label
        from int_pupil_groups
        where in_model_sample and breakdown in (select breakdown from pairs)
    )
    -- LA and National rows (rollup)
    group by time_period, subject, breakdown, group_label, tutored, rollup(la_code)
    having grouping(la_code) = 0 or (select several_las from run_context)
),

progress as (
    select
        time_period, la_code, subject, breakdown, group_label,
        coalesce(sum(n) filter (where tutee), 0) as n_t,
        coalesce(sum(n) filter (where not tutee), 0) as n_c,
        any_value(mean_progress) filter (where tutee) as mean_progress_t,
        any_value(mean_progress) filter (where not tutee) as mean_progress_c
    from progress_sides
    group by all
),

estimates as (
    select time_period, la_code, subject, breakdown, group_label, b, se
    from impact_estimates
),

spine as (
    select distinct e.time_period, e.la_code, e.subject, p.breakdown, p.concern, p.other
    from impact_estimates as e
    join pairs as p on e.breakdown = p.breakdown and e.group_label in (p.concern, p.other)
),

joined as (
    select
        s.time_period, s.la_code, null::varchar as urn, s.subject, s.breakdown, s.concern as group_label,
        -- counts
        coalesce(pg.n_t, 0) as gap_n_t_group, coalesce(po.n_t, 0) as gap_n_t_other,
        coalesce(pg.n_c, 0) as gap_n_c_group, coalesce(po.n_c, 0) as gap_n_c_other,
        -- progress gaps (points)
        pg.mean_progress_t - po.mean_progress_t as gap_progress_t,
        pg.mean_progress_c - po.mean_progress_c as gap_progress_c,
        -- difference in impact (points)
        eg.b - eo.b as gap_impact,
        sqrt(eg.se * eg.se + eo.se * eo.se) as gap_impact_se
    from spine as s
    left join progress as pg
        on (pg.time_period, pg.la_code, pg.subject, pg.breakdown, pg.group_label) = (s.time_period, s.la_code, s.subject, s.breakdown, s.concern)
    left join progress as po
        on (po.time_period, po.la_code, po.subject, po.breakdown, po.group_label) = (s.time_period, s.la_code, s.subject, s.breakdown, s.other)
    left join estimates as eg
        on (eg.time_period, eg.la_code, eg.subject, eg.breakdown, eg.group_label) = (s.time_period, s.la_code, s.subject, s.breakdown, s.concern)
    left join estimates as eo
        on (eo.time_period, eo.la_code, eo.subject, eo.breakdown, eo.group_label) = (s.time_period, s.la_code, s.subject, s.breakdown, s.other)
),

subject_rows as (
    select *,
        gap_impact - 1.959963984540054 * gap_impact_se as gap_impact_ci_low,
        gap_impact + 1.959963984540054 * gap_impact_se as gap_impact_ci_high,
        case when gap_progress_t is null then 'no tutees in one of the two groups' end as gap_progress_t_na_reason,
        case when gap_progress_c is null then 'no comparison pupils in one of the two groups' end as gap_progress_c_na_reason,
        case when gap_impact is null then 'impact not estimated for one of the two groups' end as gap_impact_na_reason,
        case when gap_impact is null then 'impact not estimated for one of the two groups' end as gap_impact_se_na_reason,
        case when gap_impact is null then 'impact not estimated for one of the two groups' end as gap_impact_ci_low_na_reason,
        case when gap_impact is null then 'impact not estimated for one of the two groups' end as gap_impact_ci_high_na_reason,
        null::varchar as na_reason
    from joined
),

total_rows as (
    select distinct time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as gap_progress_t_na_reason, 'z' as gap_progress_c_na_reason, 'z' as gap_impact_na_reason, 'z' as gap_impact_se_na_reason,
        'z' as gap_impact_ci_low_na_reason, 'z' as gap_impact_ci_high_na_reason, 'z' as na_reason
    from subject_rows
),

final as (
    select * from subject_rows
    union all by name
    select * from total_rows
)

select * from final
order by time_period, la_code, subject, breakdown, group_label;
