{#- Columns of every exported relation, read from the warehouse (in Python, which names a failure), in catalog.json's shape. -#}
{% macro _omni_warehouse_columns(omni, options) %}
  {%- set read = omni.warehouse_columns(adapter, graph, project_name, adapter.type(), dbt_version, options) -%}
  {%- if not read.ok -%}{{ exceptions.raise_compiler_error(read.message) }}{%- endif -%}
  {{ return(read.data) }}
{% endmacro %}
