{#-
    The arguments a dbt model gives a metric macro, checked where Jinja's own messages name neither the
    metric nor the fix: a misspelt name ("takes no keyword argument"; the macro refers to kwargs, so Jinja
    hands it the unknown ones here), and a *_column that is no text (an unquoted column name is an
    undefined name that renders empty; a list renders as its Python text; "{{ x }}" reaches the SQL as is).
    given: every argument of the metric by name. type_column may be none (amounts already monthly).
-#}
{% macro _metric_arguments(metric, unknown, given) %}
    {%- set where = "dbt_omni." ~ metric ~ ": " -%}
    {%- for name in unknown -%}
        {#- the closest, as a plain word match (no difflib in Jinja): the one sharing the longest start -#}
        {%- set near = namespace(name=none, length=3) -%}
        {%- for valid in given -%}
            {%- for length in range(near.length + 1, [name | length, valid | length] | min + 1) -%}
                {%- if name[:length] == valid[:length] -%}
                    {%- set near.name = valid -%}
                    {%- set near.length = length -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            where ~ "unknown argument '" ~ name ~ "' (it takes " ~ given.keys() | join(', ') ~ ", by name)"
            ~ ("; did you mean '" ~ near.name ~ "'?" if near.name else "")) }}
    {%- endfor -%}
    {%- for name, value in given.items() if name.endswith('_column') -%}
        {%- set example = name ~ "='" ~ name[:-7] ~ "'" -%}
        {%- if value is undefined -%}
            {{ exceptions.raise_compiler_error(
                where ~ name ~ " names nothing dbt knows (an unquoted column name?): give the column as text, " ~ example) }}
        {%- elif value is none -%}
            {#- not at parse (execute is false), where what a model reads from the warehouse (run_query, ...) is none -#}
            {%- if name != 'type_column' and execute -%}
                {{ exceptions.raise_compiler_error(where ~ name ~ " is none: give the column as text, " ~ example) }}
            {%- endif -%}
        {%- elif value is not string -%}
            {{ exceptions.raise_compiler_error(
                where ~ name ~ " is " ~ value ~ ": give one column's name or SQL expression as text, " ~ example) }}
        {%- elif value | trim == '' -%}
            {{ exceptions.raise_compiler_error(where ~ name ~ " is empty: give the column as text, " ~ example) }}
        {%- elif '{{' in value -%}
            {{ exceptions.raise_compiler_error(
                where ~ name ~ " holds '{{': a model's Jinja is rendered once, so give the column's name or SQL "
                ~ "itself, " ~ example) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
