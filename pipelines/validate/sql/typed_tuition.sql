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
        case when lower(subject) in ('english', 'maths') then lower(subject) end as subject_n,
        case when lower(allocation) in ('core', 'fsm', 'cla', 'ecaw') then lower(allocation) end as allocation_n,
        case when lower(entry_reason) in ('below_expected_on_entry', 'falling_behind', 'looked_after') then lower(entry_reason) end as entry_reason_n,
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
        ti_int(targets_met) as targets_met_i
    from source
)
select * from final;
