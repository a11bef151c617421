{#- The version of these macros. `dbt deps` and `pip install` are two steps, so the two halves of
    dbt-omni can drift apart; the macros and the Python export both compare it with the Python
    package's. Equal to dbt_project.yml's version (tests/unit/test_package_version.py). -#}
{% macro _omni_package_version() %}{{ return('0.1.0') }}{% endmacro %}
