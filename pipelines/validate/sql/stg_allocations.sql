-- stg_allocations: grain one row per academic year, LA, school (NULL = LA total), key
-- stage and subject, rows that broke no rule.
create or replace table stg_allocations as
with typed as not materialized (select * from typed_allocations),
kept as (select * from typed anti join q_allocations q on q.line = typed._line),
final as (
    select
        academic_year_n as academic_year, la_code, urn, key_stage_i as key_stage, subject_n as subject,
        places_i as places, funding_gbp_d as funding_gbp,
        _file, _line
    from kept
)
select * from final order by _line;
