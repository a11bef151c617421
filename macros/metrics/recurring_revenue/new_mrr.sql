{#-
    new_mrr = sum(dbt_omni.mrr_movement_amount('new', mrr_column, previous_mrr_column)).
    MRR from customers with no MRR in the previous period (new customers and reactivations).
    Grain: one row per customer per period with the period's MRR and the previous period's MRR
    (both not null, 0 when none). Additive, over time too (a flow).
-#}
{% macro new_mrr(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('new_mrr', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('new_mrr', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__new_mrr(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('new', mrr_column, previous_mrr_column))) }}
{% endmacro %}
