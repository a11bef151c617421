{#- Stops a macro called with an argument it does not take, naming the closest valid one.
    A macro that mentions `kwargs` accepts any keyword argument, so each public macro passes its own
    kwargs and argument names here. -#}
{% macro _omni_check_arguments(omni, where, given, valid) %}
  {%- set message = omni.unknown_arguments(where, given, valid) -%}
  {%- if message -%}{{ exceptions.raise_compiler_error(message) }}{%- endif -%}
{% endmacro %}
