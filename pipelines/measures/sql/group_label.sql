-- group_label_of: a pupil's group in a §5 breakdown (measures.md §5), read off the labels every
-- analysed pupil carries (int_analysis_pupils, and impact_pupils from it): the CASE of
-- int_pupil_groups.sql as a macro (the same columns, NULL where the pupil has no group), so a
-- mart can count pupils once per label and then spread the counts over the breakdowns, where
-- int_pupil_groups spreads each pupil row nine times. A breakdown it does not know stops the run.
create or replace temp macro group_label_of(
    breakdown, fsm_status, cla_status, first_language, sex, sen_provision, ethnicity_major, key_stage, prior_attainment
) as case breakdown
    when 'total' then 'Total'
    when 'fsm_status' then fsm_status
    when 'cla_status' then cla_status
    when 'first_language' then first_language
    when 'sex' then sex
    when 'sen_provision' then sen_provision
    when 'ethnicity_major' then ethnicity_major
    when 'key_stage' then key_stage
    when 'prior_attainment' then prior_attainment
    else error('pipelines/measures/sql/group_label.sql: breakdown ''' || breakdown
        || ''' names no label column of the analysed pupils; add it to group_label_of.')
end;
