select
    product_id,
    sku,
    product_name,
    category,
    unit_price,
    is_subscription_eligible,
    launched_on
from {{ ref('products') }}
