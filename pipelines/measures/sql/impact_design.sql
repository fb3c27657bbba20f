-- impact_design (temp view): impact_pupils (impact_pupils.sql) repeated once per model the
-- pupil belongs to: the whole cohort (breakdown 'total') and their own group in each
-- breakdown of §5 (measures.md). Grain: one row per pupil × model (breakdown, group_label).
-- The groups are int_pupil_groups' (the breakdowns unpivoted once); the models are the
-- manifest's breakdowns (models.ts IMPACT_BREAKDOWNS, table impact_breakdowns).
-- The ×9 expansion stays a view so it is never stored.
create or replace temp view impact_design as
with

designed as (
    select * from impact_pupils
),

groups as (
    select time_period, upn, subject, breakdown, group_label
    from int_pupil_groups
    where breakdown in (select breakdown from impact_breakdowns)
),

final as (
    select
        d.* exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment),
        g.breakdown, g.group_label
    from designed as d
    join groups as g
        on g.time_period = d.time_period and g.upn = d.upn and g.subject = d.subject
)

select * from final;
