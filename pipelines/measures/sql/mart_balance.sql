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
-- A 0/1 flag's sample variance (n − 1) from s, its pupils with the flag, among n: the five
-- shares' SDs are the one formula.
create or replace temp macro balance_flag_var(s, n) as case when n > 1 then (s - s * s / n) / (n - 1) end;

create or replace table mart_balance as
with

-- the matching atoms (impact_matched_cells.sql): within one, every pupil has the same baseline,
-- fsm, eal and gender and the same matched weight, so sums over pupils are sums over atoms
atoms as (
    select a.*, m.n_t_cell, m.n_c_cell
    from impact_match_atoms as a
    left join impact_matched_cells as m
        using (time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female)
),

weighted as (
    select *,
        case
            when n_c_cell is null then 0.0
            when not tutee then n_t_cell / n_c_cell
            else 1.0
        end as w_matched
    from atoms
),

-- one row per model and side (tutees, comparison): Σ over pupils of each value, its weighted
-- sum, and (0/1 values) its square, which is itself
side_sums as (
    select
        time_period, la_code, subject, breakdown, group_label, tutee,
        sum(n) as n,
        sum(n) filter (where w_matched > 0) as n_matched,
        sum(n * w_matched) as w,
        sum(n * baseline) as baseline_s, sum(n * w_matched * baseline) as baseline_ws,
        sum(n * x_fsm) as fsm_s, sum(n * w_matched * x_fsm) as fsm_ws,
        sum(sum_cla) as cla_s, sum(w_matched * sum_cla) as cla_ws,
        sum(n * x_eal) as eal_s, sum(n * w_matched * x_eal) as eal_ws,
        sum(n * x_female) as girls_s, sum(n * w_matched * x_female) as girls_ws,
        sum(sum_sen_any) as sen_s, sum(w_matched * sum_sen_any) as sen_ws
    from weighted
    group by all
),

-- the baseline's squared deviations from its side's mean, a second pass (stable, and exactly 0
-- where every pupil has one baseline)
baseline_ss as (
    select a.time_period, a.la_code, a.subject, a.breakdown, a.group_label, a.tutee,
        sum(a.n * (a.baseline - s.baseline_s / s.n) * (a.baseline - s.baseline_s / s.n)) as baseline_ss
    from weighted as a
    join side_sums as s using (time_period, la_code, subject, breakdown, group_label, tutee)
    group by all
),

per_side as (
    select
        time_period, la_code, subject, breakdown, group_label, tutee,
        n::bigint as n,
        coalesce(n_matched, 0)::bigint as n_matched,
        baseline_s / n as baseline_mean,
        case when n > 1 then baseline_ss / (n - 1) end as baseline_var,
        baseline_ws / nullif(w, 0) as baseline_mmean,
        fsm_s / n as fsm_mean,
        balance_flag_var(fsm_s, n) as fsm_var,
        fsm_ws / nullif(w, 0) as fsm_mmean,
        cla_s / n as cla_mean,
        balance_flag_var(cla_s, n) as cla_var,
        cla_ws / nullif(w, 0) as cla_mmean,
        eal_s / n as eal_mean,
        balance_flag_var(eal_s, n) as eal_var,
        eal_ws / nullif(w, 0) as eal_mmean,
        girls_s / n as girls_mean,
        balance_flag_var(girls_s, n) as girls_var,
        girls_ws / nullif(w, 0) as girls_mmean,
        sen_s / n as sen_mean,
        balance_flag_var(sen_s, n) as sen_var,
        sen_ws / nullif(w, 0) as sen_mmean
    from side_sums
    join baseline_ss using (time_period, la_code, subject, breakdown, group_label, tutee)
),

models as (
    select time_period, la_code, subject, breakdown, group_label from impact_estimates
),

sides as (
    select
        m.time_period, m.la_code, m.subject, m.breakdown, m.group_label,
        coalesce(t.n, 0) as n_t, coalesce(c.n, 0) as n_c,
        coalesce(t.n_matched, 0) as n_matched_t, coalesce(c.n_matched, 0) as n_matched_c,
        t.baseline_mean as baseline_mean_t, c.baseline_mean as baseline_mean_c,
        t.baseline_var as baseline_var_t, c.baseline_var as baseline_var_c,
        t.baseline_mmean as baseline_mmean_t, c.baseline_mmean as baseline_mmean_c,
        t.fsm_mean as fsm_mean_t, c.fsm_mean as fsm_mean_c,
        t.fsm_var as fsm_var_t, c.fsm_var as fsm_var_c,
        t.fsm_mmean as fsm_mmean_t, c.fsm_mmean as fsm_mmean_c,
        t.cla_mean as cla_mean_t, c.cla_mean as cla_mean_c,
        t.cla_var as cla_var_t, c.cla_var as cla_var_c,
        t.cla_mmean as cla_mmean_t, c.cla_mmean as cla_mmean_c,
        t.eal_mean as eal_mean_t, c.eal_mean as eal_mean_c,
        t.eal_var as eal_var_t, c.eal_var as eal_var_c,
        t.eal_mmean as eal_mmean_t, c.eal_mmean as eal_mmean_c,
        t.girls_mean as girls_mean_t, c.girls_mean as girls_mean_c,
        t.girls_var as girls_var_t, c.girls_var as girls_var_c,
        t.girls_mmean as girls_mmean_t, c.girls_mmean as girls_mmean_c,
        t.sen_mean as sen_mean_t, c.sen_mean as sen_mean_c,
        t.sen_var as sen_var_t, c.sen_var as sen_var_c,
        t.sen_mmean as sen_mmean_t, c.sen_mmean as sen_mmean_c
    from models as m
    left join per_side as t
        on (t.time_period, t.la_code, t.subject, t.breakdown, t.group_label, t.tutee)
         = (m.time_period, m.la_code, m.subject, m.breakdown, m.group_label, true)
    left join per_side as c
        on (c.time_period, c.la_code, c.subject, c.breakdown, c.group_label, c.tutee)
         = (m.time_period, m.la_code, m.subject, m.breakdown, m.group_label, false)
),

pooled as (
    select *,
        sqrt(((n_t - 1) * baseline_var_t + (n_c - 1) * baseline_var_c) / nullif(n_t + n_c - 2, 0)) as baseline_sd_pooled,
        sqrt(((n_t - 1) * fsm_var_t + (n_c - 1) * fsm_var_c) / nullif(n_t + n_c - 2, 0)) as fsm_sd_pooled,
        sqrt(((n_t - 1) * cla_var_t + (n_c - 1) * cla_var_c) / nullif(n_t + n_c - 2, 0)) as cla_sd_pooled,
        sqrt(((n_t - 1) * eal_var_t + (n_c - 1) * eal_var_c) / nullif(n_t + n_c - 2, 0)) as eal_sd_pooled,
        sqrt(((n_t - 1) * girls_var_t + (n_c - 1) * girls_var_c) / nullif(n_t + n_c - 2, 0)) as girls_sd_pooled,
        sqrt(((n_t - 1) * sen_var_t + (n_c - 1) * sen_var_c) / nullif(n_t + n_c - 2, 0)) as sen_sd_pooled
    from sides
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
        100 * sen_mean_t as bal_senprov_t,
        100 * sen_mean_c as bal_senprov_c,
        (sen_mean_t - sen_mean_c) / nullif(sen_sd_pooled, 0) as bal_senprov_std_diff,
        100 * sen_mmean_t as mbal_senprov_t,
        100 * sen_mmean_c as mbal_senprov_c,
        (sen_mmean_t - sen_mmean_c) / nullif(sen_sd_pooled, 0) as mbal_senprov_std_diff,
        -- The pupils behind each share: disclosure control suppresses a share whose
        -- numerator is a small count (outputs.md §2), so the counts travel with it.
        round(fsm_mean_t * n_t)::integer as bal_fsm_n_t,
        round(fsm_mean_c * n_c)::integer as bal_fsm_n_c,
        round(fsm_mmean_t * n_matched_t)::integer as mbal_fsm_n_t,
        round(cla_mean_t * n_t)::integer as bal_cla_n_t,
        round(cla_mean_c * n_c)::integer as bal_cla_n_c,
        round(cla_mmean_t * n_matched_t)::integer as mbal_cla_n_t,
        round(eal_mean_t * n_t)::integer as bal_eal_n_t,
        round(eal_mean_c * n_c)::integer as bal_eal_n_c,
        round(eal_mmean_t * n_matched_t)::integer as mbal_eal_n_t,
        round(girls_mean_t * n_t)::integer as bal_girls_n_t,
        round(girls_mean_c * n_c)::integer as bal_girls_n_c,
        round(girls_mmean_t * n_matched_t)::integer as mbal_girls_n_t,
        round(sen_mean_t * n_t)::integer as bal_senprov_n_t,
        round(sen_mean_c * n_c)::integer as bal_senprov_n_c,
        round(sen_mmean_t * n_matched_t)::integer as mbal_senprov_n_t,
        -- A standardised difference has no meaning where every pupil of the group has the same
        -- value (pooled SD 0: e.g. FSM on the FSM-eligible row): `z`, not an unexplained `x`.
        case when baseline_sd_pooled = 0 then 'z' end as bal_baseline_std_diff_na_reason,
        case when baseline_sd_pooled = 0 then 'z' end as mbal_baseline_std_diff_na_reason,
        case when fsm_sd_pooled = 0 then 'z' end as bal_fsm_std_diff_na_reason,
        case when fsm_sd_pooled = 0 then 'z' end as mbal_fsm_std_diff_na_reason,
        case when cla_sd_pooled = 0 then 'z' end as bal_cla_std_diff_na_reason,
        case when cla_sd_pooled = 0 then 'z' end as mbal_cla_std_diff_na_reason,
        case when eal_sd_pooled = 0 then 'z' end as bal_eal_std_diff_na_reason,
        case when eal_sd_pooled = 0 then 'z' end as mbal_eal_std_diff_na_reason,
        case when girls_sd_pooled = 0 then 'z' end as bal_girls_std_diff_na_reason,
        case when girls_sd_pooled = 0 then 'z' end as mbal_girls_std_diff_na_reason,
        case when sen_sd_pooled = 0 then 'z' end as bal_senprov_std_diff_na_reason,
        case when sen_sd_pooled = 0 then 'z' end as mbal_senprov_std_diff_na_reason,
        case when n_t = 0 or n_c = 0 then 'no tutees or no comparison pupils in the model' end as na_reason
    from pooled
),

total_rows as (
    select distinct time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as na_reason
    from models
    -- a prior-attainment band is a subject's (its baseline): no subject Total row (measures.md §5;
    -- models.ts IMPACT_BREAKDOWNS subjectTotal)
    where breakdown in (select breakdown from impact_breakdowns where subject_total)
),

final as (
    select * from subject_rows
    union all by name
    select * from total_rows
)

select * from final
order by time_period, la_code, subject, breakdown, group_label;
