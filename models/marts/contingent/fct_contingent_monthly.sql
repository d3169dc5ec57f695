-- The contingent on every month end and census date, counted by the dimensions of the
-- statistical forms (rules B10, B12, A4): one row per snapshot date and combination of
-- dimensions that has at least one enrolled student. The counts by status (n_active, ...) are
-- generated from seed contingent_statuses at compile time (macro count_by_code).
{%- set enrolled_statuses = seed_column_values(
    'contingent_statuses', 'status', where='is_enrolled', order_by='sort_order'
) %}
-- depends_on: {{ ref('contingent_statuses') }}
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

snapshot_dates as (
    select * from {{ ref('int_snapshot_dates_listed') }}
),

students as (
    select * from {{ ref('dim_students') }}
),

levels as (
    select * from {{ ref('study_levels') }}
),

fundings as (
    select * from {{ ref('fundings') }}
),

study_forms as (
    select * from {{ ref('study_forms') }}
),

study_languages as (
    select * from {{ ref('study_languages') }}
),

enrolled_periods as (
    -- only periods of enrolled statuses (seed contingent_statuses.is_enrolled) are counted
    select * from status_history
    where is_enrolled
),

on_snapshot as (
    -- the period each enrolled student is in on each snapshot date
    select
        snapshot_dates.snapshot_date,
        enrolled_periods.student_id,
        enrolled_periods.status,
        enrolled_periods.counts_in_headcount,
        enrolled_periods.faculty_code,
        enrolled_periods.program_code,
        enrolled_periods.level,
        enrolled_periods.course,
        enrolled_periods.funding,
        enrolled_periods.study_form,
        enrolled_periods.study_language
    from snapshot_dates
    inner join enrolled_periods
        on {{ contingent_period_in_force('snapshot_dates.snapshot_date', 'enrolled_periods') }}
),

aged as (
    select
        on_snapshot.*,
        students.gender,
        students.citizenship_group,
        -- the age once per row, then its band (the band's conditions would each repeat it)
        {{ contingent_age_on('students.birth_date', 'on_snapshot.snapshot_date') }} as age
    from on_snapshot
    left join students on on_snapshot.student_id = students.student_id
),

described as (
    select
        * exclude (age),
        {{ contingent_age_band('age') }} as age_band
    from aged
),

counted as (
    -- grouped by the date alone: its flags are added after grouping
    select
        snapshot_date,
        faculty_code,
        program_code,
        level,
        course,
        funding,
        study_form,
        study_language,
        gender,
        citizenship_group,
        age_band,
        -- rules B10: headcount = active + mobility_out; academic leave is reported beside it
        count(*) filter (where counts_in_headcount) as headcount,
        -- one count per enrolled status: n_active, n_mobility_out, n_academic_leave
        {{- count_by_code('status', enrolled_statuses) }}
        count(*) as n_enrolled
    from described
    group by all
),

final as (
    -- the labels and seed order of the coded breakdowns, so that the page reads no seed
    select
        counted.snapshot_date,
        snapshot_dates.is_month_end,
        snapshot_dates.is_census_date,
        counted.* exclude (counted.snapshot_date),
        {{ code_label_columns('levels', 'counted.level', 'level') }},
        levels.sort_order as level_sort_order,
        {{ code_label_columns('fundings', 'counted.funding', 'funding') }},
        fundings.sort_order as funding_sort_order,
        {{ code_label_columns('study_forms', 'counted.study_form', 'study_form') }},
        study_forms.sort_order as study_form_sort_order,
        {{ code_label_columns('study_languages', 'counted.study_language', 'study_language') }},
        study_languages.sort_order as study_language_sort_order
    from counted
    inner join snapshot_dates on counted.snapshot_date = snapshot_dates.snapshot_date
    left join levels on counted.level = levels.level
    left join fundings on counted.funding = fundings.funding
    left join study_forms on counted.study_form = study_forms.study_form
    left join study_languages on counted.study_language = study_languages.study_language
)

select * from final
