-- The dates the contingent is counted on: every month end from the month of the first
-- entry to the end of the data, and the census date of each year (rules B12, A4).
with order_states as (
    select * from {{ ref('int_orders_replayed') }}
),

calendar as (
    select * from {{ ref('stg_ais__calendar') }}
),

bounds as (
    -- the data ends at the latest effective date or the latest end of a calendar term
    select
        min(case when order_states.is_after_entry then order_states.effective_date end) as first_day,
        greatest(
            max(order_states.effective_date),
            (select max(calendar.ends_on) from calendar)
        ) as last_day
    from order_states
),

month_ends as (
    select last_day(months.month_start::date) as snapshot_date
    from bounds
    cross join
        generate_series(
            date_trunc('month', bounds.first_day), date_trunc('month', bounds.last_day), interval 1 month
        ) as months (month_start)
),

census_dates as (
    -- the census month-day (var census_month_day) of every year in range
    select
        cast(
            (years.census_year)::varchar || '-' || '{{ var("census_month_day") }}' as date
        ) as snapshot_date
    from bounds
    cross join generate_series(year(bounds.first_day), year(bounds.last_day)) as years (census_year)
),

flagged as (
    select
        snapshot_date,
        true as is_month_end,
        false as is_census_date
    from month_ends
    union all
    select
        census_dates.snapshot_date,
        false as is_month_end,
        true as is_census_date
    from census_dates
    cross join bounds
    where census_dates.snapshot_date between bounds.first_day and last_day(bounds.last_day)
),

final as (
    select
        snapshot_date,
        bool_or(is_month_end) as is_month_end,
        bool_or(is_census_date) as is_census_date
    from flagged
    group by snapshot_date
)

select * from final
