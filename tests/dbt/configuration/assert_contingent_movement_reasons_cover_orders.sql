-- The shape of every code check (as the generic test code_in_seed): one row per unknown code
-- with how many rows carry it; the movement and the first order say where to look.
with orders as (
    select * from {{ ref('stg_ais__orders') }}
),

reasons as (
    select * from {{ ref('movement_reasons') }}
)

select
    orders.reason as unknown_code,
    orders.movement,
    count(*) as n_rows,
    min(orders.order_no) as first_order_no
from orders
left join reasons
    on orders.movement = reasons.movement and orders.reason = reasons.reason
where orders.reason is not null and reasons.reason is null
group by orders.movement, orders.reason
