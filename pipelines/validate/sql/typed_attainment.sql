-- typed_attainment: grain one row per raw_attainment row; values parsed, and the GCSE
-- context that decides what a letter result means (inputs.md): assessment ks4, or ta of a
-- pupil in NC year 10-11 on that date (census NC year of the academic year containing the
-- date, from 1 September; else inferred from the nearest census year, measures.md §1).
create or replace temp table typed_attainment as
with source as (select * from raw_attainment),
parsed as (
    select
        _file, _line, upn, subject, assessment, assessed_on, result,
        upper(upn) as upn_n,
        ti_upn_status(upn) as upn_status,
        case when lower(subject) in ('reading', 'writing', 'english', 'maths') then lower(subject) end as subject_n,
        case when lower(assessment) in ('ks1', 'ks2', 'ks3', 'ks4', 'ta') then lower(assessment) end as assessment_n,
        ti_date(assessed_on) as assessed_on_d
    from source
),
ta_nc_year as (
    select a._line,
        arg_min(p.nc_year + (a.ay - p.ay), [abs(a.ay - p.ay), p.ay]) as nc_year
    from (select _line, upn_n, year(assessed_on_d) - (month(assessed_on_d) < 9)::INTEGER as ay
          from parsed where assessment_n = 'ta' and assessed_on_d is not null) a
    join (select upn, nc_year, left(academic_year, 4)::INTEGER as ay from stg_pupils) p on p.upn = a.upn_n
    group by a._line
),
contexted as (
    select parsed.*,
        case when assessment_n = 'ks4' then true
             when assessment_n = 'ta' then n.nc_year between 10 and 11
             when assessment_n is not null then false end as gcse
    from parsed left join ta_nc_year n using (_line)
),
final as (
    select *, ti_result(result, gcse) as result_n from contexted
)
select * from final;
