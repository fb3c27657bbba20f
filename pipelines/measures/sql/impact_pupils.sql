-- impact_pupils (temp table): the design matrix of the impact models (measures.md §3), one
-- row per pupil; impact_design.sql repeats it once per model, impact_model_rows.sql keeps the
-- rows each model is fitted on.
-- Grain: one row per academic year × subject × pupil in the model sample
-- (int_analysis_pupils.in_model_sample) of an LA in the run (run_las). Materialised once
-- because every later pass (sums, scores, matching, balance, gaps) reads it.
-- Baselines and outcomes are shifted by their mean over the whole table per subject
-- (and key stage) so the cross-products DuckDB sums are centred enough not to lose
-- digits; a shift changes only the intercept and nc-year terms, never b or its SE.
create or replace temp table impact_pupils as
with

pupils as (
    select * from int_analysis_pupils
    -- in_model_sample already requires both scores; restated so a NULL can never reach the sums
    where in_model_sample and baseline is not null and outcome is not null
        and la_code in (select la_code from run_las)
),

place_costs as (
    select academic_year, upn, subject, sum(cost_gbp) as cost_gbp
    from int_places
    group by all
),

shifts as (
    select
        subject,
        avg(outcome) as outcome_shift,
        avg(baseline) filter (where key_stage = 'Key stage 2') as bl2_shift,
        avg(baseline) filter (where key_stage = 'Key stage 3') as bl3_shift,
        avg(baseline) filter (where key_stage = 'Key stage 4') as bl4_shift
    from pupils
    group by subject
),

designed as (
    select
        -- keys (no upn: no reader tells pupils apart, and a wide text column costs every write)
        p.time_period, p.la_code, p.urn, p.subject,
        case when not p.tutored then 'comparison' when p.full_place then 'full' else 'partial' end as cell,
        -- a pupil with any unknown covariate is left out of every model (and counted)
        (p.nc_year between 3 and 11 and p.key_stage is not null and p.fsm is not null and p.cla is not null
            and p.eal is not null and p.female is not null and p.sen_any is not null) as known,
        -- group labels
        p.fsm_status, p.cla_status, p.first_language, p.sex, p.sen_provision, p.ethnicity_major, p.key_stage,
        p.prior_attainment,
        -- raw values (balance, matching, school progress)
        p.nc_year, p.baseline, p.outcome, p.progress,
        case when p.tutored then coalesce(c.cost_gbp, 0) else 0 end as cost_gbp,
        -- hours (so full place and cost) are not known for a place without session rows:
        -- such a tutee counts in the primary model; the dose model and cost per point are x
        (p.tutored and p.full_place is null)::integer as dose_unknown,
        (p.tutored and c.cost_gbp is null)::integer as cost_unknown,
        -- response and design columns
        p.outcome - s.outcome_shift as y,
        case when p.key_stage = 'Key stage 2' then p.baseline - s.bl2_shift else 0 end as x_bl2,
        case when p.key_stage = 'Key stage 3' then p.baseline - s.bl3_shift else 0 end as x_bl3,
        case when p.key_stage = 'Key stage 4' then p.baseline - s.bl4_shift else 0 end as x_bl4,
        (p.nc_year = 3)::double as x_y3, (p.nc_year = 4)::double as x_y4, (p.nc_year = 5)::double as x_y5,
        (p.nc_year = 6)::double as x_y6, (p.nc_year = 7)::double as x_y7, (p.nc_year = 8)::double as x_y8,
        (p.nc_year = 9)::double as x_y9, (p.nc_year = 10)::double as x_y10, (p.nc_year = 11)::double as x_y11,
        p.fsm::double as x_fsm, p.cla::double as x_cla, p.eal::double as x_eal,
        p.female::double as x_female, p.sen_any::double as x_sen_any
    from pupils as p
    left join place_costs as c using (academic_year, upn, subject)
    left join shifts as s using (subject)
),

final as (
    select * from designed
)

select * from final;
