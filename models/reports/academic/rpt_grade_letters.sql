-- One row per letter the attestation marts count: each letter of the grade scale in use (var
-- grade_scale_version, seed grade_scale), best first, then the pass letter of pass/fail disciplines
-- (var letter_pass), with the column of fct_attestation_breakdown that counts it. A page sums the
-- letters of whatever scale is in use from here, with no letter written in its code.
with scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
),

letters as (
    select
        letter_grade,
        sort_order,
        is_passing,
        true as is_on_scale,
        -- as the breakdown names its columns (macro count_by_code): n_a, n_a_minus, n_fx, ...
        'n_' || {{ code_column_name_sql('letter_grade') }} as count_column
    from scale
    union all
    -- the pass letter is on no scale; the breakdown counts it in n_pass
    select
        {{ academic_text_var('letter_pass') }} as letter_grade,
        (select coalesce(max(sort_order), 0) + 1 from scale) as sort_order,
        true as is_passing,
        false as is_on_scale,
        'n_pass' as count_column
)

select
    letter_grade,
    sort_order,
    is_passing,
    is_on_scale,
    count_column
from letters
