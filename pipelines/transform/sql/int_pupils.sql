-- int_pupils: the census of the analysed LAs and years, with the characteristics every
-- measure groups by and their EES labels (outputs.md §1, measures.md §5, §7).
-- Grain: one row per pupil (upn) per academic year (census row), for schools of the LAs in
-- run_las and the years in run_context.academic_years.
-- pupil_id: the pupil's integer key (stg_pupils: dense over the staged upns, in upn order,
-- and carried onto stg_attainment), so the joins between intermediate tables (int_scores,
-- int_analysis_pupils, int_eligible_untutored) compare a 4-byte integer, not a 13-character upn.
create or replace table int_pupils as
with census as (
    select p.*, s.la_code, s.national_challenge, s.ecaw
    from stg_pupils as p
    join stg_schools as s on s.urn = p.urn
    where s.la_code in (select la_code from run_las)
      and p.academic_year in (select unnest(academic_years) from run_context)
),

characteristics as (
    select
        -- keys
        c.academic_year,
        replace(c.academic_year, '/', '') as time_period,
        c.la_code,
        c.urn,
        c.upn,
        c.pupil_id,
        -- year group
        c.nc_year,
        case
            when c.nc_year between 3 and 6 then 'Key stage 2'
            when c.nc_year between 7 and 9 then 'Key stage 3'
            when c.nc_year between 10 and 11 then 'Key stage 4'
        end as key_stage,
        -- model covariates (NULL = unknown; measures.md §3)
        c.fsm,
        c.cla,
        case
            when c.first_language is null or c.first_language in ('NOT', 'REF') then null
            else c.first_language not in ('ENG', 'ENB')
        end as eal,
        c.gender = 'F' as female,
        c.sen,
        case when c.sen is null then null else c.sen in ('A', 'P', 'S') end as sen_any,
        -- an exact code first, then the code's first letter (int_ethnicity_groups: each pattern
        -- once, so two equality joins, where an OR join compared every rule with every row)
        coalesce(gc.ethnicity_major, gp.ethnicity_major, 'Unknown') as ethnicity_major,
        -- eligible cohort (measures.md §7)
        c.nc_year between 3 and 9 or (c.nc_year between 10 and 11 and c.national_challenge) as eligible,
        -- source codes and school flags kept for the data-quality report
        c.first_language as first_language_code,
        c.ethnicity as ethnicity_code,
        c.gender,
        c.national_challenge,
        c.ecaw
    from census as c
    left join int_ethnicity_groups as gc on gc.match_kind = 'code' and gc.pattern = c.ethnicity
    left join int_ethnicity_groups as gp on gp.match_kind = 'prefix' and gp.pattern = left(c.ethnicity, 1)
),

final as (
    select
        *,
        -- EES group labels; NULL sen_provision (sen blank) is left out of the SEN breakdown
        -- but kept in every total
        case when fsm then 'FSM eligible' else 'Not known to be FSM eligible' end as fsm_status,
        case when cla then 'Looked after' else 'Not looked after' end as cla_status,
        case
            when eal is null then 'Unknown'
            when eal then 'Known or believed to be other than English'
            else 'Known or believed to be English'
        end as first_language,
        case when female then 'Female' else 'Male' end as sex,
        case sen
            when 'N' then 'No SEN provision'
            when 'A' then 'School Action'
            when 'P' then 'School Action Plus'
            when 'S' then 'Statement'
        end as sen_provision
    from characteristics
)

select * from final;
