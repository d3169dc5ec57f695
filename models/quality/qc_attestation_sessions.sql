-- Feed of the expectation suite attestation_sessions: each main session beside the mean of
-- the earlier sessions of the same term (window `earlier`), so a partial export stands out.
with attestation as (
    select * from {{ ref('fct_attestation_results') }}
),

terms as (
    select * from {{ ref('terms') }}
),

sessions as (
    select
        attestation.academic_year,
        attestation.term,
        sum(attestation.n_graded) as n_graded,
        sum(attestation.n_passed) / nullif(sum(attestation.n_graded), 0) as success_rate
    from attestation
    inner join terms on attestation.term = terms.term
    where terms.is_regular_semester
    group by attestation.academic_year, attestation.term
)

select
    academic_year,
    term,
    n_graded,
    success_rate,
    n_graded / avg(n_graded) over earlier as graded_vs_earlier,
    success_rate - avg(success_rate) over earlier as success_rate_shift
from sessions
window earlier as (
    partition by term order by academic_year rows between unbounded preceding and 1 preceding
)
