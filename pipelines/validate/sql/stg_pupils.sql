-- stg_pupils: grain one row per pupil (upn) per academic year, rows that broke no rule.
-- pupil_id: the pupil's integer key (dense over the staged upns, in upn order), given here
-- where attainment rows are first matched to pupils (typed_attainment), so stg_attainment
-- carries it and every later join and count of pupils compares a 4-byte integer, not a upn.
create or replace table stg_pupils as
with typed as not materialized (select * from typed_pupils),
kept as (select * from typed anti join q_pupils q on q.line = typed._line),
final as (
    select
        -- ids
        upn_n as upn, upn_status = 'temporary' as upn_temporary, academic_year_n as academic_year, urn,
        dense_rank() over (order by upn_n)::INTEGER as pupil_id,
        -- characteristics
        nc_year_i as nc_year, gender_n as gender,
        coalesce(fsm_b, false) as fsm, coalesce(cla_b, false) as cla,
        first_language_n as first_language, sen_n as sen, ethnicity_n as ethnicity,
        -- ntp only (programmes.md §2); NULL in a 2009 run
        case when ti_ntp() then coalesce(fsm6_b, false) end as fsm6,
        case when ti_ntp() then coalesce(pla_b, false) end as pla,
        pupil_premium_b as pupil_premium,
        _file, _line
    from kept
)
select * from final order by _line;
