{#-
    Row-level: the monthly (MRR) value of one subscription row.
    monthly plans count their amount, annual plans amount / 12, any other plan type 0.
    12.0 (not 12) keeps integer amounts from integer division on Postgres.
-#}
{% macro monthly_amount(type_column='subscription_type', amount_column='subscription_amount', monthly_value='monthly', annual_value='annual') %}
    {{ return(
        "case when " ~ type_column ~ " = '" ~ monthly_value ~ "' then " ~ amount_column
        ~ " when " ~ type_column ~ " = '" ~ annual_value ~ "' then " ~ amount_column ~ " / 12.0"
        ~ " else 0 end"
    ) }}
{% endmacro %}
