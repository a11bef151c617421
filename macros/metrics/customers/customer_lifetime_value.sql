{#-
    customer_lifetime_value = ARPA / customer churn rate
      (average monthly revenue per account x expected lifetime in months, 1 / churn rate;
       no margin, no discounting). Built as metric_ratio(ARPA ratio, churn-rate ratio).
    Null when no customer churned (churn rate 0) or there is no starting customer.
    Grain: one row per customer per period (mrr, previous_mrr not null). Non-additive ratio;
    pool several periods (e.g. a cohort or a plan over a year) for a stable value.
-#}
{% macro customer_lifetime_value(mrr_column='mrr', previous_mrr_column='previous_mrr') %}
    {%- do dbt_omni._metric_arguments('customer_lifetime_value', kwargs, {'mrr_column': mrr_column, 'previous_mrr_column': previous_mrr_column}) -%}
    {{ return(adapter.dispatch('customer_lifetime_value', 'dbt_omni')(mrr_column, previous_mrr_column)) }}
{% endmacro %}

{% macro default__customer_lifetime_value(mrr_column, previous_mrr_column) %}
    {{ return(dbt_omni.metric_ratio(
        dbt_omni.average_revenue_per_account(mrr_column=mrr_column),
        dbt_omni.customer_churn_rate(mrr_column=mrr_column, previous_mrr_column=previous_mrr_column)
    )) }}
{% endmacro %}
