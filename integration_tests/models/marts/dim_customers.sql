with customers as (
    select * from {{ ref('stg_customers') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

totals as (
    select * from {{ ref('int_order_totals') }}
),

customer_orders as (
    select
        orders.customer_id,
        min(orders.order_date) as first_order_date,
        max(orders.order_date) as most_recent_order_date,
        count(*) as order_count,
        sum(
            case
                when orders.status in ('completed', 'shipped')
                    then totals.subtotal_amount - orders.discount_amount
                else 0
            end
        ) as lifetime_value
    from orders
    inner join totals
        on orders.order_id = totals.order_id
    where orders.status <> 'cancelled'
    group by orders.customer_id
)

select
    customers.customer_id,
    customers.legacy_customer_ref,
    customers.first_name,
    customers.last_name,
    customers.email,
    customers.country_code,
    customers.signed_up_at,
    cast(customers.signed_up_at as date) as signed_up_on,
    customers.marketing_opt_in,
    customer_orders.first_order_date,
    customer_orders.most_recent_order_date,
    coalesce(customer_orders.order_count, 0) as order_count,
    cast(coalesce(customer_orders.lifetime_value, 0) as numeric(12, 2)) as lifetime_value
from customers
left join customer_orders
    on customers.customer_id = customer_orders.customer_id
