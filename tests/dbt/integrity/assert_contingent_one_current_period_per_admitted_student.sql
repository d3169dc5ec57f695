-- Per student (rules C8): a student's verdict reads that student's replayed orders and periods alone (each
-- group is by student), so a nightly build tests the changed students only
-- (macros/tests/changed_students_tested.sql).
with order_states as (
    select * from {{ ref('int_orders_replayed') }}
    where {{ changed_students_tested('student_id') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_tested('student_id') }}
),

admitted as (
    select distinct student_id
    from order_states
    where is_after_entry
),

current_periods as (
    select
        student_id,
        count(*) as n_current
    from status_history
    where is_current
    group by student_id
)

select
    coalesce(admitted.student_id, current_periods.student_id) as student_id,
    coalesce(current_periods.n_current, 0) as n_current,
    admitted.student_id is not null as was_admitted
from admitted
full outer join current_periods on admitted.student_id = current_periods.student_id
where admitted.student_id is null or coalesce(current_periods.n_current, 0) != 1
