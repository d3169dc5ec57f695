-- The contingent on every month end and census date, counted by the dimensions of the
-- statistical forms (rules B10, B12, A4): one row per snapshot date and combination of
-- dimensions that has at least one enrolled student.
with status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

snapshot_dates as (
    select * from {{ ref('int_snapshot_dates_listed') }}
),

students as (
    select * from {{ ref('stg_ais__students') }}
),

enrolled_periods as (
    -- only periods of enrolled statuses (active, mobility_out, academic_leave) are counted
    select
        *,
        coalesce(valid_to, date '9999-12-31') as valid_until
    from status_history
    where is_enrolled
),

on_snapshot as (
    -- the period each enrolled student is in on each snapshot date
    select
        snapshot_dates.snapshot_date,
        snapshot_dates.is_month_end,
        snapshot_dates.is_census_date,
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
        on
            snapshot_dates.snapshot_date >= enrolled_periods.valid_from
            and snapshot_dates.snapshot_date < enrolled_periods.valid_until
),

described as (
    select
        on_snapshot.*,
        students.gender,
        case
            when students.citizenship = '{{ var("domestic_citizenship") }}' then 'domestic' else 'foreign'
        end as citizenship_group,
        {{ contingent_age_band(contingent_age_on('students.birth_date', 'on_snapshot.snapshot_date')) }} as age_band
    from on_snapshot
    left join students on on_snapshot.student_id = students.student_id
),

final as (
    select
        snapshot_date,
        is_month_end,
        is_census_date,
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
        count(*) filter (where status = 'active') as n_active,
        count(*) filter (where status = 'mobility_out') as n_mobility_out,
        count(*) filter (where status = 'academic_leave') as n_academic_leave,
        count(*) as n_enrolled
    from described
    group by all
)

select * from final
