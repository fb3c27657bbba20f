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
    -- statutory results carry their points, GCSE flag and key stage (1..4) again in columns of
    -- their own (NULL on a ta row), so the aggregates below are plain ones over numbers
    select
        r.pupil_id, r.subject, r.assessed_on, r.points,
        r.scale = 'gcse' as gcse,
        case when r.statutory then r.points end as statutory_points,
        case when r.statutory then r.scale = 'gcse' end as statutory_gcse,
        case when r.statutory then
            case r.assessment when 'ks1' then 1 when 'ks2' then 2 when 'ks3' then 3 when 'ks4' then 4 end
        end::UTINYINT as statutory_ks
    from int_results as r
    semi join (select distinct pupil_id from int_pupils) as k using (pupil_id)
),

per_raw_subject as (
    -- statutory results, where there are any that date, else the ta ones; equals averaged
    select
        pupil_id, subject, assessed_on,
        coalesce(avg(statutory_points), avg(points)) as points,
        case
            when count(statutory_points) > 0 then case when bool_and(statutory_gcse) then 'gcse' else 'nc' end
            else case when bool_and(gcse) then 'gcse' else 'nc' end
        end as scale,
        case when min(statutory_ks) = max(statutory_ks) then 'ks' || min(statutory_ks) else 'ta' end as assessment
    from results
    where points is not null
    group by pupil_id, subject, assessed_on
),

english_dates as (
    select distinct pupil_id, assessed_on
    from results
    where subject = 'english'
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
    anti join english_dates as e
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
