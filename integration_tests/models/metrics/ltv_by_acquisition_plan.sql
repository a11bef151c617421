-- One row per acquisition plan (the type of a customer's first subscription), pooling every
-- customer-month of the period: ARPA, customer churn rate and LTV = ARPA / churn rate.
select
    acquisition_plan,
    {{ dbt_omni.active_customers() }} as active_customers,
    {{ dbt_omni.average_revenue_per_account(mrr_column='mrr') }} as average_revenue_per_account,
    {{ dbt_omni.customer_churn_rate(mrr_column='mrr', previous_mrr_column='previous_mrr') }} as customer_churn_rate,
    {{ dbt_omni.customer_lifetime_value(mrr_column='mrr', previous_mrr_column='previous_mrr') }} as customer_lifetime_value
from {{ ref('customer_months') }}
group by acquisition_plan
