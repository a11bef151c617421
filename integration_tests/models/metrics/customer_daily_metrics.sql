-- One row per customer per day of a short window (vars customer_daily_start_date /
-- customer_daily_end_date, inclusive, at most 99 days), from the customer's first subscription
-- day on (days after churn are rows with mrr = 0): the customer's recurring revenue on that day
-- and its movement since the previous day, every figure from a dbt_omni metric macro.
-- A subscription counts on a day when it is active at the end of it:
-- started_at <= day and (ended_at is null or ended_at > day), so the last day of a month gives
-- the month-end MRR of subscription_months / customer_months.
{%- set start_date = var('customer_daily_start_date', '2024-03-31') -%}
{%- set end_date = var('customer_daily_end_date', '2024-04-01') -%}
{%- set window_days = (modules.datetime.date.fromisoformat(end_date)
    - modules.datetime.date.fromisoformat(start_date)).days + 1 -%}
{%- set day_before = (modules.datetime.date.fromisoformat(start_date)
    - modules.datetime.timedelta(days=1)).isoformat() -%}
{%- if window_days < 1 or window_days > 99 -%}
    {{ exceptions.raise_compiler_error(
        "customer_daily_metrics: the window " ~ start_date ~ " .. " ~ end_date ~ " must be 1 to 99 days") }}
{%- endif %}

-- The days of the window plus the day before it (for previous_day_mrr).
with days as (
    select period_start as metric_date
    from ({{ date_spine('day', day_before, end_date) }}) as spine
),

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
),

customers as (
    select
        customer_id,
        min(started_at) as first_started_at
    from subscriptions
    group by customer_id
),

customer_days as (
    select
        customers.customer_id,
        days.metric_date
    from customers
    inner join days
        on days.metric_date >= customers.first_started_at
),

-- Subscription-level metrics aggregated to the customer-day (no active subscription: nulls,
-- the sums are 0 and the counts 0).
customer_day_revenue as (
    select
        customer_days.customer_id,
        customer_days.metric_date,
        {{ dbt_omni.metric_aggregate('count', 'subscriptions.subscription_id') }} as active_subscriptions,
        {{ dbt_omni.monthly_recurring_revenue(
            type_column='subscriptions.subscription_type',
            amount_column='subscriptions.subscription_amount') }} as mrr,
        {{ dbt_omni.annual_recurring_revenue(
            type_column='subscriptions.subscription_type',
            amount_column='subscriptions.subscription_amount') }} as arr,
        {{ dbt_omni.active_customers(
            customer_id_column='customer_days.customer_id',
            mrr_column=dbt_omni.monthly_amount('subscriptions.subscription_type', 'subscriptions.subscription_amount')) }} as active_customers
    from customer_days
    left join subscriptions
        on subscriptions.customer_id = customer_days.customer_id
        and subscriptions.started_at <= customer_days.metric_date
        and (subscriptions.ended_at is null or subscriptions.ended_at > customer_days.metric_date)
    group by customer_days.customer_id, customer_days.metric_date
),

with_previous as (
    select
        customer_id,
        metric_date,
        active_subscriptions,
        coalesce(mrr, 0) as mrr,
        coalesce(arr, 0) as arr,
        active_customers,
        -- days are consecutive per customer; no row the day before = no subscription yet = 0
        coalesce(lag(mrr) over (partition by customer_id order by metric_date), 0) as previous_day_mrr
    from customer_day_revenue
)

select
    cast(customer_id as {{ dbt.type_string() }}) || '-' || cast(metric_date as {{ dbt.type_string() }}) as customer_day_id,
    customer_id,
    metric_date,
    active_subscriptions,
    mrr,
    arr,
    active_customers = 1 as is_active,
    previous_day_mrr,
    {{ dbt_omni.mrr_movement_type('mrr', 'previous_day_mrr') }} as mrr_movement,
    {{ dbt_omni.mrr_movement_amount('new', 'mrr', 'previous_day_mrr') }} as new_mrr,
    {{ dbt_omni.mrr_movement_amount('expansion', 'mrr', 'previous_day_mrr') }} as expansion_mrr,
    {{ dbt_omni.mrr_movement_amount('contraction', 'mrr', 'previous_day_mrr') }} as contraction_mrr,
    {{ dbt_omni.mrr_movement_amount('churned', 'mrr', 'previous_day_mrr') }} as churned_mrr
from with_previous
where metric_date >= cast('{{ start_date }}' as date)
