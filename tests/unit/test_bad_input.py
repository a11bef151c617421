"""Wrong values anywhere in meta.omni or in the settings: a clear error or a valid export, never a traceback.

Every key of rich_manifest()'s meta.omni blocks (which use every feature) is set in turn to each
wrong value below, deleted, or given an unknown key. A problem must name the file, the model and
the key, as the README promises.
"""
from __future__ import annotations

import copy

import pytest

from dbt_omni.config import settings_from_dict
from dbt_omni.dump import render
from dbt_omni.errors import OmniExportError
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model
from testkit import build, rich_manifest

WRONG = [None, 0, -1, 2.5, True, "", "x", "${", "${nope.x}", "${orders.nope}", "../x", "customers", [], ["x"],
         [None], {}, {"x": {"y": 1}}, "\u2028"]
DELETE, UNKNOWN_KEY = object(), object()


def key_paths(value, prefix=()):
    """Every key (and list index) below value, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield prefix + (key,)
        yield from key_paths(child, prefix + (key,))


def meta_paths() -> list:
    """(model unique id, path from the node to a key inside a meta.omni block)."""
    found = []
    for unique_id, node in rich_manifest()["nodes"].items():
        if node["resource_type"] != "model":
            continue
        found += [(unique_id, ("meta", "omni") + p) for p in key_paths(node["meta"].get("omni") or {})]
        for name, column in node["columns"].items():
            found += [(unique_id, ("columns", name, "meta", "omni") + p) for p in key_paths(column["meta"].get("omni") or {})]
    return found


def changed(unique_id: str, path: tuple, wrong) -> dict:
    manifest = copy.deepcopy(rich_manifest())
    parent = manifest["nodes"][unique_id]
    for key in path[:-1]:
        parent = parent[key]
    if wrong is DELETE:
        del parent[path[-1]]
    elif wrong is UNKNOWN_KEY:
        parent[path[-1]]["zzz"] = 1
    else:
        parent[path[-1]] = wrong
    return manifest


@pytest.mark.parametrize("unique_id, path", meta_paths(), ids=lambda p: ".".join(map(str, p)) if isinstance(p, tuple) else p)
def test_wrong_meta_values_give_clear_errors_or_a_valid_export(unique_id, path):
    for wrong in [*WRONG, DELETE, UNKNOWN_KEY]:
        if wrong is UNKNOWN_KEY and not isinstance(_value_at(unique_id, path), dict):
            continue
        try:
            render(build(changed(unique_id, path, wrong), topics_from_paths=["models/marts"]))
        except OmniExportError as exc:
            for problem in exc.problems:
                assert problem.file and problem.model and problem.key, f"{path} = {wrong!r}: {problem}"


def _value_at(unique_id: str, path: tuple):
    value = rich_manifest()["nodes"][unique_id]
    for key in path:
        value = value[key]
    return value


def test_meta_paths_reach_every_block():
    """The walk above really covers the model blocks, column blocks, measures, joins and the topic."""
    paths = {".".join(map(str, p)) for _, p in meta_paths()}
    assert len(paths) > 80
    for expected in ("meta.omni.joins.0.to", "meta.omni.topic.access_filters.0.field",
                     "columns.amount.meta.omni.measures.total_amount.filters"):
        assert expected in paths


SETTINGS = ["output_dir", "write_on_parse", "on_error", "select", "exclude", "only_with_meta", "topics_from_paths",
            "use_catalog", "scope_view_names", "connection", "model_name", "included_schemas", "model_file", "selct"]


def test_every_setting_is_tried_with_wrong_values():
    from dataclasses import fields

    from dbt_omni.config import Settings

    assert {f.name for f in fields(Settings)} - {"origins"} == set(SETTINGS) - {"selct"}


@pytest.mark.parametrize("key", SETTINGS)
def test_wrong_settings_give_clear_errors_or_a_valid_export(key):
    for wrong in [*WRONG, "tag:", ":", "*", [""], ["tag:"], ["package:"]]:
        try:
            settings = settings_from_dict({key: wrong}, source="dbt_project.yml")
            render(build_omni_model(from_manifest_dict(rich_manifest()), settings))
        except OmniExportError as exc:  # the setting itself, or a model it leaves in the lurch
            assert all(p.key.startswith("vars.dbt_omni") or (p.file and p.model and p.key)
                       for p in exc.problems), str(exc)


def test_mistakes_in_several_models_and_fields_are_said_in_one_run():
    """A dbt command shows every model's and every field's mistakes of a stage at once: an adoption that
    makes five mistakes must not take five dbt commands to find them (it did: the first stopped the export)."""
    from testkit import column, export_error, make_manifest, model

    def shop(orders_omni=None, customers_omni=None, amount_omni=None):
        return make_manifest([
            model("orders", columns=["order_id", column("amount", omni=amount_omni), "customer_id"], omni=orders_omni),
            model("customers", columns=["customer_id"], omni=customers_omni),
        ])

    fields = export_error(shop(
        orders_omni={"dimensions": {"big": {"sql": "${nope.amount} > 100"}},
                     "measures": {"total": {"aggregate_type": "sum"}, "most": {"aggregate_type": "max", "sql": "${amount}"}}},
        amount_omni={"format": "usdd", "measures": {"avg_amount": {"aggregate_type": "average", "format": "eurr"}}},
        customers_omni={"dimensions": {"vip": {"sql": "${customer_id} > 1", "format": "nonsense"}}},
    ))
    assert sorted(p.key for p in fields.problems) == [
        "columns.amount.meta.omni.format", "columns.amount.meta.omni.measures.avg_amount.format",
        "meta.omni.dimensions.big.sql", "meta.omni.dimensions.vip.format", "meta.omni.measures.total.sql"], fields.render()
    assert {p.model for p in fields.problems} == {"orders", "customers"}
    # a column whose own field failed still has its measures checked: their mistakes are of the same round

    joins = export_error(shop(orders_omni={"joins": [{"to": "customerz"}, {"to": "orders"}]},
                              customers_omni={"joins": [{"to": "order"}]}))
    assert [(p.model, p.key) for p in joins.problems] == [  # in the models' order, as they are exported
        ("customers", "meta.omni.joins[0].to"), ("orders", "meta.omni.joins[0].to"),
        ("orders", "meta.omni.joins[1].join_to_view_as")], joins.render()

    topics = export_error(shop(orders_omni={"topic": {"fields": ["nope.amount"]}},
                               customers_omni={"topic": {"joins": ["orders"]}}))
    assert [(p.model, p.key) for p in topics.problems] == [
        ("customers", "meta.omni.topic.joins"), ("orders", "meta.omni.topic.fields")], topics.render()


def test_contract_mistakes_come_with_the_other_models_field_mistakes_and_no_false_ones():
    """The contract's round and the fields' are one: a typo in one model and a wrong format in another take one
    dbt command to find. The model that breaks the contract is not mapped (its block cannot be read), but the
    join aliases it declares still count, so a reference to one elsewhere is no second, false error."""
    from testkit import column, export_error, make_manifest, model

    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={
            "lable": "Orders", "joins": [{"to": "customers", "join_to_view_as": "buyers"}],
            "dimensions": {"odd": {"sql": "${order_id}", "format": "nonsense"}}}),  # not said: orders is not mapped
        model("customers", columns=["customer_id", column("tier", omni={"format": "usdd"})], omni={
            "dimensions": {"buyer_tier": {"sql": "${buyers.tier}"}}}),
    ])
    error = export_error(manifest)
    assert [(p.model, p.key) for p in error.problems] == [
        ("orders", "meta.omni.lable"), ("customers", "columns.tier.meta.omni.format")], error.render()
    assert error.problems[0].suggestion == "label"
