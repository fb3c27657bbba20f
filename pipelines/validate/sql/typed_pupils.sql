-- typed_pupils: grain one row per aliased_pupils row; each value parsed (NULL = unreadable).
create or replace temp table typed_pupils as
with source as (select * from aliased_pupils),
final as (
    select
        -- ids
        _file, _line, upn, academic_year, urn,
        upper(upn) as upn_n,
        ti_upn_status(upn) as upn_status,
        ti_academic_year(academic_year) as academic_year_n,
        ti_academic_year_ok(academic_year) as academic_year_ok,
        regexp_full_match(urn, '\d{6}') as urn_ok,
        -- codes
        nc_year, gender, first_language, sen, ethnicity,
        case when upper(nc_year) = 'R' then 0 else ti_int(nc_year) end as nc_year_i,
        case when upper(gender) in ('M', 'F') then upper(gender) end as gender_n,
        case when regexp_full_match(upper(first_language), '[A-Z]{3,4}') then upper(first_language) end as first_language_n,
        -- ntp: N, K (SEN support), E (EHC plan); the 2009 codes A P S are bad_code there (programmes.md §2)
        case when ti_ntp() then case when upper(sen) in ('N', 'K', 'E') then upper(sen) end
             when upper(sen) in ('N', 'A', 'P', 'S') then upper(sen) end as sen_n,
        case when regexp_full_match(upper(ethnicity), '[A-Z]{4}') then upper(ethnicity) end as ethnicity_n,
        -- flags (fsm and cla: blank means N, as in "not known to be eligible")
        fsm, cla,
        ti_flag(fsm) as fsm_b,
        ti_flag(cla) as cla_b,
        -- ntp flags (programmes.md §2): fsm6 and pla blank = N, pupil_premium blank = unknown; NULL in a 2009 folder
        fsm6, pla, pupil_premium,
        ti_flag(fsm6) as fsm6_b,
        ti_flag(pla) as pla_b,
        ti_flag(pupil_premium) as pupil_premium_b
    from source
)
select * from final;
