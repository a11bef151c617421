{#-
    The median aggregate, used by dbt_omni.metric_aggregate('median', ...) in dbt mode.
    Pure text composition over `expression`.
-#}
{% macro metric_median(expression) %}
    {{ return(adapter.dispatch('metric_median', 'dbt_omni')(expression)) }}
{% endmacro %}

{% macro default__metric_median(expression) %}
    {{ return('percentile_cont(0.5) within group (order by ' ~ expression ~ ')') }}
{% endmacro %}

{% macro postgres__metric_median(expression) %}
    {{ return('percentile_cont(0.5) within group (order by ' ~ expression ~ ')') }}
{% endmacro %}

{#- DuckDB's median of a DECIMAL keeps its scale, cutting the midpoint (10.01 and 10.02 give 10.01):
    taken over a double, as Postgres' percentile_cont is (10.015). -#}
{% macro duckdb__metric_median(expression) %}
    {{ return('median(cast(' ~ expression ~ ' as double))') }}
{% endmacro %}

{% macro snowflake__metric_median(expression) %}
    {{ return('median(' ~ expression ~ ')') }}
{% endmacro %}

{#- BigQuery has no exact median aggregate (PERCENTILE_CONT is analytic only): approximate. -#}
{% macro bigquery__metric_median(expression) %}
    {{ return('approx_quantiles(' ~ expression ~ ', 2)[offset(1)]') }}
{% endmacro %}

{% macro databricks__metric_median(expression) %}
    {{ return('percentile(' ~ expression ~ ', 0.5)') }}
{% endmacro %}

{% macro spark__metric_median(expression) %}
    {{ return('percentile(' ~ expression ~ ', 0.5)') }}
{% endmacro %}
