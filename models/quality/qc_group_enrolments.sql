-- Feed of the expectation suite group_enrolments (error: results without registrations
-- cannot be given a teacher or a group in fct_attestation_results). The group is the one of
-- the registration, or the student's current group when there is none; null when neither.
-- Counted from int_sittings_placed, which joined each sitting to its registration already: one
-- row per student, discipline and term, carrying the term's session attempts (every attempt a
-- result), so no second join of every result with every registration (at 200,000 students
-- 5.8 M × 5.8 M rows on four text keys, 1.5 s of the model's 2.1 s)
with sittings as (
    select * from {{ ref('int_sittings_placed') }}
),

students as (
    select * from {{ ref('dim_students') }}
)

select
    sittings.academic_year,
    sittings.term,
    sittings.discipline_code,
    coalesce(sittings.group_code, students.group_code) as group_code,
    sum(sittings.n_attempts_in_term)::bigint as n_results,
    coalesce(sum(sittings.n_attempts_in_term) filter (where sittings.is_registered), 0)::bigint as n_enrolled
from sittings
inner join students on sittings.student_id = students.student_id
group by all
