{#-
    The render mode of every metric macro, from var('dbt_omni_render_mode', 'dbt'):
      'dbt'  -> metric macros return plain SQL (what dbt models see);
      'omni' -> metric macros return a JSON string describing the metric's structure,
                read by the dbt-omni Python exporter to build Omni measures.
-#}
{% macro metric_render_mode() %}
    {%- set mode = var('dbt_omni_render_mode', 'dbt') | string | trim | lower -%}
    {%- if mode not in ['dbt', 'omni'] -%}
        {{ exceptions.raise_compiler_error(
            "dbt_omni: var 'dbt_omni_render_mode' must be 'dbt' or 'omni', got '" ~ mode ~ "'"
        ) }}
    {%- endif -%}
    {{ return(mode) }}
{% endmacro %}
