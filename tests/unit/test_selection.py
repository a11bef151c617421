"""Which models become views: root package by default, select / exclude, only_with_meta, ephemeral."""
from __future__ import annotations

import pytest

from dbt_omni.config import settings_from_dict
from dbt_omni.errors import OmniExportError
from testkit import build, column, make_manifest, model, source, test_node


def project() -> dict:
    return make_manifest([
        model("orders", columns=["id"], tags=["finance"], path="models/marts/orders.sql"),
        model("customers", columns=["id"], path="models/marts/customers.sql", omni={"label": "Customers"}),
        model("stg_orders", columns=["id"], schema="staging", path="models/staging/stg_orders.sql"),
        model("stg_customers", columns=[column("id", omni={"hidden": True})], schema="staging",
              path="models/staging/stg_customers.sql"),
        model("calendar", columns=["day"], package="utils", schema="util", path="models/calendar.sql"),
        model("helper", columns=["x"], materialized="ephemeral"),
    ])


def assert_exports(manifest: dict, select: list, tables: list) -> None:
    """The selection exports exactly these tables, and says nothing about it."""
    omni = build(manifest, select=select)
    assert sorted(v.table_name for v in omni.views) == tables
    assert omni.warnings == []


def exported(**settings) -> list:
    return sorted(v.table_name for v in build(project(), **settings).views)


def test_default_is_every_non_ephemeral_model_of_the_root_package():
    assert exported() == ["customers", "orders", "stg_customers", "stg_orders"]


def test_select_by_tag():
    assert exported(select=["tag:finance"]) == ["orders"]


def test_select_by_path():
    assert exported(select=["path:models/staging"]) == ["stg_customers", "stg_orders"]
    assert exported(select=["path:models/marts/orders.sql"]) == ["orders"]
    assert exported(select=["path:models/staging/", "path:./models/marts/../marts/orders.sql"]) == [
        "orders", "stg_customers", "stg_orders"]
    assert exported(select=["path:models/stag"]) == []  # a folder, not a prefix of a name


def test_select_by_package_reaches_other_packages():
    assert exported(select=["package:utils"]) == ["calendar"]


def test_select_by_name_and_glob_union():
    assert exported(select=["orders", "stg_*"]) == ["orders", "stg_customers", "stg_orders"]


def test_select_by_name_can_take_a_model_of_another_package():
    assert exported(select=["calendar", "orders"]) == ["calendar", "orders"]


def test_exclude():
    assert exported(exclude=["path:models/staging", "customers"]) == ["orders"]
    assert exported(select=["package:shop"], exclude=["tag:finance"]) == ["customers", "stg_customers", "stg_orders"]


def test_only_with_meta_counts_model_and_column_meta():
    assert exported(only_with_meta=True) == ["customers", "stg_customers"]


def test_ephemeral_models_are_never_exported():
    assert "helper" not in exported(select=["helper", "orders"])


def test_an_ephemeral_models_meta_omni_is_said_to_be_not_exported_and_its_mistakes_are_warnings():
    """It was dropped without a word, a misspelt key too (found by a review of dbt's node kinds)."""
    manifest = make_manifest([
        model("orders", columns=["id"]),
        model("eph_orders", columns=[column("amount", omni={"lable": "Amount"})], materialized="ephemeral",
              config_omni={"label": "Orders (eph)", "topic": True}),
        model("eph_quiet", columns=["id"], materialized="ephemeral", config_omni={"ignore": True}),
        model("eph_plain", columns=["id"], materialized="ephemeral"),
        {**model("eph_package", columns=["id"], materialized="ephemeral", config_omni={"label": "X"}, package="lib")},
    ])
    omni = build(manifest)
    assert [v.name for v in omni.views] == ["analytics__orders"]
    ours = [w for w in omni.warnings if "ephemeral" in w]
    assert len(ours) == 2
    assert ours[0] == ("the meta.omni of 1 ephemeral model(s) is not exported, as no relation is there for Omni to read: "
                       "eph_orders (materialize one as a view or table, or move its block to a model built from it; "
                       "a block from a folder's +meta in dbt_project.yml: +meta: {omni: {ignore: true}} on a folder "
                       "of ephemeral models only, or meta.omni: {ignore: true} on each)")  # which has no block of its own to move (a review of real projects)
    assert ours[0] in omni.drift and ours[1] not in omni.drift  # a folder's +meta gives it: no --warn-error failure
    assert ours[1].startswith("file models/eph_orders.yml, model eph_orders, key columns.amount.meta.omni.lable: "
                              "unknown key 'lable' (expected one of ai_context, ")
    assert ours[1].endswith("; did you mean 'label'? (in an ephemeral model: a warning, as it is not exported)")


def test_an_ephemeral_model_the_selection_does_not_mean_is_not_said_to_be_unexported():
    """`select: [resource_type:snapshot]` still named every ephemeral model with a block, as if it were wanted
    (found by a review); a mistake in its block is said whatever the selection, as in any model left out."""
    manifest = make_manifest([
        model("orders", columns=["id"], tags=["finance"]),
        model("eph_orders", columns=["id"], materialized="ephemeral", config_omni={"label": "Orders"}, tags=["finance"]),
        model("eph_other", columns=["id"], materialized="ephemeral", config_omni={"lable": "Other"}),
    ])
    said = [w for w in build(manifest, select=["tag:finance"]).warnings if "ephemeral" in w]
    assert said[0].startswith("the meta.omni of 1 ephemeral model(s) is not exported, as no relation is there for "
                              "Omni to read: eph_orders (")
    assert said[1].startswith("file models/eph_other.yml, model eph_other, key meta.omni.lable: ") and len(said) == 2
    said = [w for w in build(manifest, select=["orders"]).warnings if "ephemeral" in w]
    assert len(said) == 1 and "unknown key 'lable'" in said[0]


def through_an_ephemeral_model_and_a_function() -> dict:
    """orders reads the ephemeral helper; refunds calls the function cents_to_dollars (dbt 1.11+)."""
    manifest = make_manifest([
        model("helper", columns=["x"], materialized="ephemeral"),
        model("orders", columns=["id"], depends_on=["model.shop.helper"]),
        model("refunds", columns=["id"], depends_on=["function.shop.cents_to_dollars"]),
        model("customers", columns=["id"]),
    ])
    manifest["functions"] = {"function.shop.cents_to_dollars": {
        "unique_id": "function.shop.cents_to_dollars", "name": "cents_to_dollars", "resource_type": "function",
        "package_name": "shop", "depends_on": {"nodes": [], "macros": []}}}
    return manifest


@pytest.mark.parametrize("select, tables", [
    (["helper+"], ["orders"]),  # dbt ls -s helper+: helper and orders; helper has no table
    (["cents_to_dollars+"], ["refunds"]),
    (["cents_to_*+"], ["refunds"]),
    (["+orders"], ["orders"]),
])
def test_graph_selectors_walk_on_from_an_ephemeral_model_or_a_function_as_dbt_does(select, tables):
    """'helper+' matched no exportable model ('helper is ephemeral'), and a function was no node at all."""
    assert_exports(through_an_ephemeral_model_and_a_function(), select, tables)


def test_a_function_selected_alone_says_what_it_is():
    omni = build(through_an_ephemeral_model_and_a_function(), select=["cents_to_dollars"])
    assert omni.views == [] and omni.warnings == [
        "select 'cents_to_dollars' matches no exportable model; cents_to_dollars is a function (a UDF): no table or "
        "view for Omni to read (cents_to_dollars+ selects what uses it)"]


@pytest.mark.parametrize("selector, suggestion", [("tga:finance", "tag:"), ("pth:models", "path:"),
                                                  ("confg.materialized:table", "config.materialized:")])  # was config:
def test_unknown_selector_method_suggests_the_closest(selector, suggestion):
    with pytest.raises(OmniExportError) as info:
        build(project(), select=[selector])
    [problem] = info.value.problems
    assert problem.key == "vars.dbt_omni.select"
    assert problem.suggestion == suggestion
    assert f"did you mean '{suggestion}'" in str(info.value)


def test_unknown_selector_method_in_exclude_names_exclude():
    with pytest.raises(OmniExportError) as info:
        build(project(), exclude=["tagg:finance"])
    assert info.value.problems[0].key == "vars.dbt_omni.exclude"


@pytest.mark.parametrize("selector, warning", [
    ("ordrs", "select 'ordrs' matches no exportable model; did you mean 'orders'?"),
    ("tag:financ", "select 'tag:financ' matches no exportable model; did you mean 'tag:finance'?"),
    ("package:utlis", "select 'package:utlis' matches no exportable model; did you mean 'package:utils'?"),
    ("path:models/nowhere", "select 'path:models/nowhere' matches no exportable model"),
    ("path:models/stagin", "select 'path:models/stagin' matches no exportable model; did you mean 'path:models/staging'?"),
    ("helper", "select 'helper' matches no exportable model; helper is ephemeral: no table or view for Omni to read"),
])
def test_a_selector_matching_no_model_is_a_warning_with_the_closest_spelling(selector, warning):
    omni = build(project(), select=["customers", selector])
    assert [v.table_name for v in omni.views] == ["customers"]
    assert omni.warnings[0] == warning


def test_a_selector_naming_a_disabled_model_or_an_analysis_says_what_it_is():
    """`-s an_orders` (an analysis) was "did you mean 'orders'?" (found by a review of dbt's node kinds)."""
    manifest = project()
    manifest["disabled"] = {"model.shop.old_orders": [{**model("old_orders", columns=["id"]), "config": {"enabled": False}}]}
    manifest["nodes"]["analysis.shop.an_orders"] = {**model("an_orders"), "resource_type": "analysis",
                                                    "unique_id": "analysis.shop.an_orders"}
    manifest["exposures"] = {"exposure.shop.orders_dash": {"name": "orders_dash", "resource_type": "exposure",
                                                           "unique_id": "exposure.shop.orders_dash",
                                                           "depends_on": {"nodes": ["model.shop.orders"]}}}
    warnings = build(manifest, select=["customers", "old_orders", "an_orders", "orders_dash"]).warnings
    assert warnings[:3] == [
        "select 'old_orders' matches no exportable model; old_orders is disabled (enabled: false): dbt builds no table "
        "or view for it",
        "select 'an_orders' matches no exportable model; an_orders is an analysis, which dbt builds no table or view for",
        "select 'orders_dash' matches no exportable model; orders_dash is an exposure, which dbt builds no table or view for",
    ]


def test_selectors_that_match_give_no_warning():
    assert build(project(), select=["orders", "tag:finance", "path:models/staging", "package:utils"]).warnings == []


# ---- seeds and snapshots: relations too, exported when a selector picks them, as dbt selects them -----
def node_of(kind: str, name: str, **kwargs) -> dict:
    node = model(name, **kwargs)
    return {**node, "resource_type": kind, "unique_id": f"{kind}.shop.{name}",
            "config": {**node["config"], "materialized": kind}}


def with_seed_and_snapshot(*tests) -> dict:
    relationship = test_node("relationships", "orders", "country", to="countries", field="code")
    relationship["depends_on"]["nodes"] = ["seed.shop.countries", "model.shop.orders"]
    return make_manifest([
        model("orders", columns=["id", "country"]),
        node_of("seed", "countries", columns=["code", "name"], path="seeds/countries.csv", schema="raw",
                omni={"primary_key": "code"}),
        node_of("snapshot", "orders_snapshot", columns=["id", "dbt_valid_from"], path="snapshots/orders.yml",
                schema="snapshots"),
    ], [relationship, *tests])


SEED_NOT_EXPORTED = ("seed 'countries' is not exported (select it beside your models: vars.dbt_omni.select: "
                     "['package:this,resource_type:model', 'countries'])")


def test_seeds_and_snapshots_are_left_out_by_default():
    omni = build(with_seed_and_snapshot())
    assert [v.table_name for v in omni.views] == ["orders"] and omni.relationships == []
    assert omni.warnings == [f"model orders: {SEED_NOT_EXPORTED}; left out: relationship (relationships test on country)"]


@pytest.mark.parametrize("select, tables", [
    (["orders", "resource_type:seed"], ["countries", "orders"]),
    (["orders", "countries"], ["countries", "orders"]),  # a name selects a seed, as in dbt
    (["resource_type:snapshot"], ["orders_snapshot"]),
    (["resource_type:model", "resource_type:seed"], ["countries", "orders"]),
    (["package:this,resource_type:model", "countries"], ["countries", "orders"]),  # as the warning says
])
def test_a_selector_picks_seeds_and_snapshots(select, tables):
    assert_exports(with_seed_and_snapshot(), select, tables)


def test_relationships_test_to_a_selected_seed_becomes_a_join():
    omni = build(with_seed_and_snapshot(), select=["orders", "countries"])
    [rel] = omni.relationships
    assert (rel.join_from_view, rel.join_to_view) == ("analytics__orders", "raw__countries")
    assert rel.on_sql == "${analytics__orders.country} = ${raw__countries.code}"


def test_a_join_to_an_unselected_seed_is_left_out_with_a_warning_saying_how_to_select_it():
    manifest = with_seed_and_snapshot()
    manifest["nodes"]["model.shop.orders"]["meta"] = {"omni": {"joins": [{"to": "countries"}]}}
    omni = build(manifest, select=["orders", "orders_snapshot"])
    assert omni.warnings[-1] == ("model orders: seed 'countries' is not exported (add 'countries' to vars.dbt_omni.select); "
                                 "left out: relationship (relationships test on country), join (meta.omni.joins[0])")
    from dbt_omni.manifests import from_manifest_dict
    from dbt_omni.mapping import build_omni_model

    given = settings_from_dict({"select": ["orders"]}, source="t", origins={"select": "--select"})  # the CLI's
    omni = build_omni_model(from_manifest_dict(manifest), given)
    assert "seed 'countries' is not exported (add 'countries' to --select)" in omni.warnings[-1]


def test_a_reference_to_an_unselected_seed_or_an_ephemeral_model_says_which_it_is():
    for name, message in (("countries", "seed 'countries' is not exported"),
                          ("helper", "model 'helper' is ephemeral: no table or view for Omni to read")):
        manifest = with_seed_and_snapshot()
        manifest["nodes"]["model.helper"] = model("helper", columns=["x"], materialized="ephemeral")
        manifest["nodes"]["model.shop.orders"]["meta"] = {
            "omni": {"measures": {"n": {"aggregate_type": "count_distinct", "sql": f"${{{name}.x}}"}}}}
        with pytest.raises(OmniExportError) as info:
            build(manifest)
        assert message in str(info.value)


@pytest.mark.parametrize("selector, suggestion", [("resource_type:seeds", "resource_type:seed"),
                                                   ("resource_type:Model", "resource_type:model")])
def test_a_resource_type_dbt_does_not_have_is_an_error_with_the_closest(selector, suggestion):
    """dbt stops on it ('Invalid resource_type selector'); it was a warning, and the rest was exported."""
    with pytest.raises(OmniExportError) as info:
        build(with_seed_and_snapshot(), select=["orders", selector])
    [problem] = info.value.problems
    assert problem.key == "vars.dbt_omni.select" and problem.suggestion == suggestion
    assert f"invalid selector '{selector}'" in str(info.value)


def test_a_resource_type_with_nothing_to_export_is_a_warning():
    omni = build(with_seed_and_snapshot(), select=["orders", "resource_type:test"])
    assert omni.warnings[0] == "select 'resource_type:test' matches no exportable model"


# ---- dbt's graph operators: +parents, children+, with an optional depth --------------------------------
def lineage() -> dict:
    """raw seed -> stg_orders -> (ephemeral) int_orders -> fct_orders -> rpt_daily -> rpt_weekly."""
    def node(name, parents, **kwargs):
        return model(name, columns=["id"], depends_on=[f"model.shop.{p}" if p != "raw" else "seed.shop.raw"
                                                       for p in parents], **kwargs)
    return make_manifest([
        node_of("seed", "raw", columns=["id"]),
        node("stg_orders", ["raw"]),
        node("int_orders", ["stg_orders"], materialized="ephemeral"),
        node("fct_orders", ["int_orders"]),
        node("rpt_daily", ["fct_orders"]),
        node("rpt_weekly", ["rpt_daily"]),
        node("dim_other", []),
    ])


@pytest.mark.parametrize("select, tables", [
    (["+fct_orders"], ["fct_orders", "raw", "stg_orders"]),  # through the ephemeral model, seed included
    (["1+fct_orders"], ["fct_orders"]),  # one generation up is the ephemeral model alone
    (["2+fct_orders"], ["fct_orders", "stg_orders"]),
    (["fct_orders+"], ["fct_orders", "rpt_daily", "rpt_weekly"]),
    (["fct_orders+1"], ["fct_orders", "rpt_daily"]),
    (["+rpt_daily+"], ["fct_orders", "raw", "rpt_daily", "rpt_weekly", "stg_orders"]),
    (["stg_*+", "dim_other"], ["dim_other", "fct_orders", "rpt_daily", "rpt_weekly", "stg_orders"]),
])
def test_graph_operators_add_parents_and_children(select, tables):
    assert_exports(lineage(), select, tables)


def test_graph_operators_in_exclude():
    assert sorted(v.table_name for v in build(lineage(), exclude=["fct_orders+"]).views) == ["dim_other", "stg_orders"]


@pytest.mark.parametrize("select", [["0+fct_orders"], ["fct_orders+0"], ["00+fct_orders+0"]])
def test_a_depth_of_0_is_no_generation_as_in_dbt(select):
    """dbt reads `0+` as depth 0 and walks no step; it was every generation (`+`)."""
    assert_exports(lineage(), select, ["fct_orders"])


def through_a_tagged_ephemeral_model_and_function() -> dict:
    manifest = through_an_ephemeral_model_and_a_function()
    manifest["nodes"]["model.shop.helper"].update(tags=["internal"], original_file_path="models/internal/helper.sql")
    manifest["functions"]["function.shop.cents_to_dollars"].update(
        tags=["udf"], original_file_path="functions/cents_to_dollars.sql", fqn=["shop", "cents_to_dollars"])
    return manifest


@pytest.mark.parametrize("select, tables", [
    (["tag:internal+"], ["orders"]),
    (["path:models/internal+"], ["orders"]),
    (["config.materialized:ephemeral+"], ["orders"]),
    (["tag:udf+"], ["refunds"]),
    (["path:functions+"], ["refunds"]),
    (["resource_type:function+"], ["refunds"]),
    (["@tag:internal"], ["orders"]),
])
def test_graph_selectors_walk_on_from_ephemeral_models_and_functions_however_picked(select, tables):
    """Only by name did they (`helper+`): `tag:internal+` matched nothing, as did the same exclude."""
    assert_exports(through_a_tagged_ephemeral_model_and_function(), select, tables)
    omni = build(through_a_tagged_ephemeral_model_and_function(), exclude=select)
    assert sorted(v.table_name for v in omni.views) == sorted({"customers", "orders", "refunds"} - set(tables))


def test_a_selector_picking_only_ephemeral_models_says_so():
    omni = build(through_a_tagged_ephemeral_model_and_function(), select=["customers", "tag:internal"])
    assert omni.warnings == ["select 'tag:internal' matches no exportable model; it picks only ephemeral models or "
                             "functions: no table or view for Omni to read (tag:internal+ selects what uses them)"]


def test_at_takes_the_other_parents_of_tests_and_exposures_along_as_dbt_does():
    """In dbt's graph a test and an exposure are children of the nodes they depend on: `@a` reaches b's
    relationships test, and so d; `@e` reaches the exposure, and so d. Only models counted before."""
    manifest = make_manifest([model("a", columns=["id"]), model("b", columns=["id", "d_id"], depends_on=["model.shop.a"]),
                              model("d", columns=["id"], omni={"primary_key": "id"}), model("e", columns=["id"]),
                              model("f", columns=["id"])],
                             [test_node("relationships", "b", "d_id", to="d", field="id")])
    manifest["exposures"] = {"exposure.shop.dash": {"unique_id": "exposure.shop.dash", "resource_type": "exposure",
                                                    "depends_on": {"nodes": ["model.shop.d", "model.shop.e"]}}}
    assert_exports(manifest, ["@a"], ["a", "b", "d"])
    assert_exports(manifest, ["@e"], ["d", "e"])
    assert_exports(manifest, ["@d"], ["a", "b", "d", "e"])
    assert sorted(v.table_name for v in build(manifest, select=["a+"]).views) == ["a", "b"]  # only @ goes up again


def test_only_a_space_separates_selectors_as_in_dbt():
    """dbt splits --select on spaces alone: `orders<tab>customers` is one selector, matching nothing."""
    omni = build(project(), select=["orders\tcustomers stg_orders"])
    assert [v.table_name for v in omni.views] == ["stg_orders"]
    assert omni.warnings[0].startswith("select 'orders\tcustomers' matches no exportable model")


def test_a_graph_selector_matching_nothing_is_a_warning_about_its_name():
    omni = build(lineage(), select=["dim_other", "+fct_ordrs"])
    assert omni.warnings == ["select '+fct_ordrs' matches no exportable model; did you mean 'fct_orders'?"]


@pytest.mark.parametrize("select, tables", [
    (["tag:finance,path:models/marts"], ["orders"]),
    (["path:models/staging,stg_c*"], ["stg_customers"]),
    (["tag:finance,customers", "stg_orders"], ["stg_orders"]),  # empty intersection, union with the next
])
def test_a_comma_intersects_as_in_dbt(select, tables):
    assert exported(select=select) == tables


def test_an_empty_intersection_is_a_warning_naming_a_misspelt_part():
    omni = build(project(), select=["customers", "tag:finance,customers", "tag:finace,path:models/marts"])
    assert omni.warnings == ["select 'tag:finance,customers' matches no exportable model",
                             "select 'tag:finace,path:models/marts' matches no exportable model; did you mean 'tag:finance'?"]


# ---- dbt's other selector methods, and its default method for a bare value -------------------------------
@pytest.mark.parametrize("select, tables", [
    (["marts"], ["customers", "orders"]),  # a folder: dbt's fqn method
    (["staging.stg_*"], ["stg_customers", "stg_orders"]),
    (["shop.marts.orders"], ["orders"]),  # with the package
    (["fqn:marts"], ["customers", "orders"]),
    (["models/staging"], ["stg_customers", "stg_orders"]),  # a slash: a path
    (["path:models/*/stg_c*.sql"], ["stg_customers"]),
    (["path:models/**/orders.sql"], ["orders"]),
    (["path:models/customers.yml"], ["customers"]),  # the YAML file that documents it
    (["orders.sql"], ["orders"]),  # a file name
    (["file:stg_orders", "file:calendar.sql"], ["calendar", "stg_orders"]),
    (["tag:fin*"], ["orders"]),
    (["package:this"], ["customers", "orders", "stg_customers", "stg_orders"]),
    (["package:u*"], ["calendar"]),
    (["config.materialized:view"], ["stg_orders"]),
    (["config.contract.enforced:true"], ["customers"]),
    (["config.grants.select:reporter"], ["customers"]),  # a list holds it
])
def test_dbt_selector_methods(select, tables):
    manifest = project()
    manifest["nodes"]["model.shop.stg_orders"]["config"]["materialized"] = "view"
    manifest["nodes"]["model.shop.customers"]["config"].update(contract={"enforced": True},
                                                              grants={"select": ["reporter", "bi"]})
    assert_exports(manifest, select, tables)


def test_a_config_value_dbt_keeps_as_an_enum_or_a_datetime_selects_as_manifest_json_writes_it():
    """The plugin reads dbt's config objects, the other triggers manifest.json: 1.12's on_error and a
    freshness' updates_on are plain Enums there, a microbatch begin a datetime, so the plugin matched
    nothing where the others matched the model, and the two rewrote the folder in turn."""
    import datetime
    import enum
    from types import SimpleNamespace

    from dbt_omni.manifests import from_manifest_dict
    from dbt_omni.selection import selected_ids

    class OnError(enum.Enum):  # as dbt's: no str subclass, so no equal to its text
        CONTINUE = "continue"

    written = {"on_error": "continue", "begin": "2024-01-01T00:00:00", "freshness": {"build_after": {"updates_on": "any"}},
               "tags": ["a"]}
    live = SimpleNamespace(on_error=OnError.CONTINUE, begin=datetime.datetime(2024, 1, 1),
                           freshness=SimpleNamespace(build_after=SimpleNamespace(updates_on=enum.Enum("U", {"ANY": "any"}).ANY)),
                           tags=["a"])
    selectors = ["config.on_error:continue", "config.begin:2024-01-01T00:00:00",
                 "config.freshness.build_after.updates_on:any"]
    for config in (written, live):
        shop = from_manifest_dict(project())
        shop.models["model.shop.orders"].config = config
        for selector in selectors:
            assert selected_ids(shop, [selector], "vars.dbt_omni.select") == {"model.shop.orders"}, (config, selector)


@pytest.mark.parametrize("selector, expected", [
    ("state:modified", "selector method 'state:' is not supported by dbt-omni (expected a model name, folder"),
])
def test_unsupported_selector_methods_are_errors(selector, expected):
    with pytest.raises(OmniExportError) as info:
        build(project(), select=[selector])
    assert expected in str(info.value)
    assert "config.<key>:" in str(info.value)


def test_config_without_a_key_picks_nothing_as_in_dbt_and_says_what_it_takes():
    """It was "unknown selector method 'config:' ... did you mean 'config:'?"; dbt compares the whole config."""
    omni = build(project(), select=["orders", "config:table"])
    assert [v.table_name for v in omni.views] == ["orders"]
    assert omni.warnings == ["select 'config:table' matches no exportable model; config: takes the key to compare, "
                             "as in config.materialized:table"]


def with_sources() -> dict:
    """stripe.charges -> stg_charges -> (ephemeral) int_charges -> fct_revenue; shop's orders read no source."""
    manifest = make_manifest([
        model("stg_charges", columns=["id"], depends_on=["source.shop.stripe.charges"]),
        model("stg_refunds", columns=["id"], depends_on=["source.shop.stripe.refunds"]),
        model("int_charges", columns=["id"], depends_on=["model.shop.stg_charges"], materialized="ephemeral"),
        model("fct_revenue", columns=["id"], depends_on=["model.shop.int_charges", "model.shop.stg_refunds"]),
        model("orders", columns=["id"]),
    ], sources=[source("stripe", "charges", columns=["id"], identifier="stripe_charges", tags=["raw"]),
                source("stripe", "refunds", columns=["id"])])
    return manifest


@pytest.mark.parametrize("select, tables", [
    (["source:stripe"], ["refunds", "stripe_charges"]),  # the source tables themselves, as in dbt
    (["source:stripe+"], ["fct_revenue", "refunds", "stg_charges", "stg_refunds", "stripe_charges"]),
    (["source:stripe.charges+"], ["fct_revenue", "stg_charges", "stripe_charges"]),
    (["source:shop.stripe.refunds+1"], ["refunds", "stg_refunds"]),
    (["source:stripe+,resource_type:model"], ["fct_revenue", "stg_charges", "stg_refunds"]),
    (["@stg_charges"], ["fct_revenue", "refunds", "stg_charges", "stg_refunds", "stripe_charges"]),  # all parents
    (["tag:raw"], ["stripe_charges"]),  # tag:, path:, package:, config. pick source tables too; a name never does
])
def test_sources_and_the_at_operator(select, tables):
    assert_exports(with_sources(), select, tables)


def test_a_name_never_selects_a_source_table():
    omni = build(with_sources(), select=["orders", "charges", "stripe.charges"])
    assert [v.table_name for v in omni.views] == ["orders"]
    assert [w.split(";")[0] for w in omni.warnings] == ["select 'charges' matches no exportable model",
                                                        "select 'stripe.charges' matches no exportable model"]


def test_source_tables_are_not_exported_by_default():
    assert sorted(v.table_name for v in build(with_sources()).views) == ["fct_revenue", "orders", "stg_charges",
                                                                          "stg_refunds"]


def test_a_misspelt_source_is_a_warning_with_the_closest():
    omni = build(with_sources(), select=["orders", "source:strpe+"])
    assert omni.warnings == ["select 'source:strpe+' matches no exportable model; did you mean 'source:stripe'?"]
    unread = with_sources()  # a source no model reads: its name was no spelling to suggest
    unread["sources"]["source.shop.stripe.payouts"] = source("stripe", "payouts", columns=["id"])
    unread["sources"] = {"source.shop.stripe.payouts": unread["sources"]["source.shop.stripe.payouts"]}
    omni = build(unread, select=["orders", "source:stripe.payout"])
    assert omni.warnings == ["select 'source:stripe.payout' matches no exportable model; did you mean "
                             "'source:stripe.payouts'?"]


@pytest.mark.parametrize("selector, expected", [
    ("@stg_charges+", "the @ prefix and a + suffix cannot be used together"),
    ("source:a.b.c.d", "invalid source selector 'source:a.b.c.d'"),
])
def test_invalid_graph_and_source_selectors(selector, expected):
    with pytest.raises(OmniExportError) as info:
        build(with_sources(), select=[selector])
    assert expected in str(info.value)


# ---- YAML selectors (selectors.yml), as manifest.json keeps them ------------------------------------------
def with_selectors(**selectors) -> dict:
    manifest = with_sources()
    manifest["selectors"] = {name: {"name": name, "definition": definition} for name, definition in selectors.items()}
    return manifest


@pytest.mark.parametrize("definition, tables", [
    ("source:stripe.refunds+", ["fct_revenue", "refunds", "stg_refunds"]),  # the command-line syntax
    ({"method": "fqn", "value": "stg_charges", "children": True}, ["fct_revenue", "stg_charges"]),
    ({"method": "fqn", "value": "fct_revenue", "parents": True, "parents_depth": "1"}, ["fct_revenue", "stg_refunds"]),
    ({"fqn": "orders"}, ["orders"]),  # the short form
    ({"method": "fqn", "value": "stg_charges", "childrens_parents": True},
     ["fct_revenue", "refunds", "stg_charges", "stg_refunds", "stripe_charges"]),
    ({"union": [{"method": "fqn", "value": "stg_*"}, "orders", {"exclude": ["stg_refunds"]}]},
     ["orders", "stg_charges"]),
    ({"intersection": ["source:stripe+", {"method": "fqn", "value": "stg_*"}]}, ["stg_charges", "stg_refunds"]),
    ({"method": "fqn", "value": "*", "exclude": [{"method": "fqn", "value": "stg_*"}]}, ["fct_revenue", "orders"]),
    ({"union": ["selector:stg", "orders"]}, ["orders", "stg_charges", "stg_refunds"]),  # another selector
])
def test_yaml_selectors(definition, tables):
    assert_exports(with_selectors(stg="stg_*", chosen=definition), ["selector:chosen"], tables)


def test_a_yaml_selectors_parents_depth_of_0_is_every_generation_as_in_dbt():
    every = build(with_selectors(chosen={"method": "fqn", "value": "fct_revenue", "parents": True}), select=["selector:chosen"])
    zero = build(with_selectors(chosen={"method": "fqn", "value": "fct_revenue", "parents": True, "parents_depth": 0}),
                 select=["selector:chosen"])
    assert [v.name for v in zero.views] == [v.name for v in every.views] and len(every.views) > 2


def test_a_yaml_selectors_value_is_compared_as_yaml_gave_it():
    """`value: 1` is the number 1, as dbt compares it: it picked the model whose meta has the text '1'."""
    manifest = with_selectors(one={"method": "config.meta.priority", "value": 1})
    manifest["nodes"]["model.shop.orders"]["config"]["meta"]["priority"] = 1
    manifest["nodes"]["model.shop.stg_charges"]["config"]["meta"]["priority"] = "1"
    assert_exports(manifest, ["selector:one"], ["orders"])
    assert_exports(manifest, ["config.meta.priority:1"], ["stg_charges"])  # the command line's is text
    manifest["nodes"]["model.shop.orders"]["tags"] = ["2024"]  # another method reads it as text (was a TypeError)
    manifest["selectors"]["year"] = {"name": "year", "definition": {"method": "tag", "value": 2024}}
    assert_exports(manifest, ["selector:year"], ["orders"])


def test_yaml_selector_in_exclude():
    omni = build(with_selectors(stg="stg_*"), select=["*"], exclude=["selector:stg"])
    assert sorted(v.table_name for v in omni.views) == ["fct_revenue", "orders"]


@pytest.mark.parametrize("selectors, selector, expected", [
    ({"nightly": "orders"}, "selector:nigthly", "no selector 'nigthly' in selectors.yml (expected one of nightly); did you mean 'nightly'?"),
    ({}, "selector:nightly", "(expected a selector of the project's selectors.yml (this project defines none))"),
    ({"loop": {"union": ["selector:loop"]}}, "selector:loop", "selector 'loop' refers to itself"),
    ({"bad": {"method": "fqn"}}, "selector:bad", "selector 'bad' has a definition dbt-omni cannot read"),
    ({"typo": {"union": ["tga:x"]}}, "selector:typo", "key selectors.yml: typo.definition: unknown selector method 'tga:'"),
])
def test_yaml_selector_errors(selectors, selector, expected):
    with pytest.raises(OmniExportError) as info:
        build(with_selectors(**selectors), select=[selector])
    assert expected in str(info.value)


# ---- dbt's group:, access: and version: methods -------------------------------------------------------------
def with_versions_and_groups() -> dict:
    def versioned(version, **kwargs):
        node = model(f"dim_customers_v{version}", columns=["id"], **kwargs)
        node.update(name="dim_customers", unique_id=f"model.shop.dim_customers.v{version}", version=version,
                    latest_version=2, fqn=["shop", "dim_customers", f"v{version}"])
        return node
    manifest = make_manifest([versioned(1), versioned(2), versioned(3), model("orders", columns=["id"]),
                              model("payments", columns=["id"])])
    nodes = manifest["nodes"]
    nodes["model.shop.orders"].update(access="public")
    nodes["model.shop.orders"]["config"]["group"] = "finance"
    nodes["model.shop.payments"].update(access="private")
    nodes["model.shop.payments"]["config"]["group"] = "finops"
    return manifest


@pytest.mark.parametrize("select, tables", [
    (["version:latest"], ["dim_customers_v2"]),
    (["version:old"], ["dim_customers_v1"]),
    (["version:prerelease"], ["dim_customers_v3"]),
    (["version:none"], ["orders", "payments"]),
    (["group:fin*"], ["orders", "payments"]),
    (["group:finance"], ["orders"]),
    (["access:public", "access:private"], ["orders", "payments"]),
])
def test_group_access_and_version_selectors(select, tables):
    assert_exports(with_versions_and_groups(), select, tables)


def test_version_0_is_neither_old_nor_a_prerelease_as_in_dbt():
    """dbt asks `node.version and node.latest_version`: a version 0, or a latest version 0, is neither."""
    manifest = with_versions_and_groups()
    for node in manifest["nodes"].values():
        if node.get("version") is not None:
            node.update(version=node["version"] - 1, latest_version=1)  # versions 0, 1 (latest), 2
    assert_exports(manifest, ["version:prerelease"], ["dim_customers_v3"])
    assert build(manifest, select=["version:old"]).views == []
    for node in manifest["nodes"].values():
        if node.get("version") is not None:
            node.update(latest_version=0)
    assert build(manifest, select=["version:prerelease"]).views == []


def test_an_unknown_version_kind_is_an_error_with_the_closest():
    with pytest.raises(OmniExportError) as info:
        build(with_versions_and_groups(), select=["version:lates"])
    assert "invalid selector 'version:lates'" in str(info.value)
    assert "did you mean 'version:latest'?" in str(info.value)


def test_a_misspelt_group_is_a_warning_with_the_closest():
    omni = build(with_versions_and_groups(), select=["orders", "group:fianance"])
    assert omni.warnings == ["select 'group:fianance' matches no exportable model; did you mean 'group:finance'?"]


def test_an_exclude_matching_no_model_is_a_warning_too():
    """A misspelt exclude exports the very models it was meant to keep out."""
    omni = build(project(), exclude=["tag:financ"])
    assert "exclude 'tag:financ' matches no exportable model; did you mean 'tag:finance'?" in omni.warnings


def test_a_mistake_in_a_package_models_block_names_the_package_with_its_file():
    """models/calendar.yml is the package's, not a file of the user's project."""
    manifest = project()
    manifest["nodes"]["model.utils.calendar"]["meta"] = {"omni": {"lable": "Calendar"}}
    with pytest.raises(OmniExportError) as info:
        build(manifest, select=["package:utils"])
    [problem] = info.value.problems
    assert (problem.file, problem.model, problem.key) == ("models/calendar.yml (package utils)", "calendar",
                                                         "meta.omni.lable")
    # and the way out that is the user's: the package's files are not (checked on dbt 1.11: the root project's +meta
    # replaces the package's YAML block; found by a review of real packages)
    assert problem.expected.endswith("; utils is an installed package: your dbt_project.yml can give it a block of its "
                                     "own (models: utils: calendar: +meta: {omni: {...}}), which replaces the package's, "
                                     "or exclude it")


def test_the_way_out_of_a_package_nodes_block_follows_dbts_config_paths():
    """dbt matches a dbt_project.yml path folder by folder, and sources under sources: (the advice said `models: utils:
    calendar:` for a model in staging/ and for a source table, which dbt reports as unused; a code review, checked on
    dbt 1.11); a column's meta cannot be set there; a node of another project without files gets no such advice."""
    def expected(node, **kwargs):
        manifest = make_manifest([model("orders", columns=["id"])], sources=[s for s in [node] if "source_name" in s])
        if "source_name" not in node:
            manifest["nodes"][node["unique_id"]] = node
        with pytest.raises(OmniExportError) as info:
            build(manifest, **kwargs)
        return info.value.problems[0].expected

    staged = model("calendar", columns=["day"], package="utils", path="models/staging/calendar.sql", omni={"lable": "x"})
    assert expected(staged, select=["package:utils"]).endswith(
        "(models: utils: staging: calendar: +meta: {omni: {...}}), which replaces the package's, or exclude it")
    raw = source("stripe", "charges", columns=["id"], package="stripe_source", omni={"lable": "x"})
    assert expected(raw, select=["source:stripe"]).endswith(
        "(sources: stripe_source: staging: stripe: charges: +meta: {omni: {...}}), which replaces the package's, or exclude it")
    column_block = model("calendar", columns=[column("day", omni={"lable": "x"})], package="utils")
    assert expected(column_block, select=["package:utils"]).endswith(
        "; utils is an installed package: a column's meta is the package's YAML alone: exclude the model")
    loomed = {**model("upstream_orders", columns=["id"], package="upstream", omni={"lable": "x"}),
              "original_file_path": "", "patch_path": None}
    assert "installed package" not in expected(loomed, select=["package:upstream"])
