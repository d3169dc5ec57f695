-- One row per student × academic year × term with results: the student's funding, status and
-- programme at the end of that term, read from the rector's orders in force on that day (the
-- last order setting each attribute, by effective date, order date and order number), else
-- from today's student record. A simple as-of lookup for the scholarship, vacant-grant and
-- progression reports; the full replay of orders is the contingent marts' job.
with results as (
    select * from {{ ref('int_grades_unioned') }}
),

calendar as (
    select * from {{ ref('stg_ais__calendar') }}
),

orders as (
    select * from {{ ref('stg_ais__orders') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
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
),

order_events as (
    select
        orders.student_id,
        orders.effective_date,
        orders.order_date,
        orders.order_no,
        -- order numbers such as "123-С" compare by their number first, then as text
        try_cast(regexp_extract(orders.order_no, '^[0-9]+') as integer) as order_number,
        orders.funding,
        orders.program_code,
        movement_types.status_after
    from orders
    inner join movement_types on orders.movement = movement_types.movement
),

as_of as (
    select
        student_terms.student_id,
        student_terms.term_seq,
        arg_max(
            order_events.funding,
            (
                order_events.effective_date, order_events.order_date, order_events.order_number,
                order_events.order_no
            )
        ) filter (where order_events.funding is not null) as order_funding,
        arg_max(
            order_events.program_code,
            (
                order_events.effective_date, order_events.order_date, order_events.order_number,
                order_events.order_no
            )
        ) filter (where order_events.program_code is not null) as order_program_code,
        arg_max(
            order_events.status_after,
            (
                order_events.effective_date, order_events.order_date, order_events.order_number,
                order_events.order_no
            )
        ) filter (where order_events.status_after is not null) as order_status
    from student_terms
    inner join order_events
        on
            student_terms.student_id = order_events.student_id
            and student_terms.as_of_date >= order_events.effective_date
    group by student_terms.student_id, student_terms.term_seq
)

select
    student_terms.student_id,
    student_terms.academic_year,
    student_terms.academic_year_start,
    student_terms.term,
    student_terms.term_order,
    student_terms.term_seq,
    student_terms.as_of_date,
    coalesce(as_of.order_funding, students.funding) as funding,
    coalesce(as_of.order_program_code, students.program_code) as program_code,
    -- no order in force and no status in the extract: the student is taken as active
    coalesce(as_of.order_status, students.status, 'active') as status,
    case when as_of.order_status is not null then 'orders' else 'student_record' end as standing_source
from student_terms
inner join students on student_terms.student_id = students.student_id
left join as_of
    on
        student_terms.student_id = as_of.student_id
        and student_terms.term_seq = as_of.term_seq
