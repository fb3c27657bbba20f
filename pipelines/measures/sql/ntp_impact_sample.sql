-- ntp_impact_sample: the pupils of the ntp impact models (programmes.md §3 §2–§3): the rows of
-- int_ntp_analysis_pupils with a baseline, an outcome and every covariate known, with the tutee's
-- place cost (int_ntp_place_costs) and its place for the dose (`full` / `partial`, from full_place;
-- NULL for comparison pupils). The models' part columns (models.ts NTP_IMPACT_MODELS: route,
-- group_size, place) are its columns.
-- ntp_impact_excluded: per measure, the pupils with a baseline and an outcome lost for want of a
--   covariate (n_excluded_unknown_covariate of the whole cohort's Total row).
-- ntp_impact_keys: every measure with tutees in its NC years, which gets its rows even with no
--   pupil in its model (KS2 in 2020/21: `x`, §4).
-- Temp tables; read by ntp-impact.ts.
create or replace temp table ntp_impact_sample as
select
    a.*,
    c.place_cost_gbp,
    case when a.tutored then case when a.full_place then 'full' else 'partial' end end as place
from int_ntp_analysis_pupils as a
-- a comparison pupil's upn key is NULL, which matches nothing: `on a.tutored and ...` (a condition
-- on the left side alone) made DuckDB join by nested loop, 9.3 s of a 400-school LA's run
left join int_ntp_place_costs as c
    on c.academic_year = a.academic_year and c.upn = case when a.tutored then a.upn end and c.subject = a.subject
where a.baseline is not null and a.outcome is not null
  and a.cla is not null and a.eal is not null and a.female is not null and a.sen_any is not null;

create or replace temp table ntp_impact_excluded as
select time_period, la_code, subject, outcome_measure, count(*)::INTEGER as n
from int_ntp_analysis_pupils
where baseline is not null and outcome is not null
  and (cla is null or eal is null or female is null or sen_any is null)
group by all;

create or replace temp table ntp_impact_keys as
select distinct time_period, la_code, subject, outcome_measure
from int_ntp_analysis_pupils
where tutored;
