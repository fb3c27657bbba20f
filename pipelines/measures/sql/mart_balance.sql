-- mart_balance: balance of tutees and comparison pupils (measures.md §3), in the model
-- sample and in the exactly matched sample of §4.
-- Grain: one row per time_period × la_code × subject × breakdown × group_label, the same
-- models as mart_impact.
-- Means (baseline, points) and shares (fsm, cla, eal, girls = female, sen = sen_any, %)
-- for tutees (_t) and comparison pupils (_c), and the standardised difference
-- (tutee − comparison) / pooled SD, the pooled SD as in Hedges' g (each SD with n − 1)
-- from the model sample. The matched sample weights each matched tutee 1 and each
-- matched comparison pupil (tutees in its cell) / (comparison pupils in its cell), the
-- usual ATT weights; its differences use the model sample's pooled SD, so the two
-- standardised differences are on one scale (Stuart 2010).
create or replace table mart_balance as
with

rows as (
    select r.*, m.n_t_cell, m.n_c_cell
    from impact_model_rows as r
    left join impact_matched_cells as m
        using (time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female)
),

weighted as (
    select *,
        case
            when n_c_cell is null then 0.0
            when cell = 'comparison' then n_t_cell / n_c_cell
            else 1.0
        end as w_matched
    from rows
),

per_model as (
    select
        time_period, la_code, subject, breakdown, group_label,
        count(*) filter (where cell <> 'comparison') as n_t,
        count(*) filter (where cell = 'comparison') as n_c,
        count(*) filter (where cell <> 'comparison' and w_matched > 0) as n_matched_t,
        count(*) filter (where cell = 'comparison' and w_matched > 0) as n_matched_c,
        avg(baseline) filter (where cell <> 'comparison') as baseline_mean_t,
        avg(baseline) filter (where cell = 'comparison') as baseline_mean_c,
        var_samp(baseline) filter (where cell <> 'comparison') as baseline_var_t,
        var_samp(baseline) filter (where cell = 'comparison') as baseline_var_c,
        sum(w_matched * baseline) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as baseline_mmean_t,
        sum(w_matched * baseline) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as baseline_mmean_c,
        avg(x_fsm) filter (where cell <> 'comparison') as fsm_mean_t,
        avg(x_fsm) filter (where cell = 'comparison') as fsm_mean_c,
        var_samp(x_fsm) filter (where cell <> 'comparison') as fsm_var_t,
        var_samp(x_fsm) filter (where cell = 'comparison') as fsm_var_c,
        sum(w_matched * x_fsm) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as fsm_mmean_t,
        sum(w_matched * x_fsm) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as fsm_mmean_c,
        avg(x_cla) filter (where cell <> 'comparison') as cla_mean_t,
        avg(x_cla) filter (where cell = 'comparison') as cla_mean_c,
        var_samp(x_cla) filter (where cell <> 'comparison') as cla_var_t,
        var_samp(x_cla) filter (where cell = 'comparison') as cla_var_c,
        sum(w_matched * x_cla) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as cla_mmean_t,
        sum(w_matched * x_cla) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as cla_mmean_c,
        avg(x_eal) filter (where cell <> 'comparison') as eal_mean_t,
        avg(x_eal) filter (where cell = 'comparison') as eal_mean_c,
        var_samp(x_eal) filter (where cell <> 'comparison') as eal_var_t,
        var_samp(x_eal) filter (where cell = 'comparison') as eal_var_c,
        sum(w_matched * x_eal) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as eal_mmean_t,
        sum(w_matched * x_eal) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as eal_mmean_c,
        avg(x_female) filter (where cell <> 'comparison') as girls_mean_t,
        avg(x_female) filter (where cell = 'comparison') as girls_mean_c,
        var_samp(x_female) filter (where cell <> 'comparison') as girls_var_t,
        var_samp(x_female) filter (where cell = 'comparison') as girls_var_c,
        sum(w_matched * x_female) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as girls_mmean_t,
        sum(w_matched * x_female) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as girls_mmean_c,
        avg(x_sen_any) filter (where cell <> 'comparison') as sen_mean_t,
        avg(x_sen_any) filter (where cell = 'comparison') as sen_mean_c,
        var_samp(x_sen_any) filter (where cell <> 'comparison') as sen_var_t,
        var_samp(x_sen_any) filter (where cell = 'comparison') as sen_var_c,
        sum(w_matched * x_sen_any) filter (where cell <> 'comparison') / nullif(sum(w_matched) filter (where cell <> 'comparison'), 0) as sen_mmean_t,
        sum(w_matched * x_sen_any) filter (where cell = 'comparison') / nullif(sum(w_matched) filter (where cell = 'comparison'), 0) as sen_mmean_c
    from weighted
    group by all
),

pooled as (
    select *,
        sqrt(((n_t - 1) * baseline_var_t + (n_c - 1) * baseline_var_c) / nullif(n_t + n_c - 2, 0)) as baseline_sd_pooled,
        sqrt(((n_t - 1) * fsm_var_t + (n_c - 1) * fsm_var_c) / nullif(n_t + n_c - 2, 0)) as fsm_sd_pooled,
        sqrt(((n_t - 1) * cla_var_t + (n_c - 1) * cla_var_c) / nullif(n_t + n_c - 2, 0)) as cla_sd_pooled,
        sqrt(((n_t - 1) * eal_var_t + (n_c - 1) * eal_var_c) / nullif(n_t + n_c - 2, 0)) as eal_sd_pooled,
        sqrt(((n_t - 1) * girls_var_t + (n_c - 1) * girls_var_c) / nullif(n_t + n_c - 2, 0)) as girls_sd_pooled,
        sqrt(((n_t - 1) * sen_var_t + (n_c - 1) * sen_var_c) / nullif(n_t + n_c - 2, 0)) as sen_sd_pooled
    from per_model
),

subject_rows as (
    select
        time_period, la_code, null::varchar as urn, subject, breakdown, group_label,
        n_t as bal_n_t, n_c as bal_n_c, n_matched_t as mbal_n_t, n_matched_c as mbal_n_c,
        baseline_mean_t as bal_baseline_t,
        baseline_mean_c as bal_baseline_c,
        (baseline_mean_t - baseline_mean_c) / nullif(baseline_sd_pooled, 0) as bal_baseline_std_diff,
        baseline_mmean_t as mbal_baseline_t,
        baseline_mmean_c as mbal_baseline_c,
        (baseline_mmean_t - baseline_mmean_c) / nullif(baseline_sd_pooled, 0) as mbal_baseline_std_diff,
        100 * fsm_mean_t as bal_fsm_t,
        100 * fsm_mean_c as bal_fsm_c,
        (fsm_mean_t - fsm_mean_c) / nullif(fsm_sd_pooled, 0) as bal_fsm_std_diff,
        100 * fsm_mmean_t as mbal_fsm_t,
        100 * fsm_mmean_c as mbal_fsm_c,
        (fsm_mmean_t - fsm_mmean_c) / nullif(fsm_sd_pooled, 0) as mbal_fsm_std_diff,
        100 * cla_mean_t as bal_cla_t,
        100 * cla_mean_c as bal_cla_c,
        (cla_mean_t - cla_mean_c) / nullif(cla_sd_pooled, 0) as bal_cla_std_diff,
        100 * cla_mmean_t as mbal_cla_t,
        100 * cla_mmean_c as mbal_cla_c,
        (cla_mmean_t - cla_mmean_c) / nullif(cla_sd_pooled, 0) as mbal_cla_std_diff,
        100 * eal_mean_t as bal_eal_t,
        100 * eal_mean_c as bal_eal_c,
        (eal_mean_t - eal_mean_c) / nullif(eal_sd_pooled, 0) as bal_eal_std_diff,
        100 * eal_mmean_t as mbal_eal_t,
        100 * eal_mmean_c as mbal_eal_c,
        (eal_mmean_t - eal_mmean_c) / nullif(eal_sd_pooled, 0) as mbal_eal_std_diff,
        100 * girls_mean_t as bal_girls_t,
        100 * girls_mean_c as bal_girls_c,
        (girls_mean_t - girls_mean_c) / nullif(girls_sd_pooled, 0) as bal_girls_std_diff,
        100 * girls_mmean_t as mbal_girls_t,
        100 * girls_mmean_c as mbal_girls_c,
        (girls_mmean_t - girls_mmean_c) / nullif(girls_sd_pooled, 0) as mbal_girls_std_diff,
        100 * sen_mean_t as bal_sen_t,
        100 * sen_mean_c as bal_sen_c,
        (sen_mean_t - sen_mean_c) / nullif(sen_sd_pooled, 0) as bal_sen_std_diff,
        100 * sen_mmean_t as mbal_sen_t,
        100 * sen_mmean_c as mbal_sen_c,
        (sen_mmean_t - sen_mmean_c) / nullif(sen_sd_pooled, 0) as mbal_sen_std_diff
    from pooled
),

models as (
    select time_period, la_code, subject, breakdown, group_label from impact_estimates
),

total_rows as (
    select distinct time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as na_reason
    from models
),

final as (
    select m.time_period, m.la_code, null::varchar as urn, m.subject, m.breakdown, m.group_label,
        s.* exclude (time_period, la_code, urn, subject, breakdown, group_label),
        case when coalesce(s.bal_n_t, 0) = 0 or coalesce(s.bal_n_c, 0) = 0 then 'no tutees or no comparison pupils in the model' end
            as na_reason
    from models as m
    left join subject_rows as s using (time_period, la_code, subject, breakdown, group_label)
    union all by name
    select * from total_rows
)

select * from final
order by time_period, la_code, subject, breakdown, group_label;
