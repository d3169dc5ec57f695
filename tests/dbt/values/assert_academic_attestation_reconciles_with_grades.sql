with grades as (
    select
        academic_year,
        term,
        discipline_code,
        count(*) as n_graded,
        count(*) filter (where is_passed) as n_passed
    from {{ ref('fct_grades') }}
    where source = 'session' and is_first_in_term
    group by academic_year, term, discipline_code
),

attestation as (
    select
        academic_year,
        term,
        discipline_code,
        sum(n_graded) as n_graded,
        sum(n_passed) as n_passed
    from {{ ref('fct_attestation_results') }}
    group by academic_year, term, discipline_code
)

select
    coalesce(grades.academic_year, attestation.academic_year) as academic_year,
    coalesce(grades.term, attestation.term) as term,
    coalesce(grades.discipline_code, attestation.discipline_code) as discipline_code,
    grades.n_graded as n_graded_in_grades,
    attestation.n_graded as n_graded_in_attestation,
    grades.n_passed as n_passed_in_grades,
    attestation.n_passed as n_passed_in_attestation
from grades
full outer join attestation
    on
        grades.academic_year = attestation.academic_year
        and grades.term = attestation.term
        and grades.discipline_code = attestation.discipline_code
where
    grades.n_graded is distinct from attestation.n_graded
    or grades.n_passed is distinct from attestation.n_passed
