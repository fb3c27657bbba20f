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
-- every attainment row) is read once, and grouped once, by pupil and date: each subject's
-- statutory and ta results of the day are columns of that one row (an aggregate of a CASE, NULL
-- on the other rows, which every aggregate skips), so the rules below are expressions on the row,
-- where a group by pupil, subject and date of the statutory results, an anti join of the ta ones
-- against it and a self join of reading to writing each passed over the rows again (national:
-- 107-109 s, now 92-94 s; the same table on the demo LA, except all both ways empty).
-- stg_attainment's key (upn, subject, assessment, date) leaves at most one ta row a pupil,
-- subject and date, so a subject's ta columns are that row's.
-- A temp table: scratch of the run, read by int_anchors, int_analysis_pupils and
-- int_eligible_untutored (which keep what the marts and the private lists need); at a million
-- rows and more, writing it compressed to the database file cost more than building it.
create or replace temp table int_scores as
with results as (
    select r.pupil_id, r.subject, r.assessed_on, r.points, r.scale = 'gcse' as gcse, r.statutory, r.assessment
    from int_results as r
    semi join (select distinct pupil_id from int_pupils) as k using (pupil_id)
),

dated as (
    -- per raw subject (e english, m maths, r reading, w writing): the statutory results' mean
    -- points (sp), whether all are GCSE-scale (sg), their lowest and highest assessment (sa0,
    -- sa1); the ta result's points (tp) and scale (tg). any_english: an `english` row that date,
    -- scored or not.
    select pupil_id, assessed_on,
        bool_or(subject = 'english') as any_english,
        avg(case when subject = 'english' and statutory then points end) as e_sp,
        bool_and(case when subject = 'english' and statutory and points is not null then gcse end) as e_sg,
        min(case when subject = 'english' and statutory and points is not null then assessment end) as e_sa0,
        max(case when subject = 'english' and statutory and points is not null then assessment end) as e_sa1,
        max(case when subject = 'english' and not statutory then points end) as e_tp,
        bool_or(case when subject = 'english' and not statutory and points is not null then gcse end) as e_tg,
        avg(case when subject = 'maths' and statutory then points end) as m_sp,
        bool_and(case when subject = 'maths' and statutory and points is not null then gcse end) as m_sg,
        min(case when subject = 'maths' and statutory and points is not null then assessment end) as m_sa0,
        max(case when subject = 'maths' and statutory and points is not null then assessment end) as m_sa1,
        max(case when subject = 'maths' and not statutory then points end) as m_tp,
        bool_or(case when subject = 'maths' and not statutory and points is not null then gcse end) as m_tg,
        avg(case when subject = 'reading' and statutory then points end) as r_sp,
        bool_and(case when subject = 'reading' and statutory and points is not null then gcse end) as r_sg,
        min(case when subject = 'reading' and statutory and points is not null then assessment end) as r_sa0,
        max(case when subject = 'reading' and statutory and points is not null then assessment end) as r_sa1,
        max(case when subject = 'reading' and not statutory then points end) as r_tp,
        bool_or(case when subject = 'reading' and not statutory and points is not null then gcse end) as r_tg,
        avg(case when subject = 'writing' and statutory then points end) as w_sp,
        bool_and(case when subject = 'writing' and statutory and points is not null then gcse end) as w_sg,
        min(case when subject = 'writing' and statutory and points is not null then assessment end) as w_sa0,
        max(case when subject = 'writing' and statutory and points is not null then assessment end) as w_sa1,
        max(case when subject = 'writing' and not statutory then points end) as w_tp,
        bool_or(case when subject = 'writing' and not statutory and points is not null then gcse end) as w_tg
    from results
    group by pupil_id, assessed_on
),

picked as (
    -- each raw subject's score that date: the statutory results' mean where there is one (equals
    -- averaged; the key stage where they agree, else ta), else the ta result
    select pupil_id, assessed_on, any_english,
        coalesce(e_sp, e_tp) as e_p,
        case when e_sp is not null then e_sg else e_tg end as e_g,
        case when e_sp is not null and e_sa0 = e_sa1 then e_sa0 else 'ta' end as e_a,
        coalesce(m_sp, m_tp) as m_p,
        case when m_sp is not null then m_sg else m_tg end as m_g,
        case when m_sp is not null and m_sa0 = m_sa1 then m_sa0 else 'ta' end as m_a,
        coalesce(r_sp, r_tp) as r_p,
        case when r_sp is not null then r_sg else r_tg end as r_g,
        case when r_sp is not null and r_sa0 = r_sa1 then r_sa0 else 'ta' end as r_a,
        coalesce(w_sp, w_tp) as w_p,
        case when w_sp is not null then w_sg else w_tg end as w_g,
        case when w_sp is not null and w_sa0 = w_sa1 then w_sa0 else 'ta' end as w_a
    from dated
),

scores as (
    select pupil_id, 'English' as subject, assessed_on, e_p as points, case when e_g then 'gcse' else 'nc' end as scale,
        e_a as assessment, false as from_reading_writing
    from picked where e_p is not null
    union all
    select pupil_id, 'Mathematics', assessed_on, m_p, case when m_g then 'gcse' else 'nc' end, m_a, false
    from picked where m_p is not null
    union all
    -- the mean of reading and writing, both scored, on a date with no `english` row at all
    select pupil_id, 'English', assessed_on, (r_p + w_p) / 2, case when r_g and w_g then 'gcse' else 'nc' end,
        case when r_a = w_a then r_a else 'ta' end, true
    from picked where not any_english and r_p is not null and w_p is not null
),

final as (
    select
        pupil_id, subject, assessed_on,
        points, scale, assessment, from_reading_writing,
        case
            when scale = 'gcse' then case when points < 16 then 2 else floor((points - 16) / 6) + 3 end
            else floor((points - 1) / 6)
        end::integer as whole_level
    from scores
)

select * from final;
