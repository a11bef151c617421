{#-
    contraction_mrr = sum(dbt_omni.mrr_movement_amount('contraction', mrr_column, previous_mrr_column)).
    MRR decrease (a positive amount) of customers who still have MRR, but less than in the previous period.
    Grain: one row per customer per period with the period's MRR and the previous period's MRR
    (both not null, 0 when none). Additive, over time too (a flow).
-#}
{% macro contraction_mrr(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('contraction_mrr', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('contraction_mrr', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__contraction_mrr(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('sum', dbt_omni.mrr_movement_amount('contraction', mrr_column, previous_mrr_column))) }}
{% endmacro %}
