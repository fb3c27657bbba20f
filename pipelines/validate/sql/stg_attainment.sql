-- stg_attainment: grain one row per pupil, subject, assessment and date (its key), rows
-- that broke no rule; result normalised (see macros.sql ti_result). typed_attainment.sql
-- wrote every row into it: here the quarantined rows and the working columns go. (A flagged
-- row always has a quarantine row; the others can still be duplicates or too long.)
-- Not sorted by _line, unlike the smaller stg_* tables: nothing reads it in order, and sorting
-- tens of millions of rows on a national run cost about as much as reading the file.
drop view typed_attainment;
delete from stg_attainment where flagged or _line in (select line from q_attainment);
alter table stg_attainment drop column flagged;
alter table stg_attainment drop column upn_status;
alter table stg_attainment drop column gcse;
alter table stg_attainment drop column out_of_range;
alter table stg_attainment drop column std_min;
alter table stg_attainment drop column std_max;
