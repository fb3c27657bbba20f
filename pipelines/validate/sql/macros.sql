-- Shared parsing macros for the validate stage, and one shared rule (q_school_reference, at the
-- end). Temporary: they live only for the connection that runs validation, so the database file
-- holds tables, not code.
-- Each parsing macro returns NULL when the text cannot be read; a NULL input stays NULL and
-- the caller decides whether blank is allowed.

-- Flags: Y/N, Yes/No, TRUE/FALSE, 1/0, any case (inputs.md).
create or replace temp macro ti_flag(s) as
  case when upper(s) in ('Y', 'YES', 'TRUE', '1') then true
       when upper(s) in ('N', 'NO', 'FALSE', '0') then false end;

-- Dates: ISO 2009-10-05 (a midnight time from a database export is tolerated) or UK
-- day-first 05/10/2009. strptime refuses impossible dates (29/02/2010, 31/04/2010), and
-- an American 10/25/2009 fails as month 25.
create or replace temp macro ti_date(s) as
  case when regexp_full_match(s, '\d{4}-\d{1,2}-\d{1,2}([ T]00:00(:00(\.0+)?)?)?')
         then try_strptime(regexp_extract(s, '^\d{4}-\d{1,2}-\d{1,2}'), '%Y-%m-%d')::DATE
       when regexp_full_match(s, '\d{1,2}/\d{1,2}/\d{4}')
         then try_strptime(s, '%d/%m/%Y')::DATE end;

-- Academic year, as exports write it: 2009/10, 2009-10, 2009/2010, 2009-2010 or the EES
-- form 200910 (an en dash, as a spreadsheet's autocorrect leaves it, and spaces around the
-- separator are tolerated). Returns the canonical 2009/10 when the two years are
-- consecutive, else NULL.
create or replace temp macro ti_academic_year(s) as
  case
    when regexp_full_match(s, '\d{4}\s*[/\x{2013}-]\s*\d{4}')
      then case when right(s, 4)::INTEGER = left(s, 4)::INTEGER + 1 then left(s, 4) || '/' || right(s, 2) end
    when regexp_full_match(s, '\d{4}(\s*[/\x{2013}-]\s*)?\d{2}')
      then case when right(s, 2)::INTEGER = (left(s, 4)::INTEGER + 1) % 100 then left(s, 4) || '/' || right(s, 2) end
  end;
create or replace temp macro ti_academic_year_ok(s) as coalesce(ti_academic_year(s) is not null, false);

-- LAESTAB, as exports write it: 9192001, 919/2001 or 919-2001 (the DfE number is LA code
-- then establishment number; MIS exports often show the separator). Returns the 7 digits, else NULL.
create or replace temp macro ti_laestab(s) as
  case when regexp_full_match(s, '\d{3}\s*[/-]?\s*\d{4}') then regexp_replace(s, '\D', '', 'g') end;

-- Whole numbers (an optional sign, digits only: "3.0" is not whole, by design).
create or replace temp macro ti_int(s) as
  case when regexp_full_match(s, '[+-]?\d{1,9}') then s::INTEGER end;

-- Money: digits with optional £, thousands commas and decimals.
create or replace temp macro ti_money(s) as
  case when regexp_full_match(s, '-?£?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|-?£?\.\d+')
       then replace(replace(s, '£', ''), ',', '')::DOUBLE end;

-- UPN check letter (DfE algorithm; mirrors pipelines/validate/upn.ts): characters 2..13
-- weighted by position, letters valued by their place in ABCDEFGHJKLMNPQRTUVWXYZ, sum mod 23.
-- Expects an upper-case UPN of the right shape (ti_upn_status checks the shape first), so
-- characters 2..12 are digits and only the 13th may be a letter. Those eleven digits are read
-- as one number and taken apart with integer arithmetic: far cheaper than eleven substrings
-- on the millions of UPNs of a national run.
create or replace temp macro ti_upn_digit(n, place) as (n // place) % 10;
create or replace temp macro ti_upn_weighted(n) as
    2 * ti_upn_digit(n, 10000000000) + 3 * ti_upn_digit(n, 1000000000) + 4 * ti_upn_digit(n, 100000000)
  + 5 * ti_upn_digit(n, 10000000) + 6 * ti_upn_digit(n, 1000000) + 7 * ti_upn_digit(n, 100000)
  + 8 * ti_upn_digit(n, 10000) + 9 * ti_upn_digit(n, 1000) + 10 * ti_upn_digit(n, 100)
  + 11 * ti_upn_digit(n, 10) + 12 * ti_upn_digit(n, 1);
create or replace temp macro ti_upn_check_letter(u) as
  substr('ABCDEFGHJKLMNPQRTUVWXYZ', 1 + ((
      ti_upn_weighted(try_cast(substr(u, 2, 11) as BIGINT))
    + 13 * (case when right(u, 1) between '0' and '9' then ascii(right(u, 1)) - 48
                 else strpos('ABCDEFGHJKLMNPQRTUVWXYZ', right(u, 1)) - 1 end)) % 23)::INTEGER, 1);

-- 'ok', 'temporary', 'bad_upn' (shape) or 'bad_upn_check_letter'; NULL for NULL.
-- Input is upper-cased first: lower-case UPNs are accepted (see upn.ts).
create or replace temp macro ti_upn_status(s) as
  case when s is null then null
       when not regexp_full_match(upper(s), '[A-HJ-NPQRT-Z]\d{11}[0-9A-HJ-NPQRT-Z]') then 'bad_upn'
       when ti_upn_check_letter(upper(s)) <> left(upper(s), 1) then 'bad_upn_check_letter'
       when regexp_full_match(right(upper(s), 1), '[A-Z]') then 'temporary'
       else 'ok' end;

-- Attainment results, normalised to the case of architecture.md ('4a', 'W', 'EP', 'P1i',
-- 'A*', codes 'A' 'B' 'D' 'N' 'T'). `Level 4`/`L4` → '4'. In a GCSE context (gcse true) a
-- letter is a grade and there are no codes; outside it A B D N T are codes and grades are
-- refused; gcse NULL (NC year unknown) accepts either reading.
create or replace temp macro ti_result_text(s) as
  regexp_replace(upper(replace(s, ' ', '')), '^(LEVEL|L)([1-8])', '\2');
create or replace temp macro ti_result(s, gcse) as
  case
    when regexp_full_match(ti_result_text(s), '[1-8][ABC]?') then lower(ti_result_text(s))
    when ti_result_text(s) in ('W', 'EP') then ti_result_text(s)
    when regexp_full_match(ti_result_text(s), 'P[1-3](I|II)') then 'P' || lower(substr(ti_result_text(s), 2))
    when regexp_full_match(ti_result_text(s), 'P[4-8]') then ti_result_text(s)
    when gcse is distinct from false and ti_result_text(s) in ('A*', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'U') then ti_result_text(s)
    when gcse is distinct from true and ti_result_text(s) in ('A', 'B', 'D', 'N', 'T') then ti_result_text(s)
  end;

-- Viewpoints: 1..4 or the agreement labels.
create or replace temp macro ti_response(s) as
  case lower(s) when 'strongly disagree' then 1 when 'disagree' then 2 when 'agree' then 3
                when 'strongly agree' then 4 else ti_int(s) end;

-- National Tutoring Programme results (programmes.md §2), judged by assessment: the result as
-- stg_attainment keeps it when it has a form the assessment accepts, else NULL (bad_result).
-- Whether a number is in its range (KS2 80-120, a standardised test's) is a separate rule,
-- out_of_range (ti_result_ntp_out_of_range). Codes are kept as written, upper case, unscored.
create or replace temp macro ti_ta_code(t) as
  t in ('GDS', 'EXS', 'WTS', 'HNM', 'PKF', 'PK1', 'PK2', 'PK3', 'PK4', 'PK5', 'PK6', 'BLW', 'EM');
create or replace temp macro ti_result_ntp(s, assessment) as
  case assessment
    when 'ks1' then
      case when ti_ta_code(upper(s)) or upper(s) in ('A', 'D', 'L', 'F', 'P') then upper(s)
           when regexp_full_match(ti_result_text(s), 'P[1-3](I|II)') then 'P' || lower(substr(ti_result_text(s), 2))
           when regexp_full_match(ti_result_text(s), 'P[4-8]') then ti_result_text(s) end
    when 'ks2' then
      case when regexp_full_match(s, '\d{1,3}(\.\d+)?') then s
           when upper(s) in ('A', 'B', 'D', 'F', 'H', 'L', 'M', 'P', 'Q', 'T') or ti_ta_code(upper(s)) then upper(s) end
    when 'ks4' then case when regexp_full_match(upper(s), '[1-9UX]') then upper(s) end
    when 'std' then
      case when regexp_full_match(replace(s, ' ', ''), '[<>]?\d{1,3}(\.\d+)?') then replace(s, ' ', '')
           when upper(s) = 'A' then 'A' end
    when 'ta' then case when ti_ta_code(upper(s)) then upper(s) end
  end;
-- True for a KS2 scaled score that is not a whole number 80-120, or a standardised score with
-- more than one decimal or outside its test's range [lo, hi] (for <N and >N, N itself: the test
-- reports its floor and ceiling so). `r` is ti_result_ntp's text.
create or replace temp macro ti_result_ntp_out_of_range(r, assessment, lo, hi) as
  case assessment
    when 'ks2' then regexp_full_match(r, '\d{1,3}(\.\d+)?') and (not regexp_full_match(r, '\d{1,3}') or try_cast(r as INTEGER) not between 80 and 120)
    when 'std' then regexp_full_match(r, '[<>]?\d{1,3}(\.\d+)?')
      and (regexp_full_match(r, '[<>]?\d+\.\d\d+') or try_cast(ltrim(r, '<>') as DOUBLE) not between lo and hi)
    else false
  end;

-- q_school_reference(typed): the quarantine rows (file, line, column, value, rule, message) of a
-- dataset whose rows name a school, for the urn of each row of the relation `typed` (it has
-- _file, _line, urn and urn_ok) that is a well-formed URN of no loaded school (inputs.md): the
-- school is itself held back in quarantine (parent_quarantined: fix that row and this one loads),
-- or it is not in the schools file (unknown_school). Needs q_schools and stg_schools, so q_pupils,
-- q_tuition and q_allocations call it after the schools are staged; a malformed urn is each
-- caller's own bad_code rule.
create or replace temp macro q_school_reference(typed) as table
with held_schools as (
    select r.urn, min(r._file) as file, list_sort(list(distinct r._line))[1:5] as lines
    from aliased_schools r semi join q_schools q on q.line = r._line
    where r.urn is not null group by r.urn
)
select t._file, t._line, 'urn' as "column", t.urn as value, 'parent_quarantined' as rule,
    format('school {} is itself held back ({} line {}); fix that row and this one loads', t.urn, h.file, array_to_string(h.lines, ', ')) as message
from query_table(typed) t join held_schools h using (urn)
where t.urn_ok and not exists (select 1 from stg_schools s where s.urn = t.urn)
union all
select t._file, t._line, 'urn', t.urn, 'unknown_school',
    format('school {} is not in the schools file; add it there or correct the urn', t.urn)
from query_table(typed) t
where t.urn_ok and not exists (select 1 from stg_schools s where s.urn = t.urn)
  and not exists (select 1 from held_schools h where h.urn = t.urn);
