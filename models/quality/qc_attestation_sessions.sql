-- One row per exam session (academic year × term 1 or 2): how many first-attempt results
-- were graded and the success rate, beside the mean of the earlier sessions of the same term.
with sessions as (
    select
        academic_year,
        term,
        sum(n_graded) as n_graded,
        sum(n_passed) / nullif(sum(n_graded), 0) as success_rate
    from main.fct_attestation_results
    where term in (select term from reference.terms where is_regular_semester)
    group by academic_year, term
)

select
    academic_year,
    term,
    n_graded,
    success_rate,
    n_graded / avg(n_graded) over earlier as graded_vs_earlier,
    success_rate - avg(success_rate) over earlier as success_rate_shift
from sessions
window earlier as (partition by term order by academic_year rows between unbounded preceding and 1 preceding)
order by academic_year, term
