{#- Why the Python side of the package cannot be used, or '': only `dbt deps` was run, or the Python
    package is another version or commit than these macros (its functions may take other arguments). -#}
{% macro _omni_python_problem() %}
  {%- set fix = "Install both from the same checkout: `pip install dbt_packages/dbt_omni` after `dbt deps`." -%}
  {%- if 'dbt_omni' not in modules -%}
    {{ return("dbt-omni: the dbt_omni Python package is not installed where dbt runs. `dbt deps` installs "
              ~ "only the macros; also run `pip install dbt_packages/dbt_omni` (the same package) in the "
              ~ "environment of dbt-core.") }}
  {%- endif -%}
  {%- set python = modules['dbt_omni'] -%}
  {%- if python.VERSION != dbt_omni._omni_package_version() -%}
    {{ return("dbt-omni: the dbt package (macros, from `dbt deps`) is version " ~ dbt_omni._omni_package_version()
              ~ " but the dbt_omni Python package is version " ~ (python.VERSION or 'unknown') ~ ". " ~ fix) }}
  {%- endif -%}
  {%- if python.macros_differ is not defined -%}
    {{ return("dbt-omni: the dbt_omni Python package is older than the dbt package (macros, from `dbt deps`), "
              ~ "though both say version " ~ python.VERSION ~ ". " ~ fix) }}
  {%- endif -%}
  {{ return(python.macros_differ(adapter.type())) }}
{% endmacro %}
