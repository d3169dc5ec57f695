-- Feed of the expectation suite group_enrolments (error: results without registrations
-- cannot be given a teacher or a group in fct_attestation_results). The group is the one of
-- the registration, or the student's current group when there is none; null when neither.
with grades as (
    select * from {{ ref('fct_grades') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

enrollments as (
    select * from {{ ref('fct_enrollments') }}
)

select
    grades.academic_year,
    grades.term,
    grades.discipline_code,
    coalesce(enrollments.group_code, students.group_code) as group_code,
    count(*) as n_results,
    count(enrollments.student_id) as n_enrolled
from grades
inner join students on grades.student_id = students.student_id
left join enrollments
    on
        grades.student_id = enrollments.student_id
        and grades.discipline_code = enrollments.discipline_code
        and grades.academic_year = enrollments.academic_year
        and grades.term = enrollments.term
where grades.source = 'session'
group by all
