-- mart_evidence: how far each headline impact can be trusted (issue 19, item 5), beside it.
-- Grain: one row per time_period × la_code × subject of mart_impact's whole-cohort rows
-- (breakdown 'total', group 'Total', urn NULL; la_code 'National' when the run has several
-- LAs); subject Total rows have every figure 'z', as impact does not apply to Total (§5).
-- mdes: minimum detectable effect size of the design at 80% power, two-sided 5% (Bloom 1995):
--   M · SE / s_pooled × J, with M = t(0.975, G − 1) + t(0.8, G − 1) (evidence_power, from
--   evidence.ts) and the school-clustered SE, s_pooled and J of the impact (measures.md §3),
--   so it is on the scale of the published effect size g. mde_points: M · SE, in points.
-- lost_share: % of tutees (pupils with tuition in the subject and a census row, the tutees of
--   mart_targeting) with no baseline or no outcome (measures.md §2), so not analysed.
-- max_std_diff: the largest |standardised difference| among mart_balance's measures (baseline,
--   fsm, cla, eal, female, sen_any) in the model sample, before adjustment;
--   max_std_diff_matched: the same in the exactly matched sample of §4, after adjustment. The
--   regression's own adjustment leaves no linear difference in these covariates by
--   construction, so the matched sample is the one "after adjustment" that can show any.
-- The counts behind each figure travel with it for disclosure control (catalogue count_basis,
-- populations in catalogue/counts/counts.csv).
create or replace table mart_evidence as
with

impact as (
    select * from mart_impact where breakdown = 'total'
),

balance as (
    select * from mart_balance where breakdown = 'total'
),

-- tutees per subject, and those lost; National over the run's LAs when it has several
tutees as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        subject,
        count(*) as ev_tutees,
        count(*) filter (where baseline is null or outcome is null) as ev_tutees_lost
    from int_analysis_pupils
    where tutored
    -- LA and National rows (rollup)
    group by time_period, subject, rollup(la_code)
),

subject_rows as (
    select
        -- key
        i.time_period, i.la_code, null::varchar as urn, i.subject, 'total' as breakdown, 'Total' as group_label,
        -- counts (the basis of every figure below)
        i.n_t as ev_n_t, i.n_c as ev_n_c,
        coalesce(t.ev_tutees, 0) as ev_tutees, coalesce(t.ev_tutees_lost, 0) as ev_tutees_lost,
        b.bal_n_t, b.bal_n_c,
        b.bal_fsm_n_t, b.bal_fsm_n_c, b.bal_cla_n_t, b.bal_cla_n_c, b.bal_eal_n_t, b.bal_eal_n_c,
        b.bal_girls_n_t, b.bal_girls_n_c, b.bal_senprov_n_t, b.bal_senprov_n_c,
        b.mbal_n_t, b.mbal_n_c,
        b.mbal_fsm_n_t, b.mbal_cla_n_t, b.mbal_eal_n_t, b.mbal_girls_n_t, b.mbal_senprov_n_t,
        -- power of the design
        p.multiplier as mdes_multiplier,
        p.multiplier * i.se as mde_points,
        p.multiplier * i.se * i.j_correction / nullif(i.s_pooled, 0) as mdes,
        -- tutees lost
        100.0 * t.ev_tutees_lost / nullif(t.ev_tutees, 0) as lost_share,
        -- largest imbalance: NULL differences (pooled SD 0, 'z' in mart_balance) are left out
        list_max(list_filter([
            abs(b.bal_baseline_std_diff), abs(b.bal_fsm_std_diff), abs(b.bal_cla_std_diff),
            abs(b.bal_eal_std_diff), abs(b.bal_girls_std_diff), abs(b.bal_senprov_std_diff)
        ], d -> d is not null)) as max_std_diff,
        list_max(list_filter([
            abs(b.mbal_baseline_std_diff), abs(b.mbal_fsm_std_diff), abs(b.mbal_cla_std_diff),
            abs(b.mbal_eal_std_diff), abs(b.mbal_girls_std_diff), abs(b.mbal_senprov_std_diff)
        ], d -> d is not null)) as max_std_diff_matched,
        i.na_reason as impact_na_reason,
        b.mbal_n_t as matched_tutees
    from impact as i
    left join tutees as t using (time_period, la_code, subject)
    left join balance as b using (time_period, la_code, subject)
    left join evidence_power as p on p.df = i.df
    where i.subject <> 'Total'
),

reasons as (
    select *,
        case
            when impact_na_reason is not null then 'impact not estimated: ' || impact_na_reason
            when mde_points is null then 'standard error of the impact not available'
        end as mde_points_na_reason,
        case
            when impact_na_reason is not null then 'impact not estimated: ' || impact_na_reason
            when mdes is null then 'standard error or outcome spread of the impact not available'
        end as mdes_na_reason,
        case when ev_tutees = 0 then 'z' end as lost_share_na_reason,
        case when max_std_diff is null then 'no standardised difference could be computed' end as max_std_diff_na_reason,
        case
            when coalesce(matched_tutees, 0) = 0 then 'no tutee has an exact match'
            when max_std_diff_matched is null then 'no standardised difference could be computed'
        end as max_std_diff_matched_na_reason
    from subject_rows
),

total_rows as (
    select time_period, la_code, null::varchar as urn, subject, 'total' as breakdown, 'Total' as group_label,
        'z' as na_reason
    from impact
    where subject = 'Total'
),

final as (
    select * exclude (impact_na_reason, matched_tutees), null::varchar as na_reason from reasons
    union all by name
    select * from total_rows
)

select * from final
order by time_period, la_code, subject;
