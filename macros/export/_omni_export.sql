{#- The export behind omni_export and omni_on_run_end. automatic (on-run-end): with `on_error: warn`
    in the settings, a failed export is logged and dbt goes on (the Python side decides). -#}
{% macro _omni_export(omni, select, exclude, output_dir, from_warehouse, force, automatic) %}
  {%- set options = {'select': select, 'exclude': exclude, 'output_dir': output_dir, 'force': force} -%}
  {%- set warehouse_columns = dbt_omni._omni_warehouse_columns(omni, options, automatic) if from_warehouse else none -%}
  {%- if from_warehouse and warehouse_columns is none -%}{{ return('') }}{%- endif -%}
  {%- set result = omni.export_graph(graph, project_name, adapter.type(), dbt_version, options, warehouse_columns, automatic) -%}
  {%- for warning in result.warnings -%}{{ omni.say(warning, 'warn') }}{%- endfor -%}
  {%- if not result.ok -%}{{ exceptions.raise_compiler_error(result.message) }}{%- endif -%}
  {{ omni.say(result.message, result.level) }}
{% endmacro %}
