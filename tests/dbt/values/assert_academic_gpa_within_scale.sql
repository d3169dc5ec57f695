with scale as (
    select max(grade_points) as max_points
    from {{ ref('grade_scale') }}
    where scale_version = '{{ var("grade_scale_version") }}'
),

gpas as (
    select
        'fct_student_terms.term_gpa' as gpa_column,
        student_id,
        term_gpa as gpa
    from {{ ref('fct_student_terms') }}
    union all
    select
        'fct_student_terms.cumulative_gpa' as gpa_column,
        student_id,
        cumulative_gpa as gpa
    from {{ ref('fct_student_terms') }}
    union all
    select
        'fct_student_standing.cumulative_gpa' as gpa_column,
        student_id,
        cumulative_gpa as gpa
    from {{ ref('fct_student_standing') }}
    union all
    select
        'rpt_progression.transfer_gpa' as gpa_column,
        student_id,
        transfer_gpa as gpa
    from {{ ref('rpt_progression') }}
)

select gpas.*
from gpas
cross join scale
where gpas.gpa < 0 or gpas.gpa > scale.max_points
