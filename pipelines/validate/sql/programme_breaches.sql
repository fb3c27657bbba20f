-- programme_breaches: grain one row per loaded tuition row and breached rule of the National
-- Tutoring Programme (programmes.md §2). These rows load and count: whether a school kept the
-- programme's rules is for the LA to judge, as the 2009 scope rules are (inputs.md, "What the
-- pipeline does not refuse"); the data-quality report lists them. Same columns as quarantine.
-- Applied to every course whatever its funding_source (the spec names no exception).
create or replace table programme_breaches as
with tuition as (select * from stg_tuition),
group_rows as (
    select group_id, count(*) as n, min(group_size) as smallest, list_sort(list(_line))[1:5] as lines
    from tuition where group_id is not null group by group_id
),
breaches as (
    select _file, _line, 'group_size' as "column", group_size::VARCHAR as value, 'group_over_three' as rule,
        format('group_size {} is more than the programme''s three pupils a tutor', group_size) as message
    from tuition where group_size >= 4
    union all
    select _file, _line, 'route', route, 'school_led_2020_21',
        format('school-led tutoring in {}: the route opened in 2021/22', academic_year)
    from tuition where route = 'school_led' and academic_year = '2020/21'
    union all
    select _file, _line, 'tutor_trained', 'N', 'tutor_not_trained',
        format('a {} course starting {} taught by a {} whose tutor training is not passed (tutor_trained N); from 1 November 2021 such a tutor needed it',
            replace(route, '_', '-'), strftime(start_date, '%Y-%m-%d'), replace(tutor_type, '_', ' '))
    from tuition
    where (route = 'school_led' or (route = 'academic_mentor' and academic_year >= '2022/23'))
      and start_date >= DATE '2021-11-01' and tutor_type <> 'qualified_teacher' and tutor_trained = false
    union all
    select t._file, t._line, 'nc_year', p.nc_year::VARCHAR, 'nc_year_out_of_scope',
        format('pupil {} is in NC year {} in {}; the programme is for NC years 1 to 11', t.upn, case when p.nc_year = 0 then 'R' else p.nc_year::VARCHAR end, t.academic_year)
    from tuition t join stg_pupils p on p.upn = t.upn and p.academic_year = t.academic_year
    where p.nc_year not between 1 and 11
    union all
    select t._file, t._line, 'group_id', t.group_id, 'group_over_size',
        format('group {} has {} rows (lines {}) but a group_size of {}', t.group_id, g.n, array_to_string(g.lines, ', '), g.smallest)
    from tuition t join group_rows g using (group_id) where g.n > g.smallest
),
final as (
    select 'tuition' as dataset, _file as file, _line as line, "column", value, rule, message from breaches
)
select * from final order by file, line, "column", rule;
