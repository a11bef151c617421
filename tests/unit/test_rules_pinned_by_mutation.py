"""Rules a mutation review (a change to the code, one at a time) found no test pinned: each test here fails
when its rule is broken, which was checked against the changed code."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
import yaml

from dbt_omni import contract
from dbt_omni.config import find_project_dir, load_settings, profile_targets, settings_from_dict
from dbt_omni.errors import OmniExportError, Problem
from dbt_omni.export import ExportContext, export, tolerated
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.output import write_atomically
from dbt_omni.shims import unchanged_key
from dbt_omni.verify import Check, _View, plan, report
from testkit import (
    build,
    column,
    export_error,
    make_manifest,
    model,
    package_macros,
    render_files,
    source,
    test_node,
    view_yaml,
)
from testkit import settings as make_settings


def rels_yaml(manifest, **settings):
    return yaml.safe_load(render_files(manifest, **settings)["relationships.yaml"])


def test_reversible_false_is_written():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={"joins": [
            {"to": "customers", "on_sql": "${orders.customer_id} = ${customers.customer_id}",
             "relationship_type": "many_to_many", "reversible": False}]}),
        model("customers", columns=["customer_id"]),
    ])
    [rel] = rels_yaml(manifest)
    assert rel["reversible"] is False


def test_model_file_keys_are_sorted():
    files = render_files(make_manifest([model("orders", columns=["id"])]),
                         model_file={"week_start_day": "Monday", "default_row_limit": 100})
    text = files["model.yaml"]
    assert text.index("default_row_limit") < text.index("week_start_day")


def test_a_column_starting_with_a_digit_gets_a_letter_first():
    view = view_yaml(make_manifest([model("orders", columns=["2023_revenue"])]))
    assert view["dimensions"]["c_2023_revenue"] == {"sql": '"2023_revenue"', "label": "2023_revenue"}


def test_meta_omni_primary_key_flag_beats_a_model_constraint():
    manifest = make_manifest([model("orders", columns=[column("order_id", omni={"primary_key": True}), "line_id"],
                                    constraints=[{"type": "primary_key", "columns": ["line_id"]}])])
    view = view_yaml(manifest)
    assert view["dimensions"]["order_id"] == {"primary_key": True}
    assert view["dimensions"]["line_id"] == {}


def test_a_column_named_count_is_no_clash_with_the_default_count_measure():
    omni = build(make_manifest([model("daily_orders", columns=["day", "count"])]))
    [view] = omni.views
    assert [d.name for d in view.dimensions] == ["count", "day"]
    assert [m.name for m in view.measures] == []


def test_a_second_join_between_the_same_two_views_is_a_warning():
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id", "referrer_id"]), model("customers", columns=["customer_id"])],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id"),
         test_node("relationships", "orders", "referrer_id", to="customers", field="customer_id")])
    omni = build(manifest)
    assert len(omni.relationships) == 1
    assert any("second join" in w and "referrer_id" in w for w in omni.warnings), omni.warnings


def test_a_timeframe_on_another_models_field_is_kept():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id", column("ordered_at", data_type="timestamp")],
              omni={"topic": {"always_where_sql": "${orders.ordered_at[date]} > '2020-01-01'"}}),
    ])
    [topic] = build(manifest).topics
    assert topic.always_where_sql == "${analytics__orders.ordered_at[date]} > '2020-01-01'"


def _customers(version, latest):
    node = model("customers", columns=["customer_id"], alias=f"customers_v{version}")
    node["unique_id"] = f"model.shop.customers.v{version}"
    node["version"], node["latest_version"] = version, latest
    return node


def test_a_float_latest_version_still_names_the_latest():
    manifest = make_manifest([_customers(1, 2.0), _customers(2, 2.0),
                              model("orders", columns=["customer_id"], omni={"joins": [{"to": "customers", "on_sql": "1 = 1"}]})])
    assert build(manifest).relationships[0].join_to_view == "analytics__customers_v2"


def test_a_foreign_key_ref_prefers_the_model_of_its_own_package():
    fk = {"type": "foreign_key", "to": "ref('customers')", "to_columns": ["customer_id"]}
    manifest = make_manifest([
        model("customers", columns=["customer_id"], package="crm", schema="crm"),
        model("customers", columns=["customer_id"]),
        model("orders", columns=["order_id", column("customer_id", constraints=[fk])]),
    ])
    omni = build(manifest, select=["orders", "customers"])
    assert [r.join_to_view for r in omni.relationships] == ["analytics__customers"]


def test_a_compiled_foreign_key_target_matches_in_any_case():
    fk = {"type": "foreign_key", "to": '"DB"."ANALYTICS"."CUSTOMERS"', "to_columns": ["customer_id"]}
    manifest = make_manifest([model("orders", columns=["order_id", column("customer_id", constraints=[fk])],
                                    depends_on=["model.shop.customers"]),
                              model("customers", columns=["customer_id"])])
    assert [r.join_to_view for r in build(manifest).relationships] == ["analytics__customers"]


def test_a_seed_file_name_selects_the_seed():
    seed = model("raw_customers", columns=["id"], path="seeds/raw_customers.csv")
    seed["resource_type"], seed["unique_id"] = "seed", "seed.shop.raw_customers"
    omni = build(make_manifest([seed, model("orders", columns=["id"])]), select=["raw_customers.csv"])
    assert [v.table_name for v in omni.views] == ["raw_customers"]


def test_version_old_compares_versions_as_numbers():
    manifest = make_manifest([_customers(9, 10), _customers(10, 10)])
    omni = build(manifest, select=["version:old"])
    assert [v.table_name for v in omni.views] == ["customers_v9"]


def test_a_source_selector_that_exports_nothing_is_a_warning():
    """The manifest lacks the source's own node (only a model's depends_on names it): nothing is exported."""
    manifest = make_manifest([model("orders", columns=["id"], depends_on=["source.shop.shop_app.orders"])])
    omni = build(manifest, select=["orders", "source:shop_app"])
    assert any("source:shop_app" in w and "matches no exportable model" in w for w in omni.warnings), omni.warnings


def test_a_filter_of_a_ratio_metric_on_an_uncatalogued_model_warns_once():
    manifest = make_manifest([model("customer_months", columns=["mrr", "previous_mrr", "plan"], omni={
        "measures": {"churn": {"metric": "customer_churn_rate", "filters": {"segment": {"is": "pro"}}}}})])
    manifest["macros"] = package_macros()
    warnings = [w for w in build(manifest).warnings if "segment" in w]
    assert len(warnings) == 1, warnings


def test_a_block_the_fast_validator_refuses_is_refused_even_if_jsonschema_finds_nothing(monkeypatch):
    monkeypatch.setattr(contract, "_fast_validator", lambda kind: (lambda block: False))
    problems = contract.check("model", {"label": "Orders"}, file="models/orders.yml", model="orders", key_prefix="meta.omni")
    assert len(problems) == 1 and "refused by dbt_omni's JSON Schema" in problems[0].message


def test_every_problem_of_one_block_is_reported_at_once():
    error = export_error(make_manifest([model("orders", columns=["id"], omni={"lable": "x", "hidden": "yes"})]))
    assert sorted(p.key for p in error.problems) == ["meta.omni.hidden", "meta.omni.lable"]


def test_a_bad_value_given_as_an_argument_names_the_argument():

    with pytest.raises(OmniExportError) as info:
        load_settings(None, overrides={"output_dir": ""}, given_as={"output_dir": "--output"})
    assert info.value.problems[0].key == "--output"


def test_an_argument_beats_the_same_setting_in_vars(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  dbt_omni:\n    select: [orders]\n    output_dir: a\n")
    settings = load_settings(tmp_path, {"dbt_omni": {"output_dir": "b"}}, overrides={"select": ["customers"], "output_dir": "c"})
    assert settings.select == ("customers",) and settings.output_dir == "c"


def test_the_profiles_dir_given_beats_the_projects_profiles_yml(tmp_path, monkeypatch):
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    project, profiles = tmp_path / "project", tmp_path / "profiles"
    project.mkdir()
    profiles.mkdir()
    (project / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    (project / "profiles.yml").write_text("shop:\n  target: dev\n")
    (profiles / "profiles.yml").write_text("shop:\n  target: prod\n")
    assert profile_targets(project, profiles).default == "prod"


def test_a_folder_holding_only_a_users_model_file_is_not_replaced(tmp_path):

    out = tmp_path / "omni"
    out.mkdir()
    (out / "model.yaml").write_text("week_start_day: Sunday\n")
    with pytest.raises(OmniExportError, match="refusing to replace"):
        write_atomically(out, {"model.yaml": "{}\n"})
    assert (out / "model.yaml").read_text() == "week_start_day: Sunday\n"


def test_a_shared_metrics_tags_are_sorted_like_every_measures():
    manifest = make_manifest([model("subscription_months", columns=["subscription_type", "subscription_amount"], omni={
        "measures": {"mrr": {"metric": "monthly_recurring_revenue", "tags": ["revenue", "core"]}}})])
    manifest["macros"] = package_macros()
    measures = view_yaml(manifest, "analytics/subscription_months.view.yaml")["measures"]
    assert measures["mrr"]["tags"] == ["core", "revenue"]


def test_a_dimension_named_id_is_never_a_default_grain(tmp_path):
    manifest = make_manifest([model("subscription_months", columns=["id", "subscription_type", "subscription_amount"],
                                    omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue"}}})])
    manifest["macros"] = package_macros()
    out = tmp_path / "omni"
    export(lambda catalog: from_manifest_dict(manifest, catalog), settings_from_dict({"output_dir": str(out)}, source="t"),
           ExportContext(project_dir=tmp_path))
    assert "id" not in [c.grain for c in plan(from_manifest_dict(manifest), out)]


def test_values_equal_but_for_float_rounding_match():
    check = Check(measure="v.m", grain=None, database=None, schema="s", identifier="t",
                  dbt_sql="", omni_sql="")
    ok, text = report([check], [([(0.1 + 0.2,)], [(0.3,)])])
    assert ok, text


def test_on_error_fail_is_never_tolerated(tmp_path):
    error = OmniExportError(Problem("boom"))
    assert tolerated(error, make_settings(), tmp_path) is None
    assert tolerated(error, make_settings(on_error="warn"), tmp_path) is not None


def test_the_record_names_the_model_after_the_project_by_default(tmp_path):

    manifest = make_manifest([model("orders", columns=["id"])])
    out = tmp_path / "omni"
    export(lambda catalog: from_manifest_dict(manifest, catalog), make_settings(output_dir=str(out)), ExportContext())
    assert json.loads((out / "omni_export.json").read_text())["model_name"] == "shop"


def test_a_changed_env_var_changes_the_plugins_skip_key():


    def manifest(value):
        state = SimpleNamespace(vars_hash="v", profile_hash="p", project_env_vars_hash="e", project_hashes={})
        return SimpleNamespace(files={"f": SimpleNamespace(checksum=SimpleNamespace(checksum="c"))},
                               env_vars={"OMNI_LABEL": value}, state_check=state, selectors={})

    assert unchanged_key(manifest("a"), "x") != unchanged_key(manifest("b"), "x")


# A value other than the default for every setting that shapes the files (a new setting needs one here).
SHAPING = {"select": ["orders"], "exclude": ["orders"], "only_with_meta": True, "topics_from_paths": ["models"],
           "use_catalog": False, "scope_view_names": True, "connection": "warehouse", "model_name": "shop",
           "included_schemas": ["finance"], "model_file": {"week_start_day": "Sunday"}}


@pytest.mark.parametrize("name", sorted(SHAPING))
def test_every_setting_that_shapes_the_files_is_in_the_fingerprint(name):
    """The plugin skips an export when the fingerprint is unchanged: a setting left out of it would
    leave the files of the old value in place."""
    assert make_settings(**{name: SHAPING[name]}).fingerprint() != make_settings().fingerprint()


def test_the_settings_that_do_not_shape_the_files_are_left_out_of_the_fingerprint():
    from dataclasses import fields

    from dbt_omni.config import Settings

    others = {"output_dir": "elsewhere", "write_on_parse": False, "on_error": "warn"}
    assert {f.name for f in fields(Settings)} == {*SHAPING, *others, "origins"}
    for name, value in others.items():
        assert make_settings(**{name: value}).fingerprint() == make_settings().fingerprint(), name


def test_undocumented_catalog_columns_keep_the_warehouse_order():
    """Two undocumented columns, each unique + not_null by a model-level test: the first in the table is the key."""
    manifest = make_manifest([model("orders", columns=[])],
                             [test_node("unique", "orders", "z_key"), test_node("not_null", "orders", "z_key"),
                              test_node("unique", "orders", "a_key"), test_node("not_null", "orders", "a_key")])
    catalog = {"nodes": {"model.shop.orders": {"columns": {
        "z_key": {"name": "z_key", "type": "int", "index": 1}, "a_key": {"name": "a_key", "type": "int", "index": 2}}}}}
    [view] = build(manifest, catalog).views
    assert [d.name for d in view.dimensions if d.primary_key] == ["z_key"]


@pytest.mark.versions  # dbt's WarnErrorOptions have changed shape between versions
@pytest.mark.parametrize("options, is_error", [
    ({"error": "all"}, True),
    ({"error": ["Note"]}, True),
    ({"error": "all", "warn": ["Note"]}, False),
    ({"error": ["NoNodesForSelectionCriteria"]}, False),
])
def test_warn_error_options_reach_our_warnings_by_dbts_event_name_note(options, is_error):
    """dbt accepts only its own event names in --warn-error-options; ours are Note events (shims.log)."""
    from types import SimpleNamespace

    from dbt.events import ALL_EVENT_NAMES
    from dbt_common.helper_types import WarnErrorOptionsV2

    from dbt_omni.shims import _warn_error

    flags = SimpleNamespace(WARN_ERROR=False, WARN_ERROR_OPTIONS=WarnErrorOptionsV2(
        error=options.get("error", []), warn=options.get("warn", []), valid_error_names=ALL_EVENT_NAMES))
    assert _warn_error(flags) is is_error


# ---- a second mutation review (237 mutants, 2026-11-27): the rules its survivors showed unpinned ----
def test_a_vars_key_given_with_dash_dash_vars_beats_dbt_project_yml(tmp_path):
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  dbt_omni:\n    connection: dev\n")
    assert load_settings(tmp_path, {"dbt_omni": {"connection": "prod"}}).connection == "prod"


def test_a_relationships_test_to_a_source_listed_after_the_model_joins_the_source():
    manifest = make_manifest([model("orders", columns=["order_id", "customer_id"])],
                             sources=[source("raw", "customers", columns=["customer_id"])])
    rel = test_node("relationships", "orders", "customer_id", to="x", field="customer_id")
    rel["test_metadata"]["kwargs"]["to"] = "source('raw', 'customers')"
    rel["depends_on"]["nodes"] = ["model.shop.orders", "source.shop.raw.customers"]  # refs first, then sources
    manifest["nodes"][rel["unique_id"]] = rel
    omni = build(manifest, select=["orders", "source:raw"])
    assert [(r.join_from_view, r.join_to_view) for r in omni.relationships] == [("analytics__orders", "raw__customers")]


def test_an_undefined_grant_a_view_requires_is_an_error():
    manifest = make_manifest([model("orders", columns=["id"], omni={"required_access_grants": ["fnance"]})])
    assert "access grant 'fnance' is not defined" in str(
        export_error(manifest, model_file={"access_grants": {"finance": {"user_attribute": "team", "allowed_values": ["f"]}}}))


def test_an_ignored_unique_not_null_column_is_no_primary_key():
    manifest = make_manifest(
        [model("orders", columns=[column("id", omni={"ignore": True}), "order_id"])],
        [test_node(k, "orders", c) for k in ("unique", "not_null") for c in ("id", "order_id")])
    omni = build(manifest)
    assert [d.name for d in omni.views[0].dimensions if d.primary_key] == ["order_id"]
    assert not any("several unique" in w for w in omni.warnings)


def test_a_primary_key_constraint_on_an_ignored_column_warns():
    manifest = make_manifest([model("orders", columns=[column("id", omni={"ignore": True}), "x"],
                                    constraints=[{"type": "primary_key", "columns": ["id"]}])])
    assert any("its primary_key constraint names id" in w for w in build(manifest).warnings)


def test_a_many_to_many_join_needs_keys_on_both_sides():
    manifest = make_manifest([
        model("orders", columns=["order_id", "tag"], omni={"joins": [
            {"to": "tags", "on_sql": "${orders.tag} = ${tags.tag}", "relationship_type": "many_to_many"}]}),
        model("tags", columns=["tag"])])
    warnings = build(manifest).warnings
    assert any(w.startswith("model tags") and "no primary key" in w for w in warnings)
    assert any(w.startswith("model orders") and "no primary key" in w for w in warnings)


def test_a_compound_key_is_a_key_for_the_keyless_join_warning():
    manifest = make_manifest([
        model("orders", columns=["order_id", "a", "b"], omni={"joins": [
            {"to": "pairs", "on_sql": "${orders.a} = ${pairs.a} and ${orders.b} = ${pairs.b}"}]}),
        model("pairs", columns=["a", "b"], omni={"primary_key": ["a", "b"]})])
    assert not any("no primary key" in w for w in build(manifest).warnings)


def test_a_join_alias_joins_onward_in_a_topic_like_its_view():
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id"], omni={"topic": True, "joins": [
            {"to": "users", "join_to_view_as": "buyers", "on_sql": "${orders.buyer_id} = ${users.user_id}"}]}),
        model("users", columns=["user_id", "region_id"], omni={"joins": [
            {"to": "regions", "on_sql": "${users.region_id} = ${regions.region_id}"}]}),
        model("regions", columns=["region_id"])])
    topic = yaml.safe_load(render_files(manifest)["orders.topic.yaml"])
    assert topic["joins"] == {"buyers": {"analytics__regions": {}}}


def test_a_hidden_field_sharing_a_label_is_no_warning():
    manifest = make_manifest([model("orders", columns=[
        column("amount", omni={"label": "Amount"}), column("amount_raw", omni={"label": "Amount", "hidden": True})])])
    assert not any("same label" in w for w in build(manifest).warnings)


def test_a_column_measure_with_its_own_aggregate_sql_needs_no_aggregate_type():
    manifest = make_manifest([model("orders", columns=[
        column("amount", omni={"measures": {"half": {"sql": "sum(${amount}) / 2"}}})])])
    [half] = [m for m in build(manifest).views[0].measures if m.name == "half"]
    assert half.sql == "sum(${amount}) / 2" and half.aggregate_type is None


def test_ignore_false_keeps_the_column():
    manifest = make_manifest([model("orders", columns=[column("id", omni={"ignore": False})])])
    assert [d.name for d in build(manifest).views[0].dimensions] == ["id"]


def test_verify_refuses_a_filter_on_another_views_field(tmp_path):
    path = tmp_path / "v.view.yaml"
    path.write_text(yaml.safe_dump({"dimensions": {"region": {}}, "measures": {}}))
    with pytest.raises(OmniExportError, match="another view's field"):
        _View(path, None, "analytics__orders").filter_sql("analytics__customers.region", {"is": "EU"}, "m")


def test_verify_quotes_reserved_words_only_where_that_is_harmless(tmp_path):
    path = tmp_path / "v.view.yaml"
    path.write_text(yaml.safe_dump({"dimensions": {"order": {}}, "measures": {}}))
    assert _View(path, None, "v", "snowflake").dimension_sql("order") == "order"
    assert _View(path, None, "v", "postgres").dimension_sql("order") == '"order"'


def test_a_manifest_without_a_project_name_takes_the_project_here(tmp_path, monkeypatch):
    (tmp_path / "dbt_project.yml").write_text("name: other\n")
    monkeypatch.chdir(tmp_path)
    assert find_project_dir(None, tmp_path / "target" / "manifest.json", "") == (tmp_path.resolve(), None)
