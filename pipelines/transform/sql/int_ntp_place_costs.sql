-- int_ntp_place_costs: a tutee's place cost (programmes.md §3 §14: every course of the pupil in the
-- subject and year, any funding), for the cost per point of impact (§9).
-- Grain: one row per academic_year × upn × subject with a course. Temp table; reads int_ntp_courses
--   (built before it by transform/ntp.ts).
create or replace temp table int_ntp_place_costs as
select academic_year, upn, subject, sum(cost_gbp) as place_cost_gbp
from int_ntp_courses
group by all;
