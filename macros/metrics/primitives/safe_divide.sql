{#-
    numerator / denominator, null when the denominator is 0 or null. Pure text composition:
    the dbt-omni exporter also renders it with Omni field references (e.g. '${mrr}') as
    arguments to build the SQL of Omni ratio measures, so it must not query anything.

    default (Postgres, DuckDB, Redshift...): the numerator is cast to double precision, so
    integer / integer never truncates and the result type is the same 8-byte float on Postgres
    and DuckDB.
-#}
{% macro safe_divide(numerator, denominator) %}
    {{ return(adapter.dispatch('safe_divide', 'dbt_omni')(numerator, denominator)) }}
{% endmacro %}

{% macro default__safe_divide(numerator, denominator) %}
    {{ return('(cast(' ~ numerator ~ ' as double precision) / nullif(' ~ denominator ~ ', 0))') }}
{% endmacro %}

{#- Snowflake: FLOAT is a double; nullif instead of div0/div0null so 0 gives null like elsewhere. -#}
{% macro snowflake__safe_divide(numerator, denominator) %}
    {{ return('(cast(' ~ numerator ~ ' as float) / nullif(' ~ denominator ~ ', 0))') }}
{% endmacro %}

{#- BigQuery: SAFE_DIVIDE returns null on division by zero (FLOAT64 for INT64 arguments). -#}
{% macro bigquery__safe_divide(numerator, denominator) %}
    {{ return('safe_divide(' ~ numerator ~ ', ' ~ denominator ~ ')') }}
{% endmacro %}

{#- Databricks / Spark: try_divide returns null on division by zero. -#}
{% macro databricks__safe_divide(numerator, denominator) %}
    {{ return('try_divide(cast(' ~ numerator ~ ' as double), ' ~ denominator ~ ')') }}
{% endmacro %}

{% macro spark__safe_divide(numerator, denominator) %}
    {{ return('try_divide(cast(' ~ numerator ~ ' as double), ' ~ denominator ~ ')') }}
{% endmacro %}
