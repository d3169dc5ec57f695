-- One row per session (academic year × term) × student × discipline whose result stood unpassed
-- when the session closed (the discipline's last attempt in the term: F, FX or a failed pass/fail,
-- rules B19): what clears it, by when (var debt_exam_retake_days; a re-study by the end of the
-- year's summer term), and whether and when a later attempt cleared it.
with attempts as (
    select * from {{ ref('fct_grades') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

standing as (
    select * from {{ ref('fct_student_term_standing') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

disciplines as (
    select * from {{ ref('dim_disciplines') }}
),

labels as (
    select * from {{ ref('academic_list_labels') }}
),

owed as (
    select
        academic_year,
        term,
        term_seq,
        student_id,
        discipline_code,
        attempt_seq,
        letter_grade,
        grade_basis,
        credits,
        graded_on,
        -- FX (rules A1, B19): the exam is retaken without re-studying; F: the discipline is studied again
        case
            when
                letter_grade = {{ academic_text_var('letter_exam_below_min') }}
                and letter_grade != {{ academic_text_var('letter_not_admitted') }}
                then 'retake_exam'
            else 'restudy'
        end as required_action
    from attempts
    where is_last_in_term and not is_passed
),

cleared as (
    -- the first later attempt that passed
    select
        owed.academic_year,
        owed.term,
        owed.student_id,
        owed.discipline_code,
        arg_min(attempts.academic_year, attempts.attempt_seq) as cleared_academic_year,
        arg_min(attempts.term, attempts.attempt_seq) as cleared_term,
        arg_min(attempts.graded_on, attempts.attempt_seq) as cleared_on
    from owed
    inner join attempts
        on
            owed.student_id = attempts.student_id
            and owed.discipline_code = attempts.discipline_code
            and owed.attempt_seq < attempts.attempt_seq
            and attempts.is_passed
    group by owed.academic_year, owed.term, owed.student_id, owed.discipline_code
),

summer_terms as (
    -- the year's term outside the regular semesters (seed terms: the summer term)
    select
        academic_year,
        min(term) as term,
        min(ends_on) as ends_on
    from terms
    where not is_regular_semester
    group by academic_year
),

dated as (
    select
        owed.*,
        session.exams_end_on,
        case
            when owed.required_action = 'retake_exam'
                then session.exams_end_on + cast({{ var('debt_exam_retake_days') }} as integer)
            when session.is_regular_semester then summer_terms.ends_on
        end as retake_deadline,
        cleared.cleared_academic_year,
        cleared.cleared_term,
        cleared.cleared_on,
        coalesce(
            session.is_regular_semester
            and cleared.cleared_academic_year = owed.academic_year
            and cleared.cleared_term = summer_terms.term,
            false
        ) as is_cleared_in_summer
    from owed
    left join terms as session
        on
            owed.academic_year = session.academic_year
            and owed.term = session.term
    left join summer_terms on owed.academic_year = summer_terms.academic_year
    left join cleared
        on
            owed.academic_year = cleared.academic_year
            and owed.term = cleared.term
            and owed.student_id = cleared.student_id
            and owed.discipline_code = cleared.discipline_code
),

classed as (
    select
        dated.*,
        case
            when dated.is_cleared_in_summer then 'cleared_in_summer'
            when dated.cleared_term is not null then 'cleared_later'
            else 'still_owed'
        end as debt_outcome
    from dated
)

select
    classed.academic_year,
    classed.term,
    classed.student_id,
    students.full_name,
    standing.program_code,
    programs.faculty_code,
    students.group_code,
    standing.funding,
    standing.status,
    classed.discipline_code,
    disciplines.name_kk as discipline_name_kk,
    disciplines.name_ru as discipline_name_ru,
    disciplines.name_en as discipline_name_en,
    classed.credits,
    classed.letter_grade,
    classed.grade_basis,
    classed.graded_on,
    classed.required_action,
    {{ code_label_columns('action_labels', 'classed.required_action', 'required_action') }},
    classed.retake_deadline,
    classed.cleared_academic_year,
    classed.cleared_term,
    classed.cleared_on,
    classed.is_cleared_in_summer,
    classed.debt_outcome,
    {{ code_label_columns('outcome_labels', 'classed.debt_outcome', 'debt_outcome') }},
    classed.term_seq
from classed
inner join students on classed.student_id = students.student_id
left join standing
    on
        classed.student_id = standing.student_id
        and classed.term_seq = standing.term_seq
left join programs on standing.program_code = programs.program_code
left join disciplines on classed.discipline_code = disciplines.discipline_code
left join labels as action_labels
    on
        action_labels.list = 'required_action'
        and classed.required_action = action_labels.code
left join labels as outcome_labels
    on
        outcome_labels.list = 'debt_outcome'
        and classed.debt_outcome = outcome_labels.code
