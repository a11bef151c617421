{#- Columns of every exported relation, read from the warehouse (in Python, which names a failure), in
    catalog.json's shape; none when the failure is tolerated (on-run-end with on_error: warn: logged). -#}
{% macro _omni_warehouse_columns(omni, options, automatic) %}
  {%- set read = omni.warehouse_columns(adapter, graph, project_name, adapter.type(), dbt_version, options, automatic) -%}
  {%- if not read.ok -%}{{ exceptions.raise_compiler_error(read.message) }}{%- endif -%}
  {%- if read.data is none -%}{{ omni.say(read.message, read.level) }}{%- endif -%}
  {{ return(read.data) }}
{% endmacro %}
