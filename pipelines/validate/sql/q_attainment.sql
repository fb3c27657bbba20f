-- q_attainment: grain one row per attainment row and broken rule. The pupil must be
-- loaded (stg_pupils, any year: typed_attainment marks those upn_status 'loaded', so a
-- well-formed UPN still 'ok' or 'temporary' is not a loaded pupil's); one held back in
-- quarantine gives parent_quarantined.
create or replace temp table q_attainment as
with typed as not materialized (select * from typed_attainment),
flagged as (select * from flagged_attainment),
source_file as (select file as _file from ingest_files where dataset = 'attainment'),
-- Duplicates are judged on the parsed key (so 2009-11-30 and 30/11/2009 are one date);
-- a row whose key cannot be read is already quarantined for that. Tens of millions of
-- keys are nearly all unique: group an 8-byte hash of the key first, then compare the
-- whole key only among the rows whose hash repeats (a hash collision is never reported).
keyed as not materialized (
    select _line, upn_n, subject_n, assessment_n, assessed_on_d, hash(upn_n, subject_n, assessment_n, assessed_on_d) as h
    from typed where upn_n is not null and subject_n is not null and assessment_n is not null and assessed_on_d is not null
),
repeated as (select h from keyed group by h having count(*) > 1),
candidates as materialized (select * from keyed semi join repeated using (h)),
dup_keys as (
    select upn_n, subject_n as subject_key, assessment_n as assessment_key, assessed_on_d as date_key, count(*) as n
    from candidates group by all having count(*) > 1
),
dups as (
    select t._line, d.upn_n, d.subject_key, d.assessment_key, d.date_key, d.n
    from dup_keys d join candidates t on t.upn_n = d.upn_n and t.subject_n = d.subject_key
        and t.assessment_n = d.assessment_key and t.assessed_on_d = d.date_key
),
dup_lines as (
    select upn_n, subject_key, assessment_key, date_key, list_sort(list(_line))[1:5] as lines from dups group by all
),
held_pupils as (
    select upper(r.upn) as upn_n, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_pupils r semi join q_pupils q on q.line = r._line
    where r.upn is not null group by upper(r.upn)
),
checks as (
    select _file, _line, 'upn' as "column", upn as value, upn_status as rule,
        case upn_status
            when 'bad_upn' then format('upn "{}" is not a UPN: 13 characters, a letter, 11 digits, then a digit or letter (no I, O or S)', upn)
            else format('upn {} has the wrong check letter (DfE algorithm gives {}); check the UPN against the school''s records', upn, ti_upn_check_letter(upn_n)) end as message
    from flagged where upn_status in ('bad_upn', 'bad_upn_check_letter')
    union all
    select t._file, t._line, 'upn', t.upn, 'parent_quarantined',
        format('pupil {} is held back in quarantine ({} line {}); fix that row and this one loads', t.upn_n, h.file, array_to_string(h.lines, ', '))
    from flagged t join held_pupils h using (upn_n)
    where t.upn_status in ('ok', 'temporary')
    union all
    select t._file, t._line, 'upn', t.upn, 'unknown_pupil',
        format('pupil {} is not in the pupils file; add their census row or correct the upn', t.upn_n)
    from flagged t
    where t.upn_status in ('ok', 'temporary') and t.upn_n not in (select upn_n from held_pupils)
    union all
    select source_file._file, d._line, 'upn+subject+assessment+assessed_on', concat_ws(' ', d.upn_n, d.subject_key, d.assessment_key, strftime(d.date_key, '%Y-%m-%d')), 'duplicate_key',
        format('{} rows (lines {}) give pupil {} a {} {} result on {}; there is no telling which is right, so all are held back: keep one',
            d.n, array_to_string(l.lines, ', '), d.upn_n, d.subject_key, d.assessment_key, strftime(d.date_key, '%Y-%m-%d'))
    from dups d cross join source_file
        join dup_lines l on l.upn_n = d.upn_n and l.subject_key = d.subject_key and l.assessment_key = d.assessment_key and l.date_key = d.date_key
    union all
    select _file, _line, 'subject', subject, 'bad_code', format('subject "{}" is not reading, writing, english or maths', subject)
    from flagged where subject is not null and subject_n is null
    union all
    select _file, _line, 'assessment', assessment, 'bad_code',
        format('assessment "{}" is not {}', assessment, case when ti_ntp() then 'ks1, ks2, ks4, std (standardised test) or ta' else 'ks1, ks2, ks3, ks4 or ta' end)
    from flagged where assessment is not null and assessment_n is null
    union all
    select _file, _line, 'assessed_on', assessed_on, 'bad_date',
        format('assessed_on "{}" is not a real date written 2009-10-05 or 05/10/2009 (day first)', assessed_on)
    from flagged where assessed_on is not null and assessed_on_d is null
    union all
    select _file, _line, 'result', result, 'bad_result',
        case when ti_ntp() then format('result "{}" is not a {} result: {}', result, assessment_n, case assessment_n
                when 'ks1' then 'a KS1 teacher assessment (GDS, EXS, WTS, PKF, PK1..PK6, HNM, BLW, EM), P-scale (P1i..P8) or code A, D, L, F, P'
                when 'ks2' then 'a scaled score 80 to 120, a teacher assessment code (EXS, WTS, ...) or code A, B, D, F, H, L, M, P, Q, T'
                when 'ks4' then 'a GCSE grade 9 to 1, U, or X (no result)'
                when 'std' then 'a standardised score (a number with at most one decimal, or <N / >N), or A (absent)'
                else 'a teacher assessment code: GDS, EXS, WTS, HNM, PKF, PK1..PK6, BLW, EM' end)
             when gcse then format('result "{}" is not a GCSE grade (A* to G, U) or NC level; in a GCSE context letters are grades, not codes', result)
             else format('result "{}" is not an NC level (W, 1c..8a, EP), P-scale (P1i..P8) or code (A, B, D, N, T); GCSE grades only count at ks4 or for Y10-11', result) end
    from flagged where result is not null and result_n is null
        and not (ti_ntp() and assessment_n is null)
    union all
    select _file, _line, 'result', result, 'out_of_range',
        case assessment_n when 'ks2' then format('result "{}" is not a KS2 scaled score: a whole number from 80 to 120', result)
             else format('result "{}" is outside the range of test "{}", {:g} to {:g} with at most one decimal{}', result, test_name, std_min, std_max,
                 case when test_name is not null and std_min = ti_std_min() and std_max = ti_std_max() then ' (give the test''s own range in settings ntp.standardised_tests)' else '' end) end
    from flagged where out_of_range
    union all
    select _file, _line, 'test_name', null, 'missing_value',
        'test_name is blank; a std (standardised test) row needs the name of its test, which sets its range and pairs a baseline with its outcome'
    from flagged where assessment_n = 'std' and test_name is null
),
final as (
    select 'attainment' as dataset, _file as file, _line as line, "column", value, rule, message from checks
)
select * from final;
