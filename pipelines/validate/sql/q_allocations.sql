-- q_allocations: grain one row per allocations row and broken rule. Key academic_year +
-- la_code + urn (blank = LA total) + key_stage + subject: a repeated row would count places twice.
create or replace temp table q_allocations as
with typed as not materialized (select * from typed_allocations),
keyed as (
    select _line, academic_year_n as academic_year, la_code, coalesce(urn, '') as urn_key, coalesce(key_stage_i::VARCHAR, key_stage) as ks_key,
        lower(subject) as subject_key from typed
),
dups as (
    select academic_year, la_code, urn_key, ks_key, subject_key, count(*) as n, list_sort(list(_line))[1:5] as lines
    from keyed where academic_year is not null and la_code is not null and ks_key is not null and subject_key is not null
    group by all having count(*) > 1
),
checks as (
    select t._file, t._line, 'academic_year+la_code+urn+key_stage+subject' as "column",
        concat_ws(' ', k.academic_year, k.la_code, nullif(k.urn_key, ''), k.ks_key, k.subject_key) as value, 'duplicate_key' as rule,
        format('{} rows (lines {}) give the same allocation (year, LA, school, key stage, subject); there is no telling which is right, so all are held back: keep one',
            d.n, array_to_string(d.lines, ', ')) as message
    from typed t join keyed k using (_line) join dups d on d.academic_year = k.academic_year and d.la_code = k.la_code
        and d.urn_key = k.urn_key and d.ks_key = k.ks_key and d.subject_key = k.subject_key
    union all
    select _file, _line, 'academic_year', academic_year, 'bad_academic_year',
        format('academic_year "{}" is not an academic year of two consecutive years written like 2009/10 (2009-10, 2009/2010 and 200910 also work)', academic_year)
    from typed where academic_year is not null and not academic_year_ok
    union all
    select _file, _line, 'la_code', la_code, 'bad_code', format('la_code "{}" is not a 3-digit (old) LA code such as 202', la_code)
    from typed where la_code is not null and not la_code_ok
    union all
    -- Another LA's row would reach the return as an LA the settings do not name: held back here,
    -- with its line, rather than stopping the run in the return writer.
    select _file, _line, 'la_code', la_code, 'unknown_la',
        format('la_code {} is not an LA in the settings ({}); this row is another LA''s: remove it, or add that LA to settings.json',
            la_code, (select string_agg(la_code, ', ' order by la_code) from run_las))
    from typed where la_code_ok and not la_known
    union all
    select _file, _line, 'urn', urn, 'bad_code', format('urn "{}" is not a 6-digit URN (leave it blank for the LA total)', urn)
    from typed where urn is not null and not urn_ok
    union all
    -- the urn against the schools file (macros.sql)
    select * from q_school_reference(typed)
    union all
    select _file, _line, 'key_stage', key_stage, 'bad_code', format('key_stage "{}" is not 2, 3 or 4', key_stage)
    from typed where key_stage is not null and key_stage_i is null
    union all
    select _file, _line, 'subject', subject, 'bad_code', format('subject "{}" is not english or maths', subject)
    from typed where subject is not null and subject_n is null
    union all
    select _file, _line, 'places', places, case when places_i is null then 'bad_number' else 'out_of_range' end,
        format('places "{}" is not a whole number of places (0 or more)', places)
    from typed where places is not null and (places_i is null or places_i < 0)
    union all
    select _file, _line, 'funding_gbp', funding_gbp, case when funding_gbp_d is null then 'bad_number' else 'out_of_range' end,
        format('funding_gbp "{}" is not an amount in pounds (0 or more), e.g. 12500 or 12,500.00', funding_gbp)
    from typed where funding_gbp is not null and (funding_gbp_d is null or funding_gbp_d < 0)
),
final as (
    select 'allocations' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
