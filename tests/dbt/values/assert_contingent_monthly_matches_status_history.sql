with status_history as (
    select * from {{ ref('fct_student_status_history') }}
),

monthly as (
    select * from {{ ref('fct_contingent_monthly') }}
),

snapshot_dates as (
    select * from {{ ref('int_snapshot_dates_listed') }}
),

from_history as (
    select
        snapshot_dates.snapshot_date,
        count(status_history.student_id) filter (where status_history.counts_in_headcount) as headcount,
        count(status_history.student_id) filter (where status_history.is_enrolled) as n_enrolled
    from snapshot_dates
    left join status_history
        on
            -- the one-query headcount: valid_from <= d and (valid_to > d or valid_to is null)
            snapshot_dates.snapshot_date >= status_history.valid_from
            and (snapshot_dates.snapshot_date < status_history.valid_to or status_history.valid_to is null)
    group by snapshot_dates.snapshot_date
),

from_monthly as (
    select
        snapshot_date,
        sum(headcount) as headcount,
        sum(n_enrolled) as n_enrolled
    from monthly
    group by snapshot_date
)

select
    from_history.snapshot_date,
    from_history.headcount as headcount_from_history,
    from_monthly.headcount as headcount_from_monthly,
    from_history.n_enrolled as enrolled_from_history,
    from_monthly.n_enrolled as enrolled_from_monthly
from from_history
left join from_monthly on from_history.snapshot_date = from_monthly.snapshot_date
where
    coalesce(from_monthly.headcount, 0) != from_history.headcount
    or coalesce(from_monthly.n_enrolled, 0) != from_history.n_enrolled
