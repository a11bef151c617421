-- The median of two DECIMAL(12, 2) amounts is their exact midpoint on every warehouse: DuckDB's own
-- median keeps the column's scale (10.01 and 10.02 gave 10.01), Postgres' percentile_cont 10.015.
-- Rows returned are failures.
with amounts as (
    select cast(amount as decimal(12, 2)) as order_amount
    from (values (10.01), (10.02)) as t (amount)
),

medians as (
    select {{ dbt_omni.median_order_value(amount_column='order_amount') }} as median_order_value
    from amounts
)

select median_order_value
from medians
where abs(median_order_value - 10.015) > 0.0001
