-- stg_tuition: grain one row per tuition course (tuition_id), rows that broke no rule.
create or replace table stg_tuition as
with typed as not materialized (select * from typed_tuition),
kept as (select * from typed anti join q_tuition q on q.line = typed._line),
final as (
    select
        -- ids
        tuition_id, upn_n as upn, urn, academic_year_n as academic_year, subject_n as subject, tutor_id,
        -- dates
        start_date_d as start_date, end_date_d as end_date,
        -- codes
        allocation_n as allocation, entry_reason_n as entry_reason,
        -- flags
        itp_agreed_b as itp_agreed, mid_check_b as mid_check,
        -- counts
        targets_set_i as targets_set, targets_met_i as targets_met,
        -- ntp only (programmes.md §2); NULL in a 2009 run
        route_n as route, group_size_i as group_size, group_id, tutor_type_n as tutor_type, tutor_trained_b as tutor_trained,
        funding_source_n as funding_source, hourly_cost_d as hourly_cost_gbp,
        _file, _line
    from kept
)
select * from final order by _line;
