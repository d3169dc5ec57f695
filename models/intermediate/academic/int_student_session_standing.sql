-- One row per student × academic year × term with results: the student's funding, status and
-- programme at the end of that term, read from the contingent replay of the rector's orders
-- (fct_student_status_history, rules B10): the period in force on that day, else today's
-- student record. The reports read the same replay as the contingent marts; none of their own.
with results as (
    select * from {{ ref('int_grades_unioned') }}
),

calendar as (
    select * from {{ ref('stg_ais__calendar') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

students as (
    select * from {{ ref('stg_ais__students') }}
),

student_terms as (
    select distinct
        results.student_id,
        results.academic_year,
        results.academic_year_start,
        results.term,
        results.term_order,
        results.term_seq,
        calendar.ends_on as as_of_date
    from results
    left join calendar
        on
            results.academic_year = calendar.academic_year
            and results.term = calendar.term
)

select
    student_terms.student_id,
    student_terms.academic_year,
    student_terms.academic_year_start,
    student_terms.term,
    student_terms.term_order,
    student_terms.term_seq,
    student_terms.as_of_date,
    coalesce(status_history.funding, students.funding) as funding,
    coalesce(status_history.program_code, students.program_code) as program_code,
    -- no period in force and no status in the extract: the student is taken as active
    coalesce(status_history.status, students.status, 'active') as status,
    case when status_history.student_id is not null then 'orders' else 'student_record' end as standing_source
from student_terms
inner join students on student_terms.student_id = students.student_id
-- periods follow one another without overlaps: at most one is in force on the as-of date
left join status_history
    on
        student_terms.student_id = status_history.student_id
        and student_terms.as_of_date >= status_history.valid_from
        and (student_terms.as_of_date < status_history.valid_to or status_history.valid_to is null)
