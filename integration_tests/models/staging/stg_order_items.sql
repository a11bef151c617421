select
    order_id,
    line_number,
    product_id,
    quantity,
    unit_price,
    cast(quantity * unit_price as numeric(12, 2)) as line_amount
from {{ ref('order_items') }}
