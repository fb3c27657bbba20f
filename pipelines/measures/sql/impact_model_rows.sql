-- impact_model_rows: the pupils each model is fitted on. Grain: one row per model
-- (time_period × la_code × subject × breakdown × group_label) × pupil with every
-- covariate known; LA rows, then the same pupils again under la_code 'National' when the
-- run holds two or more LAs (the National model pools all LAs' pupils).
-- Every breakdown of the manifest (impact_breakdowns) through impact_design(breakdown).
create or replace temp view impact_model_rows as
with

known as (
    select d.* exclude (known)
    from impact_breakdowns as b, impact_design(b.breakdown) as d
    where d.known
),

national as (
    select * replace ('National' as la_code) from known
    where (select several_las from run_context)
),

final as (
    select * from known
    union all
    select * from national
)

select * from final;
