-- ntp_impact_pupils: the pupils of ntp_impact_sample (ntp_impact_sample.sql) whose outcome
-- measure some selected model is fitted on (ntp_impact_models, written by ntp-sums.ts), with the
-- scale of the baseline (none given: std) and the §1 standards the §5 prior-attainment groups and
-- the §6 figures read: baseline at the expected standard of its own scale, outcome at the
-- measure's expected and high standards (ntp_standards, ntp_outcome_scales: ntp-sample.ts).
-- A scale or measure with no standard is caught by ntp-sums.ts before anything is summed.
-- key_id numbers the measure keys (ntp_impact_measure_keys): the GROUP BY of
-- ntp_impact_cluster_sums.sql hashes one integer where it would hash four strings.
-- Grain: one row per pupil of ntp_impact_sample. Temp tables.
create or replace temp table ntp_impact_pupils as
with keys as (
    -- key_id numbered on the distinct keys (a handful), not by a window over every pupil row
    select time_period, la_code, subject, outcome_measure,
        row_number() over (order by time_period, la_code, subject, outcome_measure)::INTEGER as key_id
    from (select distinct time_period, la_code, subject, outcome_measure from ntp_impact_sample
          where outcome_measure in (select unnest(outcomes) from ntp_impact_models))
)
select
    k.key_id,
    s.time_period, s.la_code, s.subject, s.outcome_measure, s.urn, s.upn,
    s.tutored, s.route, s.group_size, s.place, s.nc_year, s.key_stage,
    coalesce(s.baseline_scale, 'std')                 as scale,
    s.baseline, s.outcome,
    s.disadvantaged, s.cla, s.eal, s.female, s.sen_any, s.sen_provision, s.ethnicity_major,
    s.place_cost_gbp,
    s.baseline >= b.expected                          as baseline_at_expected,
    s.outcome >= o.expected                           as outcome_at_expected,
    s.outcome >= o.high                               as outcome_at_high
from ntp_impact_sample as s
join keys as k
  on k.time_period is not distinct from s.time_period and k.la_code is not distinct from s.la_code
 and k.subject is not distinct from s.subject and k.outcome_measure is not distinct from s.outcome_measure
left join ntp_standards as b on b.scale = coalesce(s.baseline_scale, 'std')
left join ntp_outcome_scales as os on os.outcome_measure = s.outcome_measure
left join ntp_standards as o on o.scale = os.scale
where s.outcome_measure in (select unnest(outcomes) from ntp_impact_models);

create or replace temp table ntp_impact_measure_keys as
select distinct key_id, time_period, la_code, subject, outcome_measure
from ntp_impact_pupils;
