{#- The Python side of the package, or a clear error when only `dbt deps` was run. -#}
{% macro _omni_python() %}
  {%- if 'dbt_omni' not in modules -%}
    {{ exceptions.raise_compiler_error(
        "dbt-omni: the dbt_omni Python package is not installed where dbt runs. `dbt deps` installs "
        ~ "only the macros; also run `pip install dbt_packages/dbt_omni` (the same package) in the "
        ~ "environment of dbt-core.") }}
  {%- endif -%}
  {{ return(modules['dbt_omni']) }}
{% endmacro %}
