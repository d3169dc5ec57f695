-- The quarters of the state-grant list (rules B21): from the quarter of the first order to the quarter of
-- the last day the warehouse has data for (the later of the last order and the last term end), the span
-- the report state_grant_credits accepts. One list for every student (rules C8: a nightly build rebuilds
-- every student of the lists that read it when it moved, macros/incremental_students.sql).
with order_states as (
    select * from {{ ref('int_orders_replayed') }}
),

calendar as (
    select * from {{ ref('stg_ais__calendar') }}
),

data_span as (
    -- as registrar.reports.params.data_span: the first order to the later of the last order and term end
    select
        min(order_states.effective_date) as first_day,
        greatest(max(order_states.effective_date), (select max(calendar.ends_on) from calendar)) as last_day
    from order_states
),

quarter_starts as (
    select
        unnest(generate_series(
            date_trunc('quarter', first_day), date_trunc('quarter', last_day), interval 3 month
        ))::date as quarter_start
    from data_span
)

select
    strftime(quarter_start, '%Y') || 'Q' || quarter(quarter_start)::varchar as quarter,
    quarter_start,
    (quarter_start + interval 3 month - interval 1 day)::date as quarter_end
from quarter_starts
