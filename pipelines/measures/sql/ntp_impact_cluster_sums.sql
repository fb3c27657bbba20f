-- ntp_impact_cluster_sums: the grouped sufficient statistics of every selected ntp impact model
-- (models.ts NTP_IMPACT_MODELS; measures.md §3; programmes.md §3), from which ntp-impact.ts
-- solves each model (grouped-ols.ts), ntp_impact_scores.sql makes each school's CR1 score, and
-- ntp-impact.ts reads the balance (§3) and §6 attainment figures of its rows: no pupil row is
-- read in JavaScript.
-- Reads ntp_impact_pupil_groups (ntp_impact_pupils repeated over each §5 group of each selected
-- breakdown: ntp-sums.ts) and ntp_impact_models (the selected models: order, outcomes, whose pupils,
-- whether fitted on each group, the sample column of a tutee's part and the parts listed).
-- Grain: one row per model group (gid: measure key time_period, la_code, subject,
--   outcome_measure × model × §5 breakdown × group) × school (urn, the cluster) × cell × baseline
--   scale × NC year. A cell is `comparison`, `part:<value>` (a tutee whose part the model lists)
--   or `other` (a tutee whose part it does not list). Within one row every design column but the
--   baseline and the covariates is 1 or 0 for every pupil (the intercept, the part's dummy, the
--   scale's intercept, the NC year's dummy), and a pupil's baseline slope column is the one of its
--   scale and key stage, so the sums below are every non-zero cross-product of the design.
--   The covariates are NTP_COVARIATES (ntp-sums.ts checks each model's are summed here).
-- With whole- or half-point scores (std, KS1 to KS4 points) every sum is exact whatever order DuckDB
-- adds in, so the figures do not depend on the order of the pupils.
-- ntp_impact_groups: each model group's key, gid and schools (n_schools, the clusters).
-- ntp_impact_totals: the sums over schools (a model's normal equations, its balance and §6 figures).
-- ntp_impact_part_costs: per model part, the §14 cost of its tutees' places (§9), summed in the
--   order of the pupils (urn, upn), and whether every tutee's cost is known.
-- Temp tables.

-- ntp_model_fits: whether a model (m, a row of ntp_impact_models) is fitted on a pupil of
-- ntp_impact_pupil_groups of this measure, breakdown and side (tutored or not).
create or replace temp macro ntp_model_fits(m, outcome_measure, breakdown, tutored) as
    list_contains(m.outcomes, outcome_measure)
    and (m.each_group or breakdown = 'total')
    and (case when tutored then m.sample_tutees else m.sample_comparison end);

create or replace temp view ntp_impact_fitted as
with

model_pupils as (
    select
        p.*,
        m.model_ord,
        m.parts,
        case m.part_column
            when 'route' then p.route
            when 'group_size' then p.group_size
            when 'place' then p.place
            else 'tutored'
        end as part
    from ntp_impact_pupil_groups as p
    join ntp_impact_models as m on ntp_model_fits(m, p.outcome_measure, p.breakdown, p.tutored)
)

-- cell_id: 0 comparison, -1 other, else the part's position in the model's list (1-based)
select
    * exclude (parts),
    case
        when not tutored then 0
        when list_contains(parts, part) then list_position(parts, part)
        else -1
    end as cell_id
from model_pupils;

create or replace temp table ntp_impact_cluster_sums as
with

to_sum as (
    -- tutees once for each model that fits them, in their cell; comparison pupils once (model_ord
    -- NULL): their cell is `comparison` in every model, so their sums are the same in each, and
    -- `sums` gives them to each model that fits them. Comparison pupils are most of the rows (1.2M
    -- of 1.4M on a 400-school ntp LA) and in two to four models each: summed model by model they
    -- put 3.1M rows through the sums below, summed once 1.6M.
    select * from ntp_impact_fitted where tutored
    union all by name
    select *, null::INTEGER as model_ord, 0 as cell_id from ntp_impact_pupil_groups where not tutored
),

summed as (
select
    key_id, outcome_measure, model_ord, breakdown, group_label, urn, cell_id, scale, nc_year, key_stage,
    count(*)::DOUBLE                                      as n,
    sum(baseline)                                         as s_b,
    sum(baseline * baseline)                              as s_bb,
    sum(outcome)                                          as s_y,
    sum(baseline * outcome)                               as s_by,
    sum(outcome * outcome)                                as s_yy,
    -- each covariate (a 0/1 column: its square is itself), with the baseline and the outcome
    sum(disadvantaged::DOUBLE)                            as s_disadvantaged,
    sum(cla::DOUBLE)                                      as s_cla,
    sum(eal::DOUBLE)                                      as s_eal,
    sum(female::DOUBLE)                                   as s_female,
    sum(sen_any::DOUBLE)                                  as s_sen_any,
    sum(baseline * disadvantaged::DOUBLE)                 as s_b_disadvantaged,
    sum(baseline * cla::DOUBLE)                           as s_b_cla,
    sum(baseline * eal::DOUBLE)                           as s_b_eal,
    sum(baseline * female::DOUBLE)                        as s_b_female,
    sum(baseline * sen_any::DOUBLE)                       as s_b_sen_any,
    sum(outcome * disadvantaged::DOUBLE)                  as s_y_disadvantaged,
    sum(outcome * cla::DOUBLE)                            as s_y_cla,
    sum(outcome * eal::DOUBLE)                            as s_y_eal,
    sum(outcome * female::DOUBLE)                         as s_y_female,
    sum(outcome * sen_any::DOUBLE)                        as s_y_sen_any,
    -- each pair of covariates
    sum((disadvantaged and cla)::DOUBLE)                  as s_disadvantaged_cla,
    sum((disadvantaged and eal)::DOUBLE)                  as s_disadvantaged_eal,
    sum((disadvantaged and female)::DOUBLE)               as s_disadvantaged_female,
    sum((disadvantaged and sen_any)::DOUBLE)              as s_disadvantaged_sen_any,
    sum((cla and eal)::DOUBLE)                            as s_cla_eal,
    sum((cla and female)::DOUBLE)                         as s_cla_female,
    sum((cla and sen_any)::DOUBLE)                        as s_cla_sen_any,
    sum((eal and female)::DOUBLE)                         as s_eal_female,
    sum((eal and sen_any)::DOUBLE)                        as s_eal_sen_any,
    sum((female and sen_any)::DOUBLE)                     as s_female_sen_any,
    -- §6: progress and the standards' counts
    sum(outcome - baseline)                               as s_progress,
    sum((not baseline_at_expected)::DOUBLE)               as n_below,
    sum(outcome_at_expected::DOUBLE)                      as n_at_outcome,
    sum((not baseline_at_expected and outcome_at_expected)::DOUBLE) as n_converted,
    sum(outcome_at_high::DOUBLE)                          as n_high
from to_sum
group by key_id, outcome_measure, model_ord, breakdown, group_label, urn, cell_id, scale, nc_year, key_stage
),

sums as materialized (
    select * exclude (outcome_measure) from summed where model_ord is not null
    union all
    -- the comparison pupils' sums in each model that fits them
    select c.* exclude (outcome_measure) replace (m.model_ord as model_ord)
    from summed as c
    join ntp_impact_models as m on ntp_model_fits(m, c.outcome_measure, c.breakdown, false)
    where c.model_ord is null
),

groups as (
    -- gid numbers the model groups in key order (a dense rank of the rows of sums), worked out on
    -- the groups (a few hundred) rather than by a window over every row of sums, which sorted all
    -- their columns (0.7 of this file's 2.8 s on a 400-school ntp LA)
    select key_id, model_ord, breakdown, group_label,
        row_number() over (order by key_id, model_ord, breakdown, group_label)::INTEGER as gid
    from (select distinct key_id, model_ord, breakdown, group_label from sums)
)

select
    g.gid,
    s.key_id, s.model_ord, s.breakdown, s.group_label, s.urn,
    case when s.cell_id = 0 then 'comparison' when s.cell_id < 0 then 'other' else 'part:' || m.parts[s.cell_id] end as cell,
    s.* exclude (key_id, model_ord, breakdown, group_label, urn, cell_id)
from sums as s
-- no key column is NULL (ntp_impact_pupil_groups keeps no pupil outside a group), so an equality joins them
join groups as g using (key_id, model_ord, breakdown, group_label)
join ntp_impact_models as m using (model_ord);

create or replace temp table ntp_impact_groups as
select s.gid, s.key_id, s.model_ord, k.time_period, k.la_code, k.subject, k.outcome_measure, m.model_id, s.breakdown, s.group_label,
    count(distinct s.urn)::INTEGER as n_schools
from ntp_impact_cluster_sums as s
join ntp_impact_measure_keys as k using (key_id)
join ntp_impact_models as m using (model_ord)
group by all;

create or replace temp table ntp_impact_totals as
select gid, cell, scale, nc_year, key_stage, sum(columns('^(n|s_.*|n_.*)$'))
from ntp_impact_cluster_sums
group by all;

create or replace temp table ntp_impact_part_costs as
select
    g.gid, 'part:' || f.part                              as cell,
    sum(f.place_cost_gbp order by f.urn, f.upn)           as cost_gbp,
    count(f.place_cost_gbp) = count(*)                    as cost_known
from ntp_impact_fitted as f
join ntp_impact_groups as g using (key_id, model_ord, breakdown, group_label)
where f.tutored and f.cell_id > 0
group by all;
