-- One row per academic year and faculty with a summer term (a term that is not a regular semester,
-- seed terms): its registrations, the credits taken, and the debts cleared in it (statute 4.1.14).
with enrollments as (
    select * from {{ ref('fct_enrollments') }}
),

grades as (
    select * from {{ ref('fct_grades') }}
),

disciplines as (
    select * from {{ ref('dim_disciplines') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

terms as (
    select * from {{ ref('terms') }}
),

summer_terms as (
    select term from terms
    where not is_regular_semester
),

registrations as (
    select
        enrollments.academic_year,
        students.faculty_code,
        count(distinct enrollments.student_id) as n_students,
        count(*) as n_registrations,
        coalesce(sum(disciplines.credits), 0) as credits_taken
    from enrollments
    inner join summer_terms on enrollments.term = summer_terms.term
    inner join students on enrollments.student_id = students.student_id
    left join disciplines on enrollments.discipline_code = disciplines.discipline_code
    group by enrollments.academic_year, students.faculty_code
),

first_failures as (
    select
        student_id,
        discipline_code,
        min(term_seq) as first_failed_term_seq
    from grades
    where not is_passed
    group by student_id, discipline_code
),

summer_results as (
    -- the last result of each discipline in the summer term, and whether an earlier term left it failed
    select
        grades.*,
        coalesce(first_failures.first_failed_term_seq < grades.term_seq, false) as was_a_debt
    from grades
    inner join summer_terms on grades.term = summer_terms.term
    left join first_failures
        on
            grades.student_id = first_failures.student_id
            and grades.discipline_code = first_failures.discipline_code
    where grades.is_last_in_term and grades.source = 'session'
),

results as (
    select
        summer_results.academic_year,
        students.faculty_code,
        count(distinct summer_results.student_id) as n_students_graded,
        count(*) filter (where summer_results.is_passed) as n_passed,
        coalesce(sum(summer_results.credits) filter (where summer_results.is_passed), 0) as credits_passed,
        count(*) filter (where summer_results.is_passed and summer_results.was_a_debt) as n_debts_cleared,
        count(distinct summer_results.student_id) filter (where summer_results.is_passed and summer_results.was_a_debt)
            as n_students_cleared,
        count(*) filter (where not summer_results.is_passed) as n_failed
    from summer_results
    inner join students on summer_results.student_id = students.student_id
    group by summer_results.academic_year, students.faculty_code
),

keys as (
    select
        academic_year,
        faculty_code
    from registrations
    union
    select
        academic_year,
        faculty_code
    from results
)

select
    keys.academic_year,
    keys.faculty_code,
    coalesce(registrations.n_students, 0) as n_students,
    coalesce(registrations.n_registrations, 0) as n_registrations,
    coalesce(registrations.credits_taken, 0) as credits_taken,
    coalesce(results.n_students_graded, 0) as n_students_graded,
    coalesce(results.n_passed, 0) as n_passed,
    coalesce(results.credits_passed, 0) as credits_passed,
    coalesce(results.n_failed, 0) as n_failed,
    coalesce(results.n_debts_cleared, 0) as n_debts_cleared,
    coalesce(results.n_students_cleared, 0) as n_students_cleared
from keys
left join registrations
    on keys.academic_year = registrations.academic_year and keys.faculty_code = registrations.faculty_code
left join results
    on keys.academic_year = results.academic_year and keys.faculty_code = results.faculty_code
