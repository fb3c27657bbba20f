-- int_programme_places: the places the programme marts count (mart_delivery, mart_value),
-- built once: int_places in the analysed years, at the arranging school, with each pupil's
-- first place at each level flagged so distinct pupils are a sum across subjects.
-- Grain: one row per place (pupil × subject × academic year) in run_context.academic_years.
create or replace table int_programme_places as
with

final as (
    select
        p.academic_year, p.time_period, p.la_code, p.arranging_urn as urn, p.upn, p.subject,
        p.hours, p.full_place, p.cost_gbp,
        row_number() over (partition by p.academic_year, p.upn, p.la_code, p.arranging_urn order by p.subject) = 1
                                                                         as first_at_school,
        row_number() over (partition by p.academic_year, p.upn, p.la_code order by p.arranging_urn, p.subject) = 1
                                                                         as first_in_la,
        row_number() over (partition by p.academic_year, p.upn order by p.la_code, p.arranging_urn, p.subject) = 1
                                                                         as first_in_run
    from int_places as p
    where list_contains((select academic_years from run_context), p.academic_year)
)

select * from final;
