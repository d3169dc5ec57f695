-- One row per academic period: the mean term GPA of the students with results, beside
-- the mean of all earlier periods of the same term.
with periods as (
    select
        academic_year,
        term,
        avg(term_gpa) as mean_term_gpa
    from main.fct_student_terms
    where term_gpa is not null
    group by academic_year, term
)

select
    academic_year,
    term,
    mean_term_gpa,
    mean_term_gpa - avg(mean_term_gpa) over earlier as gpa_shift
from periods
window earlier as (partition by term order by academic_year rows between unbounded preceding and 1 preceding)
order by academic_year, term
