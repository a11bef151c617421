{#-
    MRR = sum(monthly_amount(type_column, amount_column)).
    Grain: one row per subscription active in the period (e.g. subscription-month), or, with
    type_column=none, any grain whose amount_column already holds a monthly amount (e.g. the
    `mrr` column of a customer-month table). Semi-additive: sums across customers/plans, not
    across periods.
-#}
{% macro monthly_recurring_revenue(type_column='subscription_type', amount_column='subscription_amount', monthly_value='monthly', annual_value='annual', quarterly_value='quarterly') %}
    {%- do dbt_omni._metric_arguments('monthly_recurring_revenue', kwargs, {'type_column': type_column, 'amount_column': amount_column, 'monthly_value': monthly_value, 'annual_value': annual_value, 'quarterly_value': quarterly_value}) -%}
    {{ return(adapter.dispatch('monthly_recurring_revenue', 'dbt_omni')(type_column, amount_column, monthly_value, annual_value, quarterly_value)) }}
{% endmacro %}

{% macro default__monthly_recurring_revenue(type_column, amount_column, monthly_value, annual_value, quarterly_value) %}
    {%- if type_column is none -%}
        {%- set expression = amount_column -%}
    {%- else -%}
        {%- set expression = dbt_omni.monthly_amount(type_column, amount_column, monthly_value, annual_value, quarterly_value) -%}
    {%- endif -%}
    {{ return(dbt_omni.metric_aggregate('sum', expression)) }}
{% endmacro %}
