-- impact_match_atoms (temp table): the model rows (impact_model_rows) counted once per model,
-- side (tutees, comparison pupils) and matching key of measures.md §4 (NC year, baseline, fsm,
-- eal, gender), with the sums the exact matching and the balance read. Every pupil of an atom
-- has the same matching key, so mart_balance weighs atoms instead of reading the pupils again.
-- Grain: one row per time_period × la_code × subject × breakdown × group_label × tutee ×
-- nc_year × baseline × x_fsm × x_eal × x_female.
create or replace temp table impact_match_atoms as
select
    time_period, la_code, subject, breakdown, group_label, cell <> 'comparison' as tutee,
    nc_year, baseline, x_fsm, x_eal, x_female,
    count(*) as n, sum(outcome) as sum_outcome, sum(x_cla) as sum_cla, sum(x_sen_any) as sum_sen_any
from impact_model_rows
group by all;

-- impact_matched_cells (temp table): the cells of the exact matching of measures.md §4, read by
-- mart_matched (the ATT) and mart_balance (the matched sample's balance, §3).
-- Grain: one row per model (time_period × la_code × subject × breakdown × group_label) × cell
-- of tutees with one NC year, baseline, fsm, eal and gender; the comparison pupils of the same
-- cell alongside (n_c_cell NULL where there are none).
create or replace temp table impact_matched_cells as
with

comparison_cells as (
    select
        time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female,
        n as n_c_cell, sum_outcome / n as mean_outcome_c
    from impact_match_atoms
    where not tutee
),

tutee_cells as (
    select
        time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female,
        n as n_t_cell, sum_outcome / n as mean_outcome_t
    from impact_match_atoms
    where tutee
),

final as (
    select t.*, c.n_c_cell, c.mean_outcome_c
    from tutee_cells as t
    left join comparison_cells as c
        using (time_period, la_code, subject, breakdown, group_label, nc_year, baseline, x_fsm, x_eal, x_female)
)

select * from final;
