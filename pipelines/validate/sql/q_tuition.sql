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
held_schools as (
    select r.urn, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_schools r semi join q_schools q on q.line = r._line
    where r.urn is not null group by r.urn
),
loaded_pupils as (select distinct upn as upn_n from stg_pupils),
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
    select t._file, t._line, 'urn', t.urn, 'parent_quarantined',
        format('school {} is itself held back ({} line {}); fix that row and this one loads', t.urn, h.file, array_to_string(h.lines, ', '))
    from typed t join held_schools h using (urn)
    where t.urn_ok and not exists (select 1 from stg_schools s where s.urn = t.urn)
    union all
    select t._file, t._line, 'urn', t.urn, 'unknown_school',
        format('school {} is not in the schools file; add it there or correct the urn', t.urn)
    from typed t
    where t.urn_ok and not exists (select 1 from stg_schools s where s.urn = t.urn)
      and not exists (select 1 from held_schools h where h.urn = t.urn)
    union all
    select _file, _line, 'academic_year', academic_year, 'bad_academic_year',
        format('academic_year "{}" is not an academic year of two consecutive years written like 2009/10 (2009-10, 2009/2010 and 200910 also work)', academic_year)
    from typed where academic_year is not null and not academic_year_ok
    union all
    select _file, _line, 'subject', subject, 'bad_code', format('subject "{}" is not english or maths', subject)
    from typed where subject is not null and subject_n is null
    union all
    select _file, _line, 'allocation', allocation, 'bad_code', format('allocation "{}" is not core, fsm, cla or ecaw', allocation)
    from typed where allocation is not null and allocation_n is null
    union all
    select _file, _line, 'entry_reason', entry_reason, 'bad_code',
        format('entry_reason "{}" is not below_expected_on_entry, falling_behind or looked_after', entry_reason)
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
),
final as (
    select 'tuition' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
