-- mart_impact: primary impact (measures.md §3), dose, and cost per point of impact (§9).
-- Grain: one row per time_period × la_code × subject × breakdown × group_label (LA rows,
-- and 'National' rows when the run holds two or more LAs); urn is NULL (LA level).
-- The estimates are solved in impact.ts (impact_estimates); subject Total rows are added
-- here with every estimate NULL and na_reason 'z': impact does not apply to Total (§5).
create or replace table mart_impact as
with

estimates as (
    select * from impact_estimates
),

subject_rows as (
    select
        -- keys
        time_period, la_code, null::varchar as urn, subject, breakdown, group_label,
        -- counts (the basis of every figure below)
        n_t, n_c, n_schools, n_excluded_unknown_covariate,
        -- primary model
        b, se, ci_low, ci_high, t_crit, df, k_params,
        -- covariates left out (name and reason), a list so it is never mistaken for a filter
        string_split(dropped_covariates, '; ') as dropped_covariates,
        -- effect size and months
        g, g_ci_low, g_ci_high, months, s_pooled, j_correction,
        na_reason,
        -- dose: full (>= 10 hours) and partial places
        n_full, n_partial,
        b_full, se_full, ci_full_low, ci_full_high,
        b_partial, se_partial, ci_partial_low, ci_partial_high,
        dose_na_reason,
        -- the export footnotes each x with <indicator>_na_reason: the dose figures share one
        dose_na_reason as b_full_na_reason, dose_na_reason as se_full_na_reason,
        dose_na_reason as ci_full_low_na_reason, dose_na_reason as ci_full_high_na_reason,
        dose_na_reason as b_partial_na_reason, dose_na_reason as se_partial_na_reason,
        dose_na_reason as ci_partial_low_na_reason, dose_na_reason as ci_partial_high_na_reason,
        -- value for money
        tutee_cost_gbp, cost_per_point_gbp, cost_per_point_gbp_na_reason
    from estimates
),

total_rows as (
    select distinct
        time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as na_reason, 'z' as dose_na_reason, 'z' as cost_per_point_gbp_na_reason
    from estimates
    -- a prior-attainment band is a subject's (its baseline): no subject Total row (measures.md §5)
    where breakdown <> 'prior_attainment'
),

final as (
    select * from subject_rows
    union all by name
    select * from total_rows
)

select * from final
order by time_period, la_code, subject, breakdown, group_label;
