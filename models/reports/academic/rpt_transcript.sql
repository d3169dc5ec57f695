-- One row per student × term × discipline: the result that stands for the term (its last
-- attempt there), with the term's, the year's and the cumulative GPA and credits beside it.
-- A student's transcript is this view filtered by student_id and ordered by term_seq.
-- A view, not a table: stored, it was a third copy of every grade (raw.grades and
-- int_attempts_ranked are the others), and one student's lines read from the view as fast.
{{ config(materialized='view') }}
with attempts as (
    select * from {{ ref('fct_grades') }}
    where is_last_in_term
),

student_terms as (
    select * from {{ ref('fct_student_terms') }}
),

student_years as (
    select * from {{ ref('fct_student_years') }}
),

students as (
    select * from {{ ref('int_students_described') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

disciplines as (
    select * from {{ ref('dim_disciplines') }}
),

traditional_grades as (
    select * from {{ ref('traditional_grades') }}
)

select
    attempts.student_id,
    students.full_name,
    students.program_code,
    programs.name_kk as program_name_kk,
    programs.name_ru as program_name_ru,
    programs.name_en as program_name_en,
    attempts.academic_year,
    attempts.term,
    student_terms.term_label_kk,
    student_terms.term_label_ru,
    student_terms.term_label_en,
    attempts.term_seq,
    attempts.discipline_code,
    disciplines.name_kk as discipline_name_kk,
    disciplines.name_ru as discipline_name_ru,
    disciplines.name_en as discipline_name_en,
    attempts.credits,
    attempts.source,
    attempts.attempt,
    attempts.n_attempts_in_term,
    attempts.final_score,
    attempts.letter_grade,
    attempts.grade_points,
    attempts.traditional_grade,
    traditional_grades.label_kk as traditional_grade_kk,
    traditional_grades.label_ru as traditional_grade_ru,
    traditional_grades.label_en as traditional_grade_en,
    attempts.is_passed,
    attempts.counts_in_gpa,
    -- true when an attempt of a later term replaced this result
    attempts.next_attempt_term_seq is not null as is_superseded_later,
    student_terms.credits_attempted as term_credits_attempted,
    student_terms.credits_earned as term_credits_earned,
    student_terms.term_gpa,
    student_years.year_gpa,
    student_terms.cumulative_gpa,
    student_terms.cumulative_credits_earned,
    student_terms.n_debts as cumulative_n_debts
from attempts
inner join students on attempts.student_id = students.student_id
inner join programs on students.program_code = programs.program_code
inner join disciplines on attempts.discipline_code = disciplines.discipline_code
inner join student_terms
    on
        attempts.student_id = student_terms.student_id
        and attempts.term_seq = student_terms.term_seq
left join student_years
    on
        attempts.student_id = student_years.student_id
        and attempts.academic_year = student_years.academic_year
left join traditional_grades on attempts.traditional_grade = traditional_grades.traditional_grade
