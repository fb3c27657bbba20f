-- int_anchors: anchor dates for comparison pupils (measures.md §2): the median start and the
-- median end of the places of all pupils with tuition in the same year, LA, NC year and
-- subject (earlier middle date for an even count), whether or not they have a baseline or
-- outcome. Grain: one row per academic year × la_code × subject × nc_year with tuition.
-- The NC year and LA are the tutee's census ones (int_pupils), as for the analysis.
create or replace table int_anchors as
with tutees as (
    select pu.academic_year, pu.la_code, pl.subject, pu.nc_year, pl.start_date, pl.end_date
    from int_places as pl
    join int_pupils as pu using (academic_year, upn)
),

ranked as (
    select
        *,
        count(*) over w as n_places,
        row_number() over (w order by start_date) as start_rank,
        row_number() over (w order by end_date) as end_rank
    from tutees
    window w as (partition by academic_year, la_code, subject, nc_year)
),

final as (
    select
        academic_year, la_code, subject, nc_year,
        any_value(n_places) as n_places,
        max(start_date) filter (where start_rank = (n_places + 1) // 2) as anchor_start,
        max(end_date) filter (where end_rank = (n_places + 1) // 2) as anchor_end
    from ranked
    group by academic_year, la_code, subject, nc_year
)

select * from final;
