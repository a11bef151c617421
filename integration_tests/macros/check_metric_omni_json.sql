{#-
    Checks the 'omni' render mode of every dbt_omni metric macro:
        dbt run-operation check_metric_omni_json --vars '{dbt_omni_render_mode: omni}'
    Each metric must render JSON that parses into a tree of
    {"omni_metric": "aggregate", "aggregate_type": <Omni type>, "sql": <non-empty>} leaves and
    {"omni_metric": "ratio", "numerator": ..., "denominator": ...} nodes, with the expected shape.
    Logs each metric's JSON; raises on the first problem.
-#}
{% macro check_metric_omni_json() %}
    {%- if dbt_omni.metric_render_mode() != 'omni' -%}
        {{ exceptions.raise_compiler_error("run with --vars '{dbt_omni_render_mode: omni}'") }}
    {%- endif -%}

    {#- metric name -> (rendered json, expected shape: 'A:<type>' leaf or ['R', num, den]) -#}
    {%- set agg = 'aggregate' -%}
    {%- set cases = [
        ('monthly_recurring_revenue', dbt_omni.monthly_recurring_revenue(), 'A:sum'),
        ('annual_recurring_revenue', dbt_omni.annual_recurring_revenue(), 'A:sum'),
        ('new_mrr', dbt_omni.new_mrr(), 'A:sum'),
        ('expansion_mrr', dbt_omni.expansion_mrr(), 'A:sum'),
        ('contraction_mrr', dbt_omni.contraction_mrr(), 'A:sum'),
        ('churned_mrr', dbt_omni.churned_mrr(), 'A:sum'),
        ('net_new_mrr', dbt_omni.net_new_mrr(), 'A:sum'),
        ('active_customers', dbt_omni.active_customers(), 'A:count_distinct'),
        ('median_order_value', dbt_omni.median_order_value(), 'A:median'),
        ('customer_churn_rate', dbt_omni.customer_churn_rate(), ['R', 'A:sum', 'A:sum']),
        ('revenue_churn_rate', dbt_omni.revenue_churn_rate(), ['R', 'A:sum', 'A:sum']),
        ('net_revenue_retention', dbt_omni.net_revenue_retention(), ['R', 'A:sum', 'A:sum']),
        ('average_revenue_per_account', dbt_omni.average_revenue_per_account(), ['R', 'A:sum', 'A:sum']),
        ('average_order_value', dbt_omni.average_order_value(), ['R', 'A:sum', 'A:count_distinct']),
        ('conversion_rate', dbt_omni.conversion_rate(), ['R', 'A:count_distinct', 'A:count_distinct']),
        ('customer_lifetime_value', dbt_omni.customer_lifetime_value(),
            ['R', ['R', 'A:sum', 'A:sum'], ['R', 'A:sum', 'A:sum']]),
    ] -%}

    {%- for name, rendered, shape in cases -%}
        {%- set parsed = fromjson(rendered) -%}
        {%- if parsed is none -%}
            {{ exceptions.raise_compiler_error(name ~ ": not JSON: " ~ rendered) }}
        {%- endif -%}
        {%- do _check_omni_metric_node(name, parsed, shape) -%}
        {%- do log(name ~ ": " ~ rendered, info=true) -%}
    {%- endfor -%}

    {#- safe_divide stays pure text, so the exporter can feed it Omni field references -#}
    {%- set divided = dbt_omni.safe_divide('${a}', '${b}') -%}
    {%- if '${a}' not in divided or '${b}' not in divided -%}
        {{ exceptions.raise_compiler_error("safe_divide lost its arguments: " ~ divided) }}
    {%- endif -%}
    {%- do log("safe_divide('${a}', '${b}'): " ~ divided, info=true) -%}
    {%- do log("OK: " ~ cases | length ~ " metrics render valid omni JSON", info=true) -%}
{% endmacro %}

{% macro _check_omni_metric_node(name, node, shape) %}
    {%- if node is not mapping -%}
        {{ exceptions.raise_compiler_error(name ~ ": not an object: " ~ node) }}
    {%- endif -%}
    {%- if shape is string -%}
        {%- set expected_type = shape.split(':')[1] -%}
        {%- if node.get('omni_metric') != 'aggregate' or node.get('aggregate_type') != expected_type
              or not node.get('sql') or node | length != 3 -%}
            {{ exceptions.raise_compiler_error(name ~ ": expected an aggregate '" ~ expected_type ~ "', got " ~ tojson(node)) }}
        {%- endif -%}
    {%- else -%}
        {%- if node.get('omni_metric') != 'ratio' or node | length != 3 -%}
            {{ exceptions.raise_compiler_error(name ~ ": expected a ratio, got " ~ tojson(node)) }}
        {%- endif -%}
        {%- do _check_omni_metric_node(name, node.get('numerator'), shape[1]) -%}
        {%- do _check_omni_metric_node(name, node.get('denominator'), shape[2]) -%}
    {%- endif -%}
{% endmacro %}
