-- One row per student × academic year × term with results: the student's funding, status and
-- programme at the end of that term, read from the contingent replay of the rector's orders
-- (fct_student_status_history, rules B10): the period in force on that day, else today's
-- student record. The reports read the same replay as the contingent marts; none of their own.
with results as (
    select * from {{ ref('int_attempts_ranked') }}
    where {{ changed_students_only('student_id') }}
),

terms as (
    select * from {{ ref('dim_terms') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    select * from {{ ref('stg_ais__students') }}
    where {{ changed_students_only('student_id') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

entry_status as (
    -- a student with no period and no status is taken as just entered: the status an entry order
    -- (admission, transfer in, readmission) gives
    select min(status_after) as status
    from movement_types
    where is_headcount_inflow
),

student_terms as (
    select distinct
        results.student_id,
        results.academic_year,
        results.academic_year_start,
        results.term,
        results.term_order,
        results.term_seq,
        terms.ends_on as as_of_date
    from results
    left join terms
        on
            results.academic_year = terms.academic_year
            and results.term = terms.term
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
    coalesce(status_history.status, students.status, entry_status.status) as status,
    case when status_history.student_id is not null then 'orders' else 'student_record' end as standing_source
from student_terms
inner join students on student_terms.student_id = students.student_id
cross join entry_status
-- periods follow one another without overlaps: at most one is in force on the as-of date
left join status_history
    on
        student_terms.student_id = status_history.student_id
        and {{ contingent_period_in_force('student_terms.as_of_date', 'status_history') }}
