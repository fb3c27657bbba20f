-- impact_design (temp view): impact_pupils (impact_pupils.sql) repeated once per model the
-- pupil belongs to: the whole cohort (breakdown 'total') and their own group in each
-- breakdown of §5 (measures.md). Grain: one row per pupil × model (breakdown, group_label).
-- The models are the manifest's breakdowns (models.ts IMPACT_BREAKDOWNS, table
-- impact_breakdowns) that the vocabulary has (int_group_labels).
-- Each pupil's groups are read off the labels impact_pupils carries (group_label_of,
-- group_label.sql: int_pupil_groups' rule, no row where the label is NULL).
-- Joining int_pupil_groups instead expanded every analysed pupil nine times and matched the
-- model sample back on three text columns, for each of the ~10 passes that read this view; a
-- cross join of the sample with the breakdowns lets a pass for one breakdown read each pupil once.
-- The ×9 expansion stays a view so it is never stored.
create or replace temp view impact_design as
with

breakdowns as (
    select breakdown from impact_breakdowns
    where breakdown in (select breakdown from int_group_labels)
),

expanded as (
    select
        d.* exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment),
        b.breakdown,
        group_label_of(b.breakdown, d.fsm_status, d.cla_status, d.first_language, d.sex,
            d.sen_provision, d.ethnicity_major, d.key_stage, d.prior_attainment) as group_label
    from impact_pupils as d
    cross join breakdowns as b
),

final as (
    select * from expanded
    where group_label is not null
)

select * from final;
