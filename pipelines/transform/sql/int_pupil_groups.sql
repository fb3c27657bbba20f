-- int_pupil_groups: the §5 breakdowns unpivoted once (measures.md §5, outputs.md §1): each
-- analysed pupil's group in every breakdown, so the marts that aggregate int_analysis_pupils by
-- group (mart_attainment, mart_gaps, and the impact models through impact_design.sql) join
-- this table instead of each repeating the unpivot.
-- Grain: one row per int_analysis_pupils row (academic year × pupil × subject) × breakdown in
-- which the pupil has a group: 'total' (group 'Total') for every row; a pupil with a NULL
-- characteristic has no row for that breakdown, and prior_attainment (the band of the
-- subject's baseline) has none for a pupil without a baseline, as the unpivots left them out.
-- The breakdowns are the vocabulary's (int_group_labels, whose list is layout.ts BREAKDOWNS
-- and models.ts IMPACT_BREAKDOWNS); the CASE says which int_analysis_pupils column holds each
-- one's group, and a breakdown it does not know stops the run rather than lose its rows.
-- A temp table of the run's connection, like impact_pupils: written compressed into the
-- database file it cost three times the CPU of building it (demo LA: 2.5 s against 0.8 s), and
-- nothing after the run reads it.
create or replace temp table int_pupil_groups as
with

pupils as (
    select academic_year, time_period, upn, subject,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment
    from int_analysis_pupils
),

breakdowns as (
    select distinct breakdown from int_group_labels
),

-- a cross join with the breakdowns and a CASE is cheap (no list of structs to unnest)
expanded as (
    select
        p.academic_year, p.time_period, p.upn, p.subject, b.breakdown,
        case b.breakdown
            when 'total' then 'Total'
            when 'fsm_status' then p.fsm_status
            when 'cla_status' then p.cla_status
            when 'first_language' then p.first_language
            when 'sex' then p.sex
            when 'sen_provision' then p.sen_provision
            when 'ethnicity_major' then p.ethnicity_major
            when 'key_stage' then p.key_stage
            when 'prior_attainment' then p.prior_attainment
            else error('pipelines/transform/sql/int_pupil_groups.sql: breakdown ''' || b.breakdown
                || ''' of int_group_labels names no column of int_analysis_pupils; add it to the CASE.')
        end as group_label
    from pupils as p
    cross join breakdowns as b
),

final as (
    select * from expanded
    where group_label is not null
)

select * from final;
