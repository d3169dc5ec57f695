-- Checks: after a student's first entry every period ends exactly where the next one starts.
-- Matters: a gap would drop the student from the headcount (and from every report) on those dates.
-- Resolve: a modelling defect, not a data one: report it with the student_id to the warehouse team.
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
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
