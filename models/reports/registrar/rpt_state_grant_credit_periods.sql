-- One row per quarter × state-grant period overlapping it (rules B21): the period clipped to the
-- quarter, as the accounting department's quarterly list shows it. The quarters run from the one of
-- the first order to the one of the last day the warehouse has data for (the span the reports accept:
-- int_state_grant_quarters_listed).
with grant_periods as (
    select * from {{ ref('rpt_state_grant_periods') }}
    where {{ changed_students_only('student_id') }}
),

quarters as (
    -- the same list for every student (rules C8: its move rebuilds every student)
    select * from {{ ref('int_state_grant_quarters_listed') }}
),

students as (
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

clipped as (
    -- valid_to is exclusive: the last funded day is the day before; an open period runs to the quarter's end
    select
        quarters.quarter,
        quarters.quarter_start,
        quarters.quarter_end,
        grant_periods.student_id,
        grant_periods.valid_from,
        greatest(grant_periods.valid_from, quarters.quarter_start) as period_from,
        least(
            coalesce(grant_periods.valid_to - interval 1 day, quarters.quarter_end), quarters.quarter_end
        )::date as period_to,
        grant_periods.program_code,
        grant_periods.faculty_code,
        grant_periods.course,
        grant_periods.status
    from grant_periods
    inner join quarters
        on
            grant_periods.valid_from <= quarters.quarter_end
            and (grant_periods.valid_to is null or grant_periods.valid_to > quarters.quarter_start)
)

select
    clipped.quarter,
    clipped.quarter_start,
    clipped.quarter_end,
    clipped.student_id,
    students.full_name,
    clipped.valid_from,
    clipped.period_from,
    clipped.period_to,
    clipped.program_code,
    clipped.faculty_code,
    clipped.course,
    clipped.status,
    statuses.label_kk as status_label_kk,
    statuses.label_ru as status_label_ru,
    statuses.label_en as status_label_en
from clipped
inner join students on clipped.student_id = students.student_id
left join statuses on clipped.status = statuses.status
