-- typed_viewpoints: grain one row per aliased_viewpoints row; values parsed.
create or replace temp table typed_viewpoints as
with source as (select * from aliased_viewpoints),
final as (
    select
        s._file, s._line, s.response_id, s.tuition_id, s.respondent, s.stage, s.item, s.response, s.comment,
        case when lower(s.respondent) in ('pupil', 'parent', 'teacher', 'tutor') then lower(s.respondent) end as respondent_n,
        case when lower(s.stage) in ('pre', 'post') then lower(s.stage) end as stage_n,
        lower(s.item) as item_n,
        ti_response(s.response) as response_i,
        exists (select 1 from stg_tuition c where c.tuition_id = s.tuition_id) as course_loaded
    from source s
)
select * from final;
