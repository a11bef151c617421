with orders as (
    select * from {{ ref('stg_orders') }}
),

totals as (
    select * from {{ ref('int_order_totals') }}
)

select
    cast(orders.order_id as integer) as order_id,
    cast(orders.customer_id as integer) as customer_id,
    cast(orders.order_date as date) as order_date,
    cast(orders.ordered_at as timestamp) as ordered_at,
    cast(orders.status as varchar(20)) as status,
    cast(orders.channel as varchar(20)) as channel,
    cast(coalesce(totals.item_count, 0) as integer) as item_count,
    cast(coalesce(totals.subtotal_amount, 0) as numeric(12, 2)) as subtotal_amount,
    cast(orders.discount_amount as numeric(12, 2)) as discount_amount,
    cast(orders.shipping_amount as numeric(12, 2)) as shipping_amount,
    cast(coalesce(totals.subtotal_amount, 0) - orders.discount_amount as numeric(12, 2)) as order_amount,
    cast(
        case
            when coalesce(totals.subtotal_amount, 0) = 0 then 0
            else orders.discount_amount / totals.subtotal_amount
        end
        as numeric(12, 4)
    ) as discount_rate
from orders
left join totals
    on orders.order_id = totals.order_id
