{#-
    ARPA = MRR / customers with MRR
      = sum(mrr) / sum(case when mrr > 0 then 1 else 0 end)
    Grain: one row per customer per period (customer-month). The denominator counts
    customer-periods, so for one period it is MRR / active customers, and over several periods
    it is the average MRR per active customer-month (not total MRR / distinct customers).
    Non-additive ratio.
-#}
{% macro average_revenue_per_account(mrr_column='mrr') %}
    {%- do dbt_omni._metric_arguments('average_revenue_per_account', kwargs, {'mrr_column': mrr_column}) -%}
    {{ return(adapter.dispatch('average_revenue_per_account', 'dbt_omni')(mrr_column)) }}
{% endmacro %}

{% macro default__average_revenue_per_account(mrr_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.monthly_recurring_revenue(type_column=none, amount_column=mrr_column),
        dbt_omni.metric_aggregate('sum', "case when " ~ mrr_column ~ " > 0 then 1 else 0 end")
    )) }}
{% endmacro %}
