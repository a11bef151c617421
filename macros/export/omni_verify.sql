{#- Prove that Omni and dbt agree: `dbt run-operation omni_verify [--args '{select: [model]}']`.
    Runs every shared-metric measure of the exported Omni model as Omni would and as dbt does, in
    total and by a few dimensions, prints a table and fails on any mismatch. -#}
{% macro omni_verify(select=none, by=none, output_dir=none) %}
  {%- if not execute -%}{{ return('') }}{%- endif -%}
  {%- set omni = dbt_omni._omni_python() -%}
  {%- do dbt_omni._omni_check_arguments(omni, '--args of omni_verify', kwargs,
                                        {'select': select, 'by': by, 'output_dir': output_dir}) -%}
  {%- set options = {"select": select, "by": by, "output_dir": output_dir} -%}
  {%- set plan = omni.verify_plan(graph, project_name, adapter.type(), dbt_version, options) -%}
  {%- if not plan.ok -%}{{ exceptions.raise_compiler_error(plan.message) }}{%- endif -%}
  {%- set queries = [] -%}
  {%- for check in plan.data -%}
    {%- set relation = api.Relation.create(database=check.database, schema=check.schema, identifier=check.identifier) -%}
    {%- do queries.append([check.dbt_sql | replace(check.relation_token, relation),
                           check.omni_sql | replace(check.relation_token, relation)]) -%}
  {%- endfor -%}
  {%- set results = omni.run_queries(adapter, plan.data, queries) -%}
  {%- if not results.ok -%}{{ exceptions.raise_compiler_error(results.message) }}{%- endif -%}
  {%- set report = omni.verify_report(plan.data, results.data) -%}
  {%- if not report.ok -%}{{ exceptions.raise_compiler_error(report.message) }}{%- endif -%}
  {#- print, as dbt's own operation output: the table is what the command is for, and --quiet keeps it -#}
  {{ print(report.message) }}
{% endmacro %}
