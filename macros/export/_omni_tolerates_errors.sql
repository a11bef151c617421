{#- True when the settings say on_error: warn, for the on-run-end hook when the Python side cannot be used
    (_omni_python_problem). The Python package answers when it can, with the settings as every export reads
    them; without it (not installed, or older), dbt gives the vars block unrendered and a --vars block
    replaces the project's whole, so the env_var() form is rendered here. -#}
{% macro _omni_tolerates_errors() %}
  {%- if 'dbt_omni' in modules and modules['dbt_omni'].tolerates_errors is defined -%}
    {{ return(modules['dbt_omni'].tolerates_errors(adapter.type())) }}
  {%- endif -%}
  {%- set settings = var('dbt_omni', {}) -%}
  {%- set value = settings.get('on_error') if settings is mapping else none -%}
  {%- if value is string and 'env_var' in value -%}
    {%- set call = modules.re.search("env_var\\(\\s*['\"]([^'\"]+)['\"]\\s*(?:,\\s*['\"]([^'\"]*)['\"])?\\s*\\)", value) -%}
    {%- set value = env_var(call.group(1), call.group(2) or '') if call else value -%}
  {%- endif -%}
  {{ return(value == 'warn') }}
{% endmacro %}
