"""Helpers for the unit tests of the pure core: manifest dict in -> Omni model / YAML text out.

A plain module (imported as `testkit`), not conftest.py: two rootless conftest.py files share the
module name `conftest`, so `from conftest import ...` breaks depending on which pytest loaded last.

No database and no dbt: the manifests are small manifest.json-shaped dicts built here.

    column(name, ...)            a manifest column dict
    model(name, ...)             a manifest model node
    source(source, table, ...)   a manifest source table
    test_node(kind, model, ...)  a manifest generic-test node (unique, not_null, relationships)
    make_manifest(models, tests) a manifest dict
    build(manifest, catalog, **settings)  -> OmniModel
    warehouse_catalog(manifest)  catalog.json listing every model's documented columns
    render_files(manifest, **settings) -> {relative path: text}
    parse(files)                 -> {relative path: parsed YAML}
    export_error(manifest, **settings) -> the OmniExportError the build raises
    shop_manifest()              orders -> customers -> regions, keys and joins from tests
    package_macros(extra)        this package's real macro files, as manifest.json's macros
    rich_manifest()              uses every meta.omni feature that reaches a file
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Optional

import pytest
import yaml

from dbt_omni.config import settings_from_dict
from dbt_omni.dump import render
from dbt_omni.errors import OmniExportError
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model

PROJECT = "shop"
MACROS = Path(__file__).resolve().parents[2] / "macros"
# A macro as dbt keeps it in the manifest (macro_sql): from `{% macro` to its `{% endmacro %}`, exactly
# (checked against manifests of dbt-core 1.10, 1.11 and 1.12).
MACRO_RE = re.compile(r"{%-?\s*macro\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(.*?{%-?\s*endmacro\s*-?%}", re.DOTALL)


def package_macros(extra: dict | None = None) -> dict:
    """manifest.json-shaped macros of this package, as dbt parses them from macros/."""
    macros = {}
    for path in sorted(MACROS.rglob("*.sql")):
        for match in MACRO_RE.finditer(path.read_text()):
            name = match.group(1)
            macros[f"macro.dbt_omni.{name}"] = {"name": name, "package_name": "dbt_omni", "macro_sql": match.group(0),
                                                "unique_id": f"macro.dbt_omni.{name}", "description": ""}
    macros.update(extra or {})
    return macros




def column(name: str, *, description: str = "", data_type: Optional[str] = None, omni: Optional[dict] = None,
           config_omni: Optional[dict] = None, constraints: Iterable[dict] = ()) -> dict:
    return {
        "name": name,
        "description": description,
        "data_type": data_type,
        "meta": {"omni": omni} if omni is not None else {},
        "config": {"meta": {"omni": config_omni} if config_omni is not None else {}, "tags": []},
        "constraints": list(constraints),
        "tags": [],
    }


def model(name: str, *, columns: Iterable = (), schema: str = "analytics", alias: Optional[str] = None,
          package: str = PROJECT, description: str = "", omni: Optional[dict] = None,
          config_omni: Optional[dict] = None, constraints: Iterable[dict] = (), depends_on: Iterable[str] = (),
          tags: Iterable[str] = (), path: Optional[str] = None, materialized: str = "table") -> dict:
    """A model node; `columns` holds column() dicts or bare column names."""
    cols = [column(c) if isinstance(c, str) else c for c in columns]
    return {
        "resource_type": "model",
        "unique_id": f"model.{package}.{name}",
        "name": name,
        "package_name": package,
        "database": "db",
        "schema": schema,
        "alias": alias or name,
        "relation_name": f'"db"."{schema}"."{alias or name}"',
        "description": description,
        "original_file_path": path or f"models/{name}.sql",
        "patch_path": f"{package}://models/{name}.yml",
        "columns": {c["name"]: c for c in cols},
        "meta": {"omni": omni} if omni is not None else {},
        "config": {"meta": {"omni": config_omni} if config_omni is not None else {}, "materialized": materialized},
        "constraints": list(constraints),
        "depends_on": {"nodes": list(depends_on), "macros": []},
        "tags": list(tags),
        "fqn": [package, *Path(path or "models/x.sql").parent.parts[1:], name],  # as dbt: folders under models/
    }


def source(source_name: str, name: str, *, columns: Iterable = (), schema: str = "raw", identifier: Optional[str] = None,
           description: str = "", omni: Optional[dict] = None, tags: Iterable[str] = (), package: str = PROJECT,
           path: str = "models/staging/_sources.yml") -> dict:
    """A source table, as manifest.json's `sources` holds it (meta: the source's and the table's, merged)."""
    cols = [column(c) if isinstance(c, str) else c for c in columns]
    return {
        "resource_type": "source",
        "unique_id": f"source.{package}.{source_name}.{name}",
        "name": name,
        "source_name": source_name,
        "identifier": identifier or name,
        "relation_name": f'"db"."{schema}"."{identifier or name}"',
        "package_name": package,
        "database": "db",
        "schema": schema,
        "description": description,
        "original_file_path": path,
        "patch_path": None,
        "columns": {c["name"]: c for c in cols},
        "meta": {"omni": omni} if omni is not None else {},
        "config": {"meta": {"omni": omni} if omni is not None else {}, "enabled": True, "tags": list(tags)},
        "tags": list(tags),
        "fqn": [package, *Path(path).parent.parts[1:], source_name, name],
    }


def test_node(kind: str, on: str, column_name: str, *, to: Optional[str] = None, field: Optional[str] = None,
              package: str = PROJECT) -> dict:
    """A generic test `kind` on model `on` (by name), column `column_name`; relationships need to/field."""
    attached = f"model.{package}.{on}"
    kwargs = {"column_name": column_name, "model": f"{{{{ get_where_subquery(ref('{on}')) }}}}"}
    nodes = [attached]
    if kind == "relationships":
        kwargs.update({"to": f"ref('{to}')", "field": field})
        nodes = [f"model.{package}.{to}", attached]  # dbt lists the target first
    return {
        "resource_type": "test",
        "unique_id": f"test.{package}.{kind}_{on}_{column_name}" + (f"__{to}" if to else ""),
        "name": f"{kind}_{on}_{column_name}",
        "package_name": package,
        "test_metadata": {"name": kind, "kwargs": kwargs, "namespace": None},
        "attached_node": attached,
        "column_name": column_name,
        "depends_on": {"nodes": nodes, "macros": []},
        "config": {"meta": {}},
    }


# `test_node` is a helper, not a test: keep pytest from collecting it where it is imported.
test_node.__test__ = False


def make_manifest(models: Iterable[dict] = (), tests: Iterable[dict] = (), *, project_name: str = PROJECT,
                  adapter_type: str = "postgres", sources: Iterable[dict] = ()) -> dict:
    nodes = {}
    for node in [*models, *tests]:
        assert node["unique_id"] not in nodes, f"duplicate node {node['unique_id']} in the test's manifest"
        nodes[node["unique_id"]] = node
    return {
        "metadata": {"project_name": project_name, "adapter_type": adapter_type, "dbt_version": "1.10.0"},
        "nodes": nodes,
        "sources": {s["unique_id"]: s for s in sources},
        "macros": {},
    }


def settings(**values):
    return settings_from_dict(values, source="test")


def build(manifest: dict, catalog: Optional[dict] = None, **settings_values):
    return build_omni_model(from_manifest_dict(manifest, catalog), settings(**settings_values))


def warehouse_catalog(manifest: dict) -> dict:
    """catalog.json as the warehouse would give it for the manifest: every model's documented columns, of
    their documented type (text where none is)."""
    return {"nodes": {uid: {"columns": {name: {"name": name, "type": column.get("data_type") or "text", "index": i}
                                        for i, (name, column) in enumerate(node["columns"].items(), 1)}}
                      for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"}}


def render_files(manifest: dict, **settings_values) -> dict:
    return render(build(manifest, **settings_values))


def parse(files: dict) -> dict:
    return {path: yaml.safe_load(text) for path, text in files.items()}


def view_yaml(manifest: dict, path: str = "analytics/orders.view.yaml", **settings_values) -> dict:
    files = render_files(manifest, **settings_values)
    assert path in files, f"{path} not written; files: {sorted(files)}"
    return yaml.safe_load(files[path])


def export_error(manifest: dict, catalog: Optional[dict] = None, **settings_values) -> OmniExportError:
    with pytest.raises(OmniExportError) as info:
        build(manifest, catalog, **settings_values)
    return info.value


def one_problem(error: OmniExportError):
    assert len(error.problems) == 1, error.render()
    return error.problems[0]


def shop_manifest(**overrides) -> dict:
    """orders -> customers -> regions, via relationships tests; PKs via unique + not_null tests."""
    orders = model("orders", columns=[
        column("order_id", description="The order."),
        column("customer_id"),
        column("amount", data_type="numeric"),
        column("ordered_at", data_type="timestamp"),
    ], description="One row per order.")
    customers = model("customers", columns=["customer_id", "region_id", "name"])
    regions = model("regions", columns=["region_id", "region_name"])
    tests = [
        test_node("unique", "orders", "order_id"),
        test_node("not_null", "orders", "order_id"),
        test_node("unique", "customers", "customer_id"),
        test_node("not_null", "customers", "customer_id"),
        test_node("unique", "regions", "region_id"),
        test_node("not_null", "regions", "region_id"),
        test_node("relationships", "orders", "customer_id", to="customers", field="customer_id"),
        test_node("relationships", "customers", "region_id", to="regions", field="region_id"),
    ]
    models = {"orders": orders, "customers": customers, "regions": regions}
    models.update(overrides)
    return make_manifest([m for m in models.values() if m is not None], tests)


def rich_manifest() -> dict:
    """Uses every meta.omni feature that reaches a file, so the key walk below sees as much as possible."""
    orders = model(
        "orders",
        description="One row per order.",
        tags=["finance"],
        columns=[
            column("order_id", description="Order id.", omni={"label": "Order", "format": "ID"}),
            column("customer_id", omni={"hidden": True, "group_label": "Keys"}),
            column(
                "amount",
                data_type="numeric",
                omni={
                    "format": "usdcurrency_2",
                    "synonyms": ["revenue"],
                    "sample_values": [12.5, 80],
                    "tags": ["money"],
                    "ai_context": "Gross amount.",
                    "measures": {
                        "total_amount": {"aggregate_type": "sum", "label": "Total", "format": "usdcurrency_2",
                                         "filters": {"orders.status": {"is": "paid"}}, "group_label": "Money",
                                         "description": "Sum of amounts.", "tags": ["money"],
                                         "synonyms": ["sales"], "ai_context": "Paid only.", "hidden": False,
                                         "sample_values": [1000]},
                        "p90_amount": {"aggregate_type": "percentile", "percentile": 90},
                        "amount_per_customer": {"aggregate_type": "sum_distinct_on",
                                                "custom_primary_key_sql": "${customer_id}"},
                    },
                },
            ),
            column("status"),
            column("ordered_at", data_type="timestamp", omni={"timeframes": ["date", "month", "fiscal_year"]}),
            column("Odd Name", data_type="date"),
            column("internal", omni={"ignore": True}),
        ],
        omni={
            "label": "Orders",
            "hidden": False,
            "tags": ["core"],
            "ai_context": "Orders placed online.",
            "primary_key": "order_id",
            "dimensions": {"is_big": {"sql": "${amount} > 100", "label": "Big?", "primary_key": False,
                                      "timeframes": ["raw"], "tags": ["x"], "hidden": True}},
            "measures": {"order_count": {"aggregate_type": "count_distinct", "sql": "${order_id}"},
                         "avg_order": {"sql": "${total_amount} / NULLIF(${order_count}, 0)"}},
            "joins": [
                {"to": "customers", "relationship_type": "many_to_one", "join_type": "inner",
                 "join_to_view_as": "buyer", "join_to_view_as_label": "Buyer", "reversible": True,
                 "on_sql": "${orders.customer_id} = ${customers.customer_id}",
                 "where_sql": "${customers.name} IS NOT NULL"},
            ],
            "topic": {
                "name": "sales",
                "label": "Sales",
                "description": "Orders and who placed them.",
                "group_label": "Finance",
                "hidden": False,
                "joins": ["customers"],
                "fields": ["orders.*", "-customers.name", "all_views.*", "tag:money"],
                "ai_fields": ["orders.*", "customers.name"],
                "default_filters": {"orders.status": {"is": "paid"}},
                "always_where_sql": "${orders.amount} > 0",
                "always_where_filters": {"orders.status": {"is_not": "test"}},
                "access_filters": [{"field": "customers.region_id", "user_attribute": "region",
                                    "values_for_unfiltered": ["all"], "enable_sql_like_wildcards": False}],
                "ai_context": "Use for revenue questions.",
            },
        },
    )
    lines = model("order_lines", columns=["order_id", "line_no", "sku"],
                  omni={"primary_key": ["order_id", "line_no"], "topic": True})
    customers = model("customers", schema="crm", columns=["customer_id", "name", "region_id"],
                      constraints=[{"type": "primary_key", "columns": ["customer_id"]}])
    tests = [test_node("relationships", "order_lines", "order_id", to="orders", field="order_id")]
    return make_manifest([orders, lines, customers], tests)
