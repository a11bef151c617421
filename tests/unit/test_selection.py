"""Which models become views: root package by default, select / exclude, only_with_meta, ephemeral."""
from __future__ import annotations

import pytest

from dbt_omni.errors import OmniExportError
from testkit import build, column, make_manifest, model


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


@pytest.mark.parametrize("selector, suggestion", [("tga:finance", "tag:"), ("pth:models", "path:")])
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
    ("helper", "select 'helper' matches no exportable model"),  # ephemeral: no relation to export
])
def test_a_selector_matching_no_model_is_a_warning_with_the_closest_spelling(selector, warning):
    omni = build(project(), select=["customers", selector])
    assert [v.table_name for v in omni.views] == ["customers"]
    assert omni.warnings[0] == warning


def test_selectors_that_match_give_no_warning():
    assert build(project(), select=["orders", "tag:finance", "path:models/staging", "package:utils"]).warnings == []
