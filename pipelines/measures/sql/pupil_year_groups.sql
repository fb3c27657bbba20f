-- pupil_year_groups: each census pupil's group in every breakdown the programme marts report
-- (measures.md §5 on int_pupils' characteristics; prior attainment is a subject's baseline band
-- and is not among them), unpivoted once for mart_delivery, mart_delivery_hours_dist and
-- mart_value, which give each place (and mart_delivery each course, for its tutors) its
-- pupil's groups that academic year.
-- Grain: one row per academic_year × upn × breakdown in which the pupil has a group: 'total'
--   (group 'Total') always; a NULL characteristic gives no row for its breakdown (UNPIVOT
--   leaves NULLs out). A place whose pupil has no census row that year joins no row here: the
--   marts count it in the total only.
-- A temp view of the run's connection, read by the marts that follow in programme.ts, through
-- in_pupil_year_groups below.
create or replace temp view pupil_year_groups as
unpivot (
    select
        academic_year, upn,
        'Total' as total,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage
    from int_pupils
)
on total, fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage
into name breakdown value group_label;

-- in_pupil_year_groups(places): each row of the relation `places` (it has academic_year and upn)
-- once in each of its pupil's groups that year, with the group's breakdown and group_label; a row
-- whose pupil has no census row that year once, in the total only.
create or replace temp macro in_pupil_year_groups(places) as table
select p.*, coalesce(g.breakdown, 'total') as breakdown, coalesce(g.group_label, 'Total') as group_label
from query_table(places) as p
left join pupil_year_groups as g
  on g.academic_year = p.academic_year and g.upn = p.upn;
