{#-
    Row-level: the monthly (MRR) value of one subscription row.
    monthly plans count their amount, quarterly plans amount / 3, annual plans amount / 12, any
    other plan type (one-off, lifetime) 0. 3.0 and 12.0 (not 3, 12) keep integer amounts from integer
    division on Postgres; the amount is bracketed, being any expression (`price - discount`). A plan
    type's value is quoted as the warehouse's string literals need (sql_string).
-#}
{% macro monthly_amount(type_column='subscription_type', amount_column='subscription_amount', monthly_value='monthly', annual_value='annual', quarterly_value='quarterly') %}
    {{ return(adapter.dispatch('monthly_amount', 'dbt_omni')(type_column, amount_column, monthly_value, annual_value, quarterly_value)) }}
{% endmacro %}

{% macro default__monthly_amount(type_column, amount_column, monthly_value, annual_value, quarterly_value) %}
    {{ return(
        "case when " ~ type_column ~ " = " ~ dbt_omni.sql_string(monthly_value) ~ " then " ~ amount_column
        ~ " when " ~ type_column ~ " = " ~ dbt_omni.sql_string(quarterly_value) ~ " then (" ~ amount_column ~ ") / 3.0"
        ~ " when " ~ type_column ~ " = " ~ dbt_omni.sql_string(annual_value) ~ " then (" ~ amount_column ~ ") / 12.0"
        ~ " else 0 end"
    ) }}
{% endmacro %}
