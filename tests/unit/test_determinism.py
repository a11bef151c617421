"""The same project always gives the same bytes, whatever order dbt lists its nodes in."""
from __future__ import annotations

import copy
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from testkit import column, make_manifest, model, package_macros, render_files, rich_manifest, shop_manifest


def shuffled(manifest: dict, seed: int) -> dict:
    out = copy.deepcopy(manifest)
    items = list(out["nodes"].items())
    random.Random(seed).shuffle(items)
    out["nodes"] = dict(items)
    return out


def test_rendering_twice_gives_identical_bytes():
    """Within one process: catches time, randomness or object ids in the output (not set order)."""
    first = render_files(rich_manifest(), topics_from_paths=["models"])
    second = render_files(rich_manifest(), topics_from_paths=["models"])
    assert list(first) == list(second)
    for path in first:
        assert first[path].encode() == second[path].encode(), path


RENDER_DIGEST = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from testkit import render_files, rich_manifest
files = render_files(rich_manifest(), topics_from_paths=["models"])
print(hashlib.sha256(repr(list(files.items())).encode()).hexdigest())
"""


def test_processes_with_other_string_hashes_give_identical_bytes():
    """Set and frozenset order follows PYTHONHASHSEED, which differs from one dbt command to the next."""
    digests = set()
    for seed in ("0", "1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", RENDER_DIGEST, str(Path(__file__).parent)], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr[-2000:]
        digests.add(done.stdout.strip())
    assert len(digests) == 1, digests


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
@pytest.mark.parametrize("make", [rich_manifest, shop_manifest], ids=["rich", "shop"])
def test_output_does_not_depend_on_node_order(make, seed):
    manifest = make()
    reordered = shuffled(manifest, seed)
    assert list(reordered["nodes"]) != list(manifest["nodes"])  # the shuffle did something
    assert render_files(reordered, topics_from_paths=["models"]) == render_files(manifest,
                                                                                 topics_from_paths=["models"])


def test_dimensions_and_measures_are_sorted_whatever_the_column_order():
    manifest = make_manifest([model(
        "orders",
        columns=["zeta", "alpha", column("mid", omni={"measures": {"b_sum": {"aggregate_type": "sum"}}})],
        omni={"measures": {"z_total": {"aggregate_type": "count"}, "a_total": {"aggregate_type": "count"}},
              "dimensions": {"beta": {"sql": "${alpha}"}}},
    )])
    view = yaml.safe_load(render_files(manifest)["analytics/orders.view.yaml"])
    assert list(view["dimensions"]) == ["alpha", "beta", "mid", "zeta"]
    assert list(view["measures"]) == ["a_total", "b_sum", "count", "z_total"]


def test_tags_and_file_list_are_sorted():
    manifest = make_manifest([
        model("b_model", columns=["x"], tags=["zz", "aa"], omni={"tags": ["mm"]}),
        model("a_model", columns=["x"], schema="zeta"),
    ])
    files = render_files(manifest)
    assert list(files) == sorted(files)
    assert yaml.safe_load(files["analytics/b_model.view.yaml"])["tags"] == ["aa", "mm", "zz"]


def test_every_fields_tags_are_sorted_and_said_once():
    """As README says of tags: a meta.omni dimension's, a measure's and a shared metric's too (they were only sorted)."""
    manifest = make_manifest([model("orders", columns=["amount"], omni={
        "dimensions": {"big": {"sql": "${amount} > 100", "tags": ["q", "a", "q"]}},
        "measures": {"total": {"aggregate_type": "sum", "sql": "${amount}", "tags": ["x", "x"]},
                     "mrr": {"metric": "monthly_recurring_revenue", "tags": ["r", "c", "r"],
                             "args": {"type_column": None, "amount_column": "amount"}}}})])
    manifest["macros"] = package_macros()
    view = yaml.safe_load(render_files(manifest)["analytics/orders.view.yaml"])
    assert view["dimensions"]["big"]["tags"] == ["a", "q"]
    assert view["measures"]["total"]["tags"] == ["x"]
    assert view["measures"]["mrr"]["tags"] == ["c", "r"]


def test_a_manifest_written_on_windows_gives_the_same_files():
    """dbt joins a node's file path with os.path.join: on Windows `models\\marts\\orders.sql`, which was
    written into every view's comment, and matched no `topics_from_paths: [models/marts]` nor `path:` selection.
    A checkout with Windows line ends (git's autocrlf) keeps them in a doc block's rendered description."""
    def files(manifest, **settings):
        return render_files(manifest, topics_from_paths=["models/marts"], **settings)

    def as_on_windows(manifest: dict) -> dict:
        out = copy.deepcopy(manifest)
        for node in out["nodes"].values():
            for key in ("original_file_path", "patch_path"):
                if node.get(key):
                    package, sep, path = node[key].rpartition("://")
                    node[key] = package + sep + path.replace("/", "\\")
            if node.get("description"):
                node["description"] = node["description"].replace("\n", "\r\n")
            for info in node.get("columns", {}).values():
                info["description"] = info.get("description", "").replace("\n", "\r\n")
        return out

    manifest = make_manifest([
        model("orders", columns=[column("order_id", description="The order.\n\nOne row each.")],
              path="models/marts/orders.sql", description="Orders.\n\nOne row per order.\n"),
        model("stg_orders", columns=["order_id"], path="models/staging/stg_orders.sql"),
    ])
    windows = as_on_windows(manifest)
    assert "models\\marts\\orders.sql" in windows["nodes"]["model.shop.orders"]["original_file_path"]
    assert files(windows) == files(manifest)
    assert "analytics/orders.view.yaml" in files(manifest) and "orders.topic.yaml" in files(manifest)
    assert list(files(windows, select=["path:models/marts"])) == list(files(manifest, select=["path:models/marts"]))
    # the YAML file's path (patch_path) too: `path:` a properties file selects its models
    yaml_path = manifest["nodes"]["model.shop.orders"]["patch_path"].split("://")[1]
    assert list(files(windows, select=[f"path:{yaml_path}"])) == list(files(manifest, select=[f"path:{yaml_path}"])) != []


def test_maps_inside_filters_access_filters_and_the_model_file_do_not_follow_the_yamls_key_order():
    """Only the top level was sorted: `{greater_than: 10, less_than: 100}` written the other way round,
    an access filter's keys, or the model file's access grants moved lines in the output."""
    def files(reverse: bool) -> dict:
        def ordered(mapping: dict) -> dict:
            return dict(reversed(list(mapping.items()))) if reverse else mapping

        manifest = make_manifest([model("orders", columns=["amount", "channel"], omni={
            "measures": {"mid": {"aggregate_type": "sum", "sql": "${amount}",
                                 "filters": {"amount": ordered({"greater_than": 10, "less_than": 100})}}},
            "topic": {"default_filters": {"channel": ordered({"is": "web", "not": "app"})},
                      "access_filters": [ordered({"field": "channel", "user_attribute": "sales_channel",
                                                  "values_for_unfiltered": ["all"]})]}})])
        grants = ordered({"zz_money": ordered({"user_attribute": "team", "allowed_values": ["finance"]}),
                          "aa_ops": ordered({"user_attribute": "team", "allowed_values": ["ops"]})})
        return render_files(manifest, model_file={"access_grants": grants})

    assert files(reverse=True) == files(reverse=False)
    written = files(reverse=False)
    assert "  - field: analytics__orders.channel\n    user_attribute: sales_channel\n" in written["orders.topic.yaml"]
    assert written["model.yaml"].index("aa_ops") < written["model.yaml"].index("zz_money")
