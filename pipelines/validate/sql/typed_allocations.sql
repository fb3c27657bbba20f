-- typed_allocations: grain one row per aliased_allocations row; values parsed.
create or replace temp table typed_allocations as
with source as (select * from aliased_allocations),
final as (
    select
        _file, _line, academic_year, la_code, urn, key_stage, subject, places, funding_gbp,
        ti_academic_year(academic_year) as academic_year_n,
        ti_academic_year_ok(academic_year) as academic_year_ok,
        regexp_full_match(la_code, '\d{3}') as la_code_ok,
        la_code in (select la_code from run_las) as la_known,
        regexp_full_match(urn, '\d{6}') as urn_ok,
        case when regexp_replace(upper(key_stage), '^(KS|KEY STAGE)\s*', '') in ('2', '3', '4')
             then regexp_replace(upper(key_stage), '^(KS|KEY STAGE)\s*', '')::INTEGER end as key_stage_i,
        case when lower(subject) in ('english', 'maths') then lower(subject) end as subject_n,
        ti_int(places) as places_i,
        ti_money(funding_gbp) as funding_gbp_d
    from source
)
select * from final;
