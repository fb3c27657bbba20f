-- typed_tuition: grain one row per aliased_tuition row; each value parsed (NULL = unreadable).
create or replace temp table typed_tuition as
with source as (select * from aliased_tuition),
final as (
    select
        -- ids
        _file, _line, tuition_id, upn, urn, academic_year, tutor_id,
        upper(upn) as upn_n,
        ti_upn_status(upn) as upn_status,
        regexp_full_match(urn, '\d{6}') as urn_ok,
        ti_academic_year(academic_year) as academic_year_n,
        ti_academic_year_ok(academic_year) as academic_year_ok,
        -- codes
        subject, allocation, entry_reason,
        -- ntp adds science and other (programmes.md §2)
        case when lower(subject) in ('english', 'maths') or (ti_ntp() and lower(subject) in ('science', 'other')) then lower(subject) end as subject_n,
        case when lower(allocation) in ('core', 'fsm', 'cla', 'ecaw') then lower(allocation) end as allocation_n,
        case when ti_ntp() then case when lower(entry_reason) in ('disadvantaged', 'below_expected_standard', 'other') then lower(entry_reason) end
             when lower(entry_reason) in ('below_expected_on_entry', 'falling_behind', 'looked_after') then lower(entry_reason) end as entry_reason_n,
        -- dates
        start_date, end_date,
        ti_date(start_date) as start_date_d,
        ti_date(end_date) as end_date_d,
        -- flags (blank = unknown)
        itp_agreed, mid_check,
        ti_flag(itp_agreed) as itp_agreed_b,
        ti_flag(mid_check) as mid_check_b,
        -- counts (blank = unknown)
        targets_set, targets_met,
        ti_int(targets_set) as targets_set_i,
        ti_int(targets_met) as targets_met_i,
        -- ntp columns (programmes.md §2); all NULL in a 2009 folder
        route, group_size, group_id, tutor_type, tutor_trained, funding_source, hourly_cost_gbp,
        case when lower(route) in ('tuition_partner', 'academic_mentor', 'school_led') then lower(route) end as route_n,
        ti_int(group_size) as group_size_i,
        case when lower(tutor_type) in ('qualified_teacher', 'teaching_assistant', 'other_school_staff', 'external_tutor') then lower(tutor_type) end as tutor_type_n,
        ti_flag(tutor_trained) as tutor_trained_b,
        case when lower(funding_source) in ('ntp', 'pupil_premium', 'recovery_premium', 'school_budget', 'other') then lower(funding_source) end as funding_source_n,
        ti_money(hourly_cost_gbp) as hourly_cost_d
    from source
)
select * from final;
