{#-
    One row per month, column month_start (a date, first day of the month), from the month of
    start_date to the month of end_date inclusive (both 'YYYY-MM-01' strings).
    generate_series is a table function on both Postgres and DuckDB but takes its interval
    differently; the default is a portable 0..99 month offset list.
-#}
{% macro month_spine(start_date, end_date) %}
    {{ return(adapter.dispatch('month_spine', 'dbt_omni_integration_tests')(start_date, end_date)) }}
{% endmacro %}

{% macro default__month_spine(start_date, end_date) %}
    {%- set start_expr = "cast('" ~ start_date ~ "' as date)" -%}
    with digits as (
        select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
        union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
    ),
    offsets as (
        select tens.d * 10 + ones.d as n from digits as ones cross join digits as tens
    ),
    months as (
        select cast({{ dbt.dateadd('month', 'n', start_expr) }} as date) as month_start from offsets
    )
    select month_start from months where month_start <= cast('{{ end_date }}' as date)
{% endmacro %}

{% macro postgres__month_spine(start_date, end_date) %}
    select cast(month_start as date) as month_start
    from generate_series(
        cast('{{ start_date }}' as timestamp), cast('{{ end_date }}' as timestamp), interval '1 month'
    ) as months (month_start)
{% endmacro %}

{% macro duckdb__month_spine(start_date, end_date) %}
    select cast(month_start as date) as month_start
    from generate_series(
        cast('{{ start_date }}' as timestamp), cast('{{ end_date }}' as timestamp), interval 1 month
    ) as months (month_start)
{% endmacro %}
