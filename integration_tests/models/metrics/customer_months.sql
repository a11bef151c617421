-- One row per customer per month, from the customer's first subscription month to the end of
-- the period (so churned months are rows with mrr = 0): the input grain of the MRR movement,
-- churn, retention, ARPA and LTV metric macros.
with months as (
    select month_start from {{ ref('metric_months') }}
),

subscriptions as (
    select * from {{ ref('stg_subscriptions') }}
),

first_subscriptions as (
    select
        customer_id,
        subscription_type as acquisition_plan,
        started_at,
        row_number() over (partition by customer_id order by started_at, subscription_id) as subscription_rank
    from subscriptions
),

customers as (
    select
        customer_id,
        acquisition_plan,
        cast({{ dbt.date_trunc('month', 'started_at') }} as date) as first_month_start
    from first_subscriptions
    where subscription_rank = 1
),

customer_mrr as (
    select
        customer_id,
        month_start,
        sum(monthly_amount) as mrr
    from {{ ref('subscription_months') }}
    group by customer_id, month_start
),

customer_spine as (
    select
        customers.customer_id,
        customers.acquisition_plan,
        months.month_start,
        coalesce(customer_mrr.mrr, 0) as mrr
    from customers
    inner join months
        on months.month_start >= customers.first_month_start
    left join customer_mrr
        on customer_mrr.customer_id = customers.customer_id
        and customer_mrr.month_start = months.month_start
),

with_previous as (
    select
        *,
        coalesce(lag(mrr) over (partition by customer_id order by month_start), 0) as previous_mrr
    from customer_spine
)

select
    cast(customer_id as {{ dbt.type_string() }}) || '-' || cast(month_start as {{ dbt.type_string() }}) as customer_month_id,
    customer_id,
    month_start,
    acquisition_plan,
    mrr,
    previous_mrr,
    {{ dbt_omni.mrr_movement_type('mrr', 'previous_mrr') }} as mrr_movement,
    {{ dbt_omni.mrr_movement_amount('new') }} as new_mrr,
    {{ dbt_omni.mrr_movement_amount('expansion') }} as expansion_mrr,
    {{ dbt_omni.mrr_movement_amount('contraction') }} as contraction_mrr,
    {{ dbt_omni.mrr_movement_amount('churned') }} as churned_mrr
from with_previous
