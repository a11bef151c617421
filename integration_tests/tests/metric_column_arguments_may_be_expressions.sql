-- A metric's column argument may be an SQL expression (`price - discount`), as a meta.omni
-- `${price} - ${discount}` is: the macros bracket it, or `a - b / 3.0` would divide b alone.
-- Half of each amount must give half the metric. Rows returned are failures.
with metrics as (
    select
        {{ dbt_omni.monthly_recurring_revenue(amount_column='subscription_amount - subscription_amount / 2') }} as mrr_of_half,
        {{ dbt_omni.monthly_recurring_revenue() }} / 2 as half_of_mrr,
        {{ dbt_omni.annual_recurring_revenue(amount_column='subscription_amount - subscription_amount / 2') }} as arr_of_half,
        {{ dbt_omni.annual_recurring_revenue() }} / 2 as half_of_arr
    from {{ ref('subscription_months') }}
)

select *
from metrics
where abs(mrr_of_half - half_of_mrr) > 0.005 or abs(arr_of_half - half_of_arr) > 0.005
