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
        -- each split model of the manifest (models.ts; the dose model: full (>= 10 hours) and
        -- partial places) as impact.ts lays it out: tutee counts, estimates, its na_reason, and
        -- each estimate's <indicator>_na_reason (the export footnotes each x with it)
        * exclude (
            time_period, la_code, subject, breakdown, group_label,
            n_t, n_c, n_schools, n_excluded_unknown_covariate,
            b, se, ci_low, ci_high, t_crit, df, k_params, dropped_covariates,
            g, g_ci_low, g_ci_high, months, s_pooled, j_correction, na_reason,
            tutee_cost_gbp, cost_per_point_gbp, cost_per_point_gbp_na_reason
        ),
        -- value for money
        tutee_cost_gbp, cost_per_point_gbp, cost_per_point_gbp_na_reason
    from estimates
),

total_rows as (
    select distinct
        time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as na_reason, 'z' as cost_per_point_gbp_na_reason,
        -- each split model's na_reason (variable impact_split_reasons, set by impact.ts)
        if(true, 'z', columns(c -> list_contains(getvariable('impact_split_reasons'), c)))
    from estimates
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
