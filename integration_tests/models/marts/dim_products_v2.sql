with products as (
    select * from {{ ref('stg_products') }}
),

sales as (
    select
        product_id,
        sum(quantity) as units_ordered,
        min(order_date) as first_ordered_on
    from {{ ref('fct_order_items') }}
    where order_status <> 'cancelled'
    group by product_id
)

select
    products.product_id,
    products.sku,
    products.product_name,
    products.category,
    products.unit_price,
    products.is_subscription_eligible,
    products.launched_on,
    cast(coalesce(sales.units_ordered, 0) as integer) as units_ordered,
    sales.first_ordered_on
from products
left join sales
    on products.product_id = sales.product_id
