-- One row per discipline a student has mastered: its standing passed result (rules B8) with the
-- date it counts as mastered, the end of its term's exam period (rules B21), so the quarterly
-- state-grant list can sum the credits mastered in a quarter and up to its end.
-- a view: the rows are the mart's, so they are stored once
{{ config(materialized='view') }}

with grades as (
    select * from {{ ref('fct_grades') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
)

select
    grades.student_id,
    grades.discipline_code,
    grades.academic_year,
    grades.term,
    grades.term_seq,
    grades.source,
    grades.letter_grade,
    grades.credits,
    grades.graded_on,
    terms.exams_end_on,
    -- a term the calendar lacks has no exam period: the date the result was recorded stands in
    coalesce(terms.exams_end_on, grades.graded_on) as mastered_on
from grades
left join terms
    on
        grades.academic_year = terms.academic_year
        and grades.term = terms.term
where grades.is_passed and not grades.is_superseded
