-- mart_targeting: who was tutored, against who could have been (measures.md §7).
-- Grain: one row per time_period × la_code × subject × breakdown × group_label, urn NULL
--   (LA rows; la_code 'National' rows when the run holds several LAs); subjects English,
--   Mathematics and Total (distinct pupils across both subjects); the complete label grid.
-- Tutees = every pupil with tuition in the subject (a place), whether or not analysed.
-- Eligible cohort = int_pupils.eligible (NC years 3–9, 10–11 in National Challenge schools).
-- Shares are of the whole (breakdown 'total') row, so a breakdown with a blank characteristic
-- (SEN) need not add up to 100. Entry reasons and allocation types count pupils with at least
-- one course recording them. Untutored pupils below ARE: int_eligible_untutored. Figures
-- that need a baseline (tutees and untutored pupils below ARE) are NULL with reason 'z' on
-- subject Total (published as z, measures.md §5).
create or replace table mart_targeting as
with subjects as (
    select * from (values ('English'), ('Mathematics')) as s(subject)
),

pupil_subjects as (
    select
        pu.academic_year, pu.time_period, pu.la_code, pu.upn, pu.eligible,
        pu.fsm_status, pu.cla_status, pu.first_language, pu.sex, pu.sen_provision, pu.ethnicity_major, pu.key_stage,
        s.subject,
        pl.upn is not null as tutee,
        a.below_are_baseline is not null as tutee_classified,
        coalesce(a.below_are_baseline, false) as tutee_below_are,
        coalesce(list_contains(pl.entry_reasons, 'below_expected_on_entry'), false) as entry_below_expected,
        coalesce(list_contains(pl.entry_reasons, 'falling_behind'), false) as entry_behind,
        coalesce(list_contains(pl.entry_reasons, 'looked_after'), false) as entry_care,
        coalesce(list_contains(pl.allocations, 'core'), false) as alloc_core,
        coalesce(list_contains(pl.allocations, 'fsm'), false) as alloc_fsm,
        coalesce(list_contains(pl.allocations, 'cla'), false) as alloc_cla,
        coalesce(list_contains(pl.allocations, 'ecaw'), false) as alloc_ecaw,
        u.below_are_baseline is not null as untutored_classified,
        coalesce(u.below_are_baseline, false) as untutored_below
    from int_pupils as pu
    cross join subjects as s
    left join int_places as pl
        on pl.academic_year = pu.academic_year and pl.upn = pu.upn and pl.subject = s.subject
    left join int_analysis_pupils as a
        on a.academic_year = pu.academic_year and a.upn = pu.upn and a.subject = s.subject and a.tutored
    left join int_eligible_untutored as u
        on u.academic_year = pu.academic_year and u.upn = pu.upn and u.subject = s.subject
    where pu.eligible or pl.upn is not null
),

pupil_across_subjects as (
    -- one row per pupil for subject Total, so it counts a pupil once across both subjects
    select
        academic_year, time_period, la_code, upn, eligible,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage,
        'Total' as subject,
        bool_or(tutee) as tutee,
        bool_or(tutee_classified) as tutee_classified,
        bool_or(tutee_below_are) as tutee_below_are,
        bool_or(entry_below_expected) as entry_below_expected,
        bool_or(entry_behind) as entry_behind,
        bool_or(entry_care) as entry_care,
        bool_or(alloc_core) as alloc_core,
        bool_or(alloc_fsm) as alloc_fsm,
        bool_or(alloc_cla) as alloc_cla,
        bool_or(alloc_ecaw) as alloc_ecaw,
        bool_or(untutored_classified) as untutored_classified,
        bool_or(untutored_below) as untutored_below
    from pupil_subjects
    group by academic_year, time_period, la_code, upn, eligible,
        fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage
),

pupils as (
    select *, 'Total' as total from pupil_subjects
    union all
    select *, 'Total' as total from pupil_across_subjects
),

pupil_counts as (
    -- counted once per label set before the unpivot, so it spreads counts over the
    -- breakdowns, not every pupil row eight times
    select
        time_period, la_code, subject,
        total, fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage,
        count(*) filter (where tutee) as tgt_tutees,
        count(*) filter (where eligible) as tgt_cohort,
        count(*) filter (where tutee and tutee_classified) as tgt_tutees_are_baseline,
        count(*) filter (where tutee and tutee_below_are) as tgt_tutees_below_are,
        count(*) filter (where entry_below_expected) as entry_below_expected,
        count(*) filter (where entry_behind) as entry_falling_behind,
        count(*) filter (where entry_care) as entry_looked_after,
        count(*) filter (where alloc_core) as alloc_core,
        count(*) filter (where alloc_fsm) as alloc_fsm,
        count(*) filter (where alloc_cla) as alloc_cla,
        count(*) filter (where alloc_ecaw) as alloc_ecaw,
        count(*) filter (where untutored_classified) as untutored_are_baseline,
        count(*) filter (where untutored_below) as untutored_below_are
    from pupils
    group by all
),

long as (
    unpivot pupil_counts
    on total, fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage
    into name breakdown value group_label
),

aggregated as (
    select
        time_period,
        case when grouping(la_code) = 1 then 'National' else la_code end as la_code,
        subject, breakdown, group_label,
        sum(tgt_tutees)::bigint as tgt_tutees,
        sum(tgt_cohort)::bigint as tgt_cohort,
        sum(tgt_tutees_are_baseline)::bigint as tgt_tutees_are_baseline,
        sum(tgt_tutees_below_are)::bigint as tgt_tutees_below_are,
        sum(entry_below_expected)::bigint as entry_below_expected,
        sum(entry_falling_behind)::bigint as entry_falling_behind,
        sum(entry_looked_after)::bigint as entry_looked_after,
        sum(alloc_core)::bigint as alloc_core,
        sum(alloc_fsm)::bigint as alloc_fsm,
        sum(alloc_cla)::bigint as alloc_cla,
        sum(alloc_ecaw)::bigint as alloc_ecaw,
        sum(untutored_are_baseline)::bigint as untutored_are_baseline,
        sum(untutored_below_are)::bigint as untutored_below_are
    from long
    -- LA and National rows (rollup)
    group by time_period, subject, breakdown, group_label, rollup(la_code)
),

geographies as (
    select distinct time_period, la_code from int_pupils
    union
    select distinct time_period, 'National' from int_pupils where (select several_las from run_context)
),

grid as (
    select g.time_period, g.la_code, s.subject, l.breakdown, l.group_label, l.sort_order
    from geographies as g
    cross join (values ('English'), ('Mathematics'), ('Total')) as s(subject)
    cross join int_group_labels as l
    -- prior attainment bands a subject's analysed pupils by their baseline (measures.md §5);
    -- targeting counts every pupil with tuition and the whole eligible cohort, most of whom
    -- have no baseline of that subject, so it has no rows for that breakdown (z in the return)
    where l.breakdown <> 'prior_attainment'
),

counted as (
    select
        g.*,
        coalesce(a.tgt_tutees, 0) as tgt_tutees,
        coalesce(a.tgt_cohort, 0) as tgt_cohort,
        coalesce(a.tgt_tutees_are_baseline, 0) as tgt_tutees_are_baseline,
        coalesce(a.tgt_tutees_below_are, 0) as tgt_tutees_below_are,
        coalesce(a.entry_below_expected, 0) as entry_below_expected,
        coalesce(a.entry_falling_behind, 0) as entry_falling_behind,
        coalesce(a.entry_looked_after, 0) as entry_looked_after,
        coalesce(a.alloc_core, 0) as alloc_core,
        coalesce(a.alloc_fsm, 0) as alloc_fsm,
        coalesce(a.alloc_cla, 0) as alloc_cla,
        coalesce(a.alloc_ecaw, 0) as alloc_ecaw,
        coalesce(a.untutored_are_baseline, 0) as untutored_are_baseline,
        coalesce(a.untutored_below_are, 0) as untutored_below_are
    from grid as g
    left join aggregated as a using (time_period, la_code, subject, breakdown, group_label)
),

shares as (
    select
        *,
        max(tgt_tutees) filter (where breakdown = 'total') over whole as tgt_tutees_all,
        max(tgt_cohort) filter (where breakdown = 'total') over whole as tgt_cohort_all
    from counted
    window whole as (partition by time_period, la_code, subject)
),

measures as (
    select
        -- key
        time_period, la_code, null::varchar as urn, subject, breakdown, group_label,
        -- who was tutored and who could have been
        tgt_tutees,
        tgt_cohort,
        100.0 * tgt_tutees / nullif(tgt_tutees_all, 0) as tutee_share_pct,
        case when tgt_tutees_all = 0 then 'no pupils with tuition in the subject' end as tutee_share_pct_na_reason,
        100.0 * tgt_cohort / nullif(tgt_cohort_all, 0) as cohort_share_pct,
        case when tgt_cohort_all = 0 then 'no pupils in the eligible cohort' end as cohort_share_pct_na_reason,
        (1.0 * tgt_tutees / nullif(tgt_tutees_all, 0)) / nullif(1.0 * tgt_cohort / nullif(tgt_cohort_all, 0), 0)
            as representation_ratio,
        case
            when tgt_tutees_all = 0 then 'no pupils with tuition in the subject'
            when tgt_cohort = 0 then 'no pupils of this group in the eligible cohort'
        end as representation_ratio_na_reason,
        -- need at baseline
        case when subject = 'Total' then null else tgt_tutees_are_baseline end as tgt_tutees_are_baseline,
        case when subject = 'Total' then null else tgt_tutees_below_are end as tgt_tutees_below_are,
        100.0 * tgt_tutees_below_are / nullif(case when subject = 'Total' then null else tgt_tutees_are_baseline end, 0)
            as tgt_pct_tutees_below_are,
        case
            when subject = 'Total' then 'z'
            when tgt_tutees_are_baseline = 0 then 'no tutees with a baseline that can be held against ARE'
        end as tgt_pct_tutees_below_are_na_reason,
        -- recorded entry reasons and place types (pupils)
        entry_below_expected, entry_falling_behind, entry_looked_after,
        alloc_core, alloc_fsm, alloc_cla, alloc_ecaw,
        -- eligible pupils below ARE with no tuition in the subject: a baseline is a subject's,
        -- so on subject Total these are not applicable (measures.md §5, §7), like the % of
        -- tutees below ARE; the counts are not summed or de-duplicated across subjects
        case when subject = 'Total' then null else untutored_are_baseline end as untutored_are_baseline,
        case when subject = 'Total' then 'z' end as untutored_are_baseline_na_reason,
        case when subject = 'Total' then null else untutored_below_are end as untutored_below_are,
        case when subject = 'Total' then 'z' end as untutored_below_are_na_reason,
        case when subject = 'Total' then 'z' end as na_reason,
        sort_order
    from shares
),

final as (
    select * exclude (sort_order) from measures
    order by time_period, la_code, subject, breakdown, sort_order
)

select * from final;
