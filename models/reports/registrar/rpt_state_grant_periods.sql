-- One row per period of a student's status history in which the state grant funds them while
-- enrolled (rules B21): the accounting department's quarterly list clips these to the quarter.
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

fundings as (
    select * from {{ ref('fundings') }}
)

select
    status_history.student_id,
    status_history.valid_from,
    -- valid_to is exclusive; the last funded day is the day before (null: still funded)
    status_history.valid_to,
    status_history.status,
    status_history.funding,
    status_history.program_code,
    status_history.faculty_code,
    status_history.level,
    status_history.course,
    status_history.study_form
from status_history
inner join fundings on status_history.funding = fundings.funding
where fundings.is_state_grant and status_history.is_enrolled
