-- One row per student × final-attestation discipline (state exam, thesis defence) × term: the
-- first attempt of the term, as attestation results count it (rules B9, B26), with the student's
-- programme and whether the student is eligible for an honours diploma (rpt_honours_candidates),
-- placed as fct_attestation_breakdown places a result (group and teacher of the registration, course
-- of the year, form and language in force at the term's end), so the Attestation page's filters
-- narrow the final attestation the same way (issue 23).
with grades as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

enrollments as (
    select * from {{ ref('fct_enrollments') }}
    where {{ changed_students_only('student_id') }}
),

student_years as (
    select * from {{ ref('fct_student_years') }}
    where {{ changed_students_only('student_id') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

honours as (
    select * from {{ ref('rpt_honours_candidates') }}
    where {{ changed_students_only('student_id') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

scale as (
    select * from {{ ref('grade_scale') }}
    where scale_version = {{ academic_text_var('grade_scale_version') }}
)

select
    grades.student_id,
    grades.discipline_code,
    grades.academic_year,
    grades.term,
    grades.term_seq,
    students.full_name,
    students.program_code,
    students.faculty_code,
    grades.graded_on,
    terms.exams_end_on,
    -- the session the result belongs to ends with its term's exam period; a term the calendar
    -- lacks stands on the date the result was recorded
    coalesce(terms.exams_end_on, grades.graded_on) as session_ends_on,
    grades.letter_grade,
    scale.sort_order as letter_sort_order,
    grades.traditional_grade,
    {{ code_label_columns('traditional_grades', 'grades.traditional_grade', 'traditional_grade') }},
    -- quality as seed traditional_grades says (rules B9)
    coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality,
    grades.final_score,
    grades.is_passed,
    coalesce(honours.is_eligible, false) as is_honours_eligible,
    enrollments.group_code,
    enrollments.teacher_id,
    student_years.course,
    coalesce(status_history.study_form, students.study_form) as study_form,
    coalesce(status_history.study_language, students.study_language) as study_language
from grades
left join terms
    on
        grades.academic_year = terms.academic_year
        and grades.term = terms.term
left join students on grades.student_id = students.student_id
left join honours on grades.student_id = honours.student_id
left join scale on grades.letter_grade = scale.letter_grade
left join traditional_grades on grades.traditional_grade = traditional_grades.traditional_grade
left join enrollments
    on
        grades.student_id = enrollments.student_id
        and grades.discipline_code = enrollments.discipline_code
        and grades.academic_year = enrollments.academic_year
        and grades.term = enrollments.term
left join student_years
    on
        grades.student_id = student_years.student_id
        and grades.academic_year = student_years.academic_year
-- periods follow one another without overlaps: at most one is in force on the last day
left join status_history
    on
        grades.student_id = status_history.student_id
        and {{ contingent_period_in_force('terms.ends_on', 'status_history') }}
where grades.is_final_attestation and grades.is_first_in_term
