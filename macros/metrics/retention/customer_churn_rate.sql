{#-
    customer_churn_rate = churned customers / customers with MRR at the start of the period
      = sum(case when previous_mrr > 0 and mrr <= 0 then 1 else 0 end)
        / sum(case when previous_mrr > 0 then 1 else 0 end)
    Grain: one row per customer per period (mrr, previous_mrr not null). Non-additive ratio;
    over several periods it pools customer-periods (churn events / customer-periods at risk).
-#}
{% macro customer_churn_rate(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('customer_churn_rate', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('customer_churn_rate', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__customer_churn_rate(mrr_column, previous_mrr_column) %}
    {#- coalesce, as in mrr_movement_amount: no MRR (null) is 0 MRR -#}
    {%- set churned = "case when coalesce(" ~ previous_mrr_column ~ ", 0) > 0 and coalesce(" ~ mrr_column ~ ", 0) <= 0 then 1 else 0 end" -%}
    {%- set at_start = "case when coalesce(" ~ previous_mrr_column ~ ", 0) > 0 then 1 else 0 end" -%}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.metric_aggregate('sum', churned),
        dbt_omni.metric_aggregate('sum', at_start)
    )) }}
{% endmacro %}
