-- One row per faculty and month end within the academic calendar of the extract (before it
-- the contingent holds only the students still present later, so it ramps up): the headcount
-- and its change from the month before, as a share of the month before.
with calendar_start as (
    select min(starts_on) as first_day from staging.stg_ais__calendar
),

monthly as (
    select
        faculty_code,
        snapshot_date,
        sum(headcount) as headcount
    from main.fct_contingent_monthly
    where is_month_end and snapshot_date >= (select first_day from calendar_start)
    group by faculty_code, snapshot_date
),

changes as (
    select
        faculty_code,
        snapshot_date,
        headcount,
        lag(headcount) over (partition by faculty_code order by snapshot_date) as previous_headcount
    from monthly
)

select
    faculty_code,
    snapshot_date,
    headcount,
    previous_headcount,
    abs(headcount - previous_headcount) / previous_headcount as jump_share
from changes
where previous_headcount >= {{ var('headcount_jump_min_base') }}
order by faculty_code, snapshot_date
