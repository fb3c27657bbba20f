-- int_results: every attainment result with its NC points, or the reason it has none
-- (measures.md §1). Grain: one row per stg_attainment row (upn × subject × assessment × date).
-- The NC year at the date decides whether a letter is a GCSE grade (ks4, or ta in Y10–11)
-- or a code (A B D N T elsewhere); it is the census NC year of the academic year holding the
-- date, else inferred from the nearest census row by the difference in years. Only a ta
-- result A, B or D needs it (N, T are never grades; ks1..ks3 never GCSE, ks4 always), so only
-- those rows are joined to the census: nc_year_at_date is NULL on the others.
-- The context is the pupil's NC year in the academic year of the date, so it is worked out once
-- per pupil and year (not per result), and only the context rows are joined to it.
-- Points, scale and reason depend only on the result and its context: each distinct result is
-- scored once in each context (scoring) and the rows look theirs up, instead of every row
-- running the CASE (it ran twice a row, for the filter on points and for the columns).
-- A view: a copy of every attainment row would be written for the two queries that read it
-- (int_scores, mart_data_quality), which cost more on a national run than scoring. A temp
-- view, as stg_attainment under it is a temp table: the database file keeps no view that
-- could not be read once the run has closed.
create or replace temp view int_results as
with census_years as (
    select distinct pupil_id, cast(left(academic_year, 4) as integer) as census_year, nc_year
    from stg_pupils
),

nc_year_at_date as (
    -- exact year first (distance 0), else the nearest census year, earlier one on a tie;
    -- keyed by pupil_id (one per upn in stg_pupils), so the lookup compares integers
    select
        r.pupil_id, r.year_of_date,
        arg_min(
            c.nc_year + (r.year_of_date - c.census_year),
            abs(r.year_of_date - c.census_year) * 2 + (r.year_of_date < c.census_year)::integer
        ) as nc_year
    from (
        select distinct pupil_id, case when month(assessed_on) >= 9 then year(assessed_on) else year(assessed_on) - 1 end as year_of_date
        from stg_attainment
        where assessment = 'ta' and result in ('A', 'B', 'D')
    ) as r
    join census_years as c using (pupil_id)
    group by r.pupil_id, r.year_of_date
),

classified as (
    -- one pass over the rows: only a row that needs the NC year has a join key (the others'
    -- is NULL, which matches nothing), where a union of the two kinds of row read the input
    -- twice and kept a copy of it in between
    select
        r.upn, r.pupil_id, r.subject, r.assessment, r.assessed_on, r.result,
        n.nc_year as nc_year_at_date,
        r.assessment = 'ks4' or coalesce(r.assessment = 'ta' and n.nc_year between 10 and 11, false) as gcse_context,
        r.assessment <> 'ta' as statutory
    from stg_attainment as r
    left join nc_year_at_date as n
        on n.pupil_id = case when r.assessment = 'ta' and r.result in ('A', 'B', 'D') then r.pupil_id end
        and n.year_of_date = case when month(r.assessed_on) >= 9 then year(r.assessed_on) else year(r.assessed_on) - 1 end
),

scoring as materialized (
    -- every result of the input in each context (a GCSE one, not, unknown); the join key is
    -- never NULL (blank result and unknown context coded), so it is a plain hash join
    select
        result, gcse_context,
        coalesce(result, '') as result_key, coalesce(gcse_context::UTINYINT, 2) as context_key,
        case
            when result = 'W' then 3
            when result = 'EP' then 57
            when result in ('1', '2', '3', '4', '5', '6', '7', '8') then 6 * cast(result as integer) + 3
            when length(result) = 2 and left(result, 1) between '1' and '8' and right(result, 1) in ('a', 'b', 'c') then
                6 * cast(left(result, 1) as integer)
                + case right(result, 1) when 'c' then 1 when 'b' then 3 else 5 end
            when starts_with(result, 'P') then null
            when result in ('N', 'T') or (not gcse_context and result in ('A', 'B', 'D')) then null
            when result = 'A*' then 58
            when result = 'A' then 52
            when result = 'B' then 46
            when result = 'C' then 40
            when result = 'D' then 34
            when result = 'E' then 28
            when result = 'F' then 22
            when result = 'G' then 16
            when result = 'U' then 0
        end as points,
        case
            when result in ('A*', 'C', 'E', 'F', 'G', 'U') then 'gcse'
            when gcse_context and result in ('A', 'B', 'D') then 'gcse'
            else 'nc'
        end as scale,
        case
            when starts_with(result, 'P') then 'p_scale'
            when result in ('N', 'T') or (not gcse_context and result in ('A', 'B', 'D')) then 'code_' || lower(result)
        end as unscored_reason
    -- the results as one list and back: DuckDB then knows this side is small and hashes it,
    -- where from `select distinct result` it guessed millions of rows and hashed every
    -- attainment row instead (list drops NULL; the appended NULL stands for a blank result)
    from (select unnest(list(distinct result) || [null::VARCHAR]) as result from stg_attainment)
    cross join (values (true), (false), (null::boolean)) as c(gcse_context)
),

final as (
    select
        -- keys (pupil_id: stg_pupils' integer key of the upn)
        c.upn, c.pupil_id, c.subject, c.assessment, c.assessed_on,
        -- result and its context
        c.result, c.statutory, c.nc_year_at_date, c.gcse_context,
        -- score
        s.points::double as points, s.scale, s.unscored_reason
    from classified as c
    left join scoring as s
        on s.result_key = coalesce(c.result, '') and s.context_key = coalesce(c.gcse_context::UTINYINT, 2)
)

select * from final;
