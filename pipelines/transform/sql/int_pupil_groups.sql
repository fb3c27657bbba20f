-- int_pupil_groups: the §5 breakdowns unpivoted once (measures.md §5, outputs.md §1): each
-- analysed pupil's group in every breakdown, so the marts that aggregate int_analysis_pupils by
-- group (mart_attainment, mart_gaps, and the impact models through impact_design.sql) read
-- this relation instead of each repeating the unpivot.
-- Grain: one row per int_analysis_pupils row (academic year × pupil × subject) × breakdown in
-- which the pupil has a group: 'total' (group 'Total') for every row; a pupil with a NULL
-- characteristic has no row for that breakdown, and prior_attainment (the band of the
-- subject's baseline) has none for a pupil without a baseline, as the unpivots left them out.
-- The breakdowns are the vocabulary's (int_group_labels, whose list is layout.ts BREAKDOWNS
-- and models.ts IMPACT_BREAKDOWNS); group_label_of (group_label.sql) says which int_analysis_pupils
-- column holds each one's group, and a breakdown it does not know stops the run rather than lose its rows.
-- Each row carries the pupil's figures the marts aggregate (place, sample, scores, ARE flags),
-- so a mart reads this one relation and joins nothing back to int_analysis_pupils; pupil_id
-- (the integer key) is what a mart counts distinct pupils by, upn what impact_design joins on.
-- A temp view of the run's connection: the ×9 expansion is streamed by each reader (filtered to
-- the rows it wants before expanding), never stored, where a stored copy cost memory (a wide
-- row × 9 per pupil) and a join back on three text columns in every mart. The breakdown check
-- runs when the file runs (the last statement), not first in a mart.
create or replace temp view int_pupil_groups as
with

pupils as (
    select academic_year, time_period, la_code, urn, upn, pupil_id, subject,
        tutored, in_model_sample, baseline, outcome, progress, below_are_baseline, at_are_outcome, expected_progress,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment
    from int_analysis_pupils
),

breakdowns as (
    select distinct breakdown from int_group_labels
),

-- a cross join with the breakdowns and a CASE (the macro) is cheap (no list of structs to unnest)
expanded as (
    select
        p.academic_year, p.time_period, p.la_code, p.urn, p.upn, p.pupil_id, p.subject,
        p.tutored, p.in_model_sample, p.baseline, p.outcome, p.progress,
        p.below_are_baseline, p.at_are_outcome, p.expected_progress,
        b.breakdown,
        group_label_of(b.breakdown, p.fsm_status, p.cla_status, p.first_language, p.sex,
            p.sen_provision, p.ethnicity_major, p.key_stage, p.prior_attainment) as group_label
    from pupils as p
    cross join breakdowns as b
),

final as (
    select * from expanded
    where group_label is not null
)

select * from final;

-- a breakdown group_label_of does not know stops the run here: every breakdown of one pupil's rows
select count(group_label) from int_pupil_groups
where pupil_id = (select min(pupil_id) from int_analysis_pupils);
