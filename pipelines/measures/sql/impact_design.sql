-- impact_design(breakdown) (temp table macro): impact_pupils (impact_pupils.sql) in the models
-- of one breakdown of §5 (measures.md): each pupil once, in their own group of that breakdown
-- ('total': the whole cohort). Grain: one row per pupil × model (breakdown, group_label).
-- The breakdowns are the manifest's (models.ts IMPACT_BREAKDOWNS, table impact_breakdowns);
-- one the vocabulary does not have (int_group_labels) has no rows.
-- Each pupil's group is read off the labels impact_pupils carries (group_label_of,
-- group_label.sql: int_pupil_groups' rule, no row where the label is NULL).
-- Joining int_pupil_groups instead expanded every analysed pupil nine times and matched the
-- model sample back on three text columns. A macro of the breakdown rather than a view of the
-- pupils × breakdowns: impact.ts sums one breakdown a statement, and with the breakdown a
-- constant group_label_of folds to that breakdown's column, so a pass reads one label column
-- and evaluates no CASE a row (impact_model_rows.sql applies it to every breakdown).
create or replace temp macro impact_design(for_breakdown) as table
with

labelled as (
    select
        d.* exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment),
        for_breakdown as breakdown,
        group_label_of(for_breakdown, d.fsm_status, d.cla_status, d.first_language, d.sex,
            d.sen_provision, d.ethnicity_major, d.key_stage, d.prior_attainment) as group_label
    from impact_pupils as d
    where for_breakdown in (select breakdown from int_group_labels)
),

final as (
    select * from labelled
    where group_label is not null
)

select * from final;
