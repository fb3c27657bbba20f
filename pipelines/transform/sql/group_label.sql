-- group_label_of: a pupil's group in a §5 breakdown (measures.md §5), read off the labels every
-- analysed pupil carries (int_analysis_pupils, and impact_pupils from it); NULL where the pupil
-- has no group. The one statement of which column holds each breakdown's group: int_pupil_groups
-- unpivots by it, and a mart that counts pupils once per label and then spreads the counts over
-- the breakdowns (mart_attainment, impact_design, the matching atoms) reads it too. A breakdown it
-- does not know stops the run. A temp macro: transform defines it before its models, and each
-- measures stage again (defineGroupLabel), as a stage may run on a finished run's file.
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
    else error('pipelines/transform/sql/group_label.sql: breakdown ''' || breakdown
        || ''' names no label column of the analysed pupils; add it to group_label_of.')
end;
