-- One row per graduate (rules B32): a student whose current period by the replay of the orders (rules B10)
-- has a status that completes the programme (seed contingent_statuses.is_completion), with the day it
-- took effect and its order. The one definition of "graduated" the diploma register and its reports use.
with history as (
    select * from {{ ref('fct_student_status_history') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
)

select
    history.student_id,
    history.status,
    history.valid_from as graduated_on,
    history.order_no
from history
inner join statuses on history.status = statuses.status
where history.is_current and statuses.is_completion
