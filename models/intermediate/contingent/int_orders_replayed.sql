-- The replay of the rector's orders (rules B10): one row per order line of a student,
-- in replay order, with the student's state after it.
with orders as (
    select * from {{ ref('stg_ais__orders') }}
    where {{ changed_students_only('student_id') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

sequenced as (
    -- replay order: effective date, order date, then the order number compared naturally
    -- (numeric prefix first, numbers before text-only numbers, then the whole text); lines of
    -- one order apply in the seed's sequence_in_order (entries first, exits last)
    select
        orders.order_no,
        orders.order_date,
        orders.student_id,
        orders.movement,
        orders.effective_date,
        orders.reason,
        orders.program_code as order_program_code,
        orders.funding as order_funding,
        orders.course as order_course,
        orders.study_form as order_study_form,
        orders.study_language as order_study_language,
        orders.group_code as order_group_code,
        orders.source_row,
        movement_types.status_after,
        movement_types.is_headcount_inflow,
        movement_types.is_headcount_outflow,
        -- the order's course sets the course when the movement may set it (seed sets_course);
        -- otherwise the course moves by the seed's course_delta (promotion +1, repeat year 0)
        coalesce(movement_types.sets_course and orders.course is not null, false) as is_course_set,
        case
            when movement_types.sets_course and orders.course is not null then 0
            else coalesce(movement_types.course_delta, 0)
        end as course_step,
        row_number() over (
            partition by orders.student_id
            order by
                orders.effective_date,
                orders.order_date,
                {{ contingent_order_no_number('orders.order_no') }} nulls last,
                orders.order_no,
                movement_types.sequence_in_order,
                orders.movement
        ) as replay_seq
    from orders
    left join movement_types on orders.movement = movement_types.movement
),

carried as (
    -- every attribute is the last value an order set up to this line
    select
        *,
        last_value(status_after ignore nulls) over replayed as status,
        last_value(order_program_code ignore nulls) over replayed as program_code,
        last_value(order_funding ignore nulls) over replayed as funding,
        last_value(order_study_form ignore nulls) over replayed as study_form,
        last_value(order_study_language ignore nulls) over replayed as study_language,
        last_value(order_group_code ignore nulls) over replayed as group_code,
        -- a new course-setting order starts a new run of promotions
        count(case when is_course_set then 1 end) over replayed as course_run,
        -- lines from the first entry on (admission, transfer in, readmission) make periods
        count(case when is_headcount_inflow then 1 end) over replayed > 0 as is_after_entry
    from sequenced
    window replayed as (partition by student_id order by replay_seq rows between unbounded preceding and current row)
),

coursed as (
    -- course = the course last set + the promotions since (rules B10); null before any
    select
        *,
        max(case when is_course_set then order_course end) over (partition by student_id, course_run)
        + sum(course_step) over (
            partition by student_id, course_run order by replay_seq rows between unbounded preceding and current row
        )::integer as course
    from carried
)

select
    student_id,
    replay_seq,
    order_no,
    order_date,
    effective_date,
    movement,
    reason,
    is_headcount_inflow,
    is_headcount_outflow,
    is_after_entry,
    status,
    program_code,
    funding,
    course,
    study_form,
    study_language,
    group_code,
    order_program_code,
    order_funding,
    order_course,
    source_row
from coursed
