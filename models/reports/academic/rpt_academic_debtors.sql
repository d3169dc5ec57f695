-- One row per student × discipline whose standing result is not passed (F, FX or a failed
-- pass/fail): who owes what, since when, and what clears it.
with attempts as (
    select * from {{ ref('fct_grades') }}
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

terms as (
    select * from {{ ref('terms') }}
),

history as (
    -- per discipline: the attempt that stands today, and the last attempt that passed (if any)
    select
        student_id,
        discipline_code,
        max(attempt_seq) as last_attempt_seq,
        max(attempt_seq) filter (where is_passed) as last_passed_attempt_seq,
        count(*) as n_attempts
    from attempts
    group by student_id, discipline_code
),

debts as (
    select
        standing.student_id,
        standing.discipline_code,
        standing.academic_year as last_academic_year,
        standing.term as last_term,
        standing.graded_on as last_graded_on,
        standing.letter_grade,
        standing.grade_basis,
        standing.credits,
        history.n_attempts,
        coalesce(history.last_passed_attempt_seq, 0) as last_passed_attempt_seq
    from attempts as standing
    inner join history
        on
            standing.student_id = history.student_id
            and standing.discipline_code = history.discipline_code
            and standing.attempt_seq = history.last_attempt_seq
    where not standing.is_passed
),

since as (
    -- the debt runs from the first failed attempt after the last pass (usually the first attempt)
    select
        debts.student_id,
        debts.discipline_code,
        arg_min(attempts.academic_year, attempts.attempt_seq) as since_academic_year,
        arg_min(attempts.term, attempts.attempt_seq) as since_term,
        arg_min(attempts.graded_on, attempts.attempt_seq) as since_graded_on,
        min(attempts.term_seq) as since_term_seq,
        count(*) as n_failed_attempts
    from debts
    inner join attempts
        on
            debts.student_id = attempts.student_id
            and debts.discipline_code = attempts.discipline_code
            and debts.last_passed_attempt_seq < attempts.attempt_seq
    group by debts.student_id, debts.discipline_code
)

select
    debts.student_id,
    students.full_name,
    students.program_code,
    programs.faculty_code,
    students.group_code,
    students.funding,
    students.status,
    debts.discipline_code,
    disciplines.name_kk as discipline_name_kk,
    disciplines.name_ru as discipline_name_ru,
    disciplines.name_en as discipline_name_en,
    debts.credits,
    debts.letter_grade,
    debts.grade_basis,
    -- FX (rules A1): the exam may be retaken without re-studying; F: the discipline is studied again
    case
        when
            debts.letter_grade = {{ academic_text_var('letter_exam_below_min') }}
            and debts.letter_grade != {{ academic_text_var('letter_not_admitted') }}
            then 'retake_exam'
        else 'restudy'
    end as required_action,
    since.since_academic_year,
    since.since_term,
    {{ code_label_columns('terms', 'since.since_term', 'since_term') }},
    since.since_graded_on,
    since.since_term_seq,
    since.n_failed_attempts,
    debts.n_attempts,
    debts.last_academic_year,
    debts.last_term,
    debts.last_graded_on
from debts
inner join since
    on
        debts.student_id = since.student_id
        and debts.discipline_code = since.discipline_code
inner join students on debts.student_id = students.student_id
inner join programs on students.program_code = programs.program_code
inner join disciplines on debts.discipline_code = disciplines.discipline_code
left join terms on since.since_term = terms.term
