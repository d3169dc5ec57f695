-- Students whose replayed orders do not reach today's record in the students extract
-- (rules B10): one row per student and mismatching attribute. A registrar corrects the
-- orders or the student's record in the AIS.
with students as (
    select * from {{ ref('dim_students') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

order_states as (
    select * from {{ ref('fct_contingent_movements') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

current_periods as (
    select * from status_history
    where is_current
),

last_orders as (
    select
        student_id,
        order_no as last_order_no,
        effective_date as last_effective_date
    from order_states
    qualify row_number() over (partition by student_id order by replay_seq desc) = 1
),

compared as (
    -- expected = today's students extract, actual = the replay of the orders. A student
    -- with no entry order (admission, transfer in, readmission) has no replayed state: only
    -- that is listed. The status is compared only when the extract has one.
    select
        students.student_id,
        students.full_name,
        students.program_code as student_program_code,
        students.source_row,
        attributes.attribute,
        attributes.expected_value,
        attributes.actual_value
    from students
    left join current_periods on students.student_id = current_periods.student_id
    cross join
        lateral (
            values
            (
                'entry_order', 'present',
                case when current_periods.student_id is null then 'missing' else 'present' end
            ),
            ('status', students.status, current_periods.status),
            ('program_code', students.program_code, current_periods.program_code),
            ('funding', students.funding, current_periods.funding)
        ) as attributes (attribute, expected_value, actual_value)
    where
        attributes.expected_value is distinct from attributes.actual_value
        and (
            attributes.attribute = 'entry_order'
            or (
                current_periods.student_id is not null
                and not (attributes.attribute = 'status' and students.status is null)
            )
        )
),

final as (
    select
        compared.student_id,
        compared.full_name,
        programs.faculty_code,
        compared.student_program_code as program_code,
        compared.attribute,
        compared.expected_value,
        compared.actual_value,
        -- a status or funding is labelled from its seed; another attribute's value is its own label
        {{ code_label_columns(['expected_statuses', 'expected_fundings'], 'compared.expected_value', 'expected') }},
        {{ code_label_columns(['actual_statuses', 'actual_fundings'], 'compared.actual_value', 'actual') }},
        last_orders.last_order_no,
        last_orders.last_effective_date,
        compared.source_row
    from compared
    left join programs on compared.student_program_code = programs.program_code
    left join last_orders on compared.student_id = last_orders.student_id
    left join statuses as expected_statuses
        on compared.attribute = 'status' and compared.expected_value = expected_statuses.status
    left join statuses as actual_statuses
        on compared.attribute = 'status' and compared.actual_value = actual_statuses.status
    left join fundings as expected_fundings
        on compared.attribute = 'funding' and compared.expected_value = expected_fundings.funding
    left join fundings as actual_fundings
        on compared.attribute = 'funding' and compared.actual_value = actual_fundings.funding
)

select * from final
