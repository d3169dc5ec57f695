-- One row per student × discipline × term with a session result: the student's first attempt of the
-- term, whether the term's retakes passed it (rules B9), and where it is counted (rules B10): group and
-- teacher of the registration, programme and faculty of the student, course of the academic year, form
-- and language of study on the last day of the term. fct_attestation_breakdown counts these rows by
-- those columns, rpt_grade_sheet_timeliness by teacher and discipline (rules B27). This model holds
-- them per student, so a nightly build places the changed students' results only, and those two
-- count again only the groups the changed rows fall in (rules C8).
with first_attempts as (
    -- a session's first attempts; a counted recognition never shares a term with a session result
    -- of the same discipline (rules B13), so the flags rank the session attempts among themselves
    select * from {{ ref('int_attempts_ranked') }}
    where source = 'session' and is_first_in_term and {{ changed_students_only('student_id') }}
),

retakes as (
    -- the last attempt of a term whose first attempt was retaken in the same term
    select * from {{ ref('int_attempts_ranked') }}
    where
        source = 'session' and is_last_in_term and not is_first_in_term
        and {{ changed_students_only('student_id') }}
),

session_terms as (
    -- each student's terms with a session result
    select distinct
        student_id,
        academic_year,
        term,
        term_seq
    from {{ ref('int_attempts_ranked') }}
    where source = 'session' and is_first_in_term and {{ changed_students_only('student_id') }}
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    select * from {{ ref('int_students_described') }}
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

terms as (
    select * from {{ ref('dim_terms') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

sittings as (
    -- one row per student × discipline × term: the first attempt, and whether the last attempt
    -- of the same term passed (as fct_attestation_results, rules B9)
    select
        first_attempts.student_id,
        first_attempts.discipline_code,
        first_attempts.academic_year,
        first_attempts.academic_year_start,
        first_attempts.term,
        first_attempts.term_order,
        first_attempts.term_seq,
        first_attempts.letter_grade,
        first_attempts.traditional_grade,
        first_attempts.final_score,
        first_attempts.grade_basis,
        first_attempts.graded_on,
        first_attempts.is_passed,
        coalesce(retakes.is_passed, first_attempts.is_passed) as is_passed_after_retakes,
        -- every attempt of the term is a session result (rules B13): qc_group_enrolments counts them
        first_attempts.n_attempts_in_term
    from first_attempts
    left join retakes
        on
            first_attempts.student_id = retakes.student_id
            and first_attempts.discipline_code = retakes.discipline_code
            and first_attempts.term_seq = retakes.term_seq
),

student_terms as (
    -- the student's programme and faculty, form and language of study at the end of the term (the
    -- orders in force, rules B10; today's record when no period covers it) and the course of the
    -- academic year
    select
        session_terms.student_id,
        session_terms.term_seq,
        students.program_code,
        students.faculty_code,
        student_years.course,
        coalesce(status_history.study_form, students.study_form) as study_form,
        coalesce(status_history.study_language, students.study_language) as study_language
    from session_terms
    inner join students on session_terms.student_id = students.student_id
    left join terms
        on
            session_terms.academic_year = terms.academic_year
            and session_terms.term = terms.term
    left join student_years
        on
            session_terms.student_id = student_years.student_id
            and session_terms.academic_year = student_years.academic_year
    -- periods follow one another without overlaps: at most one is in force on the last day
    left join status_history
        on
            session_terms.student_id = status_history.student_id
            and {{ contingent_period_in_force('terms.ends_on', 'status_history') }}
),

placed as (
    select
        sittings.*,
        -- group and teacher from the registration; a result without one keeps them empty
        enrollments.student_id is not null as is_registered,
        enrollments.group_code,
        enrollments.teacher_id,
        student_terms.program_code,
        student_terms.faculty_code,
        student_terms.course,
        student_terms.study_form,
        student_terms.study_language,
        coalesce(traditional_grades.counts_as_quality, false) as counts_as_quality
    from sittings
    left join enrollments
        on
            sittings.student_id = enrollments.student_id
            and sittings.discipline_code = enrollments.discipline_code
            and sittings.academic_year = enrollments.academic_year
            and sittings.term = enrollments.term
    inner join student_terms
        on
            sittings.student_id = student_terms.student_id
            and sittings.term_seq = student_terms.term_seq
    left join traditional_grades on sittings.traditional_grade = traditional_grades.traditional_grade
)

select * from placed
