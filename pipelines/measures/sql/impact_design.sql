-- impact_design (temp view): impact_pupils (impact_pupils.sql) repeated once per model the
-- pupil belongs to: the whole cohort (breakdown 'total') and their own group in each
-- breakdown of §5 (measures.md). Grain: one row per pupil × model (breakdown, group_label).
-- The breakdowns are the manifest's (models.ts IMPACT_BREAKDOWNS, table impact_breakdowns);
-- the CASE below says which column of impact_pupils holds each one's group label.
-- The ×9 expansion stays a view so it is never stored.
create or replace temp view impact_design as
with

designed as (
    select * from impact_pupils
),

breakdowns as (
    select breakdown from impact_breakdowns
),

-- a cross join with the breakdowns and a CASE (rather than unnesting a list of
-- structs) is cheap, and lets a filter on breakdown reach the scan
expanded as (
    select * from (
        select d.*, b.breakdown,
            case b.breakdown
                when 'total' then 'Total'
                when 'fsm_status' then d.fsm_status
                when 'cla_status' then d.cla_status
                when 'first_language' then d.first_language
                when 'sex' then d.sex
                when 'sen_provision' then d.sen_provision
                when 'ethnicity_major' then d.ethnicity_major
                when 'key_stage' then d.key_stage
                when 'prior_attainment' then d.prior_attainment
            end as group_label
        from designed as d
        cross join breakdowns as b
    )
    where group_label is not null
),

final as (
    select * exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment)
    from expanded
)

select * from final;
