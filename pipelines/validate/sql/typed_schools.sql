-- typed_schools: grain one row per aliased_schools row; each value parsed (NULL = unreadable).
create or replace temp table typed_schools as
with source as (select * from aliased_schools),
final as (
    select
        -- ids
        _file, _line, urn, laestab, school_name, la_code,
        regexp_full_match(urn, '\d{6}') as urn_ok,
        ti_laestab(laestab) as laestab_n,
        ti_laestab(laestab) is not null as laestab_ok,
        regexp_full_match(la_code, '\d{3}') as la_code_ok,
        -- codes
        phase,
        -- an ntp folder adds ap, alternative provision (programmes.md §2)
        case when lower(phase) in ('primary', 'middle', 'secondary', 'special', 'all-through') or (ti_ntp() and lower(phase) = 'ap') then lower(phase) end as phase_n,
        -- flags (blank = unknown)
        academy, national_challenge, ecaw,
        ti_flag(academy) as academy_b,
        ti_flag(national_challenge) as national_challenge_b,
        ti_flag(ecaw) as ecaw_b
    from source
)
select * from final;
