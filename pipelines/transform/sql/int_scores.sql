-- int_scores: a pupil's score in English or Mathematics on a date (measures.md §1).
-- Grain: one row per pupil (pupil_id) × subject (English | Mathematics) × assessed_on with a score.
-- Several scored results in one subject and date: statutory (ks1..ks4) beat ta, equals are
-- averaged. English is the `english` result; on a date with no `english` row at all, the
-- mean of reading and writing (both needed); an `english` row that is not scored (a code,
-- a P-scale) means no English score that date.
-- whole_level: NC level without sub-level (W 0, EP 9) or GCSE level-equivalent (G 3 … A* 10,
-- U 2: below G), taken from the points so an averaged score has one too.
-- assessment: the key stage of the statutory results that won (ks1..ks4), else 'ta'.
-- Keyed by pupil_id (stg_pupils' key, which stg_attainment carries): only the analysed
-- census's pupils (int_pupils) can be a baseline or an outcome, a semi join on the integer,
-- and every later join and group compares integers. int_results (a view that scores
-- every attainment row) is read once: the scored rows and the dates with an `english` row
-- both come from that one pass.
-- A temp table: scratch of the run, read by int_anchors, int_analysis_pupils and
-- int_eligible_untutored (which keep what the marts and the private lists need); at a million
-- rows and more, writing it compressed to the database file cost more than building it.
create or replace temp table int_scores as
with results as materialized (
    select r.pupil_id, r.subject, r.assessed_on, r.points, r.scale = 'gcse' as gcse, r.statutory, r.assessment
    from int_results as r
    semi join (select distinct pupil_id from int_pupils) as k using (pupil_id)
),

statutory as (
    -- a date's statutory results in the subject, equals averaged; they beat its ta result
    select
        pupil_id, subject, assessed_on,
        avg(points) as points,
        case when bool_and(gcse) then 'gcse' else 'nc' end as scale,
        case when min(assessment) = max(assessment) then min(assessment) else 'ta' end as assessment
    from results
    where points is not null and statutory
    group by pupil_id, subject, assessed_on
),

per_raw_subject as materialized (
    -- statutory results, where there are any that date, else the ta one. stg_attainment's key
    -- (upn, subject, assessment, date) leaves at most one ta row a pupil, subject and date, so
    -- only the statutory rows are grouped (a fifth of them) and a ta row is kept unless its
    -- date has a statutory score: grouping every row by its nearly unique key cost more than
    -- the rest of the model
    select * from statutory
    union all
    select pupil_id, subject, assessed_on, points, case when gcse then 'gcse' else 'nc' end as scale, 'ta' as assessment
    from results as r
    anti join statutory as s using (pupil_id, subject, assessed_on)
    where r.points is not null and not r.statutory
),

direct as (
    select
        pupil_id,
        case subject when 'english' then 'English' else 'Mathematics' end as subject,
        assessed_on, points, scale, assessment,
        false as from_reading_writing
    from per_raw_subject
    where subject in ('english', 'maths')
),

reading_writing as (
    select
        r.pupil_id,
        'English' as subject,
        r.assessed_on,
        (r.points + w.points) / 2 as points,
        case when r.scale = 'gcse' and w.scale = 'gcse' then 'gcse' else 'nc' end as scale,
        case when r.assessment = w.assessment then r.assessment else 'ta' end as assessment,
        true as from_reading_writing
    from per_raw_subject as r
    join per_raw_subject as w
        on w.pupil_id = r.pupil_id and w.assessed_on = r.assessed_on and w.subject = 'writing'
    -- any english row that date, scored or not (an anti join needs no distinct list of them)
    anti join (select pupil_id, assessed_on from results where subject = 'english') as e
        on e.pupil_id = r.pupil_id and e.assessed_on = r.assessed_on
    where r.subject = 'reading'
),

final as (
    select
        pupil_id, subject, assessed_on,
        points, scale, assessment, from_reading_writing,
        case
            when scale = 'gcse' then case when points < 16 then 2 else floor((points - 16) / 6) + 3 end
            else floor((points - 1) / 6)
        end::integer as whole_level
    from (select * from direct union all select * from reading_writing)
)

select * from final;
