{#- Export the dbt project to an Omni model: `dbt run-operation omni_export --args '{select: [tag:finance]}'`.
    The mapping itself is Python (the dbt_omni package); this macro only hands dbt's graph over. -#}
{% macro omni_export(select=none, exclude=none, output_dir=none, from_warehouse=false, force=false) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set omni = dbt_omni._omni_python() -%}
  {%- do dbt_omni._omni_check_arguments(omni, '--args of omni_export', kwargs, ['select', 'exclude', 'output_dir', 'from_warehouse', 'force']) -%}
  {%- set options = {'select': select, 'exclude': exclude, 'output_dir': output_dir, 'force': force} -%}
  {%- set warehouse_columns = dbt_omni._omni_warehouse_columns(omni, options) if from_warehouse else none -%}
  {%- set result = omni.export_graph(graph, project_name, adapter.type(), dbt_version, options, warehouse_columns) -%}
  {%- for warning in result.warnings -%}{{ log(warning, info=true) }}{%- endfor -%}
  {%- if not result.ok -%}{{ exceptions.raise_compiler_error(result.message) }}{%- endif -%}
  {{ log(result.message, info=true) }}
{% endmacro %}
