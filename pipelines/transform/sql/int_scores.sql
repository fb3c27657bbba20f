-- int_scores: a pupil's score in English or Mathematics on a date (measures.md §1).
-- Grain: one row per pupil × subject (English | Mathematics) × assessed_on with a score.
-- Several scored results in one subject and date: statutory (ks1..ks4) beat ta, equals are
-- averaged. English is the `english` result; on a date with no `english` row at all, the
-- mean of reading and writing (both needed); an `english` row that is not scored (a code,
-- a P-scale) means no English score that date.
-- whole_level: NC level without sub-level (W 0, EP 9) or GCSE level-equivalent (G 3 … A* 10,
-- U 2: below G), taken from the points so an averaged score has one too.
-- assessment: the key stage of the statutory results that won (ks1..ks4), else 'ta'.
create or replace table int_scores as
with per_raw_subject as (
    -- statutory results, where there are any that date, else the ta ones; equals averaged
    select
        upn, subject, assessed_on,
        coalesce(avg(points) filter (where statutory), avg(points)) as points,
        case
            when bool_or(statutory) then
                case when bool_and(scale = 'gcse') filter (where statutory) then 'gcse' else 'nc' end
            else case when bool_and(scale = 'gcse') then 'gcse' else 'nc' end
        end as scale,
        case
            when min(assessment) filter (where statutory) = max(assessment) filter (where statutory)
                then min(assessment) filter (where statutory)
            else 'ta'
        end as assessment
    from int_results
    where points is not null
    group by upn, subject, assessed_on
),

english_dates as (
    select distinct upn, assessed_on
    from int_results
    where subject = 'english'
),

direct as (
    select
        upn,
        case subject when 'english' then 'English' else 'Mathematics' end as subject,
        assessed_on, points, scale, assessment,
        false as from_reading_writing
    from per_raw_subject
    where subject in ('english', 'maths')
),

reading_writing as (
    select
        r.upn,
        'English' as subject,
        r.assessed_on,
        (r.points + w.points) / 2 as points,
        case when r.scale = 'gcse' and w.scale = 'gcse' then 'gcse' else 'nc' end as scale,
        case when r.assessment = w.assessment then r.assessment else 'ta' end as assessment,
        true as from_reading_writing
    from per_raw_subject as r
    join per_raw_subject as w
        on w.upn = r.upn and w.assessed_on = r.assessed_on and w.subject = 'writing'
    anti join english_dates as e
        on e.upn = r.upn and e.assessed_on = r.assessed_on
    where r.subject = 'reading'
),

final as (
    select
        upn, subject, assessed_on,
        points, scale, assessment, from_reading_writing,
        case
            when scale = 'gcse' then case when points < 16 then 2 else floor((points - 16) / 6) + 3 end
            else floor((points - 1) / 6)
        end::integer as whole_level
    from (select * from direct union all select * from reading_writing)
)

select * from final;
