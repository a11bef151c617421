{#-
    churned_mrr = sum(dbt_omni.mrr_movement_amount('churned', mrr_column, previous_mrr_column)).
    Previous-period MRR (a positive amount) of customers whose MRR fell to 0.
    Grain: one row per customer per period with the period's MRR and the previous period's MRR
    (both not null, 0 when none). Additive, over time too (a flow).
-#}
{% macro churned_mrr(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('churned_mrr', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('churned_mrr', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__churned_mrr(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('churned', mrr_column, previous_mrr_column))) }}
{% endmacro %}
