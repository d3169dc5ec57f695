-- One row per student per period in which nothing changed, from the replay of the orders
-- (rules B10). The status on a date d is the row with valid_from <= d < valid_to.
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

day_end as (
    -- several orders effective on one day make one state: the state after the last of them;
    -- lines before the first entry (admission, transfer in, readmission) open no period
    select *
    from order_states
    where is_after_entry
    qualify row_number() over (partition by student_id, effective_date order by replay_seq desc) = 1
),

previous_day as (
    select
        *,
        lag(effective_date) over by_day as previous_effective_date,
        lag(status) over by_day as previous_status,
        lag(program_code) over by_day as previous_program_code,
        lag(funding) over by_day as previous_funding,
        lag(course) over by_day as previous_course,
        lag(study_form) over by_day as previous_study_form,
        lag(study_language) over by_day as previous_study_language,
        lag(group_code) over by_day as previous_group_code
    from day_end
    window by_day as (partition by student_id order by effective_date)
),

changes as (
    -- a day whose state equals the previous day's continues the same period
    select
        *,
        (previous_effective_date is null)
        or (status is distinct from previous_status)
        or (program_code is distinct from previous_program_code)
        or (funding is distinct from previous_funding)
        or (course is distinct from previous_course)
        or (study_form is distinct from previous_study_form)
        or (study_language is distinct from previous_study_language)
        or (group_code is distinct from previous_group_code) as opens_period
    from previous_day
),

periods as (
    select
        student_id,
        effective_date as valid_from,
        lead(effective_date) over (partition by student_id order by effective_date) as valid_to,
        status,
        program_code,
        funding,
        course,
        study_form,
        study_language,
        group_code,
        order_no,
        movement,
        reason
    from changes
    where opens_period
),

final as (
    select
        periods.student_id,
        periods.valid_from,
        periods.valid_to,
        periods.valid_to is null as is_current,
        periods.status,
        {{ code_label_columns('statuses', 'periods.status', 'status') }},
        statuses.sort_order as status_sort_order,
        coalesce(statuses.counts_in_headcount, false) as counts_in_headcount,
        coalesce(statuses.is_enrolled, false) as is_enrolled,
        periods.program_code,
        programs.faculty_code,
        programs.level,
        periods.course,
        periods.funding,
        periods.study_form,
        periods.study_language,
        periods.group_code,
        periods.order_no,
        periods.movement,
        periods.reason
    from periods
    left join programs on periods.program_code = programs.program_code
    left join statuses on periods.status = statuses.status
)

select * from final
