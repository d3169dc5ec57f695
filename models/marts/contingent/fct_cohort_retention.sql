-- Where each intake is after 1, 2, … years: per intake year and programme, the share of
-- the cohort still enrolled, graduated and expelled (by reason), counted on the census
-- date of each later year (rules B10, B12). A graduate has completed, not dropped out:
-- is_graduated and is_dropout come from the seed's flags, never from outcome codes.
with order_states as (
    select * from {{ ref('int_orders_replayed') }}
),

status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

snapshot_dates as (
    select * from {{ ref('int_snapshot_dates_listed') }}
),

programs as (
    select * from {{ ref('dim_programs') }}
),

statuses as (
    select * from {{ ref('contingent_statuses') }}
),

entries as (
    -- a student joins the cohort of their first entry (admission, transfer in, readmission):
    -- its intake year starts on var intake_year_start_month_day, with the programme entered
    select
        student_id,
        effective_date as entered_on,
        movement as entry_movement,
        program_code,
        {{ contingent_intake_year('effective_date') }} as intake_year
    from order_states
    where is_after_entry
    qualify row_number() over (partition by student_id order by replay_seq) = 1
),

cohorts as (
    select
        intake_year,
        program_code,
        count(*) as cohort_size
    from entries
    group by intake_year, program_code
),

observations as (
    -- after k years = on the census date of intake year + k, while the data reach it
    select
        entries.student_id,
        entries.intake_year,
        entries.program_code,
        year(snapshot_dates.snapshot_date) - entries.intake_year as years_after,
        snapshot_dates.snapshot_date as observed_on
    from entries
    inner join snapshot_dates
        on
            snapshot_dates.is_census_date
            and year(snapshot_dates.snapshot_date) > entries.intake_year
),

outcomes as (
    select
        observations.*,
        status_history.status,
        statuses.retention_outcome,
        case when not statuses.is_enrolled then status_history.reason end as exit_reason
    from observations
    inner join status_history
        on
            observations.student_id = status_history.student_id
            and {{ contingent_period_in_force('observations.observed_on', 'status_history') }}
    left join statuses on status_history.status = statuses.status
),

outcome_flags as (
    -- an outcome is an enrolled one when a status with that outcome is enrolled, a graduation when a
    -- status with it completes the programme (seed contingent_statuses.is_completion); any other outcome
    -- is leaving without graduating (a dropout)
    select
        retention_outcome,
        bool_or(is_enrolled) as is_enrolled,
        not bool_or(is_enrolled) and coalesce(bool_or(is_completion), false) as is_graduated
    from statuses
    group by retention_outcome
),

counted as (
    select
        intake_year,
        program_code,
        years_after,
        observed_on,
        retention_outcome,
        exit_reason,
        count(*) as n_students
    from outcomes
    group by all
),

final as (
    select
        counted.intake_year,
        counted.program_code,
        programs.faculty_code,
        programs.level,
        counted.years_after,
        counted.observed_on,
        counted.retention_outcome,
        outcome_flags.is_enrolled,
        outcome_flags.is_graduated,
        not outcome_flags.is_enrolled and not outcome_flags.is_graduated as is_dropout,
        counted.exit_reason,
        cohorts.cohort_size,
        counted.n_students,
        round(counted.n_students::decimal(18, 4) / cohorts.cohort_size, 4) as share_of_cohort
    from counted
    inner join cohorts
        on
            counted.intake_year = cohorts.intake_year
            and counted.program_code = cohorts.program_code
    left join programs on counted.program_code = programs.program_code
    left join outcome_flags on counted.retention_outcome = outcome_flags.retention_outcome
)

select * from final
