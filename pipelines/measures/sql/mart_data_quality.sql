-- mart_data_quality: what the measures could not use, and tuition outside the programme's
-- scope (inputs.md "What the pipeline does not refuse"; measures.md §1, §2). Counted, never
-- refused. Grain: one row per time_period × la_code × subject (English, Mathematics, Total),
-- breakdown 'total', group 'Total', urn NULL; la_code 'National' when the run has several LAs.
-- Results: attainment rows of the year's census pupils (reading and writing count as English),
--   scored or not scored by reason (P-scale, codes A B D N T). Total = both subjects.
-- Places: int_places, by the LA of the school that arranged them. no baseline / no outcome /
--   unclassifiable baseline from int_analysis_pupils. Out of scope (by the arranging school):
--   KS4 (Y10–11) outside National Challenge schools; NC years outside 3–11 except Y1–2 at an
--   ECaW school; a place type that does not fit (fsm for a pupil not FSM, cla for a pupil not
--   looked after, ecaw outside an ECaW school or outside Y3–4). Pupils with no census row in
--   the year are counted as out of scope by year (their NC year is unknown).
-- Values aliased: input values read as codes through settings.value_aliases (validate's
--   value_aliases_applied). They are counted over the run's input files, not by subject or LA:
--   on the subject Total row of the run's LA, or of National when the run has several LAs;
--   elsewhere NULL with dq_values_aliased_na_reason.
-- A database built without validate (test fixtures) has no aliases: an empty table stands in.
create table if not exists value_aliases_applied (dataset VARCHAR, file VARCHAR, "column" VARCHAR, raw_value VARCHAR, code VARCHAR, rows INTEGER);

create or replace table mart_data_quality as
-- Counted by period, LA, subject and reason as the rows are read, then rolled up: the four
-- grouping sets and seven filtered counts then run over a few thousand counts at most, not every
-- attainment row. Each result is joined to its pupil's census row (int_pupils, by pupil_id,
-- stg_pupils' integer key of the upn, which int_results carries) before it is counted, so the
-- one group by over every attainment row has that handful of keys: counting by pupil first kept
-- a key for every pupil, subject and reason (national: 26.9-28.1 s, now 16.6-18.3; the same table).
with results as (
    select
        pu.time_period, pu.la_code,
        case r.subject when 'maths' then 'Mathematics' else 'English' end as subject,
        r.points is not null as scored, r.unscored_reason, count(*) as n
    from int_results as r
    join int_pupils as pu using (pupil_id)
    group by all
),

places as (
    select
        pl.time_period, pl.la_code, pl.subject,
        a.upn is not null and a.baseline is null as no_baseline,
        a.upn is not null and a.outcome is null as no_outcome,
        a.baseline is not null and a.below_are_baseline is null as baseline_unclassifiable,
        pu.nc_year between 10 and 11 and not s.national_challenge as out_of_scope_ks4,
        pu.nc_year is null
            or (pu.nc_year not between 3 and 11 and not (pu.nc_year between 1 and 2 and s.ecaw)) as out_of_scope_year,
        (list_contains(pl.allocations, 'fsm') and not coalesce(pu.fsm, false))
            or (list_contains(pl.allocations, 'cla') and not coalesce(pu.cla, false))
            or (list_contains(pl.allocations, 'ecaw') and not (s.ecaw and coalesce(pu.nc_year between 3 and 4, false)))
            as out_of_scope_place_type
    from int_places as pl
    join stg_schools as s on s.urn = pl.arranging_urn
    left join int_pupils as pu on pu.academic_year = pl.academic_year and pu.upn = pl.upn
    left join int_analysis_pupils as a
        on a.academic_year = pl.academic_year and a.upn = pl.upn and a.subject = pl.subject and a.tutored
),

result_counts as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        coalesce(sum(n) filter (where scored), 0)::bigint as dq_results_scored,
        coalesce(sum(n) filter (where unscored_reason = 'p_scale'), 0)::bigint as dq_unscored_p_scale,
        coalesce(sum(n) filter (where unscored_reason = 'code_a'), 0)::bigint as dq_unscored_code_a,
        coalesce(sum(n) filter (where unscored_reason = 'code_b'), 0)::bigint as dq_unscored_code_b,
        coalesce(sum(n) filter (where unscored_reason = 'code_d'), 0)::bigint as dq_unscored_code_d,
        coalesce(sum(n) filter (where unscored_reason = 'code_n'), 0)::bigint as dq_unscored_code_n,
        coalesce(sum(n) filter (where unscored_reason = 'code_t'), 0)::bigint as dq_unscored_code_t
    from results
    -- LA and National rows (cube), each by subject and across both
    group by time_period, cube(la_code, subject)
),

place_counts as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        case when grouping(subject) = 1 then 'Total' else subject end as subject,
        count(*) as dq_places,
        count(*) filter (where no_baseline) as dq_no_baseline,
        count(*) filter (where no_outcome) as dq_no_outcome,
        count(*) filter (where baseline_unclassifiable) as dq_baseline_unclassifiable,
        count(*) filter (where out_of_scope_ks4) as dq_out_of_scope_ks4,
        count(*) filter (where out_of_scope_year) as dq_out_of_scope_year,
        count(*) filter (where out_of_scope_place_type) as dq_out_of_scope_place_type
    from places
    -- LA and National rows (cube), each by subject and across both
    group by time_period, cube(la_code, subject)
),

geographies as (
    select distinct time_period, la_code from int_pupils
    union
    select distinct time_period, 'National' from int_pupils where (select several_las from run_context)
),

aliased as (
    select coalesce(sum(rows), 0)::BIGINT as dq_values_aliased from value_aliases_applied
),

grid as (
    select g.time_period, g.la_code, s.subject
    from geographies as g
    cross join (values ('English'), ('Mathematics'), ('Total')) as s(subject)
),

final as (
    select
        -- key
        g.time_period, g.la_code, null::varchar as urn, g.subject, 'total' as breakdown, 'Total' as group_label,
        -- results
        coalesce(r.dq_results_scored, 0) as dq_results_scored,
        coalesce(r.dq_unscored_p_scale, 0) as dq_unscored_p_scale,
        coalesce(r.dq_unscored_code_a, 0) as dq_unscored_code_a,
        coalesce(r.dq_unscored_code_b, 0) as dq_unscored_code_b,
        coalesce(r.dq_unscored_code_d, 0) as dq_unscored_code_d,
        coalesce(r.dq_unscored_code_n, 0) as dq_unscored_code_n,
        coalesce(r.dq_unscored_code_t, 0) as dq_unscored_code_t,
        -- places
        coalesce(p.dq_places, 0) as dq_places,
        coalesce(p.dq_no_baseline, 0) as dq_no_baseline,
        coalesce(p.dq_no_outcome, 0) as dq_no_outcome,
        coalesce(p.dq_baseline_unclassifiable, 0) as dq_baseline_unclassifiable,
        coalesce(p.dq_out_of_scope_ks4, 0) as dq_out_of_scope_ks4,
        coalesce(p.dq_out_of_scope_year, 0) as dq_out_of_scope_year,
        coalesce(p.dq_out_of_scope_place_type, 0) as dq_out_of_scope_place_type,
        -- values aliased (whole run)
        case when g.subject = 'Total' and (g.la_code = 'National') = (select several_las from run_context)
            then (select dq_values_aliased from aliased) end as dq_values_aliased,
        case when g.subject <> 'Total' then 'not applicable: values aliased are counted over the input files, not by subject'
             when (g.la_code = 'National') <> (select several_las from run_context)
                 then 'not applicable: the input files are shared by the LAs of the run; see National' end as dq_values_aliased_na_reason
    from grid as g
    left join result_counts as r using (time_period, la_code, subject)
    left join place_counts as p using (time_period, la_code, subject)
    order by g.time_period, g.la_code, g.subject
)

select * from final;
