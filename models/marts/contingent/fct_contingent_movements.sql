-- One row per order line (order, student, movement): the movement, its reason and date,
-- the student's programme, funding, course and status before and after it (rules B10).
with order_states as (
    select * from {{ ref('int_orders_replayed') }}
    where {{ changed_students_only('student_id') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

reasons as (
    select * from {{ ref('movement_reasons') }}
),

movement_types as (
    select * from {{ ref('movement_types') }}
),

with_before as (
    -- the state before a line is the state after the line replayed just before it
    select
        *,
        lag(status) over replayed as status_before,
        lag(program_code) over replayed as program_code_before,
        lag(funding) over replayed as funding_before,
        lag(course) over replayed as course_before,
        lag(study_form) over replayed as study_form_before,
        lag(study_language) over replayed as study_language_before
    from order_states
    window replayed as (partition by student_id order by replay_seq)
),

final as (
    select
        with_before.order_no,
        with_before.student_id,
        with_before.movement,
        -- labels of the movement for every report (the contract checks that the seed knows it)
        {{ code_label_columns('movement_types', 'with_before.movement', 'movement') }},
        with_before.reason,
        -- a reason only labels the line: one the seed lacks keeps its raw code as its label
        {{ code_label_columns('reasons', 'with_before.reason', 'reason') }},
        -- the movement sets the status (seed movement_types.status_after): the page's flows
        movement_types.status_after is not null as sets_status,
        with_before.order_date,
        with_before.effective_date,
        date_trunc('month', with_before.effective_date)::date as effective_month,
        with_before.replay_seq,
        with_before.status_before,
        {{ code_label_columns('statuses_before', 'with_before.status_before', 'status_before') }},
        statuses_before.sort_order as status_before_sort_order,
        with_before.status as status_after,
        {{ code_label_columns('statuses_after', 'with_before.status', 'status_after') }},
        statuses_after.sort_order as status_after_sort_order,
        -- the status after the line, as seed contingent_statuses classifies it (rules B10)
        statuses_after.is_enrolled as is_enrolled_after,
        statuses_after.counts_in_headcount as counts_in_headcount_after,
        with_before.program_code_before,
        with_before.program_code as program_code_after,
        programs_before.faculty_code as faculty_code_before,
        programs_after.faculty_code as faculty_code_after,
        programs_after.level as level_after,
        with_before.funding_before,
        with_before.funding as funding_after,
        with_before.course_before,
        with_before.course as course_after,
        with_before.study_form_before,
        with_before.study_form as study_form_after,
        with_before.study_language_before,
        with_before.study_language as study_language_after,
        with_before.is_headcount_inflow,
        with_before.is_headcount_outflow,
        -- the effect on the headcount (rules B10: active + mobility_out), from the statuses;
        -- lines before the student's first entry change nothing
        case
            when with_before.is_after_entry
                then
                    coalesce(statuses_after.counts_in_headcount::integer, 0)
                    - coalesce(statuses_before.counts_in_headcount::integer, 0)
            else 0
        end as headcount_change,
        not with_before.is_after_entry as is_before_entry,
        with_before.source_row
    from with_before
    left join programs as programs_before on with_before.program_code_before = programs_before.program_code
    left join programs as programs_after on with_before.program_code = programs_after.program_code
    left join statuses as statuses_before on with_before.status_before = statuses_before.status
    left join statuses as statuses_after on with_before.status = statuses_after.status
    left join movement_types on with_before.movement = movement_types.movement
    left join reasons
        on
            with_before.movement = reasons.movement
            and with_before.reason = reasons.reason
)

select * from final
