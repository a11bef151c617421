{#- Export the dbt project to an Omni model: `dbt run-operation omni_export --args '{select: [tag:finance]}'`.
    The mapping itself is Python (the dbt_omni package); this macro only hands dbt's graph over. -#}
{% macro omni_export(select=none, exclude=none, output_dir=none, from_warehouse=false, force=false) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set omni = dbt_omni._omni_python() -%}
  {%- do dbt_omni._omni_check_arguments(omni, '--args of omni_export', kwargs,
        {'select': select, 'exclude': exclude, 'output_dir': output_dir, 'from_warehouse': from_warehouse, 'force': force}) -%}
  {%- do dbt_omni._omni_export(omni, select, exclude, output_dir, from_warehouse, force, false) -%}
{% endmacro %}
