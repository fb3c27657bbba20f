-- q_viewpoints: grain one row per viewpoints row and broken rule. Key response_id + item.
create or replace temp table q_viewpoints as
with typed as not materialized (select * from typed_viewpoints),
dups as (
    select response_id, item_n, count(*) as n, list_sort(list(_line))[1:5] as lines
    from typed where response_id is not null and item_n is not null
    group by response_id, item_n having count(*) > 1
),
held_courses as (
    select r.tuition_id, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_tuition r semi join q_tuition q on q.line = r._line
    where r.tuition_id is not null group by r.tuition_id
),
checks as (
    select t._file, t._line, 'response_id+item' as "column", t.response_id || ' ' || t.item_n as value, 'duplicate_key' as rule,
        format('return {} answers item {} on {} rows (lines {}); there is no telling which is right, so all are held back: keep one', t.response_id, t.item_n, d.n, array_to_string(d.lines, ', ')) as message
    from typed t join dups d using (response_id, item_n)
    union all
    select t._file, t._line, 'tuition_id', t.tuition_id, 'parent_quarantined',
        format('course {} is held back in quarantine ({} line {}); fix that row and this one loads', t.tuition_id, h.file, array_to_string(h.lines, ', '))
    from typed t join held_courses h using (tuition_id)
    where not t.course_loaded
    union all
    select t._file, t._line, 'tuition_id', t.tuition_id, 'unknown_course',
        format('course {} is not in the tuition file; add it there or correct the tuition_id', t.tuition_id)
    from typed t
    where t.tuition_id is not null and not t.course_loaded
      and not exists (select 1 from held_courses h where h.tuition_id = t.tuition_id)
    union all
    select _file, _line, 'respondent', respondent, 'bad_code', format('respondent "{}" is not pupil, parent, teacher or tutor', respondent)
    from typed where respondent is not null and respondent_n is null
    union all
    select _file, _line, 'stage', stage, 'bad_code', format('stage "{}" is not pre or post', stage)
    from typed where stage is not null and stage_n is null
    union all
    select _file, _line, 'response', response,
        case when ti_int(response) is null then 'bad_code' else 'out_of_range' end,
        format('response "{}" is not 1 to 4 or one of strongly disagree, disagree, agree, strongly agree', response)
    from typed where response is not null and (response_i is null or response_i not between 1 and 4)
),
final as (
    select 'viewpoints' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
