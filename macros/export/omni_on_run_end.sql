{#- For dbt_project.yml: on-run-end: ["{{ dbt_omni.omni_on_run_end() }}"]
    Exports after every run/build; returns no SQL for dbt to execute. -#}
{% macro omni_on_run_end(select=none, exclude=none, output_dir=none, from_warehouse=false) %}
  {%- if execute -%}
    {%- do dbt_omni._omni_check_arguments(dbt_omni._omni_python(), 'omni_on_run_end() in on-run-end (dbt_project.yml)', kwargs,
                                          ['select', 'exclude', 'output_dir', 'from_warehouse']) -%}
    {%- do dbt_omni.omni_export(select=select, exclude=exclude, output_dir=output_dir, from_warehouse=from_warehouse) -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}
