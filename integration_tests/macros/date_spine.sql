{#-
    One row per `datepart` ('day' or 'month'), column period_start (a date), from start_date to
    end_date inclusive ('YYYY-MM-DD' strings; for months, first days of months).
    generate_series is a table function on both Postgres and DuckDB but takes its interval
    differently; the default is a portable list of 0..99 offsets (so at most 100 periods).
-#}
{% macro date_spine(datepart, start_date, end_date) %}
    {{ return(adapter.dispatch('date_spine', 'dbt_omni_integration_tests')(datepart, start_date, end_date)) }}
{% endmacro %}

{% macro default__date_spine(datepart, start_date, end_date) %}
    {%- set start_expr = "cast('" ~ start_date ~ "' as date)" -%}
    with digits as (
        select 0 as d union all select 1 union all select 2 union all select 3 union all select 4
        union all select 5 union all select 6 union all select 7 union all select 8 union all select 9
    ),
    offsets as (
        select tens.d * 10 + ones.d as n from digits as ones cross join digits as tens
    ),
    periods as (
        select cast({{ dbt.dateadd(datepart, 'n', start_expr) }} as date) as period_start from offsets
    )
    select period_start from periods where period_start <= cast('{{ end_date }}' as date)
{% endmacro %}

{% macro postgres__date_spine(datepart, start_date, end_date) %}
    select cast(period_start as date) as period_start
    from generate_series(
        cast('{{ start_date }}' as timestamp), cast('{{ end_date }}' as timestamp), interval '1 {{ datepart }}'
    ) as periods (period_start)
{% endmacro %}

{% macro duckdb__date_spine(datepart, start_date, end_date) %}
    select cast(period_start as date) as period_start
    from generate_series(
        cast('{{ start_date }}' as timestamp), cast('{{ end_date }}' as timestamp), interval 1 {{ datepart }}
    ) as periods (period_start)
{% endmacro %}
