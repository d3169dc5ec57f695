-- Per student (rules C8): a student's verdict reads that student's periods alone (the window is by
-- student), so a nightly build tests the changed students only (macros/tests/changed_students_tested.sql).
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_tested('student_id') }}
),

ordered as (
    select
        student_id,
        valid_from,
        valid_to,
        lead(valid_from) over (partition by student_id order by valid_from) as next_valid_from
    from status_history
)

select *
from ordered
where next_valid_from is not null and valid_to is distinct from next_valid_from
