{#-
    Primitive 1 of 2: one aggregate over a row-level SQL expression.
    aggregate_type uses Omni's names: sum, count, count_distinct, average, min, max, median.

    dbt mode:  sum(expr) | count(expr) | count(distinct expr) | avg(expr) | min(expr) | max(expr)
               | dbt_omni.metric_median(expr)
    omni mode: {"omni_metric": "aggregate", "aggregate_type": <type>, "sql": <expr>}
-#}
{% macro metric_aggregate(aggregate_type, expression) %}
    {{ return(adapter.dispatch('metric_aggregate', 'dbt_omni')(aggregate_type, expression)) }}
{% endmacro %}

{% macro default__metric_aggregate(aggregate_type, expression) %}
    {%- set allowed = ['sum', 'count', 'count_distinct', 'average', 'min', 'max', 'median'] -%}
    {%- set aggregate_type = aggregate_type | string | trim | lower -%}
    {%- if aggregate_type not in allowed -%}
        {{ exceptions.raise_compiler_error(
            "dbt_omni.metric_aggregate: aggregate_type must be one of " ~ allowed | join(', ')
            ~ ", got '" ~ aggregate_type ~ "'"
        ) }}
    {%- endif -%}
    {%- set expression = expression | string | trim -%}
    {%- if expression == '' -%}
        {{ exceptions.raise_compiler_error("dbt_omni.metric_aggregate: expression is empty") }}
    {%- endif -%}

    {%- if dbt_omni.metric_render_mode() == 'omni' -%}
        {{ return(tojson({"omni_metric": "aggregate", "aggregate_type": aggregate_type, "sql": expression})) }}
    {%- endif -%}

    {%- if aggregate_type == 'sum' -%}
        {{ return('sum(' ~ expression ~ ')') }}
    {%- elif aggregate_type == 'count' -%}
        {{ return('count(' ~ expression ~ ')') }}
    {%- elif aggregate_type == 'count_distinct' -%}
        {{ return('count(distinct ' ~ expression ~ ')') }}
    {%- elif aggregate_type == 'average' -%}
        {{ return('avg(' ~ expression ~ ')') }}
    {%- elif aggregate_type == 'min' -%}
        {{ return('min(' ~ expression ~ ')') }}
    {%- elif aggregate_type == 'max' -%}
        {{ return('max(' ~ expression ~ ')') }}
    {%- else -%}
        {{ return(dbt_omni.metric_median(expression)) }}
    {%- endif -%}
{% endmacro %}
