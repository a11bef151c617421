{#-
    net_new_mrr = sum(mrr - previous_mrr) = new + expansion - contraction - churned MRR.
    Grain: one row per customer per period with the period's MRR and the previous period's MRR
    (both not null, 0 when none). Additive, over time too (a flow).
-#}
{% macro net_new_mrr(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {{ return(adapter.dispatch('net_new_mrr', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__net_new_mrr(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('sum', mrr_column ~ ' - ' ~ previous_mrr_column)) }}
{% endmacro %}
