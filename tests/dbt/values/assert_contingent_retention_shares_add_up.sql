-- Checks: for each intake year, programme and year after intake the outcomes add up to the whole cohort.
-- Matters: a student counted twice or lost would make the retention shares wrong for management.
-- Resolve: a modelling defect, not a data one: report the cohort listed to the warehouse team.
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
