{#- The Python side of the package, or a clear error saying why it cannot be used (_omni_python_problem). -#}
{% macro _omni_python() %}
  {%- set problem = dbt_omni._omni_python_problem() -%}
  {%- if problem -%}
    {{ exceptions.raise_compiler_error(problem) }}
  {%- endif -%}
  {{ return(modules['dbt_omni']) }}
{% endmacro %}
