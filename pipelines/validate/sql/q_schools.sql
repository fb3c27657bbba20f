-- q_schools: grain one row per schools row and broken rule (format, domain, key rules;
-- blanks and stray values are added by validate/index.ts from the column contract).
create or replace temp table q_schools as
with typed as not materialized (select * from typed_schools),
dups as (
    select urn, count(*) as n, list_sort(list(_line))[1:5] as lines
    from typed where urn is not null group by urn having count(*) > 1
),
checks as (
    select _file, _line, 'urn' as "column", urn as value, 'bad_code' as rule,
        format('urn "{}" is not a 6-digit URN; correct it from Get Information about Schools', urn) as message
    from typed where urn is not null and not urn_ok
    union all
    select t._file, t._line, 'urn', t.urn, 'duplicate_key',
        format('urn {} is on {} rows (lines {}); there is no telling which is right, so all are held back: keep one row per school', t.urn, d.n, array_to_string(d.lines, ', '))
    from typed t join dups d using (urn)
    union all
    select _file, _line, 'laestab', laestab, 'bad_code',
        format('laestab "{}" is not 7 digits (3-digit LA code + 4-digit establishment number, e.g. 9192001 or 919/2001)', laestab)
    from typed where laestab is not null and not laestab_ok
    union all
    select _file, _line, 'laestab', laestab, 'laestab_mismatch',
        format('laestab {} does not start with the school''s la_code {}; one of the two is wrong', laestab, la_code)
    from typed where laestab_ok and la_code_ok and left(laestab_n, 3) <> la_code
    union all
    select _file, _line, 'la_code', la_code, 'bad_code',
        format('la_code "{}" is not a 3-digit (old) LA code such as 202', la_code)
    from typed where la_code is not null and not la_code_ok
    union all
    select _file, _line, 'phase', phase, 'bad_code',
        format('phase "{}" is not one of primary, middle, secondary, special, all-through{}', phase, case when ti_ntp() then ', ap' else '' end)
    from typed where phase is not null and phase_n is null
    union all
    select _file, _line, f.col, f.val, 'bad_flag',
        format('{} "{}" is not a flag; write Y or N (Yes/No, TRUE/FALSE, 1/0 also work)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'academy', 'val': academy, 'ok': academy_b is not null},
            {'col': 'national_challenge', 'val': national_challenge, 'ok': national_challenge_b is not null},
            {'col': 'ecaw', 'val': ecaw, 'ok': ecaw_b is not null}]) as f from typed)
    where f.val is not null and not f.ok
),
final as (
    select 'schools' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
