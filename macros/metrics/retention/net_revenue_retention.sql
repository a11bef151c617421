{#-
    net_revenue_retention = (starting MRR + expansion - contraction - churned) / starting MRR
      = sum(case when previous_mrr > 0 then mrr else 0 end)
        / sum(case when previous_mrr > 0 then previous_mrr else 0 end)
    New and reactivated MRR are excluded. Grain: one row per customer per period (mrr,
    previous_mrr not null). Non-additive ratio.
-#}
{% macro net_revenue_retention(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('net_revenue_retention', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('net_revenue_retention', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__net_revenue_retention(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('retained', mrr_column, previous_mrr_column)),
        dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('starting', mrr_column, previous_mrr_column))
    )) }}
{% endmacro %}
