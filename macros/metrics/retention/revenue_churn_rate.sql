{#-
    revenue_churn_rate (gross MRR churn) = (contraction MRR + churned MRR) / starting MRR
      = sum(mrr_movement_amount('lost')) / sum(mrr_movement_amount('starting'))
    Grain: one row per customer per period (mrr, previous_mrr not null). Non-additive ratio.
-#}
{% macro revenue_churn_rate(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('revenue_churn_rate', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('revenue_churn_rate', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__revenue_churn_rate(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('lost', mrr_column, previous_mrr_column)),
        dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('starting', mrr_column, previous_mrr_column))
    )) }}
{% endmacro %}
