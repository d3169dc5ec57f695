-- The enrolled periods of fct_student_status_history with every breakdown of the headcount that
-- does not depend on the date (citizenship group beside the period's own), sorted by valid_from:
-- the headcount on any date, by any of them, is one scan of this table (rules B10).
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

final as (
    select
        status_history.student_id,
        status_history.valid_from,
        status_history.valid_to,
        -- the last day in force: `day between valid_from and valid_to_inclusive` (rules B10)
        {{ contingent_period_valid_to_inclusive('status_history') }} as valid_to_inclusive,
        status_history.status,
        status_history.counts_in_headcount,
        status_history.faculty_code,
        status_history.program_code,
        status_history.level,
        status_history.course,
        status_history.funding,
        status_history.study_form,
        status_history.study_language,
        students.gender,
        students.citizenship_group
    from status_history
    left join students on status_history.student_id = students.student_id
    -- only periods of enrolled statuses (seed contingent_statuses.is_enrolled) are ever counted
    where status_history.is_enrolled
)

select * from final
order by valid_from
