-- impact_pupils (temp table) and impact_design (view): the design matrix of the impact
-- models (measures.md §3).
-- impact_pupils grain: one row per academic year × subject × pupil in the model sample
-- (int_analysis_pupils.in_model_sample) of an LA in the run (run_las).
-- impact_design repeats each row once per model the pupil belongs to: the whole cohort
-- (breakdown 'total') and their own group in each breakdown of §5. impact_pupils is
-- materialised once because every later pass (sums, scores, matching, balance, gaps)
-- reads it; the ×9 expansion stays a view so it is never stored.
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
        -- keys
        p.time_period, p.la_code, p.urn, p.upn, p.subject,
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

create or replace temp view impact_design as
with

designed as (
    select * from impact_pupils
),

breakdowns as (
    select * from (values
        ('total'), ('fsm_status'), ('cla_status'), ('first_language'), ('sex'),
        ('sen_provision'), ('ethnicity_major'), ('key_stage'), ('prior_attainment')
    ) as t(breakdown)
),

-- a cross join with the nine breakdowns and a CASE (rather than unnesting a list of
-- structs) is cheap, and lets a filter on breakdown reach the scan
expanded as (
    select * from (
        select d.*, b.breakdown,
            case b.breakdown
                when 'total' then 'Total'
                when 'fsm_status' then d.fsm_status
                when 'cla_status' then d.cla_status
                when 'first_language' then d.first_language
                when 'sex' then d.sex
                when 'sen_provision' then d.sen_provision
                when 'ethnicity_major' then d.ethnicity_major
                when 'key_stage' then d.key_stage
                when 'prior_attainment' then d.prior_attainment
            end as group_label
        from designed as d
        cross join breakdowns as b
    )
    where group_label is not null
),

final as (
    select * exclude (fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment)
    from expanded
)

select * from final;

-- impact_model_rows: the pupils each model is fitted on. Grain: one row per model
-- (time_period × la_code × subject × breakdown × group_label) × pupil with every
-- covariate known; LA rows, then the same pupils again under la_code 'National' when the
-- run holds two or more LAs (the National model pools all LAs' pupils).
create or replace temp view impact_model_rows as
with

known as (
    select * exclude (known) from impact_design where known
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
