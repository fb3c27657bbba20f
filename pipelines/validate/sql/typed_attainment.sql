-- typed_attainment: grain one row per aliased_attainment row; values parsed, and the GCSE
-- context that decides what a letter result means (inputs.md): assessment ks4, or ta of a
-- pupil in NC year 10-11 on that date (census NC year of the academic year containing the
-- date, from 1 September; else inferred from the nearest census year, measures.md §1).
-- This is the biggest input (tens of millions of rows nationally): one pass over it, and
-- the census lookup only for ta rows whose letter result reads differently by context.
-- upn_status is 'loaded' where the UPN is a loaded pupil's (already checked in pupils, so
-- the costly check-letter arithmetic runs only on the few UPNs that are not). `flagged`
-- marks rows with something to report; only they are read again, with their text as written and
-- the working columns the rules need (flagged_attainment, for the quarantine report).
-- Like the other datasets' typed_*, typed_attainment is a temp table, and it becomes
-- stg_attainment in place (one copy of the biggest input, not two): stg_attainment.sql deletes
-- the quarantined rows and `flagged`, gives the parsed columns their staged names and
-- renames the table. It stays scratch, out of the database file (docs/architecture.md, "What
-- the database file keeps"): compressing and writing its millions of rows cost more than any
-- reader of the file gains, and beyond memory_limit DuckDB spills a temp table to the run's
-- temp folder rather than growing. Its columns carry the names the rules use (q_attainment.sql).
-- Dates and results are written in a few hundred ways among millions of rows: each distinct
-- text is parsed once (attainment_date_texts, attainment_result_texts: the same macros, so the
-- same readings) and the rows look theirs up, where the regexes of ti_date and ti_result ran on
-- every row, several times. The lookups are tables so DuckDB hashes the small side; a NULL
-- (blank) text is keyed '' (ingest turns a blank into NULL, so '' is never a value).
create or replace temp table attainment_date_texts as
select coalesce(assessed_on, '') as date_key, ti_date(assessed_on) as assessed_on_d
from (select distinct assessed_on from aliased_attainment);

-- a result's readings: 2009 in each GCSE context (true, false, unknown) and ntp by its assessment;
-- letter: a result that reads differently by context, for which the census NC year is looked up
create or replace temp table attainment_result_texts as
select
    coalesce(result, '') as result_key, coalesce(assessment, '') as assessment_key,
    ti_result(result, true) as result_gcse, ti_result(result, false) as result_not_gcse, ti_result(result, null) as result_any,
    ti_result_ntp(result, case when lower(assessment) in ('ks1', 'ks2', 'ks4', 'std', 'ta') then lower(assessment) end) as result_ntp,
    coalesce(regexp_full_match(ti_result_text(result), 'A\*|[A-GNTU]'), false) as letter,
    -- the assessment as each programme reads it (ntp: ks1, ks2, ks4, std, ta; 2009: ks1..ks4, ta),
    -- looked up with the result rather than worked out on every row
    case when lower(assessment) in ('ks1', 'ks2', 'ks4', 'std', 'ta') then lower(assessment) end as assessment_ntp,
    case when lower(assessment) in ('ks1', 'ks2', 'ks3', 'ks4', 'ta') then lower(assessment) end as assessment_2009
from (select distinct result, assessment from aliased_attainment);

-- attainment_judged(source): each row of the relation named `source` (aliased_attainment or a part
-- of it), parsed and judged. A row's reading depends only on the row, the census and the text
-- lookups above, so reading a part of the rows gives those rows' readings.
create or replace temp macro attainment_judged(source) as table
with loaded_pupils as (
    -- a loaded upn and its key (stg_pupils.pupil_id), carried onto the row here so the
    -- transform reads it rather than matching 2M rows to pupils by upn a second time
    select distinct upn as upn_n, pupil_id from stg_pupils
),
census as (
    select pupil_id, nc_year, left(academic_year, 4)::INTEGER as ay from stg_pupils
),
looked_up as (
    select s.*, d.assessed_on_d, r.result_gcse, r.result_not_gcse, r.result_any, r.result_ntp,
        r.assessment_ntp, r.assessment_2009,
        not ti_ntp() and r.assessment_2009 = 'ta' and r.letter and d.assessed_on_d is not null as letter_ta
    from query_table(source) s
        join attainment_date_texts d on d.date_key = coalesce(s.assessed_on, '')
        join attainment_result_texts r on r.result_key = coalesce(s.result, '') and r.assessment_key = coalesce(s.assessment, '')
),
letter_ta as (
    -- the pupils and academic years of the ta rows with a letter result, read apart from the
    -- rest: only their NC year is looked up, once a pupil and year (the years are census years,
    -- so a pupil's is found by their key); reading the few such rows again costs less than
    -- keeping a copy of every row for two readers
    select distinct p.pupil_id, year(d.assessed_on_d) - (month(d.assessed_on_d) < 9)::INTEGER as ay
    from query_table(source) s
        join (select * from attainment_result_texts where letter and assessment_2009 = 'ta') r
            on r.result_key = coalesce(s.result, '') and r.assessment_key = coalesce(s.assessment, '')
        join attainment_date_texts d on d.date_key = coalesce(s.assessed_on, '')
        join loaded_pupils p on p.upn_n = upper(s.upn)
    where not ti_ntp() and d.assessed_on_d is not null
),
ta_nc_year as (
    select l.pupil_id, l.ay, arg_min(c.nc_year + (l.ay - c.ay), [abs(l.ay - c.ay), c.ay]) as nc_year
    from letter_ta l join census c using (pupil_id)
    group by l.pupil_id, l.ay
),
parsed as (
    select
        s._file, s._line, s.upn, s.subject, s.assessment, s.assessed_on, s.result, s.test_name,
        s.result_gcse, s.result_not_gcse, s.result_any, s.result_ntp,
        upper(s.upn) as upn_n, p.pupil_id,
        case when p.upn_n is not null then 'loaded' else ti_upn_status(s.upn) end as upn_status,
        case when lower(s.subject) in ('reading', 'writing', 'english', 'maths') then lower(s.subject) end as subject_n,
        -- ntp: ks1, ks2, ks4, std (a standardised test), ta (programmes.md §2)
        case when ti_ntp() then s.assessment_ntp else s.assessment_2009 end as assessment_n,
        -- the range of the row's standardised test (settings.ntp.standardised_tests, else the default)
        coalesce(st.min, ti_std_min()) as std_min, coalesce(st.max, ti_std_max()) as std_max,
        s.assessed_on_d,
        case s.assessment_2009 when 'ks4' then true
             when 'ta' then n.nc_year between 10 and 11
             when 'ks1' then false when 'ks2' then false when 'ks3' then false end as gcse
    from looked_up s
        left join loaded_pupils p on p.upn_n = upper(s.upn)
        left join ta_nc_year n
            on n.pupil_id = case when s.letter_ta then p.pupil_id end
            and n.ay = year(s.assessed_on_d) - (month(s.assessed_on_d) < 9)::INTEGER
        left join validate_std_tests st on ti_ntp() and st.test_key = lower(trim(s.test_name))
),
results as (
    -- ti_ntp() ? ti_result_ntp(result, assessment_n) : ti_result(result, gcse), looked up
    select *,
        case when ti_ntp() then result_ntp
             when gcse then result_gcse when not gcse then result_not_gcse else result_any end as result_n
    from parsed
),
ranged as (
    select *, ti_ntp() and coalesce(ti_result_ntp_out_of_range(result_n, assessment_n, std_min, std_max), false) as out_of_range
    from results
),
judged as (
    select *,
        upn_status is distinct from 'loaded' or subject_n is null or assessment_n is null
            or assessed_on_d is null or result_n is null or out_of_range
            or (assessment_n = 'std' and test_name is null) as flagged
    from ranged
),
final as (
    select
        -- the columns of stg_attainment, in its order (renamed there)
        upn_n, subject_n, assessment_n, assessed_on_d, result_n,
        -- ntp only (programmes.md §2): the standardised test's name; NULL in a 2009 run
        test_name as test_name_n,
        (select file from ingest_files where dataset = 'attainment') as _file, _line,
        -- the loaded pupil's key (NULL on a row of a upn not loaded, which is flagged)
        pupil_id, flagged,
        -- working columns of the rules (q_attainment.sql), and the row's text as written
        upn_status, gcse, out_of_range, std_min, std_max,
        judged._file as source_file, upn, subject, assessment, assessed_on, result, test_name
    from judged
)
select * from final;

-- Only the staged columns and `flagged` are kept of every row: the working columns are wanted
-- only on flagged rows, and storing them for the millions of others cost about a fifth of this
-- file on the demo LA (issue 18).
create or replace temp table typed_attainment as
select upn_n, subject_n, assessment_n, assessed_on_d, result_n, test_name_n, _file, _line, pupil_id, flagged
from attainment_judged('aliased_attainment');

-- The flagged rows' lines are a table, so DuckDB knows how few they are and hashes them: from a
-- filter it guessed a fifth of the rows flagged and hashed every attainment row's text instead
-- (most of this file's time on the demo LA before, issue 18). Those rows alone are read again.
create or replace temp table flagged_attainment_lines as
select _line from typed_attainment where flagged;

create or replace temp view flagged_attainment_source as
select * from aliased_attainment semi join flagged_attainment_lines using (_line);

create or replace temp table flagged_attainment as
select upn_n, subject_n, assessment_n, assessed_on_d, result_n, test_name_n, _line, pupil_id,
    flagged, upn_status, gcse, out_of_range, std_min, std_max,
    source_file as _file, upn, subject, assessment, assessed_on, result, test_name
from attainment_judged('flagged_attainment_source');

drop view flagged_attainment_source;
drop table flagged_attainment_lines;
drop macro table attainment_judged;
drop table attainment_date_texts;
drop table attainment_result_texts;
