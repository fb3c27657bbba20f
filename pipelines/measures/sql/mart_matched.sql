-- mart_matched: sensitivity estimate by exact matching (measures.md §4).
-- Grain: one row per time_period × la_code × subject × breakdown × group_label, the same
-- models as mart_impact. Each tutee in the model is matched to every comparison pupil in
-- the model with the same NC year, baseline, fsm, eal and gender;
-- ATT = mean over matched tutees of (tutee outcome − mean outcome of their matches).
-- Reads impact_matched_cells (impact_matched_cells.sql).
create or replace table mart_matched as
with

models as (
    select time_period, la_code, subject, breakdown, group_label from impact_estimates
),

cells as (
    select * from impact_matched_cells
),

per_model as (
    select
        time_period, la_code, subject, breakdown, group_label,
        coalesce(sum(n_t_cell) filter (where n_c_cell is not null), 0)::integer as n_matched_t,
        coalesce(sum(n_t_cell) filter (where n_c_cell is null), 0)::integer as n_unmatched_t,
        coalesce(sum(n_c_cell), 0)::integer as n_matched_c,
        -- Σ over tutees of (outcome − mean of matches) / matched tutees, taken cell by cell
        sum(n_t_cell * (mean_outcome_t - mean_outcome_c)) / nullif(sum(n_t_cell) filter (where n_c_cell is not null), 0) as att
    from cells
    group by all
),

subject_rows as (
    select
        m.time_period, m.la_code, null::varchar as urn, m.subject, m.breakdown, m.group_label,
        coalesce(p.n_matched_t, 0) as n_matched_t,
        coalesce(p.n_unmatched_t, 0) as n_unmatched_t,
        coalesce(p.n_matched_c, 0) as n_matched_c,
        p.att,
        case when p.att is null then 'no tutee has an exact match' end as att_na_reason,
        null::varchar as na_reason
    from models as m
    left join per_model as p using (time_period, la_code, subject, breakdown, group_label)
),

total_rows as (
    select distinct time_period, la_code, null::varchar as urn, 'Total' as subject, breakdown, group_label,
        'z' as att_na_reason, 'z' as na_reason
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
