-- impact_match_atoms (temp table): the model rows (impact_model_rows.sql) counted once per model,
-- side (tutees, comparison pupils) and matching key of measures.md §4 (NC year, baseline, fsm,
-- eal, gender), with the sums the exact matching and the balance read. Every pupil of an atom
-- has the same matching key, so mart_balance weighs atoms instead of reading the pupils again.
-- Grain: one row per time_period × la_code × subject × breakdown × group_label × tutee ×
-- nc_year × baseline × x_fsm × x_eal × x_female.
create or replace temp table impact_match_atoms as
with

-- Counted first per matching key and every label a breakdown reads (a pupil's groups are a
-- function of its labels, impact_design.sql), so the ×9 breakdowns and the National copy
-- expand these counts, not the pupils. The sums are of 0/1 flags and of points (whole or
-- half points, but for an average of three results on one date): exact in any order, as the
-- parallel sum over pupils never had a fixed order either.
pupil_atoms as (
    select
        time_period, la_code, subject, cell <> 'comparison' as tutee,
        nc_year, baseline, x_fsm, x_eal, x_female,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment,
        count(*) as n, sum(outcome) as sum_outcome, sum(x_cla) as sum_cla, sum(x_sen_any) as sum_sen_any
    from impact_pupils
    where known
    group by all
),

breakdowns as (
    select breakdown from impact_breakdowns
    where breakdown in (select breakdown from int_group_labels)
),

la_atoms as (
    select
        a.time_period, a.la_code, a.subject, b.breakdown,
        group_label_of(b.breakdown, a.fsm_status, a.cla_status, a.first_language, a.sex,
            a.sen_provision, a.ethnicity_major, a.key_stage, a.prior_attainment) as group_label,
        a.tutee, a.nc_year, a.baseline, a.x_fsm, a.x_eal, a.x_female,
        a.n, a.sum_outcome, a.sum_cla, a.sum_sen_any
    from pupil_atoms as a
    cross join breakdowns as b
),

la_model_atoms as materialized (
    select
        time_period, la_code, subject, breakdown, group_label, tutee,
        nc_year, baseline, x_fsm, x_eal, x_female,
        sum(n)::bigint as n, sum(sum_outcome) as sum_outcome, sum(sum_cla) as sum_cla, sum(sum_sen_any) as sum_sen_any
    from la_atoms
    where group_label is not null
    group by all
),

-- the National model's pupils are every LA's (impact_model_rows.sql), so its atoms are the LAs' summed
national_model_atoms as (
    select
        time_period, 'National' as la_code, subject, breakdown, group_label, tutee,
        nc_year, baseline, x_fsm, x_eal, x_female,
        sum(n)::bigint as n, sum(sum_outcome) as sum_outcome, sum(sum_cla) as sum_cla, sum(sum_sen_any) as sum_sen_any
    from la_model_atoms
    where (select several_las from run_context)
    group by time_period, subject, breakdown, group_label, tutee, nc_year, baseline, x_fsm, x_eal, x_female
),

final as (
    select * from la_model_atoms
    union all
    select * from national_model_atoms
)

select * from final;

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
