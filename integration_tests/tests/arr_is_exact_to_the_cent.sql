-- ARR takes no division (dbt_omni.annual_amount): 12 x (1000.00 / 12.0) is 999.9999999999999996 on
-- Postgres' NUMERIC, so `arr = 1000` would be false there and true on DuckDB. Rows returned are failures.
select month_start, arr
from {{ ref('monthly_mrr') }}
where arr <> round(arr, 2)
