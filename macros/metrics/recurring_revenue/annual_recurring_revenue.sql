{#-
    ARR = sum(annual_amount(type_column, amount_column)) = 12 x MRR, without MRR's division (exact
    to the cent on NUMERIC columns). Grain and additivity as dbt_omni.monthly_recurring_revenue
    (type_column=none: amount_column already holds a monthly amount, so ARR = sum(amount * 12)).
-#}
{% macro annual_recurring_revenue(type_column='subscription_type', amount_column='subscription_amount', monthly_value='monthly', annual_value='annual', quarterly_value='quarterly') %}
    {%- do dbt_omni._metric_arguments('annual_recurring_revenue', kwargs, {'type_column': type_column, 'amount_column': amount_column, 'monthly_value': monthly_value, 'annual_value': annual_value, 'quarterly_value': quarterly_value}) -%}
    {{ return(adapter.dispatch('annual_recurring_revenue', 'dbt_omni')(type_column, amount_column, monthly_value, annual_value, quarterly_value)) }}
{% endmacro %}

{% macro default__annual_recurring_revenue(type_column, amount_column, monthly_value, annual_value, quarterly_value) %}
    {%- if type_column is none -%}
        {%- set annual = '(' ~ amount_column ~ ') * 12' -%}
    {%- else -%}
        {%- set annual = dbt_omni.annual_amount(type_column, amount_column, monthly_value, annual_value, quarterly_value) -%}
    {%- endif -%}
    {{ return(dbt_omni.metric_aggregate('sum', annual)) }}
{% endmacro %}
