{#-
    Compares `model` with an `expected` relation (usually a seed of hand-worked results), row by
    row on `key_columns`. Every non-key column of `expected` must exist in `model`:
      - numeric columns (by the expected relation's column type) match when both are null or
        abs(actual - expected) <= tolerance;
      - other columns match when both are null or their text is equal.
    Returns one row per key missing from either side or with any mismatching column (so 0 rows
    = pass). Model columns that `expected` does not list are not compared. Keys must be unique
    (test that separately).
-#}
{% test equal_rowsets_with_tolerance(model, expected, key_columns, tolerance=0.005) %}
{%- if not execute -%}
select 1 as placeholder
{%- else -%}
{%- if key_columns is string -%}{%- set key_columns = [key_columns] -%}{%- endif -%}
{%- set keys = key_columns | map('lower') | list -%}
{%- set model_columns = adapter.get_columns_in_relation(model) | map(attribute='name') | map('lower') | list -%}
{%- set compare = [] -%}
{%- for column in adapter.get_columns_in_relation(expected) -%}
    {%- set name = column.name | lower -%}
    {%- if name not in model_columns -%}
        {{ exceptions.raise_compiler_error(
            "equal_rowsets_with_tolerance: column '" ~ name ~ "' of " ~ expected ~ " is not in " ~ model) }}
    {%- endif -%}
    {%- if name not in keys -%}
        {%- do compare.append({'name': name, 'numeric': column.is_number()}) -%}
    {%- endif -%}
{%- endfor -%}
{%- for key in keys -%}
    {%- if key not in model_columns -%}
        {{ exceptions.raise_compiler_error(
            "equal_rowsets_with_tolerance: key column '" ~ key ~ "' is not in " ~ model) }}
    {%- endif -%}
{%- endfor -%}

with actual as (
    select *, 1 as dbt_omni_in_model from {{ model }}
),

expected as (
    select *, 1 as dbt_omni_in_expected from {{ expected }}
),

compared as (
    select
        {%- for key in keys %}
        cast(coalesce(actual.{{ key }}, expected.{{ key }}) as {{ dbt.type_string() }}) as {{ key }},
        {%- endfor %}
        case
            when actual.dbt_omni_in_model is null then 'missing from model'
            when expected.dbt_omni_in_expected is null then 'not expected'
            else 'different values'
        end as problem,
        {%- for column in compare %}
        actual.{{ column.name }} as actual__{{ column.name }},
        expected.{{ column.name }} as expected__{{ column.name }},
        case
            when actual.{{ column.name }} is null and expected.{{ column.name }} is null then 0
            when actual.{{ column.name }} is null or expected.{{ column.name }} is null then 1
            {%- if column.numeric %}
            when abs(cast(actual.{{ column.name }} as double precision)
                     - cast(expected.{{ column.name }} as double precision)) <= {{ tolerance }} then 0
            {%- else %}
            when cast(actual.{{ column.name }} as {{ dbt.type_string() }})
                 = cast(expected.{{ column.name }} as {{ dbt.type_string() }}) then 0
            {%- endif %}
            else 1
        end as mismatch__{{ column.name }},
        {%- endfor %}
        actual.dbt_omni_in_model,
        expected.dbt_omni_in_expected
    from actual
    full outer join expected
        on {% for key in keys %}{% if not loop.first %} and {% endif %}actual.{{ key }} = expected.{{ key }}{% endfor %}
)

select *
from compared
where dbt_omni_in_model is null
    or dbt_omni_in_expected is null
    {%- for column in compare %}
    or mismatch__{{ column.name }} = 1
    {%- endfor %}
{%- endif -%}
{% endtest %}
