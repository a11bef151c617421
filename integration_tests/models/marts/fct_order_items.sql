with items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select order_id, customer_id, order_date, status from {{ ref('stg_orders') }}
)

select
    items.order_id,
    items.line_number,
    items.product_id,
    orders.customer_id,
    orders.order_date,
    orders.status as order_status,
    items.quantity,
    items.unit_price,
    items.line_amount
from items
inner join orders
    on items.order_id = orders.order_id
