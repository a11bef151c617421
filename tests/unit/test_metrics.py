"""Shared metrics rendered from the package's real macro files into Omni measures, and their errors."""
from __future__ import annotations

import pytest
import yaml

from dbt_omni.macro_renderer import MacroRenderer
from testkit import build, export_error, make_manifest, model, one_problem, package_macros, view_yaml, warehouse_catalog


def subscriptions(measures: dict, columns=("subscription_type", "subscription_amount", "month_start")) -> dict:
    manifest = make_manifest([model("subscription_months", columns=list(columns), omni={"measures": measures})])
    manifest["macros"] = package_macros()
    return manifest


def measures_of(manifest: dict) -> dict:
    return view_yaml(manifest, "analytics/subscription_months.view.yaml")["measures"]


def test_additive_metric_is_one_measure_with_the_macro_text_and_field_references():
    measures = measures_of(subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "format": "usdcurrency_2"}}))
    assert measures["mrr"] == {
        "sql": "case when ${subscription_type} = 'monthly' then ${subscription_amount} "
               "when ${subscription_type} = 'quarterly' then (${subscription_amount}) / 3.0 "
               "when ${subscription_type} = 'annual' then (${subscription_amount}) / 12.0 else 0 end",
        "aggregate_type": "sum",
        "format": "usdcurrency_2",
    }


def test_a_shared_metric_takes_sample_values_and_an_empty_ai_context_is_none():
    """sample_values was accepted by the contract and dropped (found by a code review)."""
    measures = measures_of(subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "sample_values": [1200],
                                                  "ai_context": " "}}))
    assert measures["mrr"]["sample_values"] == [1200] and "ai_context" not in measures["mrr"]


def test_an_argument_given_says_which_name_of_the_formula_it_replaces():
    """AOV's formula names its default column, order_amount: "Here: amount_column = ..." alone did not say that the
    sum is of the given amount (found by a code review)."""
    manifest = make_manifest([model("orders", columns=["order_id", "gross", "shipping"], omni={"measures": {
        "aov": {"metric": "average_order_value", "args": {"amount_column": "${gross} + ${shipping}"}}}})])
    manifest["macros"] = package_macros()
    manifest["macros"]["macro.dbt_omni.average_order_value"].update(  # as dbt gives it from _metrics.yml
        description="**Average order value (AOV)** = `sum(order_amount) / count(distinct order_id)`.\n\nGrain: ...")
    description = view_yaml(manifest)["measures"]["aov"]["description"]
    assert description.startswith("**Average order value (AOV)** = `sum(order_amount) / count(distinct order_id)`. "
                                  "Here: amount_column = `${gross} + ${shipping}` (in place of `order_amount`).")


def test_ratio_metric_is_composed_of_hidden_component_measures_never_an_average():
    manifest = make_manifest([model("subscription_months", columns=["mrr", "previous_mrr"], omni={
        "measures": {"churn": {"metric": "dbt_omni.customer_churn_rate", "label": "Churn", "aliases": ["churn_rate"]}}})])
    manifest["macros"] = package_macros()
    measures = measures_of(manifest)
    assert measures["churn"]["sql"] == "(cast(${churn_numerator} as double precision) / nullif(${churn_denominator}, 0))"
    assert "aggregate_type" not in measures["churn"] and measures["churn"]["label"] == "Churn"
    assert measures["churn"]["aliases"] == ["churn_rate"] and "aliases" not in measures["churn_numerator"]
    for part in ("churn_numerator", "churn_denominator"):
        assert measures[part]["aggregate_type"] == "sum" and measures[part]["hidden"] is True
    assert measures["churn_numerator"]["sql"] == "case when coalesce(${previous_mrr}, 0) > 0 and coalesce(${mrr}, 0) <= 0 then 1 else 0 end"


def test_safe_divide_follows_the_adapter_through_dispatch():
    renderer = MacroRenderer(package_macros(), "bigquery", "shop", {"dbt_omni_render_mode": "dbt"})
    assert renderer.macro("dbt_omni", "safe_divide")("${a}", "${b}") == "safe_divide(${a}, ${b})"


@pytest.mark.parametrize("adapter, literal", [
    ("postgres", r"'it''s \ pro'"), ("duckdb", r"'it''s \ pro'"), ("redshift", r"'it''s \ pro'"),
    ("snowflake", r"'it''s \\ pro'"),  # a backslash escapes in Snowflake's string constants
    ("bigquery", r"'it\'s \\ pro'"),  # BigQuery refuses 'it''s'
    ("databricks", r"'it\'s \\ pro'"), ("spark", r"'it\'s \\ pro'"),  # Spark would read 'it''s' as 'its'
])
def test_a_plan_types_value_is_quoted_as_the_warehouses_string_literals_need(adapter, literal):
    renderer = MacroRenderer(package_macros(), adapter, "shop", {"dbt_omni_render_mode": "dbt"})
    sql = renderer.macro("dbt_omni", "monthly_amount")("plan", "amount", "it's \\ pro", "annual", "quarterly")
    assert sql.startswith(f"case when plan = {literal} then amount when plan = 'quarterly' then"), sql
    assert f"when plan = {literal} then (amount) * 12" in renderer.macro("dbt_omni", "annual_amount")(
        "plan", "amount", "it's \\ pro", "annual", "quarterly")


def test_a_dispatch_search_order_in_dbt_project_yml_is_followed_as_dbt_follows_it(tmp_path):
    """A shim package overriding a dbt_omni helper (dispatch: search_order) is what dbt's models run, so
    it is what Omni's measure must hold; without that block the package's own macro is used."""
    from dbt_omni.config import settings_from_dict
    from dbt_omni.export import ExportContext, export
    from dbt_omni.manifests import from_manifest_dict

    shim = "{% macro default__monthly_amount(type_column, amount_column, m, a, q) %}" \
           "round({{ amount_column }}, 2){% endmacro %}"
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}})
    manifest["macros"]["macro.my_shims.default__monthly_amount"] = {
        "name": "default__monthly_amount", "package_name": "my_shims", "macro_sql": shim,
        "unique_id": "macro.my_shims.default__monthly_amount", "description": ""}

    def exported_sql(project_yml: str) -> str:
        (tmp_path / "dbt_project.yml").write_text(project_yml)
        out = tmp_path / "omni"
        export(lambda catalog: from_manifest_dict(manifest, catalog), settings_from_dict({"output_dir": str(out)}, source="t"),
               ExportContext(project_dir=tmp_path), force=True)
        return yaml.safe_load((out / "analytics/subscription_months.view.yaml").read_text())["measures"]["mrr"]["sql"]

    dispatch = "name: shop\ndispatch:\n  - macro_namespace: dbt_omni\n    search_order: [my_shims, dbt_omni]\n"
    assert exported_sql(dispatch) == "round(${subscription_amount}, 2)"
    second = "  - macro_namespace: dbt_omni\n    search_order: [dbt_omni]\n"
    assert exported_sql(dispatch + second) == "round(${subscription_amount}, 2)"  # dbt takes the first entry
    assert exported_sql("name: shop\n").startswith("case when ${subscription_type} = 'monthly'")


def test_a_users_own_metric_macro_in_the_root_project():
    own = "{% macro my_revenue(amount_column='subscription_amount') %}" \
          "{{ return(dbt_omni.metric_aggregate('sum', amount_column ~ ' * 2')) }}{% endmacro %}"
    manifest = subscriptions({"double": {"metric": "shop.my_revenue"}})
    manifest["macros"]["macro.shop.my_revenue"] = {"name": "my_revenue", "package_name": "shop", "macro_sql": own}
    assert measures_of(manifest)["double"] == {"sql": "${subscription_amount} * 2", "aggregate_type": "sum"}


def test_a_users_metric_macro_writing_a_column_without_field_reference_is_a_warning():
    """`sql: amount` works on the view's own table (and so in verify), but in a topic joining another view
    with an `amount` column Omni's query is ambiguous."""
    own = ("{% macro completed(amount='subscription_amount') %}{{ return(dbt_omni.metric_aggregate('sum', "
           "\"case when Subscription_Type = 'month' and \\\"month_start\\\" is not null then \" ~ amount ~ \" end\")) }}"
           "{% endmacro %}")
    manifest = subscriptions({"done": {"metric": "shop.completed"}})
    manifest["macros"]["macro.shop.completed"] = {"name": "completed", "package_name": "shop", "macro_sql": own}
    omni = build(manifest)
    [measure] = [m for m in omni.views[0].measures if m.name == "done"]
    assert measure.sql == 'case when Subscription_Type = \'month\' and "month_start" is not null then subscription_amount end'
    assert omni.warnings == [
        "model subscription_months: meta.omni.measures.done: macro shop.completed writes column subscription_amount, "
        "subscription_type without ${}; Omni cannot tell whose it is in a topic that joins a view with a column of "
        "that name (take it as a *_column argument, which the export turns into ${field})"]
    assert build(subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}})).warnings == []


@pytest.mark.parametrize("block, key, fragment, suggestion", [
    ({"metric": "monthly_recuring_revenue"}, "meta.omni.measures.mrr.metric",
     "unknown metric macro 'dbt_omni.monthly_recuring_revenue'", "monthly_recurring_revenue"),
    ({"metric": "monthly_recurring_revenue", "args": {"type_colum": "x"}}, "meta.omni.measures.mrr.args.type_colum",
     "unknown argument 'type_colum'", "type_column"),
    ({"metric": "monthly_recurring_revenue", "args": {"amount_column": "subscription_amt"}},
     "meta.omni.measures.mrr.args.amount_column", "the view has no column 'subscription_amt'", "subscription_amount"),
    ({"metric": "safe_divide"}, "meta.omni.measures.mrr.args.numerator", "missing argument 'numerator'", None),
    ({"metric": "monthly_recurring_revenue", "aggregate_type": "sum", "sql": "${subscription_amount}"},
     "meta.omni.measures.mrr.aggregate_type",
     "'aggregate_type' cannot be set on a shared metric: macro dbt_omni.monthly_recurring_revenue defines it", None),
    ({"metric": "monthly_recurring_revenue", "sql": "${subscription_amount}"}, "meta.omni.measures.mrr.sql",
     "'sql' cannot be set on a shared metric", None),
])
def test_metric_errors_name_the_file_model_key_and_closest_spelling(block, key, fragment, suggestion):
    problem = export_error(subscriptions({"mrr": block})).problems[0]
    assert (problem.model, problem.key) == ("subscription_months", key)
    assert problem.file == "models/subscription_months.yml"
    assert fragment in problem.message
    assert problem.suggestion == suggestion


def test_a_metric_argument_naming_a_column_by_a_reserved_word_says_how_a_dbt_model_must_pass_it():
    """order_id_column: user is the column here (Omni quotes the field), but a dbt model calling the macro with
    order_id_column='user' counts PostgreSQL's login name, and verify, quoting it on both sides, said they matched
    (found by a review on PostgreSQL)."""
    block = {"metric": "average_order_value", "args": {"order_id_column": "user", "amount_column": "balance"}}
    manifest = subscriptions({"aov": block}, columns=("user", "balance"))
    omni = build(manifest)
    assert omni.warnings == [
        "model subscription_months: meta.omni.measures.aov.args.order_id_column: user is a reserved word of SQL on "
        "postgres; a dbt model calling the macro must pass it quoted, order_id_column='\"user\"' (bare, `user` is the "
        "login name and `order` a syntax error), or its numbers are not these (Omni quotes the field itself)"]
    manifest["metadata"]["adapter_type"] = "snowflake"  # whose names are not quoted so: not said
    assert build(manifest).warnings == []


def test_a_shared_metrics_format_is_checked_as_any_measures():
    """usd_currency_2 on a metric measure was written to Omni unchecked, where a plain measure's is an error (found
    by a first install on a real project)."""
    problem = one_problem(export_error(subscriptions({"mrr": {"metric": "monthly_recurring_revenue",
                                                              "format": "usd_currency_2"}})))
    assert (problem.key, problem.message, problem.suggestion) == (
        "meta.omni.measures.mrr.format", "unknown format 'usd_currency_2'", "usdcurrency_2")
    assert measures_of(subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "format": "audcurrency_2"}}))[
        "mrr"]["format"] == "audcurrency_2"
    # and the format a metric macro's own properties give it (a code review: the fallback was unchecked)
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}})
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"]["meta"] = {"dbt_omni": {"kind": "metric",
                                                                                         "format": "usd_currency_2"}}
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"]["patch_path"] = "dbt_omni://macros/metrics/_metrics.yml"
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message, problem.suggestion) == (
        "meta.omni.measures.mrr.format",
        "unknown format 'usd_currency_2' (from macro dbt_omni.monthly_recurring_revenue's properties, its "
        "meta.dbt_omni.format in macros/metrics/_metrics.yml; meta.omni.measures.mrr.format overrides it)", "usdcurrency_2")
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"]["meta"]["dbt_omni"]["format"] = 2  # was a traceback
    problem = one_problem(export_error(manifest))
    assert problem.message.startswith("format 2 is not text (from macro dbt_omni.monthly_recurring_revenue's properties")
    # overridden by the measure's own format: not read
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "format": "usdcurrency_2"}})
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"]["meta"] = {"dbt_omni": {"format": 2}}
    assert measures_of(manifest)["mrr"]["format"] == "usdcurrency_2"


def test_every_unknown_argument_of_a_metric_is_said_at_once():
    """Only the first was, so each mistake took a dbt command of its own (found by a review on PostgreSQL)."""
    block = {"metric": "monthly_recurring_revenue", "args": {"type_colum": "plan", "amount_colum": "mrr"}}
    problems = export_error(subscriptions({"mrr": block})).problems
    assert [(p.key, p.suggestion) for p in problems] == [
        ("meta.omni.measures.mrr.args.amount_colum", "amount_column"), ("meta.omni.measures.mrr.args.type_colum", "type_column")]


def with_own_macro(body: str) -> dict:
    manifest = subscriptions({"own": {"metric": "shop.own"}})
    manifest["macros"]["macro.shop.own"] = {"name": "own", "package_name": "shop",
                                            "macro_sql": "{% macro own() %}" + body + "{% endmacro %}"}
    return manifest


def test_a_metric_macro_reading_a_project_var_is_an_error_not_the_default():
    """dbt's models would take the project's var, the Omni measure its default: two definitions."""
    body = "{{ return(dbt_omni.metric_aggregate('sum', 'subscription_amount * ' ~ var('fx_rate', 1))) }}"
    problem = export_error(with_own_macro(body)).problems[0]
    assert problem.key == "meta.omni.measures.own.metric" and problem.model == "subscription_months"
    assert "it reads var('fx_rate'), and a shared metric cannot" in problem.message
    assert "make it a macro argument" in problem.message


@pytest.mark.parametrize("body, fragment", [
    ("{{ return(1 / 0) }}", "raised ZeroDivisionError"),
    ("{{ return('{\"omni_metric\": \"aggregate\", ') }}", "is not a shared metric: its answer is not"),
    ("{{ return(tojson({'omni_metric': 'aggregate', 'aggregate_type': 'stddev', 'sql': 'x'})) }}",
     "has aggregate_type 'stddev', not one of metric_aggregate's"),
    ("{{ return(tojson({'omni_metric': 'aggregate', 'aggregate_type': 'sum'})) }}", "its answer has no sql text"),
    ("{{ return(tojson({'omni_metric': 'ratio', 'numerator': {}})) }}",
     "its numerator is not a metric_aggregate or metric_ratio tree"),
])
def test_a_users_metric_macro_answering_badly_is_a_clear_error(body, fragment):
    problem = export_error(with_own_macro(body)).problems[0]
    assert problem.key == "meta.omni.measures.own.metric" and fragment in problem.message, problem.message


def test_a_macro_that_is_not_a_metric_is_refused():
    problem = export_error(subscriptions({"x": {"metric": "monthly_amount"}})).problems[0]
    assert "is not a shared metric" in problem.message and problem.key == "meta.omni.measures.x.metric"


def test_a_metric_arguments_default_column_missing_says_to_pass_args():
    problem = export_error(subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}},
                                         columns=("plan", "subscription_amount"))).problems[0]
    assert problem.message == "the view has no column 'subscription_type' (the default of type_column)"
    assert problem.expected == "args: {type_column: <a column of the model>} (documented or in catalog.json)"
    assert problem.key == "meta.omni.measures.mrr.args.type_column"
    # no suggestion for a name the user never typed (order_amount gave order_id, another kind: an audit of messages)
    problem = export_error(subscriptions({"aov": {"metric": "average_order_value"}},
                                         columns=("order_id", "order_total"))).problems[0]
    assert problem.message == "the view has no column 'order_amount' (the default of amount_column)"
    assert problem.suggestion is None


def test_the_metrics_documented_format_and_additivity_reach_omni():
    """_metrics.yml gives each metric a format and its additivity: an Omni user must not sum MRR over months."""
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"},
                              "mrr_eur": {"metric": "monthly_recurring_revenue", "format": "eurcurrency_2",
                                          "label": "MRR (EUR)"}})
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"].update(
        description="**MRR** = sum of monthly amounts.\n\nGrain: one row per subscription-month.\n\n"
                    "Additivity: semi-additive over time\n(take one period).",
        meta={"dbt_omni": {"kind": "metric", "label": "MRR", "format": "usdcurrency_2"}})
    measures = measures_of(manifest)
    assert measures["mrr"]["format"] == "usdcurrency_2" and measures["mrr_eur"]["format"] == "eurcurrency_2"
    assert measures["mrr"]["label"] == "MRR" and measures["mrr_eur"]["label"] == "MRR (EUR)"
    assert measures["mrr"]["description"] == ("**MRR** = sum of monthly amounts. "
                                              "Additivity: semi-additive over time (take one period).")


def test_the_arguments_given_follow_the_metrics_definition_in_its_description():
    """The definition is written over the macro's default columns: `sum(amount)` over a measure of customers'
    lifetime values told Omni users something this measure does not compute."""
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"},
                              "mrr_plain": {"metric": "monthly_recurring_revenue", "args": {
                                  "type_column": None, "amount_column": "subscription_amount"}},  # the default
                              "mrr_same": {"metric": "monthly_recurring_revenue", "args": {
                                  "amount_column": "subscription_amount"}}})
    manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"].update(
        description="**MRR** = `sum(monthly_amount(type_column, amount_column))`.\n\nAdditivity: semi-additive.")
    measures = measures_of(manifest)
    assert measures["mrr"]["description"] == "**MRR** = `sum(monthly_amount(type_column, amount_column))`. " \
                                             "Additivity: semi-additive."
    assert measures["mrr_plain"]["description"] == (
        "**MRR** = `sum(monthly_amount(type_column, amount_column))`. Here: type_column = `none`. "
        "Additivity: semi-additive.")
    assert measures["mrr_same"]["description"] == measures["mrr"]["description"]

def test_quarterly_plans_and_other_plan_names_count_as_recurring():
    measures = measures_of(subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "args": {
        "monthly_value": "Monthly", "quarterly_value": "Quarterly", "annual_value": "Yearly"}}}))
    assert measures["mrr"]["sql"] == (
        "case when ${subscription_type} = 'Monthly' then ${subscription_amount} "
        "when ${subscription_type} = 'Quarterly' then (${subscription_amount}) / 3.0 "
        "when ${subscription_type} = 'Yearly' then (${subscription_amount}) / 12.0 else 0 end")


def test_a_misspelt_filter_of_a_ratio_metric_is_reported_once():
    """numerator and denominator both carry the metric's filters; the user wrote one."""
    manifest = make_manifest([model("customer_months", columns=["mrr", "previous_mrr", "plan"], omni={
        "measures": {"churn": {"metric": "customer_churn_rate", "filters": {"plna": {"is": "pro"}}}}})])
    manifest["macros"] = package_macros()
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert (problem.message, problem.suggestion) == ("plna is not a field of analytics__customer_months", "plan")


def test_the_word_none_for_a_column_argument_says_to_write_null():
    problem = export_error(subscriptions({"mrr": {"metric": "monthly_recurring_revenue",
                                                  "args": {"type_column": "none"}}})).problems[0]
    assert problem.message == "the view has no column 'none'"
    assert problem.expected.endswith("(for no column, write YAML's null, Jinja's none: `type_column: null`)")
    null = measures_of(subscriptions({"mrr": {"metric": "monthly_recurring_revenue", "args": {"type_column": None}}}))
    assert "subscription_type" not in null["mrr"]["sql"]  # null is none, not the default column


def test_a_column_argument_may_be_an_expression_over_the_views_fields():
    """An amount net of discounts needs no extra dimension: ${...} marks the expression."""
    manifest = make_manifest([model("orders", columns=["order_id", "order_amount", "discount_amount"], omni={
        "measures": {"aov": {"metric": "average_order_value",
                             "args": {"amount_column": "${order_amount} - ${discount_amount}"}}}})])
    manifest["macros"] = package_macros()
    measures = view_yaml(manifest)["measures"]
    assert measures["aov_numerator"]["sql"] == "(${order_amount} - ${discount_amount})"
    assert measures["aov_denominator"]["sql"] == "${order_id}"
    manifest["nodes"]["model.shop.orders"]["meta"]["omni"]["measures"]["aov"]["args"]["amount_column"] = "${order_amont}"
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key, problem.suggestion) == (
        "${order_amont} is not a field of analytics__orders", "meta.omni.measures.aov.args.amount_column", "order_amount")


def test_net_new_mrr_counts_a_null_previous_mrr_as_zero_as_the_movement_metrics_do():
    """lag() gives null in a customer's first period: sum(mrr - null) would drop that month's new MRR."""
    manifest = make_manifest([model("customer_months", columns=["mrr", "previous_mrr"], omni={
        "measures": {"net_new": {"metric": "net_new_mrr"}}})])
    manifest["macros"] = package_macros()
    assert view_yaml(manifest, "analytics/customer_months.view.yaml")["measures"]["net_new"]["sql"] == "coalesce(${mrr}, 0) - coalesce(${previous_mrr}, 0)"


def test_an_expression_without_dollar_braces_says_how_to_write_one():
    problem = one_problem(export_error(subscriptions({"mrr": {"metric": "monthly_recurring_revenue",
                                                              "args": {"amount_column": "subscription_amount * 2"}}})))
    assert problem.message == "the view has no column 'subscription_amount * 2'"
    assert problem.expected.endswith("; an expression names its columns as ${column}, e.g. ${subscription_amount} * 2")


def test_a_project_overrides_a_helper_for_its_warehouse_as_dbt_utils_macros_are_overridden():
    """Every metric macro, primitive and helper dispatches: a project's postgres__monthly_amount wins."""
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}})
    manifest["macros"]["macro.shop.postgres__monthly_amount"] = {
        "name": "postgres__monthly_amount", "package_name": "shop",
        "macro_sql": "{% macro postgres__monthly_amount(type_column, amount_column, monthly_value, annual_value, "
                     "quarterly_value) %}{{ return(amount_column ~ ' * 1.0') }}{% endmacro %}"}
    assert measures_of(manifest)["mrr"]["sql"] == "${subscription_amount} * 1.0"


def test_required_access_grants_of_a_shared_metric_guard_its_components_too():
    manifest = make_manifest([model("subscription_months", columns=["mrr", "previous_mrr"], omni={
        "measures": {"churn": {"metric": "customer_churn_rate", "required_access_grants": ["finance"]}}})])
    manifest["macros"] = package_macros()
    grant = {"finance": {"user_attribute": "department", "allowed_values": ["finance"]}}
    measures = view_yaml(manifest, "analytics/subscription_months.view.yaml", model_file={"access_grants": grant})["measures"]
    assert {name: m.get("required_access_grants") for name, m in measures.items() if name != "count"} == {
        "churn": ["finance"], "churn_numerator": ["finance"], "churn_denominator": ["finance"]}


def test_a_metric_of_a_package_the_project_lacks_says_so_and_where_the_macro_is():
    problem = one_problem(export_error(subscriptions({"arr": {"metric": "dbt_metrics.annual_recurring_revenue"}})))
    assert (problem.key, problem.message, problem.suggestion) == (
        "meta.omni.measures.arr.metric", "no package 'dbt_metrics' with macros is in this project",
        "dbt_omni.annual_recurring_revenue")
    assert problem.expected.endswith("(dbt_omni)")


def test_one_shared_metric_twice_in_a_view_warns_of_the_same_label_until_one_has_its_own():
    filters = {"subscription_type": {"is": "annual"}}
    twice = {"mrr": {"metric": "monthly_recurring_revenue"},
             "annual_mrr": {"metric": "monthly_recurring_revenue", "filters": filters}}

    def labelled(measures):  # the label _metrics.yml gives the macro, as dbt keeps it in manifest.json
        manifest = subscriptions(measures)
        manifest["macros"]["macro.dbt_omni.monthly_recurring_revenue"]["meta"] = {"dbt_omni": {"label": "MRR"}}
        return manifest

    omni = build(labelled(twice))
    assert {m.name: m.label for m in omni.views[0].measures if m.name != "count"} == {"mrr": "MRR", "annual_mrr": "MRR"}
    assert omni.warnings == ["model subscription_months: measures annual_mrr and mrr have the same label, MRR, so "
                             "Omni lists them alike (give each a label of its own)"]
    twice["annual_mrr"]["label"] = "MRR (annual plans)"
    assert build(labelled(twice)).warnings == []


def test_a_shared_metric_in_a_project_without_the_package_says_to_install_it():
    """dbt's own macros only: the usual cause is a packages.yml without dbt_omni (or no `dbt deps`)."""
    manifest = make_manifest([model("subscription_months", columns=["subscription_amount"], omni={
        "measures": {"mrr": {"metric": "monthly_recurring_revenue"}}})])
    manifest["macros"] = {"macro.dbt.noop": {"name": "noop", "package_name": "dbt",
                                             "macro_sql": "{% macro noop() %}{% endmacro %}"}}
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message, problem.expected) == (
        "meta.omni.measures.mrr.metric",
        "shared metric monthly_recurring_revenue is a macro of the dbt_omni package, which this project does not install",
        "dbt_omni in packages.yml (as the README's Install shows), then `dbt deps`")


def test_a_users_own_metric_written_without_its_package_suggests_it_in_full():
    """Without a package a metric is dbt_omni's: `metric: own` for the project's macro `own` says where it is."""
    manifest = with_own_macro("{{ return(dbt_omni.metric_aggregate('sum', 'subscription_amount')) }}")
    omni = manifest["nodes"]["model.shop.subscription_months"]["meta"]["omni"]
    omni["measures"] = {"own": {"metric": "own"}}
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message, problem.suggestion) == (
        "meta.omni.measures.own.metric", "unknown metric macro 'dbt_omni.own'", "shop.own")
    assert problem.expected == "a macro of package dbt_omni (a metric written without a package is dbt_omni's)"


def test_an_argument_whose_default_is_an_expression_gets_the_macros_own_default():
    """`factor=months_per_year()` is no constant Jinja can read without running the macro: passing None for
    it (as before) gave `* None` where dbt's model multiplies by 12."""
    own = "{% macro scaled(amount_column='subscription_amount', factor=months_per_year()) %}" \
          "{{ return(dbt_omni.metric_aggregate('sum', amount_column ~ ' * ' ~ factor)) }}{% endmacro %}"
    months = "{% macro months_per_year() %}{{ return(12) }}{% endmacro %}"
    manifest = subscriptions({"scaled": {"metric": "shop.scaled"}, "given": {"metric": "shop.scaled", "args": {"factor": 4}}})
    manifest["macros"]["macro.shop.scaled"] = {"name": "scaled", "package_name": "shop", "macro_sql": own}
    manifest["macros"]["macro.shop.months_per_year"] = {"name": "months_per_year", "package_name": "shop",
                                                        "macro_sql": months}
    measures = measures_of(manifest)
    assert measures["scaled"]["sql"] == "${subscription_amount} * 12"
    assert measures["given"]["sql"] == "${subscription_amount} * 4"


def test_a_manifest_without_macros_names_the_metric_that_needs_them():
    manifest = subscriptions({"mrr": {"metric": "monthly_recurring_revenue"}})
    del manifest["macros"]
    problem = one_problem(export_error(manifest))
    assert problem.message == "shared metric dbt_omni.monthly_recurring_revenue needs the manifest's macros, and it has none"
    assert (problem.model, problem.key) == ("subscription_months", "meta.omni.measures.mrr.metric")


def test_an_unknown_metric_lists_dbt_omnis_shared_metrics_and_knows_their_short_names():
    """`metric: aov` said only 'expected a macro of package dbt_omni': a newcomer had to read _metrics.yml to
    find average_order_value. The metrics are those _metrics.yml marks kind: metric, as dbt keeps it."""
    import yaml as pyyaml

    from testkit import MACROS

    def with_kinds(measures):
        manifest = subscriptions(measures)
        for entry in pyyaml.safe_load((MACROS / "metrics" / "_metrics.yml").read_text())["macros"]:
            if f"macro.dbt_omni.{entry['name']}" in manifest["macros"]:
                manifest["macros"][f"macro.dbt_omni.{entry['name']}"]["meta"] = entry.get("meta") or {}
        return manifest

    problem = one_problem(export_error(with_kinds({"x": {"metric": "aov"}})))
    assert (problem.message, problem.suggestion) == ("unknown metric macro 'dbt_omni.aov'", "average_order_value")
    assert problem.expected.startswith("a macro of package dbt_omni; its shared metrics: active_customers, "
                                       "annual_recurring_revenue, average_order_value, ")
    assert "safe_divide" not in problem.expected and "monthly_amount" not in problem.expected  # helpers, not metrics
    assert one_problem(export_error(with_kinds({"x": {"metric": "MRR"}}))).suggestion == "monthly_recurring_revenue"
    # a metric of dbt's semantic layer by that name: said to be one, not "did you mean" another definition
    semantic = with_kinds({"x": {"metric": "aov"}})
    semantic["metrics"] = {"metric.shop.aov": {"resource_type": "metric", "name": "aov", "unique_id": "metric.shop.aov",
                                               "depends_on": {"nodes": []}}}
    problem = one_problem(export_error(semantic))
    assert problem.suggestion is None and "aov is a metric of dbt's semantic layer" in problem.expected
    assert one_problem(export_error(with_kinds({"x": {"metric": "avg_order_value"}}))).suggestion == "average_order_value"


def test_every_metric_macro_checks_all_of_its_own_arguments():
    """A metric macro that forgets the check, or names another metric or leaves an argument out of it, would
    give a dbt model Jinja's own messages again (or none) for that metric."""
    import re
    from pathlib import Path

    import jinja2

    folder = Path(__file__).resolve().parents[2] / "macros" / "metrics"
    checked = 0
    for path in sorted(folder.glob("*/*.sql")):
        if path.parent.name in ("helpers", "primitives"):
            continue
        source = path.read_text()
        macro = next(node for node in jinja2.Environment(extensions=["jinja2.ext.do"]).parse(source).find_all(
            jinja2.nodes.Macro) if not node.name.startswith("default__"))
        call = re.search(r"dbt_omni\._metric_arguments\('(\w+)', kwargs, \{([^}]*)\}\)", source)
        assert call, f"{path.name} does not call _metric_arguments"
        given = re.findall(r"'(\w+)': (\w+)", call.group(2))
        params = [arg.name for arg in macro.args]
        assert call.group(1) == macro.name and given == [(name, name) for name in params], path.name
        checked += 1
    assert checked == 16


def test_macros_parse_on_the_oldest_jinja_dbt_allows():
    """dbt-core takes jinja2>=3.1.3; a `set` of two namespace attributes parses only from 3.1.5, and dbt
    compiles every package's macros at parse: one such line stops every dbt command of a project."""
    import re
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "macros"
    two_attributes = re.compile(r"\{%-?\s*set\s+\w+\.\w+\s*,")
    assert [p.name for p in folder.rglob("*.sql") if two_attributes.search(p.read_text())] == []
