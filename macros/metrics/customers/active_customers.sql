{#-
    active_customers = count(distinct case when mrr > 0 then customer_id end).
    Grain: any grain with a customer id and a monthly amount (customer-month, or
    subscription-month with mrr_column=dbt_omni.monthly_amount(...)). Non-additive (a distinct
    count): per period it is the customers with MRR; over several periods, the distinct
    customers with MRR in any of them.
-#}
{% macro active_customers(customer_id_column='customer_id', mrr_column='mrr') %}
    {%- do dbt_omni._metric_arguments('active_customers', kwargs, {'customer_id_column': customer_id_column, 'mrr_column': mrr_column}) -%}
    {{ return(adapter.dispatch('active_customers', 'dbt_omni')(customer_id_column, mrr_column)) }}
{% endmacro %}

{% macro default__active_customers(customer_id_column, mrr_column) %}
    {{ return(dbt_omni.metric_aggregate('count_distinct',
        "case when " ~ mrr_column ~ " > 0 then " ~ customer_id_column ~ " end")) }}
{% endmacro %}
