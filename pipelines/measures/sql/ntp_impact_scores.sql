-- ntp_impact_meat: the meat of each ntp model's CR1 sandwich (measures.md §3: clusters are
-- schools), Σ over schools of u_g u_gᵀ, from each school's sums (ntp_impact_cluster_sums), not its
-- pupils. ntp_impact_beta (written by ntp-impact.ts) holds each model group's coefficients of its
-- kept design columns, named as SQL names a row's columns here (`one`, `part:<value>`,
-- `scale:<scale>`, `year:<nc_year>`, `bl:<scale>:<key stage>`, `cov:<covariate>`) with their
-- position among the kept columns. A column with no coefficient (the reference scale and NC year,
-- a dropped or absent column) is not in the model: its coefficient is 0 and it has no score.
-- Within a row of sums the intercept, part, scale and year columns are constants, so with b_const
-- their coefficients' sum, b_bl the row's baseline slope and b_<covariate> the covariates', the
-- row's Σ residual, Σ baseline·residual and Σ covariate·residual follow from its sums; a school's
-- score for a column is the sum of those over its rows in which the column is non-zero.
-- Grain: one row per gid × pair of kept columns (a ≤ b). Temp table; ntp-impact.ts reads it.
create or replace temp table ntp_impact_meat as
with

coefficients as (
    select
        gid,
        coalesce(max(beta) filter (where col = 'one'), 0)      as b_one,
        coalesce(max(beta) filter (where col = 'cov:disadvantaged'), 0)   as b_disadvantaged,
        coalesce(max(beta) filter (where col = 'cov:cla'), 0)   as b_cla,
        coalesce(max(beta) filter (where col = 'cov:eal'), 0)   as b_eal,
        coalesce(max(beta) filter (where col = 'cov:female'), 0)   as b_female,
        coalesce(max(beta) filter (where col = 'cov:sen_any'), 0)   as b_sen_any
    from ntp_impact_beta
    group by gid
),

rows as (
    select
        s.*,
        c.* exclude (gid),
        c.b_one + coalesce(bp.beta, 0) + coalesce(bs.beta, 0) + coalesce(bn.beta, 0) as b_const,
        coalesce(bb.beta, 0)                                                       as b_bl
    from ntp_impact_cluster_sums as s
    join coefficients as c using (gid)
    left join ntp_impact_beta as bp on bp.gid = s.gid and bp.col = s.cell
    left join ntp_impact_beta as bs on bs.gid = s.gid and bs.col = 'scale:' || s.scale
    left join ntp_impact_beta as bn on bn.gid = s.gid and bn.col = 'year:' || s.nc_year
    left join ntp_impact_beta as bb on bb.gid = s.gid and bb.col = 'bl:' || s.scale || ':' || s.key_stage
),

residuals as (
    select
        gid, urn, cell, scale, nc_year, key_stage,
        s_y - (n * b_const + s_b * b_bl + s_disadvantaged * b_disadvantaged + s_cla * b_cla + s_eal * b_eal + s_female * b_female + s_sen_any * b_sen_any)  as e_one,
        s_by - (s_b * b_const + s_bb * b_bl + s_b_disadvantaged * b_disadvantaged + s_b_cla * b_cla + s_b_eal * b_eal + s_b_female * b_female + s_b_sen_any * b_sen_any)  as e_bl,
        s_y_disadvantaged - (s_disadvantaged * b_const + s_b_disadvantaged * b_bl + s_disadvantaged * b_disadvantaged + s_disadvantaged_cla * b_cla + s_disadvantaged_eal * b_eal + s_disadvantaged_female * b_female + s_disadvantaged_sen_any * b_sen_any)  as e_disadvantaged,
        s_y_cla - (s_cla * b_const + s_b_cla * b_bl + s_disadvantaged_cla * b_disadvantaged + s_cla * b_cla + s_cla_eal * b_eal + s_cla_female * b_female + s_cla_sen_any * b_sen_any)  as e_cla,
        s_y_eal - (s_eal * b_const + s_b_eal * b_bl + s_disadvantaged_eal * b_disadvantaged + s_cla_eal * b_cla + s_eal * b_eal + s_eal_female * b_female + s_eal_sen_any * b_sen_any)  as e_eal,
        s_y_female - (s_female * b_const + s_b_female * b_bl + s_disadvantaged_female * b_disadvantaged + s_cla_female * b_cla + s_eal_female * b_eal + s_female * b_female + s_female_sen_any * b_sen_any)  as e_female,
        s_y_sen_any - (s_sen_any * b_const + s_b_sen_any * b_bl + s_disadvantaged_sen_any * b_disadvantaged + s_cla_sen_any * b_cla + s_eal_sen_any * b_eal + s_female_sen_any * b_female + s_sen_any * b_sen_any)  as e_sen_any
    from rows
),

scores as (
    select gid, urn, 'one' as col, e_one as e from residuals
    union all select gid, urn, cell, e_one from residuals
    union all select gid, urn, 'scale:' || scale, e_one from residuals
    union all select gid, urn, 'year:' || nc_year, e_one from residuals
    union all select gid, urn, 'bl:' || scale || ':' || key_stage, e_bl from residuals
    union all select gid, urn, 'cov:disadvantaged', e_disadvantaged from residuals
    union all select gid, urn, 'cov:cla', e_cla from residuals
    union all select gid, urn, 'cov:eal', e_eal from residuals
    union all select gid, urn, 'cov:female', e_female from residuals
    union all select gid, urn, 'cov:sen_any', e_sen_any from residuals
),

school_scores as (
    select s.gid, s.urn, b.pos, sum(s.e) as u
    from scores as s
    join ntp_impact_beta as b on b.gid = s.gid and b.col = s.col
    group by all
)

select a.gid, a.pos as a, b.pos as b, sum(a.u * b.u) as meat
from school_scores as a
join school_scores as b on b.gid = a.gid and b.urn = a.urn and a.pos <= b.pos
group by all;
