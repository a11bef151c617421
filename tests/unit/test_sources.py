"""dbt sources: a source table becomes a view when a selector picks it (source:, tag:, path:, ...), as in dbt."""
from __future__ import annotations

import yaml

from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model
from testkit import build, column, export_error, make_manifest, model, one_problem, render_files, settings, source

CHARGES = "source.shop.stripe.charges"


def source_test(kind: str, column_name: str, **kwargs) -> dict:
    """A generic test on a source column: dbt sets no attached_node, only `model: source(...)`."""
    return {
        "resource_type": "test",
        "unique_id": f"test.shop.source_{kind}_stripe_charges_{column_name}",
        "name": f"source_{kind}_stripe_charges_{column_name}",
        "package_name": "shop",
        "test_metadata": {"name": kind, "namespace": None, "kwargs": {
            "column_name": column_name, "model": "{{ get_where_subquery(source('stripe', 'charges')) }}", **kwargs}},
        "attached_node": None,
        "column_name": column_name,
        "depends_on": {"nodes": [CHARGES], "macros": []},
        "config": {"meta": {}},
    }


def payments_to_charges(name: str = "payments") -> dict:
    """A model's relationships test to a source table."""
    return {
        "resource_type": "test",
        "unique_id": f"test.shop.relationships_{name}_charge_id",
        "name": f"relationships_{name}_charge_id",
        "package_name": "shop",
        "test_metadata": {"name": "relationships", "namespace": None, "kwargs": {
            "column_name": "charge_id", "to": "source('stripe', 'charges')", "field": "id",
            "model": f"{{{{ get_where_subquery(ref('{name}')) }}}}"}},
        "attached_node": f"model.shop.{name}",
        "column_name": "charge_id",
        "depends_on": {"nodes": [CHARGES, f"model.shop.{name}"], "macros": []},
        "config": {"meta": {}},
    }


def stripe(**source_kwargs) -> dict:
    source_kwargs.setdefault("omni", {"label": "Stripe charges"})
    charges = source("stripe", "charges", identifier="stripe_charges", description="Charges as Stripe sends them.",
                     columns=[column("id", description="The charge."), "amount", "created_at"], **source_kwargs)
    return make_manifest(
        [model("payments", columns=["payment_id", "charge_id"], depends_on=[CHARGES], path="models/marts/payments.sql")],
        [source_test("unique", "id"), source_test("not_null", "id"), payments_to_charges()],
        sources=[charges],
    )


def test_a_selected_source_table_becomes_a_view():
    files = render_files(stripe(), select=["source:stripe"])
    assert sorted(files) == ["model.yaml", "raw/stripe_charges.view.yaml", "relationships.yaml"]
    text = files["raw/stripe_charges.view.yaml"]
    assert text.startswith("# Reference this view as raw__stripe_charges\n# Written by dbt-omni from "
                           "source.shop.stripe.charges (models/staging/_sources.yml)")
    view = yaml.safe_load(text)
    assert view["schema"] == "raw" and view["table_name"] == "stripe_charges"  # the identifier
    assert view["label"] == "Stripe charges"
    assert view["description"] == "Charges as Stripe sends them."
    assert view["dimensions"]["id"] == {"description": "The charge.", "primary_key": True}  # the source's tests


def test_source_tables_are_left_out_by_default_and_joins_to_them_say_how_to_select_them():
    omni = build(stripe())
    assert [v.name for v in omni.views] == ["analytics__payments"]
    assert omni.relationships == []
    assert omni.warnings == ["model payments: source 'stripe.charges' is not exported (select it beside your models: "
                             "vars.dbt_omni.select: ['package:this,resource_type:model', 'source:stripe.charges']); "
                             "left out: relationship (relationships test on charge_id)"]


def test_many_models_testing_against_a_source_left_out_give_one_warning():
    """Staging models that all test against a raw source nobody exports: one line, not one per model, on
    every dbt command that exports (the first five models named, then how many more)."""
    manifest = stripe()
    names = [f"stg_{i}" for i in range(7)]
    for name in names:
        node = model(name, columns=["charge_id"], depends_on=[CHARGES])
        manifest["nodes"][node["unique_id"]] = node
        manifest["nodes"][f"test.shop.relationships_{name}_charge_id"] = payments_to_charges(name)
    omni = build(manifest)
    assert omni.warnings == [
        "source 'stripe.charges' is not exported (select it beside your models: vars.dbt_omni.select: "
        "['package:this,resource_type:model', 'source:stripe.charges']); left out: "
        "in payments, relationship (relationships test on charge_id); "
        + "; ".join(f"in stg_{i}, relationship (relationships test on charge_id)" for i in range(4))
        + "; and in 3 more models"]


def test_a_join_naming_an_unselected_source_table_by_its_view_name_is_left_out_as_by_its_dbt_name():
    """`to: raw__stripe_charges` works while the source is selected (the test below): without it, the join
    is left out with the same warning, and SQL naming it gets the same reason, not 'unknown model'."""
    manifest = stripe()
    manifest["nodes"]["model.shop.payments"]["meta"] = {"omni": {"joins": [
        {"to": "raw__stripe_charges", "on_sql": "${charge_id} = ${raw__stripe_charges.id}"}]}}
    omni = build(manifest)
    assert omni.relationships == []
    assert omni.warnings == ["model payments: source 'stripe.charges' is not exported (select it beside your models: "
                             "vars.dbt_omni.select: ['package:this,resource_type:model', 'source:stripe.charges']); "
                             "left out: relationship (relationships test on charge_id), join (meta.omni.joins[0])"]
    manifest["nodes"]["model.shop.payments"]["meta"] = {"omni": {
        "dimensions": {"charge_amount": {"sql": "${raw__stripe_charges.amount}"}}}}
    problem = one_problem(export_error(manifest))
    assert problem.key == "meta.omni.dimensions.charge_amount.sql"
    assert problem.message.startswith("source 'stripe.charges' (the Omni view raw__stripe_charges) is not exported (")


def test_a_relationships_test_to_a_selected_source_table_is_a_join():
    rels = yaml.safe_load(render_files(stripe(), select=["payments", "source:stripe"])["relationships.yaml"])
    assert rels == [{"join_from_view": "analytics__payments", "join_to_view": "raw__stripe_charges",
                     "on_sql": "${analytics__payments.charge_id} = ${raw__stripe_charges.id}",
                     "relationship_type": "many_to_one", "join_type": "always_left"}]


def test_topics_from_paths_give_no_source_table_a_topic():
    manifest = stripe(path="models/marts/_sources.yml")
    omni = build(manifest, select=["path:models/marts"], topics_from_paths=["models/marts"])
    assert sorted(v.name for v in omni.views) == ["analytics__payments", "raw__stripe_charges"]
    assert [t.base_view for t in omni.topics] == ["analytics__payments"]


def test_catalog_columns_and_comment_of_a_source_table():
    catalog = {"nodes": {}, "sources": {CHARGES: {
        "metadata": {"comment": None},
        "columns": {"ID": {"name": "ID", "type": "INTEGER", "index": 1},
                    "currency": {"name": "currency", "type": "VARCHAR", "index": 2, "comment": "ISO 4217."}}}}}
    omni = build_omni_model(from_manifest_dict(stripe(), catalog), settings(select=["source:stripe"]))
    [view] = omni.views
    dimensions = {d.name: d for d in view.dimensions}
    assert sorted(dimensions) == ["amount", "created_at", "currency", "id"]
    assert dimensions["currency"].description == "ISO 4217."
    assert any("column amount is documented (models/staging/_sources.yml)" in w for w in omni.warnings)


def test_a_bad_meta_omni_block_on_a_source_table_names_its_yaml_file():
    manifest = stripe()
    manifest["sources"][CHARGES]["config"]["meta"]["omni"] = {"lable": "Charges"}
    problem = one_problem(export_error(manifest, select=["source:stripe"]))
    assert (problem.file, problem.model, problem.key) == ("models/staging/_sources.yml", "stripe.charges",
                                                          "meta.omni.lable")
    assert problem.suggestion == "label"


def test_meta_omni_reaches_a_source_table_by_its_view_name_and_a_source_can_declare_its_topic():
    manifest = stripe(omni={"label": "Stripe charges", "topic": True})
    manifest["nodes"]["model.shop.payments"]["meta"] = {"omni": {
        "joins": [{"to": "raw__stripe_charges", "on_sql": "${charge_id} = ${raw__stripe_charges.id}",
                   "relationship_type": "many_to_one"}],
        "dimensions": {"charge_amount": {"sql": "${raw__stripe_charges.amount}"}}}}
    omni = build(manifest, select=["payments", "source:stripe"])
    [relationship] = omni.relationships
    assert relationship.on_sql == "${analytics__payments.charge_id} = ${raw__stripe_charges.id}"
    assert [t.base_view for t in omni.topics] == ["raw__stripe_charges"]


def test_a_node_of_another_project_without_files_is_named_so():
    """dbt-loom (and dbt's cross-project refs) put another project's public models in the manifest with no
    file paths: messages said "( (package platform))" and the view's header "from model.platform.x ()"."""
    node = model("dim_accounts", columns=["account_id"], package="platform", path="")
    node["original_file_path"], node["patch_path"] = "", None
    manifest = make_manifest([node, model("orders", columns=["order_id", "account_id"], omni={
        "joins": [{"to": "dim_accounts", "on_sql": "${orders.account_id} = ${dim_accounts.account_id}"}]})])
    files = render_files(manifest, select=["orders", "package:platform"])
    assert "# Written by dbt-omni from model.platform.dim_accounts: change" in files["analytics/dim_accounts.view.yaml"]
    warnings = build(manifest, select=["orders", "package:platform"]).warnings
    assert any("model dim_accounts (the YAML of project platform, not in this one): no primary key" in w
               for w in warnings), warnings
    node["config"]["omni"] = {"label": "Accounts"}  # misplaced: said without an empty config() path
    warnings = build(manifest, select=["orders", "package:platform"]).warnings
    assert "model dim_accounts: config.omni (from config: in the YAML of project platform, not in this one, or " \
           "+omni: in dbt_project.yml): dbt-omni reads" in " ".join(warnings), warnings


def test_a_topic_names_a_source_tables_fields_by_its_dbt_name_and_sql_is_told_the_view_name():
    """`stripe.charges.amount` in a topic's fields was "unknown model 'stripe'" (expected: a source table is
    source_name.table_name), and `${stripe.charges.amount}` in SQL had no suggestion (found by a review)."""
    manifest = stripe()
    manifest["nodes"]["model.shop.payments"]["meta"] = {"omni": {"topic": {
        "fields": ["payments.*", "stripe.charges.amount"], "default_filters": {"stripe.charges.created_at": {"is": "x"}}}}}
    omni = build(manifest, select=["payments", "source:stripe"])
    [topic] = omni.topics
    assert topic.fields == ["analytics__payments.*", "raw__stripe_charges.amount"]
    assert list(topic.default_filters) == ["raw__stripe_charges.created_at"]
    omni = build(manifest)  # the source left out: dropped with the usual warning, as a model's would be
    assert omni.topics[0].fields == ["analytics__payments.*"] and omni.topics[0].default_filters is None
    assert "model payments: source 'stripe.charges' is not exported" in omni.warnings[0]
    manifest["nodes"]["model.shop.payments"]["meta"] = {"omni": {
        "dimensions": {"charge_amount": {"sql": "${stripe.charges.amount} / 100"}}}}
    problem = one_problem(export_error(manifest, select=["payments", "source:stripe"]))
    assert (problem.message, problem.suggestion) == ("'${stripe.charges.amount}' is not a field reference",
                                                     "${raw__stripe_charges.amount}")
