-- Rules B32: a diploma or supplement is issued only to a graduate: its holder's current status by the
-- replay of the orders completes the programme (seed contingent_statuses.is_completion).
select
    student_id,
    full_name,
    kind,
    series,
    number,
    issued_on
from {{ ref('fct_diplomas') }}
where not is_graduated
