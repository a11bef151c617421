{#-
    conversion_rate = converted entities / entities
      = count(distinct case when converted_at is not null then id end) / count(distinct id)
    e.g. trials -> paid. Grain: one row per entity (trial, lead, visit...) or finer (ids are
    counted once). Non-additive ratio.
-#}
{% macro conversion_rate(entity_id_column='trial_id', converted_at_column='converted_at') %}
    {%- do dbt_omni._metric_arguments('conversion_rate', kwargs, {'entity_id_column': entity_id_column, 'converted_at_column': converted_at_column}) -%}
    {{ return(adapter.dispatch('conversion_rate', 'dbt_omni')(entity_id_column, converted_at_column)) }}
{% endmacro %}

{% macro default__conversion_rate(entity_id_column, converted_at_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.metric_aggregate('count_distinct',
            "case when " ~ converted_at_column ~ " is not null then " ~ entity_id_column ~ " end"),
        dbt_omni.metric_aggregate('count_distinct', entity_id_column)
    )) }}
{% endmacro %}
