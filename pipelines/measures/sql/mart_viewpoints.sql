-- mart_viewpoints: pre/post questionnaire results (measures.md §10).
-- Grain: one row per time_period × la_code × urn × subject × respondent × item.
--   In the shared mart key, breakdown = respondent type (pupil|parent|teacher|tutor) and
--   group_label = item code (docs/architecture.md), so disclosure control and published_*
--   keep them; there is no breakdown 'total' row. urn = the school that arranged the
--   place the course belongs to, NULL = whole LA; 'National' only with ≥ 2 LAs.
-- Per stage: n answers, mean on the 1..4 scale, answers agreeing (3 or 4) and their %.
-- Paired change: for each course, respondent type and item, answers of several
-- respondents of that type at one stage are averaged first; courses with both a pre
-- and a post mean are pairs, change = post − pre. The paired-t CI needs a t quantile,
-- so programme.ts fills mean_change_ci_low/high after this model runs.
-- Comments never leave stg_viewpoints: this model does not read the column.
create or replace table mart_viewpoints as
with

places as (
    select p.academic_year, p.time_period, p.la_code, p.arranging_urn as urn, p.upn, p.subject
    from int_places as p
    where list_contains((select academic_years from run_context), p.academic_year)
),

answers as (
    select
        pl.time_period, pl.la_code, pl.urn, pl.subject,
        v.tuition_id, v.respondent, v.stage, v.item, v.response
    from stg_viewpoints as v
    join stg_tuition as t using (tuition_id)
    join places as pl
      on pl.academic_year = t.academic_year
     and pl.upn = t.upn
     and pl.subject = case t.subject when 'english' then 'English' when 'maths' then 'Mathematics' end
),

course_stage_means as (
    select
        time_period, la_code, urn, subject, tuition_id, respondent, item, stage,
        avg(response) as mean_response
    from answers
    group by all
),

pairs as (
    select
        pre.time_period, pre.la_code, pre.urn, pre.subject, pre.respondent, pre.item,
        post.mean_response - pre.mean_response as change
    from course_stage_means as pre
    join course_stage_means as post
      on post.tuition_id = pre.tuition_id
     and post.respondent = pre.respondent
     and post.item = pre.item
     and post.stage = 'post'
    where pre.stage = 'pre'
),

facts as (
    select time_period, la_code, urn, subject, respondent, item, stage, response, null::double as change
    from answers
    union all
    select time_period, la_code, urn, subject, respondent, item, 'pair', null, change
    from pairs
),

aggregated as (
    select
        time_period, item, respondent,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        urn,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        grouping(la_code) = 1 as is_national,
        count(*) filter (where stage = 'pre')                       as pre_n,
        avg(response) filter (where stage = 'pre')                  as pre_mean,
        count(*) filter (where stage = 'pre' and response >= 3)     as pre_agree,
        count(*) filter (where stage = 'post')                      as post_n,
        avg(response) filter (where stage = 'post')                 as post_mean,
        count(*) filter (where stage = 'post' and response >= 3)    as post_agree,
        count(*) filter (where stage = 'pair')                      as n_pairs,
        avg(change) filter (where stage = 'pair')                   as change_mean,
        stddev_samp(change) filter (where stage = 'pair')           as change_sd
    from facts
    -- the release's six levels: school, LA and National (rollup), each by subject and across both (cube)
    group by time_period, item, respondent, rollup(la_code, urn), cube(subject)
),

final as (
    select
        -- key: the shared mart key carries respondent type and item (see header)
        time_period, la_code, urn, subject,
        respondent as breakdown,
        item       as group_label,
        respondent, item,
        -- before tuition
        pre_n                                                                      as n_pre,
        pre_mean                                                                   as mean_pre,
        case when pre_n = 0 then 'Not available: no answers before tuition' end   as mean_pre_na_reason,
        pre_agree                                                                  as agree_pre,
        100.0 * pre_agree / nullif(pre_n, 0)                                       as pct_agree_pre,
        case when pre_n = 0 then 'Not available: no answers before tuition' end   as pct_agree_pre_na_reason,
        -- after tuition
        post_n                                                                     as n_post,
        post_mean                                                                  as mean_post,
        case when post_n = 0 then 'Not available: no answers after tuition' end   as mean_post_na_reason,
        post_agree                                                                 as agree_post,
        100.0 * post_agree / nullif(post_n, 0)                                     as pct_agree_post,
        case when post_n = 0 then 'Not available: no answers after tuition' end   as pct_agree_post_na_reason,
        -- paired change (CI filled in by programme.ts)
        n_pairs                                                                    as n_paired,
        change_mean                                                                as mean_change,
        case when n_pairs = 0
             then 'Not available: no course has answers both before and after tuition' end
                                                                                   as mean_change_na_reason,
        change_sd                                                                  as sd_change,
        null::double                                                               as mean_change_ci_low,
        null::double                                                               as mean_change_ci_high,
        case when n_pairs = 0
                 then 'Not available: no course has answers both before and after tuition'
             when n_pairs = 1
                 then 'Not available: a confidence interval needs at least two paired courses' end
                                                                                   as mean_change_ci_low_na_reason,
        case when n_pairs = 0
                 then 'Not available: no course has answers both before and after tuition'
             when n_pairs = 1
                 then 'Not available: a confidence interval needs at least two paired courses' end
                                                                                   as mean_change_ci_high_na_reason
    from aggregated
    where not is_national or (select several_las from run_context)
)

select * from final
