-- stg_viewpoints: grain one row per questionnaire return (response_id) and item.
create or replace table stg_viewpoints as
with typed as not materialized (select * from typed_viewpoints),
kept as (select * from typed anti join q_viewpoints q on q.line = typed._line),
final as (
    select
        response_id, tuition_id, respondent_n as respondent, stage_n as stage, item_n as item,
        response_i as response, comment,
        _file, _line
    from kept
)
select * from final order by _line;
