-- q_tuition: grain one row per tuition row and broken rule. Pupil and school must be loaded.
create or replace temp table q_tuition as
with typed as not materialized (select * from typed_tuition),
dups as (
    select tuition_id, count(*) as n, list_sort(list(_line))[1:5] as lines
    from typed where tuition_id is not null group by tuition_id having count(*) > 1
),
held_pupils as (
    select upper(r.upn) as upn_n, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_pupils r semi join q_pupils q on q.line = r._line
    where r.upn is not null group by upper(r.upn)
),
loaded_pupils as (select distinct upn as upn_n from stg_pupils),
-- group_inconsistent (programmes.md §2): the rows of one group_id must agree on where, what and
-- by whom it was taught and what it cost; when they do not, there is no telling which is right.
group_counts as (
    select group_id, list_sort(list(_line))[1:5] as lines, count(*) as n,
        count(distinct coalesce(urn, '')) as d_urn, count(distinct coalesce(subject_n, lower(subject), '')) as d_subject,
        count(distinct coalesce(tutor_id, '')) as d_tutor_id, count(distinct coalesce(route_n, lower(route), '')) as d_route,
        count(distinct coalesce(group_size_i::VARCHAR, group_size, '')) as d_group_size,
        count(distinct coalesce(tutor_type_n, lower(tutor_type), '')) as d_tutor_type,
        count(distinct coalesce(hourly_cost_d::VARCHAR, hourly_cost_gbp, '')) as d_hourly_cost_gbp
    from typed where group_id is not null group by group_id having count(*) > 1
),
group_parts as (
    select group_id, lines, n, list_filter([
        case when d_urn > 1 then 'urn' end, case when d_subject > 1 then 'subject' end, case when d_tutor_id > 1 then 'tutor_id' end,
        case when d_route > 1 then 'route' end, case when d_group_size > 1 then 'group_size' end,
        case when d_tutor_type > 1 then 'tutor_type' end, case when d_hourly_cost_gbp > 1 then 'hourly_cost_gbp' end], x -> x is not null) as differ
    from group_counts
),
checks as (
    select t._file, t._line, 'tuition_id' as "column", t.tuition_id as value, 'duplicate_key' as rule,
        format('tuition_id {} is on {} rows (lines {}); there is no telling which is right, so all are held back: give each course its own id', t.tuition_id, d.n, array_to_string(d.lines, ', ')) as message
    from typed t join dups d using (tuition_id)
    union all
    select _file, _line, 'upn', upn, upn_status,
        case upn_status
            when 'bad_upn' then format('upn "{}" is not a UPN: 13 characters, a letter, 11 digits, then a digit or letter (no I, O or S)', upn)
            else format('upn {} has the wrong check letter (DfE algorithm gives {}); check the UPN against the school''s records', upn, ti_upn_check_letter(upn_n)) end
    from typed where upn_status in ('bad_upn', 'bad_upn_check_letter')
    union all
    select t._file, t._line, 'upn', t.upn, 'parent_quarantined',
        format('pupil {} is held back in quarantine ({} line {}); fix that row and this one loads', t.upn_n, h.file, array_to_string(h.lines, ', '))
    from typed t join held_pupils h using (upn_n)
    where t.upn_status in ('ok', 'temporary') and t.upn_n not in (select upn_n from loaded_pupils)
    union all
    select t._file, t._line, 'upn', t.upn, 'unknown_pupil',
        format('pupil {} is not in the pupils file; add their census row or correct the upn', t.upn_n)
    from typed t
    where t.upn_status in ('ok', 'temporary') and t.upn_n not in (select upn_n from loaded_pupils)
      and t.upn_n not in (select upn_n from held_pupils)
    union all
    select _file, _line, 'urn', urn, 'bad_code', format('urn "{}" is not a 6-digit URN', urn)
    from typed where urn is not null and not urn_ok
    union all
    -- the urn against the schools file (macros.sql)
    select * from q_school_reference(typed)
    union all
    select _file, _line, 'academic_year', academic_year, 'bad_academic_year',
        format('academic_year "{}" is not an academic year of two consecutive years written like 2009/10 (2009-10, 2009/2010 and 200910 also work)', academic_year)
    from typed where academic_year is not null and not academic_year_ok
    union all
    select _file, _line, 'subject', subject, 'bad_code',
        format('subject "{}" is not english or maths{}', subject, case when ti_ntp() then ' (or science, other)' else '' end)
    from typed where subject is not null and subject_n is null
    union all
    select _file, _line, 'allocation', allocation, 'bad_code', format('allocation "{}" is not core, fsm, cla or ecaw', allocation)
    from typed where allocation is not null and allocation_n is null
    union all
    select _file, _line, 'entry_reason', entry_reason, 'bad_code',
        case when ti_ntp() then format('entry_reason "{}" is not disadvantaged, below_expected_standard or other (blank = not recorded)', entry_reason)
             else format('entry_reason "{}" is not below_expected_on_entry, falling_behind or looked_after', entry_reason) end
    from typed where entry_reason is not null and entry_reason_n is null
    union all
    select _file, _line, f.col, f.val, 'bad_date',
        format('{} "{}" is not a real date written 2009-10-05 or 05/10/2009 (day first)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'start_date', 'val': start_date, 'ok': start_date_d is not null},
            {'col': 'end_date', 'val': end_date, 'ok': end_date_d is not null}]) as f from typed)
    where f.val is not null and not f.ok
    union all
    select _file, _line, 'end_date', end_date, 'end_before_start',
        format('end_date {} is before start_date {}', strftime(end_date_d, '%Y-%m-%d'), strftime(start_date_d, '%Y-%m-%d'))
    from typed where end_date_d < start_date_d
    union all
    select _file, _line, f.col, f.val, 'bad_flag',
        format('{} "{}" is not a flag; write Y or N (blank = unknown)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'itp_agreed', 'val': itp_agreed, 'ok': itp_agreed_b is not null},
            {'col': 'mid_check', 'val': mid_check, 'ok': mid_check_b is not null}]) as f from typed)
    where f.val is not null and not f.ok
    union all
    select _file, _line, f.col, f.val, case when f.n is null then 'bad_number' else 'out_of_range' end,
        format('{} "{}" is not a whole number of targets (0 or more; blank = unknown)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'targets_set', 'val': targets_set, 'n': targets_set_i},
            {'col': 'targets_met', 'val': targets_met, 'n': targets_met_i}]) as f from typed)
    where f.val is not null and (f.n is null or f.n < 0)
    union all
    select _file, _line, 'targets_met', targets_met, 'targets_met_exceeds_set',
        format('targets_met {} is more than targets_set {}', targets_met_i, targets_set_i)
    from typed where targets_met_i > targets_set_i and targets_set_i >= 0
    -- ntp rules (programmes.md §2); their columns are NULL in a 2009 folder, so none of these fires there
    union all
    select _file, _line, 'academic_year', academic_year, 'bad_academic_year',
        format('academic_year {} is outside the National Tutoring Programme, which ran 2020/21 to 2023/24', academic_year_n)
    from typed where ti_ntp() and academic_year_ok and academic_year_n not in ('2020/21', '2021/22', '2022/23', '2023/24')
    union all
    select _file, _line, 'route', route, 'bad_code', format('route "{}" is not tuition_partner, academic_mentor or school_led', route)
    from typed where route is not null and route_n is null
    union all
    select _file, _line, 'group_size', group_size, case when group_size_i is null then 'bad_number' else 'out_of_range' end,
        format('group_size "{}" is not a whole number of pupils taught together from 1 to 12', group_size)
    from typed where group_size is not null and (group_size_i is null or group_size_i not between 1 and 12)
    union all
    select _file, _line, 'tutor_type', tutor_type, 'bad_code',
        format('tutor_type "{}" is not qualified_teacher, teaching_assistant, other_school_staff or external_tutor', tutor_type)
    from typed where tutor_type is not null and tutor_type_n is null
    union all
    select _file, _line, 'tutor_trained', tutor_trained, 'bad_flag',
        format('tutor_trained "{}" is not a flag; write Y or N (blank = unknown)', tutor_trained)
    from typed where tutor_trained is not null and tutor_trained_b is null
    union all
    select _file, _line, 'funding_source', funding_source, 'bad_code',
        format('funding_source "{}" is not ntp, pupil_premium, recovery_premium, school_budget or other', funding_source)
    from typed where funding_source is not null and funding_source_n is null
    union all
    select _file, _line, 'hourly_cost_gbp', hourly_cost_gbp, case when hourly_cost_d is null then 'bad_number' else 'out_of_range' end,
        format('hourly_cost_gbp "{}" is not an amount of pounds of 0 or more (blank = the route''s default in settings)', hourly_cost_gbp)
    from typed where hourly_cost_gbp is not null and (hourly_cost_d is null or hourly_cost_d < 0)
    union all
    select t._file, t._line, 'group_id', t.group_id, 'group_inconsistent',
        format('group {} has {} rows (lines {}) that differ in {}; a group''s rows must agree, so all are held back: correct them or give them different group_ids',
            t.group_id, g.n, array_to_string(g.lines, ', '), array_to_string(g.differ, ', '))
    from typed t join group_parts g using (group_id) where len(g.differ) > 0
),
final as (
    select 'tuition' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
