-- q_sessions: grain one row per sessions row and broken rule. The course must be loaded.
create or replace temp table q_sessions as
with typed as not materialized (select * from typed_sessions),
held_courses as (
    select r.tuition_id, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_tuition r semi join q_tuition q on q.line = r._line
    where r.tuition_id is not null group by r.tuition_id
),
checks as (
    select t._file, t._line, 'tuition_id' as "column", t.tuition_id as value, 'parent_quarantined' as rule,
        format('course {} is held back in quarantine ({} line {}); fix that row and this one loads', t.tuition_id, h.file, array_to_string(h.lines, ', ')) as message
    from typed t join held_courses h using (tuition_id)
    where not t.course_loaded
    union all
    select t._file, t._line, 'tuition_id', t.tuition_id, 'unknown_course',
        format('course {} is not in the tuition file; add it there or correct the tuition_id', t.tuition_id)
    from typed t
    where t.tuition_id is not null and not t.course_loaded
      and not exists (select 1 from held_courses h where h.tuition_id = t.tuition_id)
    union all
    select _file, _line, 'session_date', session_date, 'bad_date',
        format('session_date "{}" is not a real date written 2009-10-05 or 05/10/2009 (day first)', session_date)
    from typed where session_date is not null and session_date_d is null
    union all
    select _file, _line, 'session_date', session_date, 'session_outside_course',
        format('session_date {} is outside its course''s dates ({} to {})', strftime(session_date_d, '%Y-%m-%d'),
            strftime(course_start, '%Y-%m-%d'), strftime(course_end, '%Y-%m-%d'))
    from typed where course_loaded and session_date_d not between course_start and course_end
    union all
    select _file, _line, 'minutes', minutes, case when minutes_i is null then 'bad_number' else 'out_of_range' end,
        format('minutes "{}" is not a whole number from 0 to 240', minutes)
    from typed where minutes is not null and (minutes_i is null or minutes_i not between 0 and 240)
    union all
    select _file, _line, f.col, f.val, 'bad_flag',
        format('{} "{}" is not a flag; write Y or N (blank = unknown)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'in_school_day', 'val': in_school_day, 'ok': in_school_day_b is not null},
            {'col': 'attended', 'val': attended, 'ok': attended_b is not null}]) as f from typed)
    where f.val is not null and not f.ok
),
final as (
    select 'sessions' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
