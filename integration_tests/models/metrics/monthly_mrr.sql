-- One row per month: the SaaS headline metrics, every one from a dbt_omni metric macro.
with months as (
    select month_start from {{ ref('metric_months') }}
),

-- MRR and ARR from the subscription grain (plan type + amount).
recurring_revenue as (
    select
        month_start,
        {{ dbt_omni.monthly_recurring_revenue(type_column='subscription_type', amount_column='subscription_amount') }} as mrr,
        {{ dbt_omni.annual_recurring_revenue(type_column='subscription_type', amount_column='subscription_amount') }} as arr
    from {{ ref('subscription_months') }}
    group by month_start
),

-- Everything else from the customer-month grain (mrr, previous_mrr).
customer_metrics as (
    select
        month_start,
        {{ dbt_omni.active_customers(customer_id_column='customer_id', mrr_column='mrr') }} as active_customers,
        {{ dbt_omni.new_mrr() }} as new_mrr,
        {{ dbt_omni.expansion_mrr() }} as expansion_mrr,
        {{ dbt_omni.contraction_mrr() }} as contraction_mrr,
        {{ dbt_omni.churned_mrr() }} as churned_mrr,
        {{ dbt_omni.net_new_mrr() }} as net_new_mrr,
        {{ dbt_omni.customer_churn_rate() }} as customer_churn_rate,
        {{ dbt_omni.revenue_churn_rate() }} as revenue_churn_rate,
        {{ dbt_omni.net_revenue_retention() }} as net_revenue_retention,
        {{ dbt_omni.average_revenue_per_account() }} as average_revenue_per_account,
        {{ dbt_omni.customer_lifetime_value() }} as customer_lifetime_value
    from {{ ref('customer_months') }}
    group by month_start
)

select
    months.month_start,
    coalesce(recurring_revenue.mrr, 0) as mrr,
    coalesce(recurring_revenue.arr, 0) as arr,
    coalesce(customer_metrics.active_customers, 0) as active_customers,
    coalesce(customer_metrics.new_mrr, 0) as new_mrr,
    coalesce(customer_metrics.expansion_mrr, 0) as expansion_mrr,
    coalesce(customer_metrics.contraction_mrr, 0) as contraction_mrr,
    coalesce(customer_metrics.churned_mrr, 0) as churned_mrr,
    coalesce(customer_metrics.net_new_mrr, 0) as net_new_mrr,
    customer_metrics.customer_churn_rate,
    customer_metrics.revenue_churn_rate,
    customer_metrics.net_revenue_retention,
    customer_metrics.average_revenue_per_account,
    customer_metrics.customer_lifetime_value
from months
left join recurring_revenue
    on recurring_revenue.month_start = months.month_start
left join customer_metrics
    on customer_metrics.month_start = months.month_start
