{#-
    Row-level, at a customer-period grain (one row per customer per month) with the period's MRR
    and the previous period's MRR, both not null (0 when the customer had none).
    Returns the amount (always >= 0) of one kind of MRR movement:
      new          previous = 0 and current > 0           -> current  (reactivations included)
      expansion    previous > 0 and current > previous    -> current - previous
      contraction  previous > 0 and 0 < current < previous-> previous - current
      churned      previous > 0 and current <= 0          -> previous
      lost         previous > 0 and current < previous    -> previous - current (contraction + churned)
      retained     previous > 0                           -> current  (start-of-period customers' MRR now)
      starting     previous > 0                           -> previous (MRR at the start of the period)
-#}
{% macro mrr_movement_amount(movement, mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {{ return(adapter.dispatch('mrr_movement_amount', 'dbt_omni')(movement, mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__mrr_movement_amount(movement, mrr_column, previous_mrr_column) %}
    {#- coalesce: a customer's first period has no previous one (lag() gives null), which is 0 MRR -#}
    {%- set cur = "coalesce(" ~ mrr_column ~ ", 0)" -%}
    {%- set prev = "coalesce(" ~ previous_mrr_column ~ ", 0)" -%}
    {%- if movement == 'new' -%}
        {{ return("case when " ~ prev ~ " = 0 and " ~ cur ~ " > 0 then " ~ cur ~ " else 0 end") }}
    {%- elif movement == 'expansion' -%}
        {{ return("case when " ~ prev ~ " > 0 and " ~ cur ~ " > " ~ prev ~ " then " ~ cur ~ " - " ~ prev ~ " else 0 end") }}
    {%- elif movement == 'contraction' -%}
        {{ return("case when " ~ prev ~ " > 0 and " ~ cur ~ " > 0 and " ~ cur ~ " < " ~ prev ~ " then " ~ prev ~ " - " ~ cur ~ " else 0 end") }}
    {%- elif movement == 'churned' -%}
        {{ return("case when " ~ prev ~ " > 0 and " ~ cur ~ " <= 0 then " ~ prev ~ " else 0 end") }}
    {%- elif movement == 'lost' -%}
        {{ return("case when " ~ prev ~ " > 0 and " ~ cur ~ " < " ~ prev ~ " then " ~ prev ~ " - " ~ cur ~ " else 0 end") }}
    {%- elif movement == 'retained' -%}
        {{ return("case when " ~ prev ~ " > 0 then " ~ cur ~ " else 0 end") }}
    {%- elif movement == 'starting' -%}
        {{ return("case when " ~ prev ~ " > 0 then " ~ prev ~ " else 0 end") }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "dbt_omni.mrr_movement_amount: movement must be one of new, expansion, contraction, "
            ~ "churned, lost, retained, starting; got '" ~ movement ~ "'"
        ) }}
    {%- endif -%}
{% endmacro %}
