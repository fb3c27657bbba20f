-- stg_schools: grain one row per school (urn) that broke no rule; typed as architecture.md.
create or replace table stg_schools as
with typed as not materialized (select * from typed_schools),
kept as (select * from typed anti join q_schools q on q.line = typed._line),
final as (
    select
        -- ids
        urn, laestab_n as laestab, school_name, la_code,
        -- codes
        phase_n as phase,
        -- flags
        academy_b as academy, national_challenge_b as national_challenge, ecaw_b as ecaw,
        _file, _line
    from kept
)
select * from final order by _line;
