-- typed_sessions: grain one row per aliased_sessions row; values parsed, with the loaded
-- course's dates alongside. Sessions have no key: two sessions of one course on one day
-- are possible, and an exact repeat cannot be told from one.
create or replace temp table typed_sessions as
with source as (select * from aliased_sessions),
final as (
    select
        s._file, s._line, s.tuition_id, s.session_date, s.minutes, s.in_school_day, s.attended,
        ti_date(s.session_date) as session_date_d,
        ti_int(s.minutes) as minutes_i,
        ti_flag(s.in_school_day) as in_school_day_b,
        ti_flag(s.attended) as attended_b,
        c.tuition_id is not null as course_loaded,
        c.start_date as course_start, c.end_date as course_end
    from source s left join stg_tuition c on c.tuition_id = s.tuition_id
)
select * from final;
