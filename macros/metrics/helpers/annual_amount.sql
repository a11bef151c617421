{#-
    Row-level: the annual (ARR) value of one subscription row.
    monthly plans count amount * 12, quarterly plans amount * 4, annual plans their amount, any other
    plan type 0: no division, so ARR is exact on NUMERIC columns (12 x monthly_amount gives
    999.9999999999999996 for a 1000.00 annual plan on Postgres). The amount is bracketed, being any
    expression. A plan type's value is quoted as the warehouse's string literals need (sql_string).
-#}
{% macro annual_amount(type_column='subscription_type', amount_column='subscription_amount', monthly_value='monthly', annual_value='annual', quarterly_value='quarterly') %}
    {{ return(adapter.dispatch('annual_amount', 'dbt_omni')(type_column, amount_column, monthly_value, annual_value, quarterly_value)) }}
{% endmacro %}

{% macro default__annual_amount(type_column, amount_column, monthly_value, annual_value, quarterly_value) %}
    {{ return(
        "case when " ~ type_column ~ " = " ~ dbt_omni.sql_string(monthly_value) ~ " then (" ~ amount_column ~ ") * 12"
        ~ " when " ~ type_column ~ " = " ~ dbt_omni.sql_string(quarterly_value) ~ " then (" ~ amount_column ~ ") * 4"
        ~ " when " ~ type_column ~ " = " ~ dbt_omni.sql_string(annual_value) ~ " then " ~ amount_column
        ~ " else 0 end"
    ) }}
{% endmacro %}
