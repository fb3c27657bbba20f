-- mart_school_progress: school comparisons of measures.md §11.
-- Grain: one row per time_period × la_code × urn × subject (English, Mathematics) for
-- each school with tutees in the LA's model sample; breakdown 'total', group 'Total'.
-- Adjusted progress = mean over the school's tutees of (outcome − prediction from the
-- LA's comparison-only model of §3, without `tutored`; residuals from impact.ts), 95% CI
-- ± 1.96·σ/√n with σ = √(RSS/(N − K)) of that model. Funnel around the LA mean adjusted
-- progress of tutees, limits ± z·σ/√n (z 1.96 for 95%, 3.09 for 99.8%); "above"/"below"
-- only outside the 95% limits (funnel_flag 1 / -1).
create or replace table mart_school_progress as
with

residuals as (
    select * from impact_school_residuals
),

model_sigma as (
    select time_period, la_code, subject, sqrt(sum(rss) / any_value(c_df)) as sigma
    from residuals
    where cell = 'comparison'
    group by all
),

tutees as (
    select time_period, la_code, subject, urn,
        sum(n)::integer as n_tutees, sum(sum_progress) as sum_progress, sum(sum_residual) as sum_residual
    from residuals
    where cell <> 'comparison'
    group by all
),

la_mean as (
    select time_period, la_code, subject, sum(sum_residual) / sum(n_tutees) as la_mean_adjusted_progress
    from tutees
    group by all
),

limits as (
    select
        t.time_period, t.la_code, t.urn, t.subject, 'total' as breakdown, 'Total' as group_label,
        t.n_tutees,
        t.sum_progress / t.n_tutees as mean_progress,
        t.sum_residual / t.n_tutees as adjusted_progress,
        s.sigma,
        l.la_mean_adjusted_progress,
        s.sigma / sqrt(t.n_tutees) as se_adjusted
    from tutees as t
    join model_sigma as s using (time_period, la_code, subject)
    join la_mean as l using (time_period, la_code, subject)
),

final as (
    select
        time_period, la_code, urn, subject, breakdown, group_label,
        n_tutees as adj_tutees, mean_progress as adj_mean_progress, adjusted_progress,
        adjusted_progress - 1.959963984540054 * se_adjusted as adjusted_ci_low,
        adjusted_progress + 1.959963984540054 * se_adjusted as adjusted_ci_high,
        sigma as adj_sigma, la_mean_adjusted_progress as funnel_centre,
        la_mean_adjusted_progress - 1.959963984540054 * se_adjusted as funnel_95_low,
        la_mean_adjusted_progress + 1.959963984540054 * se_adjusted as funnel_95_high,
        la_mean_adjusted_progress - 3.090232306167814 * se_adjusted as funnel_998_low,
        la_mean_adjusted_progress + 3.090232306167814 * se_adjusted as funnel_998_high,
        -- 1 above, -1 below the 95% limits, 0 within (a number, so it is never taken for a filter)
        case
            when adjusted_progress > la_mean_adjusted_progress + 1.959963984540054 * se_adjusted then 1
            when adjusted_progress < la_mean_adjusted_progress - 1.959963984540054 * se_adjusted then -1
            else 0
        end as funnel_flag
    from limits
)

select * from final
order by time_period, la_code, urn, subject;
