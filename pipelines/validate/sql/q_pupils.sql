-- q_pupils: grain one row per pupils row and broken rule. References resolve against
-- stg_schools (loaded schools); a school held back in quarantine gives parent_quarantined.
create or replace temp table q_pupils as
with typed as not materialized (select * from typed_pupils),
dup_keys as (
    select upn_n, academic_year_n, count(*) as n
    from typed where upn_n is not null and academic_year_n is not null
    group by upn_n, academic_year_n having count(*) > 1
),
dups as (
    select d.upn_n, d.academic_year_n, d.n, list_sort(list(t._line))[1:5] as lines
    from dup_keys d join typed t using (upn_n, academic_year_n)
    group by all
),
checks as (
    select _file, _line, 'upn' as "column", upn as value, upn_status as rule,
        case upn_status
            when 'bad_upn' then format('upn "{}" is not a UPN: 13 characters, a letter, 11 digits, then a digit or letter (no I, O or S)', upn)
            else format('upn {} has the wrong check letter (DfE algorithm gives {}); check the UPN against the school''s records', upn, ti_upn_check_letter(upn_n)) end as message
    from typed where upn_status in ('bad_upn', 'bad_upn_check_letter')
    union all
    select t._file, t._line, 'upn+academic_year', t.upn_n || ' ' || t.academic_year_n, 'duplicate_key',
        format('pupil {} has {} census rows for {} (lines {}); there is no telling which is right, so all are held back: keep one', t.upn_n, d.n, t.academic_year_n, array_to_string(d.lines, ', '))
    from typed t join dups d using (upn_n, academic_year_n)
    union all
    select _file, _line, 'academic_year', academic_year, 'bad_academic_year',
        format('academic_year "{}" is not an academic year of two consecutive years written like 2009/10 (2009-10, 2009/2010 and 200910 also work)', academic_year)
    from typed where academic_year is not null and not academic_year_ok
    union all
    select _file, _line, 'urn', urn, 'bad_code', format('urn "{}" is not a 6-digit URN', urn)
    from typed where urn is not null and not urn_ok
    union all
    -- the urn against the schools file (macros.sql)
    select * from q_school_reference(typed)
    union all
    select _file, _line, 'nc_year', nc_year, case when nc_year_i is null then 'bad_code' else 'out_of_range' end,
        format('nc_year "{}" is not a National Curriculum year: write R or 1 to 13', nc_year)
    from typed where nc_year is not null and (nc_year_i is null or (nc_year_i not between 1 and 13 and upper(nc_year) <> 'R'))
    union all
    select _file, _line, 'gender', gender, 'bad_code', format('gender "{}" is not M or F', gender)
    from typed where gender is not null and gender_n is null
    union all
    select _file, _line, 'first_language', first_language, 'bad_code',
        format('first_language "{}" is not a CBDS language code such as ENG, ENB, OTH, POL', first_language)
    from typed where first_language is not null and first_language_n is null
    union all
    select _file, _line, 'sen', sen, 'bad_code',
        case when ti_ntp() then format('sen "{}" is not N (none), K (SEN support) or E (EHC plan) (blank = unknown)', sen)
             else format('sen "{}" is not N, A, P or S (blank = unknown)', sen) end
    from typed where sen is not null and sen_n is null
    union all
    select _file, _line, 'ethnicity', ethnicity, 'bad_code',
        format('ethnicity "{}" is not a 4-letter CBDS ethnicity code such as WBRI, ABAN, REFU', ethnicity)
    from typed where ethnicity is not null and ethnicity_n is null
    union all
    select _file, _line, f.col, f.val, 'bad_flag',
        format('{} "{}" is not a flag; write Y or N (blank means N)', f.col, f.val)
    from (select _file, _line, unnest([
            {'col': 'fsm', 'val': fsm, 'ok': fsm_b is not null},
            {'col': 'cla', 'val': cla, 'ok': cla_b is not null},
            {'col': 'fsm6', 'val': fsm6, 'ok': fsm6_b is not null},
            {'col': 'pla', 'val': pla, 'ok': pla_b is not null}]) as f from typed)
    where f.val is not null and not f.ok
    union all
    select _file, _line, 'pupil_premium', pupil_premium, 'bad_flag',
        format('pupil_premium "{}" is not a flag; write Y or N (blank = unknown)', pupil_premium)
    from typed where pupil_premium is not null and pupil_premium_b is null
),
final as (
    select 'pupils' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
