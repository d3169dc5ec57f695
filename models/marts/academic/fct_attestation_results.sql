-- One row per academic year × term × discipline × group × teacher × programme: the session
-- (attestation) results deans receive, read from first attempts, with the results after the
-- retakes of the same term beside them (rules B9).
with attempts as (
    select * from {{ ref('int_attempts_ranked') }}
    where source = 'session'
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
),

students as (
    select * from {{ ref('stg_ais__students') }}
),

programs as (
    select * from {{ ref('stg_ais__programs') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

sittings as (
    -- one row per student × discipline × term: the first attempt, and whether the last attempt
    -- of the same term passed
    select
        student_id,
        discipline_code,
        academic_year,
        academic_year_start,
        term,
        term_order,
        arg_min(letter_grade, attempt) as letter_grade,
        arg_min(traditional_grade, attempt) as traditional_grade,
        arg_min(final_score, attempt) as final_score,
        arg_min(grade_basis, attempt) as grade_basis,
        arg_min(is_passed, attempt) as is_passed,
        arg_max(is_passed, attempt) as is_passed_after_retakes
    from attempts
    group by student_id, discipline_code, academic_year, academic_year_start, term, term_order
),

placed as (
    select
        sittings.*,
        -- group and teacher from the registration; a result without one keeps them empty
        enrollments.group_code,
        enrollments.teacher_id,
        students.program_code,
        programs.faculty_code,
        coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality
    from sittings
    left join enrollments
        on
            sittings.student_id = enrollments.student_id
            and sittings.discipline_code = enrollments.discipline_code
            and sittings.academic_year = enrollments.academic_year
            and sittings.term = enrollments.term
    inner join students on sittings.student_id = students.student_id
    inner join programs on students.program_code = programs.program_code
    left join traditional_grades on sittings.traditional_grade = traditional_grades.traditional_grade
)

select
    academic_year,
    term,
    discipline_code,
    group_code,
    teacher_id,
    faculty_code,
    program_code,
    -- graded: every student with a first attempt, the not admitted and no-shows included
    count(*) as n_graded,
    count(*) filter (where is_passed) as n_passed,
    count(*) filter (where traditional_grade = 'excellent') as n_excellent,
    count(*) filter (where traditional_grade = 'good') as n_good,
    count(*) filter (where traditional_grade = 'satisfactory') as n_satisfactory,
    count(*) filter (where traditional_grade = 'unsatisfactory') as n_unsatisfactory,
    count(*) filter (where letter_grade = 'FX') as n_fx,
    count(*) filter (where letter_grade = 'F') as n_f,
    count(*) filter (where grade_basis = 'not_admitted') as n_not_admitted,
    count(*) filter (where grade_basis = 'no_show') as n_no_show,
    -- success rate = passed / graded; quality rate = (excellent + good) / graded (seed traditional_grades)
    count(*) filter (where is_passed) / count(*) as success_rate,
    count(*) filter (where counts_as_quality) / count(*) as quality_rate,
    avg(final_score) as mean_final_score,
    count(*) filter (where letter_grade = 'A') as n_a,
    count(*) filter (where letter_grade = 'A-') as n_a_minus,
    count(*) filter (where letter_grade = 'B+') as n_b_plus,
    count(*) filter (where letter_grade = 'B') as n_b,
    count(*) filter (where letter_grade = 'B-') as n_b_minus,
    count(*) filter (where letter_grade = 'C+') as n_c_plus,
    count(*) filter (where letter_grade = 'C') as n_c,
    count(*) filter (where letter_grade = 'C-') as n_c_minus,
    count(*) filter (where letter_grade = 'D+') as n_d_plus,
    count(*) filter (where letter_grade = 'D') as n_d,
    count(*) filter (where letter_grade = {{ academic_text_var('letter_pass') }}) as n_pass,
    -- after the retakes of the same term
    count(*) filter (where is_passed_after_retakes) as n_passed_after_retakes,
    count(*) filter (where is_passed_after_retakes) / count(*) as success_rate_after_retakes,
    min(academic_year_start) as academic_year_start,
    min(term_order) as term_order
from placed
group by academic_year, term, discipline_code, group_code, teacher_id, faculty_code, program_code
