{#-
    Primitive 2 of 2: a ratio of two metrics. numerator and denominator are results of
    dbt_omni.metric_aggregate or dbt_omni.metric_ratio (never raw SQL), so a ratio is always
    sum-of-parts / sum-of-parts, never an average of ratios.

    dbt mode:  dbt_omni.safe_divide(numerator, denominator)
    omni mode: {"omni_metric": "ratio", "numerator": <metric json>, "denominator": <metric json>}
-#}
{% macro metric_ratio(numerator, denominator) %}
    {{ return(adapter.dispatch('metric_ratio', 'dbt_omni')(numerator, denominator)) }}
{% endmacro %}

{% macro default__metric_ratio(numerator, denominator) %}
    {%- if dbt_omni.metric_render_mode() == 'omni' -%}
        {%- set parts = {} -%}
        {%- for side, value in [('numerator', numerator), ('denominator', denominator)] -%}
            {%- set parsed = fromjson(value | string) -%}
            {%- if parsed is not mapping or parsed.get('omni_metric') not in ['aggregate', 'ratio'] -%}
                {{ exceptions.raise_compiler_error(
                    "dbt_omni.metric_ratio: in omni mode the " ~ side ~ " must be the result of "
                    ~ "dbt_omni.metric_aggregate or dbt_omni.metric_ratio, got: " ~ value
                ) }}
            {%- endif -%}
            {%- do parts.update({side: parsed}) -%}
        {%- endfor -%}
        {{ return(tojson({"omni_metric": "ratio", "numerator": parts['numerator'], "denominator": parts['denominator']})) }}
    {%- endif -%}
    {{ return(dbt_omni.safe_divide(numerator, denominator)) }}
{% endmacro %}
