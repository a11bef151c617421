{#- For dbt_project.yml: on-run-end: ["{{ dbt_omni.omni_on_run_end() }}"]
    Exports after every run/build; returns no SQL for dbt to execute. dbt also renders the hook when it
    only compiles (dbt compile, dbt docs generate), and passes `results` only when it runs the hooks:
    docs generate must not export before it writes the new catalog. -#}
{% macro omni_on_run_end(select=none, exclude=none, output_dir=none, from_warehouse=false) %}
  {%- if execute -%}
    {#- Two halves of other installs: under on_error: warn a run must still go on (no export, a line at
        warn level, the highest Jinja's own logging has: the Python half that logs errors may be missing). -#}
    {%- set problem = dbt_omni._omni_python_problem() -%}
    {%- if problem and results is not defined -%}
      {#- dbt compile / docs generate only render the hook: no export to stop, nor Python to check the
          arguments with; the next run says what to install -#}
      {{ return('') }}
    {%- endif -%}
    {%- if problem and dbt_omni._omni_tolerates_errors() -%}
      {%- do exceptions.warn("dbt-omni error (on_error: warn, so dbt goes on; the Omni model was not updated): "
                             ~ problem.replace('dbt-omni: ', '', 1)) -%}
      {{ return('') }}
    {%- endif -%}
    {%- set omni = dbt_omni._omni_python() -%}
    {%- do dbt_omni._omni_check_arguments(omni, 'omni_on_run_end() in on-run-end (dbt_project.yml)', kwargs,
                                          {'select': select, 'exclude': exclude, 'output_dir': output_dir,
                                           'from_warehouse': from_warehouse}) -%}
    {%- if results is defined -%}
      {%- do dbt_omni._omni_export(omni, select, exclude, output_dir, from_warehouse, false, true) -%}
    {%- endif -%}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}
