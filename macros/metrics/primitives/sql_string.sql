{#-
    A text value as a SQL string literal of the warehouse. Pure text composition, like safe_divide.

    default (Postgres, DuckDB, Redshift...): a quote is doubled ('pro''s').
    Snowflake: a backslash starts an escape in its string constants, so it is doubled too.
    BigQuery, Spark (and Databricks, whose dispatch falls back to spark__): a doubled quote is no escape
    there (BigQuery refuses 'pro''s'; Spark reads two literals and joins them, 'pros'), so quote and
    backslash are escaped with a backslash.
-#}
{% macro sql_string(value) %}
    {{ return(adapter.dispatch('sql_string', 'dbt_omni')(value)) }}
{% endmacro %}

{% macro default__sql_string(value) %}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{% endmacro %}

{% macro snowflake__sql_string(value) %}
    {{ return("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "''")) ~ "'") }}
{% endmacro %}

{% macro bigquery__sql_string(value) %}
    {{ return("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{% endmacro %}

{% macro spark__sql_string(value) %}
    {{ return("'" ~ (value | string | replace("\\", "\\\\") | replace("'", "\\'")) ~ "'") }}
{% endmacro %}
