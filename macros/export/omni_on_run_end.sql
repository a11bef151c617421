{#- For dbt_project.yml: on-run-end: ["{{ dbt_omni.omni_on_run_end() }}"]
    Exports after every run/build; returns no SQL for dbt to execute. -#}
{% macro omni_on_run_end(select=none, exclude=none, output_dir=none, from_warehouse=false) %}
  {%- if execute -%}
    {%- do dbt_omni.omni_export(select=select, exclude=exclude, output_dir=output_dir, from_warehouse=from_warehouse) -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}
