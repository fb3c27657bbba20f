-- stg_tuition_refused: grain one row per pupil, academic year and subject with a tuition
-- row that was quarantined. From the raw text: such a pupil had tuition, so must not be
-- taken as a comparison pupil (measures.md §2), even though the course cannot be analysed.
create or replace table stg_tuition_refused as
with refused as (
    select r.* from aliased_tuition r semi join q_tuition q on q.line = r._line
),
final as (
    select distinct upper(upn) as upn, coalesce(ti_academic_year(academic_year), academic_year) as academic_year, lower(subject) as subject
    from refused
    where upn is not null and academic_year is not null and subject is not null
)
select * from final order by all;
