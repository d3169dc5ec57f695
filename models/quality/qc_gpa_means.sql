-- Feed of the expectation suite gpa_means: each period's mean term GPA beside the mean of
-- the earlier periods of the same term (window `earlier`).
with student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

periods as (
    select
        academic_year,
        term,
        avg(term_gpa) as mean_term_gpa
    from student_terms
    where term_gpa is not null
    group by academic_year, term
)

select
    academic_year,
    term,
    mean_term_gpa,
    mean_term_gpa - avg(mean_term_gpa) over earlier as gpa_shift
from periods
window earlier as (
    partition by term order by academic_year rows between unbounded preceding and 1 preceding
)
