-- int_eligible_untutored: eligible pupils with no tuition in a subject (loaded or refused),
-- with their baseline at the median start date of all tuition in that subject, year and LA
-- (measures.md §7; earlier middle date for an even count), classified against ARE as a
-- baseline is (end of the previous NC year; GCSE scale against grade C).
-- Grain: one row per academic year × subject × eligible pupil without tuition in it, for
-- subjects with tuition in the pupil's LA that year.
-- The join to int_scores is on pupil_id (int_pupils' integer key), not the upn text.
create or replace table int_eligible_untutored as
with tutee_starts as (
    select
        pu.academic_year, pu.la_code, pl.subject, pl.start_date,
        row_number() over w as start_rank,
        count(*) over (partition by pu.academic_year, pu.la_code, pl.subject) as n_places
    from int_places as pl
    join int_pupils as pu using (academic_year, upn)
    window w as (partition by pu.academic_year, pu.la_code, pl.subject order by pl.start_date)
),

median_start as (
    select academic_year, la_code, subject, max(start_date) as median_start
    from tutee_starts
    where start_rank = (n_places + 1) // 2
    group by academic_year, la_code, subject
),

any_tuition as (
    select academic_year, upn, case subject when 'english' then 'English' else 'Mathematics' end as subject
    from stg_tuition
    union
    select academic_year, upn, case lower(subject) when 'english' then 'English' when 'maths' then 'Mathematics' end
    from stg_tuition_refused
),

untutored as (
    select pu.academic_year, pu.time_period, pu.la_code, pu.urn, pu.upn, pu.pupil_id, pu.nc_year, m.subject, m.median_start
    from int_pupils as pu
    join median_start as m using (academic_year, la_code)
    anti join any_tuition as t
        on t.academic_year = pu.academic_year and t.upn = pu.upn and t.subject = m.subject
    where pu.eligible
),

baselines as (
    -- the latest score in [median_start - 365, median_start]: one hash join on the pupil and a
    -- group by, where an as-of join sorted the scores (int_scores holds one score a pupil,
    -- subject and day, so the latest is one row)
    select
        u.academic_year, u.pupil_id, u.subject,
        max_by(s.points, s.assessed_on) as baseline,
        max(s.assessed_on)              as baseline_on,
        max_by(s.scale, s.assessed_on)  as baseline_scale
    from untutored as u
    -- only the scores that can be a baseline (from the earliest median start - 365 days to the
    -- latest median start) are probed
    join (
        select * from int_scores
        where assessed_on between (select min(median_start) - 365 from median_start) and (select max(median_start) from median_start)
    ) as s
        on s.pupil_id = u.pupil_id and s.subject = u.subject
        and s.assessed_on between u.median_start - 365 and u.median_start
    group by u.academic_year, u.pupil_id, u.subject
),

with_baseline as (
    select u.*, b.baseline, b.baseline_on, b.baseline_scale
    from untutored as u
    left join baselines as b using (academic_year, pupil_id, subject)
),

final as (
    select
        *,
        case
            when baseline is null then null
            when baseline_scale = 'gcse' then baseline < 40
            when nc_year - 1 between 2 and 9 then baseline < 15 + 3 * (nc_year - 1 - 2)
        end as below_are_baseline
    from with_baseline
)

select * from final;
