-- stg_attainment: grain one row per pupil, subject, assessment and date (its key), rows
-- that broke no rule; result normalised (see macros.sql ti_result).
create or replace table stg_attainment as
with typed as not materialized (select * from typed_attainment),
-- A flagged row always has a quarantine row; the others can still be duplicates or too long.
kept as (select * from typed anti join q_attainment q on q.line = typed._line where not typed.flagged),
final as (
    select
        upn_n as upn, subject_n as subject, assessment_n as assessment,
        assessed_on_d as assessed_on, result_n as result,
        (select file from ingest_files where dataset = 'attainment') as _file, _line
    from kept
)
-- Not sorted by _line, unlike the smaller stg_* tables: nothing reads it in order, and sorting
-- tens of millions of rows on a national run cost about as much as reading the file.
select * from final;
