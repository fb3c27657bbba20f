-- stg_sessions: grain one row per tuition session, rows that broke no rule.
create or replace table stg_sessions as
with typed as not materialized (select * from typed_sessions),
kept as (select * from typed anti join q_sessions q on q.line = typed._line),
final as (
    select
        tuition_id, session_date_d as session_date, minutes_i as minutes,
        in_school_day_b as in_school_day, attended_b as attended,
        _file, _line
    from kept
)
select * from final order by _line;
