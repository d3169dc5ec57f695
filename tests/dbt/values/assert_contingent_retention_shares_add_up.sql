with retention as (
    select * from {{ ref('fct_cohort_retention') }}
)

select
    intake_year,
    program_code,
    years_after,
    max(cohort_size) as cohort_size,
    sum(n_students) as n_students
from retention
group by intake_year, program_code, years_after
having sum(n_students) != max(cohort_size)
