-- mart_attainment: attainment and progress, tutees and comparison pupils side by side
-- (measures.md §6), with the count each figure is based on so disclosure control can suppress.
-- Grain: one row per time_period × la_code × urn × subject × breakdown × group_label:
--   LA rows (urn NULL), school rows (urn = census school, schools with tutees), and
--   la_code 'National' rows (urn NULL) when the run holds several LAs; subjects English,
--   Mathematics and Total; every group label of int_group_labels (a complete grid, zeros as 0).
-- Pupils: int_analysis_pupils in the model sample (baseline and outcome; §2 "tutees"), in
-- their groups by group_label_of (group_label.sql, int_pupil_groups' rule).
-- _t = tutees, _c = comparison pupils. Percentages are of the pupils that can be classified
-- (an unclassifiable ARE is counted out, §1). Subject Total: pupils_att_* count distinct
-- pupils across both subjects; every other figure is not applicable (z, measures.md §5).
-- prior_attainment (the band of the subject's baseline) has English and Mathematics rows only.
-- A figure with no pupils to base it on is NULL with its *_na_reason (published as x).
create or replace table mart_attainment as
with sample_counts as (
    -- the model sample counted once per school, subject, side and every label a breakdown reads
    -- (group_label.sql): a pupil's group in each breakdown is a function of those labels, so
    -- spreading these counts over the nine breakdowns (below) stands for spreading each pupil
    -- row nine times (int_pupil_groups), and the grouping sets run over the counts.
    -- Means are Σ / count; Σ of points (whole or half points, but for an average of three
    -- results on one date) in another order than a parallel avg's, which had no fixed order.
    select
        time_period, la_code, urn, subject, tutored,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment,
        count(*) as pupils_att,
        sum(baseline) as sum_baseline, count(baseline) as n_baseline,
        sum(outcome) as sum_outcome, count(outcome) as n_outcome,
        sum(progress) as sum_progress, count(progress) as n_progress,
        count(below_are_baseline) as are_baseline,
        count_if(below_are_baseline) as below_are_baseline,
        count(at_are_outcome) as are_outcome,
        count_if(at_are_outcome) as at_are_outcome,
        count_if(below_are_baseline and at_are_outcome is not null) as conversion_base,
        count_if(below_are_baseline and at_are_outcome) as converted,
        count(expected_progress) as ks_pair,
        count_if(expected_progress) as expected_progress
    from int_analysis_pupils
    where in_model_sample
    group by all
),

breakdowns as (
    select distinct breakdown from int_group_labels
),

long as (
    -- the counts once per group they are in: every breakdown of int_group_labels
    select *
    from (
        select
            c.* exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment),
            b.breakdown,
            group_label_of(b.breakdown, c.fsm_status, c.cla_status, c.first_language, c.sex,
                c.sen_provision, c.ethnicity_major, c.key_stage, c.prior_attainment) as group_label
        from sample_counts as c
        cross join breakdowns as b
    )
    where group_label is not null
),

by_side as (
    -- tutees and comparison pupils apart (tutored a key, not 26 filters a row); by_subject puts
    -- the two sides of a group on one row
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn, subject, breakdown, group_label, tutored,
        sum(pupils_att)::bigint as pupils_att,
        sum(sum_baseline) / sum(n_baseline)::double as mean_baseline,
        sum(sum_outcome) / sum(n_outcome)::double as mean_outcome,
        sum(sum_progress) / sum(n_progress)::double as mean_progress,
        sum(are_baseline)::bigint as are_baseline,
        sum(below_are_baseline)::bigint as below_are_baseline,
        sum(are_outcome)::bigint as are_outcome,
        sum(at_are_outcome)::bigint as at_are_outcome,
        sum(conversion_base)::bigint as conversion_base,
        sum(converted)::bigint as converted,
        sum(ks_pair)::bigint as ks_pair,
        sum(expected_progress)::bigint as expected_progress
    from long
    -- school, LA and National rows (rollup)
    group by time_period, subject, breakdown, group_label, tutored, rollup(la_code, urn)
),

by_subject as (
    select
        time_period, la_code, urn, subject, breakdown, group_label,
        coalesce(any_value(pupils_att) filter (where tutored), 0) as pupils_att_t,
        any_value(mean_baseline) filter (where tutored) as mean_baseline_t,
        any_value(mean_outcome) filter (where tutored) as mean_outcome_t,
        any_value(mean_progress) filter (where tutored) as mean_progress_t,
        coalesce(any_value(are_baseline) filter (where tutored), 0) as are_baseline_t,
        coalesce(any_value(below_are_baseline) filter (where tutored), 0) as below_are_baseline_t,
        coalesce(any_value(are_outcome) filter (where tutored), 0) as are_outcome_t,
        coalesce(any_value(at_are_outcome) filter (where tutored), 0) as at_are_outcome_t,
        coalesce(any_value(conversion_base) filter (where tutored), 0) as conversion_base_t,
        coalesce(any_value(converted) filter (where tutored), 0) as converted_t,
        coalesce(any_value(ks_pair) filter (where tutored), 0) as ks_pair_t,
        coalesce(any_value(expected_progress) filter (where tutored), 0) as expected_progress_t,
        coalesce(any_value(pupils_att) filter (where not tutored), 0) as pupils_att_c,
        any_value(mean_baseline) filter (where not tutored) as mean_baseline_c,
        any_value(mean_outcome) filter (where not tutored) as mean_outcome_c,
        any_value(mean_progress) filter (where not tutored) as mean_progress_c,
        coalesce(any_value(are_baseline) filter (where not tutored), 0) as are_baseline_c,
        coalesce(any_value(below_are_baseline) filter (where not tutored), 0) as below_are_baseline_c,
        coalesce(any_value(are_outcome) filter (where not tutored), 0) as are_outcome_c,
        coalesce(any_value(at_are_outcome) filter (where not tutored), 0) as at_are_outcome_c,
        coalesce(any_value(conversion_base) filter (where not tutored), 0) as conversion_base_c,
        coalesce(any_value(converted) filter (where not tutored), 0) as converted_c,
        coalesce(any_value(ks_pair) filter (where not tutored), 0) as ks_pair_c,
        coalesce(any_value(expected_progress) filter (where not tutored), 0) as expected_progress_c
    from by_side
    -- urn NULL on the LA and National rows: grouped as one value, as grouping sets did
    group by time_period, la_code, urn, subject, breakdown, group_label
),

pupils_across_subjects as (
    -- one row per pupil for subject Total, so it counts a pupil once across both subjects; a
    -- pupil's labels but the subject's band are the same in either subject (one census row).
    -- A pupil is their pupil_id (one per upn), a narrower key to group 1.7M rows by
    select
        time_period, la_code, urn, pupil_id,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage,
        bool_or(tutored) as any_tutored,
        bool_or(not tutored) as any_comparison
    from int_analysis_pupils
    where in_model_sample
    group by all
),

across_counts as (
    select
        time_period, la_code, urn,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage,
        count(*) filter (where any_tutored) as pupils_t,
        count(*) filter (where any_comparison) as pupils_c
    from pupils_across_subjects
    group by all
),

long_across_subjects as (
    -- every breakdown but prior_attainment (a band is a subject's)
    select *
    from (
        select
            c.time_period, c.la_code, c.urn, c.pupils_t, c.pupils_c, b.breakdown,
            group_label_of(b.breakdown, c.fsm_status, c.cla_status, c.first_language, c.sex,
                c.sen_provision, c.ethnicity_major, c.key_stage, null) as group_label
        from across_counts as c
        cross join breakdowns as b
        where b.breakdown <> 'prior_attainment'
    )
    where group_label is not null
),

across_subjects as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn, 'Total' as subject, breakdown, group_label,
        sum(pupils_t)::bigint as pupils_att_t,
        sum(pupils_c)::bigint as pupils_att_c
    from long_across_subjects
    -- school, LA and National rows (rollup)
    group by time_period, breakdown, group_label, rollup(la_code, urn)
),

aggregated as (
    select * from by_subject
    union all by name
    select * from across_subjects
),

geographies as (
    select distinct time_period, la_code, null::varchar as urn from int_analysis_pupils
    union
    select distinct time_period, la_code, urn from int_analysis_pupils where tutored
    union
    select distinct time_period, 'National', null::varchar from int_analysis_pupils
    where (select several_las from run_context)
),

grid as (
    select g.time_period, g.la_code, g.urn, s.subject, l.breakdown, l.group_label, l.sort_order
    from geographies as g
    cross join (values ('English'), ('Mathematics'), ('Total')) as s(subject)
    cross join int_group_labels as l
    -- a prior-attainment band is a subject's (its baseline), so no band has a subject Total row
    where not (s.subject = 'Total' and l.breakdown = 'prior_attainment')
),

final as (
    select
        -- key
        g.time_period, g.la_code, g.urn, g.subject, g.breakdown, g.group_label,
        -- tutees (_t) then comparison pupils (_c)
        coalesce(a.pupils_att_t, 0) as pupils_att_t,
        case when g.subject = 'Total' then null else coalesce(a.are_baseline_t, 0) end as are_baseline_t,
        case when g.subject = 'Total' then null else coalesce(a.below_are_baseline_t, 0) end as below_are_baseline_t,
        case when g.subject = 'Total' then null else coalesce(a.are_outcome_t, 0) end as are_outcome_t,
        case when g.subject = 'Total' then null else coalesce(a.at_are_outcome_t, 0) end as at_are_outcome_t,
        case when g.subject = 'Total' then null else coalesce(a.conversion_base_t, 0) end as conversion_base_t,
        case when g.subject = 'Total' then null else coalesce(a.converted_t, 0) end as converted_t,
        case when g.subject = 'Total' then null else coalesce(a.ks_pair_t, 0) end as ks_pair_t,
        case when g.subject = 'Total' then null else coalesce(a.expected_progress_t, 0) end as expected_progress_t,
        a.mean_baseline_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_t, 0) = 0 then 'no tutees with a baseline and an outcome' end as mean_baseline_t_na_reason,
        a.mean_outcome_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_t, 0) = 0 then 'no tutees with a baseline and an outcome' end as mean_outcome_t_na_reason,
        a.mean_progress_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_t, 0) = 0 then 'no tutees with a baseline and an outcome' end as mean_progress_t_na_reason,
        100.0 * a.below_are_baseline_t / nullif(a.are_baseline_t, 0) as pct_below_are_baseline_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.are_baseline_t, 0) = 0 then 'no pupils with a baseline that can be held against ARE (tutees)' end as pct_below_are_baseline_t_na_reason,
        100.0 * a.at_are_outcome_t / nullif(a.are_outcome_t, 0) as pct_at_are_outcome_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.are_outcome_t, 0) = 0 then 'no pupils with an outcome that can be held against ARE (tutees)' end as pct_at_are_outcome_t_na_reason,
        100.0 * a.converted_t / nullif(a.conversion_base_t, 0) as conversion_pct_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.conversion_base_t, 0) = 0 then 'no pupils below ARE at baseline with a classifiable outcome (tutees)' end as conversion_pct_t_na_reason,
        100.0 * a.expected_progress_t / nullif(a.ks_pair_t, 0) as pct_expected_progress_t,
        case when g.subject = 'Total' then 'z' when coalesce(a.ks_pair_t, 0) = 0 then 'no pupils with both key-stage results (tutees)' end as pct_expected_progress_t_na_reason,
        coalesce(a.pupils_att_c, 0) as pupils_att_c,
        case when g.subject = 'Total' then null else coalesce(a.are_baseline_c, 0) end as are_baseline_c,
        case when g.subject = 'Total' then null else coalesce(a.below_are_baseline_c, 0) end as below_are_baseline_c,
        case when g.subject = 'Total' then null else coalesce(a.are_outcome_c, 0) end as are_outcome_c,
        case when g.subject = 'Total' then null else coalesce(a.at_are_outcome_c, 0) end as at_are_outcome_c,
        case when g.subject = 'Total' then null else coalesce(a.conversion_base_c, 0) end as conversion_base_c,
        case when g.subject = 'Total' then null else coalesce(a.converted_c, 0) end as converted_c,
        case when g.subject = 'Total' then null else coalesce(a.ks_pair_c, 0) end as ks_pair_c,
        case when g.subject = 'Total' then null else coalesce(a.expected_progress_c, 0) end as expected_progress_c,
        a.mean_baseline_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_c, 0) = 0 then 'no comparison pupils with a baseline and an outcome' end as mean_baseline_c_na_reason,
        a.mean_outcome_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_c, 0) = 0 then 'no comparison pupils with a baseline and an outcome' end as mean_outcome_c_na_reason,
        a.mean_progress_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.pupils_att_c, 0) = 0 then 'no comparison pupils with a baseline and an outcome' end as mean_progress_c_na_reason,
        100.0 * a.below_are_baseline_c / nullif(a.are_baseline_c, 0) as pct_below_are_baseline_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.are_baseline_c, 0) = 0 then 'no pupils with a baseline that can be held against ARE (comparison pupils)' end as pct_below_are_baseline_c_na_reason,
        100.0 * a.at_are_outcome_c / nullif(a.are_outcome_c, 0) as pct_at_are_outcome_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.are_outcome_c, 0) = 0 then 'no pupils with an outcome that can be held against ARE (comparison pupils)' end as pct_at_are_outcome_c_na_reason,
        100.0 * a.converted_c / nullif(a.conversion_base_c, 0) as conversion_pct_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.conversion_base_c, 0) = 0 then 'no pupils below ARE at baseline with a classifiable outcome (comparison pupils)' end as conversion_pct_c_na_reason,
        100.0 * a.expected_progress_c / nullif(a.ks_pair_c, 0) as pct_expected_progress_c,
        case when g.subject = 'Total' then 'z' when coalesce(a.ks_pair_c, 0) = 0 then 'no pupils with both key-stage results (comparison pupils)' end as pct_expected_progress_c_na_reason,
        case when g.subject = 'Total' then 'z' end as na_reason
    from grid as g
    left join aggregated as a
        on a.time_period = g.time_period and a.la_code = g.la_code
        and a.urn is not distinct from g.urn and a.subject = g.subject
        and a.breakdown = g.breakdown and a.group_label = g.group_label
    order by g.time_period, g.la_code, g.urn nulls first, g.subject, g.breakdown, g.sort_order
)

select * from final;
