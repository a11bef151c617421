{#-
    Row-level, same grain and inputs as dbt_omni.mrr_movement_amount: the kind of MRR movement of
    a customer in a period, as text: 'new', 'expansion', 'contraction', 'churned', 'retained'
    (unchanged, > 0) or 'inactive' (0 before and now).
-#}
{% macro mrr_movement_type(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {{ return(adapter.dispatch('mrr_movement_type', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__mrr_movement_type(mrr_column, previous_mrr_column) %}
    {#- coalesce: a customer's first period has no previous one (lag() gives null), which is 0 MRR -#}
    {%- set cur = "coalesce(" ~ mrr_column ~ ", 0)" -%}
    {%- set prev = "coalesce(" ~ previous_mrr_column ~ ", 0)" -%}
    {{ return(
        "case when " ~ prev ~ " = 0 and " ~ cur ~ " > 0 then 'new'"
        ~ " when " ~ prev ~ " > 0 and " ~ cur ~ " <= 0 then 'churned'"
        ~ " when " ~ prev ~ " > 0 and " ~ cur ~ " > " ~ prev ~ " then 'expansion'"
        ~ " when " ~ prev ~ " > 0 and " ~ cur ~ " < " ~ prev ~ " then 'contraction'"
        ~ " when " ~ prev ~ " > 0 then 'retained'"
        ~ " else 'inactive' end"
    ) }}
{% endmacro %}
