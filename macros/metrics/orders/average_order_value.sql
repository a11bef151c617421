{#-
    AOV = sum(order amount) / count(distinct order id).
    Grain: one row per order (or per order line: the amount is summed, orders counted once).
    Non-additive ratio.
-#}
{% macro average_order_value(amount_column='order_amount', order_id_column='order_id') %}
    {%- do dbt_omni._metric_arguments('average_order_value', kwargs, {'amount_column': amount_column, 'order_id_column': order_id_column}) -%}
    {{ return(adapter.dispatch('average_order_value', 'dbt_omni')(amount_column, order_id_column)) }}
{% endmacro %}

{% macro default__average_order_value(amount_column, order_id_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.metric_aggregate('sum', amount_column),
        dbt_omni.metric_aggregate('count_distinct', order_id_column)
    )) }}
{% endmacro %}
