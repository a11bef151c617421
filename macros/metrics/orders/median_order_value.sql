{#-
    median_order_value = median(order amount).
    Grain: one row per order. Non-additive (a median).
-#}
{% macro median_order_value(amount_column='order_amount') %}
    {%- do dbt_omni._metric_arguments('median_order_value', kwargs, {'amount_column': amount_column}) -%}
    {{ return(adapter.dispatch('median_order_value', 'dbt_omni')(amount_column)) }}
{% endmacro %}

{% macro default__median_order_value(amount_column) %}
    {{ return(dbt_omni.metric_aggregate('median', amount_column)) }}
{% endmacro %}
