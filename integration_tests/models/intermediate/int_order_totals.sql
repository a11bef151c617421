-- Per-order roll-up of the order lines; a building block for fct_orders only.
select
    order_id,
    count(*) as line_count,
    sum(quantity) as item_count,
    sum(line_amount) as subtotal_amount
from {{ ref('stg_order_items') }}
group by order_id
