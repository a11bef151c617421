{#- Columns of every exported relation, read from the warehouse, in catalog.json's shape. -#}
{% macro _omni_warehouse_columns(omni, options) %}
  {%- set selected = omni.selected_relations(graph, project_name, adapter.type(), dbt_version, options) -%}
  {%- if not selected.ok -%}{{ exceptions.raise_compiler_error(selected.message) }}{%- endif -%}
  {%- set nodes = {} -%}
  {%- for item in selected.data -%}
    {%- set relation = adapter.get_relation(database=item.database, schema=item.schema, identifier=item.identifier) -%}
    {%- if relation is none -%}
      {{ exceptions.raise_compiler_error("dbt-omni: model " ~ item.unique_id ~ " has no relation "
          ~ item.schema ~ "." ~ item.identifier ~ " in the warehouse (expected: dbt run before from_warehouse=true)") }}
    {%- endif -%}
    {%- set columns = {} -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
      {%- do columns.update({column.name: {'name': column.name, 'type': column.data_type, 'index': loop.index}}) -%}
    {%- endfor -%}
    {%- do nodes.update({item.unique_id: {'columns': columns}}) -%}
  {%- endfor -%}
  {{ return(nodes) }}
{% endmacro %}
