select
    cast(subscription_id as integer) as subscription_id,
    cast(customer_id as integer) as customer_id,
    lower(trim(subscription_type)) as subscription_type,
    plan_name,
    cast(subscription_amount as numeric(12, 2)) as subscription_amount,
    cast(started_at as date) as started_at,
    cast(ended_at as date) as ended_at
from {{ ref('subscriptions') }}
