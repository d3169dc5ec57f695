-- Checks: every (movement, reason) pair named in the rector's orders is a line of seeds/movement_reasons.csv.
-- Matters: expulsions and leaves by reason (management dashboards, statistical reports) group by that seed; an unknown reason falls out of every breakdown.
-- Resolve: add the reason with its kk/ru/en labels to seeds/movement_reasons.csv, or correct the order in the AIS, then refresh.
with orders as (
    select * from {{ ref('stg_ais__orders') }}
),

reasons as (
    select * from {{ ref('movement_reasons') }}
)

select
    orders.movement,
    orders.reason,
    count(*) as n_orders,
    min(orders.order_no) as first_order_no
from orders
left join reasons
    on orders.movement = reasons.movement and orders.reason = reasons.reason
where orders.reason is not null and reasons.reason is null
group by orders.movement, orders.reason
