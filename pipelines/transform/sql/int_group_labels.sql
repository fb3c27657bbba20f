-- int_group_labels: every (breakdown, group_label) a mart publishes, in EES filter vocabulary
-- (outputs.md §1), so marts can publish a complete grid (zero counts as 0, not missing rows).
-- Grain: one row per breakdown × group label.
create or replace table int_group_labels as
with labels as (
    select * from (values
        ('total',           'Total',                                        0),
        ('fsm_status',      'FSM eligible',                                 1),
        ('fsm_status',      'Not known to be FSM eligible',                 2),
        ('cla_status',      'Looked after',                                 1),
        ('cla_status',      'Not looked after',                             2),
        ('first_language',  'Known or believed to be English',              1),
        ('first_language',  'Known or believed to be other than English',   2),
        ('first_language',  'Unknown',                                      3),
        ('sex',             'Female',                                       1),
        ('sex',             'Male',                                         2),
        ('sen_provision',   'No SEN provision',                             1),
        ('sen_provision',   'School Action',                                2),
        ('sen_provision',   'School Action Plus',                           3),
        ('sen_provision',   'Statement',                                    4),
        ('ethnicity_major', 'White',                                        1),
        ('ethnicity_major', 'Mixed / Multiple ethnic groups',               2),
        ('ethnicity_major', 'Asian / Asian British',                        3),
        ('ethnicity_major', 'Black / African / Caribbean / Black British',  4),
        ('ethnicity_major', 'Other ethnic group',                           5),
        ('ethnicity_major', 'Unknown',                                      6),
        ('key_stage',       'Key stage 2',                                  1),
        ('key_stage',       'Key stage 3',                                  2),
        ('key_stage',       'Key stage 4',                                  3),
        -- a subject's band (measures.md §5): the marts publish it on English and Mathematics only
        ('prior_attainment', 'Well below expected',                         1),
        ('prior_attainment', 'Below expected',                              2),
        ('prior_attainment', 'At or above expected',                        3),
        ('prior_attainment', 'Unknown',                                     4)
    ) as t(breakdown, group_label, sort_order)
),

final as (
    select * from labels
)

select * from final;
