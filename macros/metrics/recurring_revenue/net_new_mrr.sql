{#-
    net_new_mrr = sum(mrr - previous_mrr) = new + expansion - contraction - churned MRR.
    Grain: one row per customer per period with the period's MRR and the previous period's MRR
    (0 when none; null, as lag() gives in a customer's first period, counts as 0, as in the movement
    macros). Additive, over time too (a flow).
-#}
{% macro net_new_mrr(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('net_new_mrr', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('net_new_mrr', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__net_new_mrr(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('sum', 'coalesce(' ~ mrr_column ~ ', 0) - coalesce(' ~ previous_mrr_column ~ ', 0)')) }}
{% endmacro %}
