select
    order_id,
    customer_id,
    order_date,
    ordered_at,
    lower(status) as status,
    lower(channel) as channel,
    discount_amount,
    shipping_amount
from {{ ref('orders') }}
