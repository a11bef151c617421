{#- Stops a macro called with an argument it does not take (naming the closest valid one) or with a value
    of the wrong type (`force: "no"` is a string, and Jinja takes any non-empty string for true).
    A macro that mentions `kwargs` accepts any keyword argument, so each public macro passes its own
    kwargs, and its arguments with their values, here. -#}
{% macro _omni_check_arguments(omni, where, given, arguments) %}
  {%- set message = omni.argument_problems(where, given, arguments) -%}
  {%- if message -%}{{ exceptions.raise_compiler_error(message) }}{%- endif -%}
{% endmacro %}
