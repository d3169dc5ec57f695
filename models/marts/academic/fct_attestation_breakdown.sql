-- One row per academic year × term × discipline × group × teacher × programme × course × form of
-- study × language of instruction: the session results of fct_attestation_results (rules B9, the
-- same first attempts and the same counts) split further by the students' course, form and
-- language in that term, so the deans' page filters by them without reading the grades. It adds
-- what a page needs to aggregate exactly: the quality count, the sum of final scores (a mean of
-- any selection is sum / count, never a mean of means) and the students who still owe the
-- discipline after the term's retakes (a debtor is counted once however many rows hold them).
{%- set codes = grade_scale_codes() %}
{%- set grade_classes = codes['traditional_grades'] %}
{%- set failing_letters = codes['failing_letters'] %}
{%- set passing_letters = codes['passing_letters'] %}
-- depends_on: {{ ref('grade_scale') }}
with first_attempts as (
    -- a session's first attempts; a counted recognition never shares a term with a session result
    -- of the same discipline (rules B13), so the flags rank the session attempts among themselves
    select * from {{ ref('int_attempts_ranked') }}
    where source = 'session' and is_first_in_term
),

retakes as (
    -- the last attempt of a term whose first attempt was retaken in the same term
    select * from {{ ref('int_attempts_ranked') }}
    where source = 'session' and is_last_in_term and not is_first_in_term
),

session_terms as (
    -- each student's terms with a session result
    select distinct
        student_id,
        academic_year,
        term,
        term_seq
    from {{ ref('int_attempts_ranked') }}
    where source = 'session' and is_first_in_term
),

enrollments as (
    select * from {{ ref('stg_ais__enrollments') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

student_years as (
    select * from {{ ref('fct_student_years') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

study_languages as (
    select * from {{ ref('study_languages') }}
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
        first_attempts.is_passed,
        coalesce(retakes.is_passed, first_attempts.is_passed) as is_passed_after_retakes
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
),

counted as (
    select
        academic_year,
        term,
        discipline_code,
        group_code,
        teacher_id,
        faculty_code,
        program_code,
        course,
        study_form,
        study_language,
        -- graded: every student with a first attempt, the not admitted and no-shows included
        count(*) as n_graded,
        count(*) filter (where is_passed) as n_passed,
        -- quality as the seed traditional_grades says (counts_as_quality), so a page needs no list
        count(*) filter (where counts_as_quality) as n_quality,
        -- by traditional grade (n_excellent, n_good, ...) and by failing letter (n_fx, n_f)
        {{- count_by_code('traditional_grade', grade_classes) }}
        {{- count_by_code('letter_grade', failing_letters) }}
        count(*) filter (where grade_basis = 'not_admitted') as n_not_admitted,
        count(*) filter (where grade_basis = 'no_show') as n_no_show,
        count(*) filter (where is_passed) / count(*) as success_rate,
        count(*) filter (where counts_as_quality) / count(*) as quality_rate,
        -- the mean of any selection of rows is sum(total_final_score) / sum(n_scored)
        sum(final_score) as total_final_score,
        count(final_score) as n_scored,
        avg(final_score) as mean_final_score,
        -- by passing letter of the scale in use (n_a, n_a_minus, ..., n_d)
        {{- count_by_code('letter_grade', passing_letters) }}
        count(*) filter (where letter_grade = {{ academic_text_var('letter_pass') }}) as n_pass,
        -- after the retakes of the same term
        count(*) filter (where is_passed_after_retakes) as n_passed_after_retakes,
        count(*) filter (where is_passed_after_retakes) / count(*) as success_rate_after_retakes,
        -- the debtors of the session: students whose result is still not passed after its retakes,
        -- in student order, so that the same files always give the same list
        coalesce(
            list(student_id order by student_id) filter (where not is_passed_after_retakes), []
        ) as debtor_student_ids,
        min(academic_year_start) as academic_year_start,
        min(term_order) as term_order,
        min(academic_year_start) * 10 + min(term_order) as term_seq
    from placed
    group by
        academic_year, term, discipline_code, group_code, teacher_id, faculty_code, program_code,
        course, study_form, study_language
),

final as (
    -- the labels and seed order of the form and language of study, so that the page reads no seed
    select
        counted.*,
        {{ code_label_columns('study_forms', 'counted.study_form', 'study_form') }},
        study_forms.sort_order as study_form_sort_order,
        {{ code_label_columns('study_languages', 'counted.study_language', 'study_language') }},
        study_languages.sort_order as study_language_sort_order
    from counted
    left join study_forms on counted.study_form = study_forms.study_form
    left join study_languages on counted.study_language = study_languages.study_language
)

select * from final
