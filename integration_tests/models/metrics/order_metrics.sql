-- One row per order month: AOV, median order value, and each plain aggregate primitive.
with orders as (
    select
        order_id,
        cast({{ dbt.date_trunc('month', 'ordered_at') }} as date) as order_month,
        order_amount
    from {{ ref('metric_orders') }}
)

select
    order_month,
    {{ dbt_omni.metric_aggregate('count', 'order_id') }} as order_count,
    {{ dbt_omni.metric_aggregate('count_distinct', 'order_id') }} as orders,
    {{ dbt_omni.metric_aggregate('sum', 'order_amount') }} as revenue,
    {{ dbt_omni.average_order_value(amount_column='order_amount', order_id_column='order_id') }} as average_order_value,
    {{ dbt_omni.metric_aggregate('average', 'order_amount') }} as average_order_amount,
    {{ dbt_omni.median_order_value(amount_column='order_amount') }} as median_order_value,
    {{ dbt_omni.metric_aggregate('min', 'order_amount') }} as min_order_value,
    {{ dbt_omni.metric_aggregate('max', 'order_amount') }} as max_order_value
from orders
group by order_month
