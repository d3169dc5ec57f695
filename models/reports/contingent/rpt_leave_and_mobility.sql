-- One row per stay away from studies: an unbroken run of status periods on academic leave or
-- outgoing mobility (a status that is enrolled but not studying, seed contingent_statuses), with
-- the order that began it and the expected return: the order's planned end (orders.ends_on), else
-- the start plus var academic_leave_max_months. The report picks the stays open on its date.
with history as (
    select * from {{ ref('fct_student_status_history') }}
    where {{ changed_students_only('student_id') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

orders as (
    select * from {{ ref('stg_ais__orders') }}
    where {{ changed_students_only('student_id') }}
),

students as (
    -- the student's own record (dim_students without the name places across students)
    select * from {{ ref('int_students_described') }}
    where {{ changed_students_only('student_id') }}
),

flagged as (
    select
        history.*,
        coalesce(statuses.is_enrolled and not statuses.is_studying, false) as is_away,
        lag(history.status) over (partition by history.student_id order by history.valid_from) as previous_status
    from history
    left join statuses on history.status = statuses.status
),

runs as (
    -- a stay begins where an away status follows another status (or none)
    select
        *,
        sum(case when is_away and status is distinct from previous_status then 1 else 0 end)
            over (partition by student_id order by valid_from rows unbounded preceding) as stay_no
    from flagged
),

stays as (
    select
        student_id,
        stay_no,
        arg_min(status, valid_from) as status,
        min(valid_from) as started_on,
        -- null while the stay goes on
        case when count(*) = count(valid_to) then max(valid_to) end as ended_on,
        arg_min(order_no, valid_from) as order_no,
        arg_min(movement, valid_from) as movement,
        arg_min(reason, valid_from) as reason,
        arg_min(program_code, valid_from) as program_code,
        arg_min(faculty_code, valid_from) as faculty_code,
        arg_min(course, valid_from) as course
    from runs
    where is_away
    group by student_id, stay_no
),

planned as (
    select
        stays.*,
        orders.order_date,
        orders.ends_on as planned_end_on
    from stays
    left join orders
        on
            stays.order_no = orders.order_no
            and stays.student_id = orders.student_id
            and stays.movement = orders.movement
)

select
    planned.student_id,
    planned.started_on,
    planned.ended_on,
    planned.status,
    {{ code_label_columns('statuses', 'planned.status', 'status') }},
    planned.order_no,
    planned.order_date,
    planned.movement,
    planned.reason,
    planned.program_code,
    planned.faculty_code,
    planned.course,
    students.full_name,
    planned.planned_end_on,
    coalesce(
        planned.planned_end_on,
        cast(planned.started_on + to_months({{ var('academic_leave_max_months') }}) as date)
    ) as expected_return_on,
    planned.planned_end_on is null as is_return_assumed
from planned
inner join students on planned.student_id = students.student_id
left join statuses on planned.status = statuses.status
