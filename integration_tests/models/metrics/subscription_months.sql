-- One row per subscription per month in which it is active at the end of the month
-- (started before the first day of the next month, not ended before it).
with months as (
    select
        month_start,
        cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) as next_month_start
    from {{ ref('metric_months') }}
),

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
)

select
    subscriptions.subscription_id,
    months.month_start,
    subscriptions.customer_id,
    subscriptions.subscription_type,
    subscriptions.plan_name,
    subscriptions.subscription_amount,
    {{ dbt_omni.monthly_amount('subscriptions.subscription_type', 'subscriptions.subscription_amount') }} as monthly_amount
from subscriptions
inner join months
    on subscriptions.started_at < months.next_month_start
    and (subscriptions.ended_at is null or subscriptions.ended_at >= months.next_month_start)
