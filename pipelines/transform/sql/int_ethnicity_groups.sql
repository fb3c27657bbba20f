-- int_ethnicity_groups: the GSS major ethnic group of a CBDS ethnicity code.
-- Grain: one row per mapping rule (an exact code or a one-letter prefix).
-- CBDS main and extended codes share their first letter with their major group
-- (WBRI, WIRT, WROM… White; MWBC, MOTH… Mixed; AIND, ABAN… Asian; BCRB, BAFR… Black;
-- CHNE and the extended C* Chinese codes are counted with Asian, as the GSS 2011 groups do;
-- OOTH and the extended O* codes Other). REFU (refused) and NOBT (not obtained) are Unknown,
-- and so are blanks and codes matching no rule (measures.md §5).
create or replace table int_ethnicity_groups as
with rules as (
    select * from (values
        ('code',   'REFU', 'Unknown'),
        ('code',   'NOBT', 'Unknown'),
        ('prefix', 'W',    'White'),
        ('prefix', 'M',    'Mixed / Multiple ethnic groups'),
        ('prefix', 'A',    'Asian / Asian British'),
        ('prefix', 'C',    'Asian / Asian British'),
        ('prefix', 'B',    'Black / African / Caribbean / Black British'),
        ('prefix', 'O',    'Other ethnic group')
    ) as t(match_kind, pattern, ethnicity_major)
),

final as (
    select * from rules
)

select * from final;
