-- stg_attainment: grain one row per pupil, subject, assessment and date (its key), rows
-- that broke no rule; result normalised (see macros.sql ti_result). Made from typed_attainment
-- in place (typed_attainment.sql): the quarantined rows and `flagged` go, the parsed
-- columns take their staged names, and the table its staged name; no copy of the biggest input
-- is made. A temp table, as typed_attainment is: scratch of the run, not kept in the database file. (A flagged row always has a quarantine row; the others can still be duplicates or
-- too long.)
-- Not sorted by _line, unlike the smaller stg_* tables: nothing reads it in order, and sorting
-- tens of millions of rows on a national run cost about as much as reading the file.
drop table if exists stg_attainment;
delete from typed_attainment where flagged or _line in (select line from q_attainment);
alter table typed_attainment drop column flagged;
alter table typed_attainment rename column upn_n to upn;
alter table typed_attainment rename column subject_n to subject;
alter table typed_attainment rename column assessment_n to assessment;
alter table typed_attainment rename column assessed_on_d to assessed_on;
alter table typed_attainment rename column result_n to result;
alter table typed_attainment rename column test_name_n to test_name;
alter table typed_attainment rename to stg_attainment;
