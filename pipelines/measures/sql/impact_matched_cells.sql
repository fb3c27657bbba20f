-- impact_matched_cells (temp table): the cells of the exact matching of measures.md §4, read by
-- mart_matched (the ATT) and mart_balance (the matched sample's balance, §3).
-- Grain: one row per model (time_period × la_code × subject × breakdown × group_label) × cell
-- of tutees with one NC year, baseline, fsm, eal and gender; the comparison pupils of the same
-- cell alongside (n_c_cell NULL where there are none).
create or replace temp table impact_matched_cells as
with

rows as (
    select * from impact_model_rows
),

comparison_cells as (
    select
        time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female,
        count(*) as n_c_cell, avg(outcome) as mean_outcome_c
    from rows
    where cell = 'comparison'
    group by all
),

tutee_cells as (
    select
        time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female,
        count(*) as n_t_cell, avg(outcome) as mean_outcome_t
    from rows
    where cell <> 'comparison'
    group by all
),

final as (
    select t.*, c.n_c_cell, c.mean_outcome_c
    from tutee_cells as t
    left join comparison_cells as c
        using (time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female)
)

select * from final;
