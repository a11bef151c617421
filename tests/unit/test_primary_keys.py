"""Where a view's primary key comes from, in order: meta.omni.primary_key, column meta, constraints, tests."""
from __future__ import annotations

import pytest

from testkit import (
    build,
    column,
    export_error,
    make_manifest,
    model,
    one_problem,
    test_node,
    view_yaml,
    warehouse_catalog,
)


def pk_fields(view: dict) -> list:
    return sorted(name for name, dim in view["dimensions"].items() if dim.get("primary_key"))


def unique_not_null(name: str, col: str) -> list:
    return [test_node("unique", name, col), test_node("not_null", name, col)]


def test_no_key_when_nothing_declares_one():
    view = view_yaml(make_manifest([model("orders", columns=["order_id", "id"])]))
    assert pk_fields(view) == []
    assert "custom_compound_primary_key_sql" not in view


def test_model_meta_primary_key():
    view = view_yaml(make_manifest([model("orders", columns=["order_id", "code"], omni={"primary_key": "code"})]))
    assert pk_fields(view) == ["code"]


def test_model_meta_primary_key_wins_over_tests_and_constraints():
    manifest = make_manifest(
        [model("orders", columns=[column("order_id", constraints=[{"type": "primary_key"}]), "code"],
               omni={"primary_key": "code"})],
        unique_not_null("orders", "order_id"),
    )
    assert pk_fields(view_yaml(manifest)) == ["code"]


def test_model_meta_primary_key_must_be_a_column():
    manifest = make_manifest([model("orders", columns=["order_id"], omni={"primary_key": "order_ix"})])
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert problem.key == "meta.omni.primary_key" and problem.suggestion == "order_id"


def test_an_undocumented_primary_key_without_catalog_is_a_plain_key_dimension_and_a_warning():
    """A fresh clone or CI has no catalog.json: failing there would stop the very `dbt build` that makes one."""
    manifest = make_manifest([model("orders", columns=["amount"], omni={"primary_key": "Order_ID"})])
    omni = build(manifest)
    assert view_yaml(manifest)["dimensions"] == {"amount": {}, "order_id": {"primary_key": True}}
    assert omni.warnings == ["model orders: meta.omni.primary_key: column Order_ID is not documented in models/orders.yml, "
                             "and without catalog.json its columns are unknown: written as a plain dimension (document it)"]
    compound = make_manifest([model("lines", columns=["order_id", "line_number"],
                                    omni={"primary_key": ["order_id", "line_no"]})])
    view = view_yaml(compound, "analytics/lines.view.yaml")
    assert view["custom_compound_primary_key_sql"] == ["order_id", "line_no"] and view["dimensions"]["line_no"] == {}
    assert build(compound).warnings[0] == (  # a typo is likelier: the closest documented column is named
        "model lines: meta.omni.primary_key: column line_no is not documented in models/lines.yml (did you mean "
        "line_number?), and without catalog.json its columns are unknown: written as a plain dimension (document it)")


def test_an_undocumented_primary_key_of_a_contracted_model_is_an_error_even_without_catalog():
    manifest = make_manifest([model("orders", columns=["order_id", "amount"], omni={"primary_key": "ordr_id"})])
    manifest["nodes"]["model.shop.orders"]["config"]["contract"] = {"enforced": True}
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key, problem.suggestion) == (
        "primary key column 'ordr_id' is not a column of the model", "meta.omni.primary_key", "order_id")


def test_column_meta_primary_key():
    manifest = make_manifest([model("orders", columns=["a", column("b", omni={"primary_key": True})])],
                             unique_not_null("orders", "a"))
    assert pk_fields(view_yaml(manifest)) == ["b"]


def test_model_level_primary_key_constraint():
    manifest = make_manifest(
        [model("orders", columns=["a", "b"], constraints=[{"type": "primary_key", "columns": ["b"]}])],
        unique_not_null("orders", "a"),
    )
    assert pk_fields(view_yaml(manifest)) == ["b"]


def test_column_level_primary_key_constraint():
    manifest = make_manifest(
        [model("orders", columns=["a", column("b", constraints=[{"type": "primary_key"}])])],
        unique_not_null("orders", "a"),
    )
    assert pk_fields(view_yaml(manifest)) == ["b"]


def test_unique_and_not_null_tests_make_a_key():
    manifest = make_manifest([model("orders", columns=["a", "b", "c"])],
                             unique_not_null("orders", "b") + [test_node("unique", "orders", "c")])
    assert pk_fields(view_yaml(manifest)) == ["b"]  # c is only unique


def test_unique_test_alone_or_not_null_alone_is_not_a_key():
    manifest = make_manifest([model("orders", columns=["a", "b"])],
                             [test_node("unique", "orders", "a"), test_node("not_null", "orders", "b")])
    assert pk_fields(view_yaml(manifest)) == []


def test_several_unique_not_null_columns_pick_the_first_with_a_warning():
    manifest = make_manifest([model("orders", columns=["a", "b"])],
                             unique_not_null("orders", "b") + unique_not_null("orders", "a"))
    omni = build(manifest)
    view = next(v for v in omni.views if v.table_name == "orders")
    assert [d.name for d in view.dimensions if d.primary_key] == ["a"]  # dbt's column order, not test order
    assert any("several unique + not_null" in w and "orders" in w for w in omni.warnings)


def test_a_column_saying_primary_key_false_is_no_key_whatever_its_tests_or_constraints():
    """`id` is unique and not null in one load, but not the grain: the user's word wins over what we infer."""
    no = {"primary_key": False}
    manifest = make_manifest([model("orders", columns=[column("id", omni=no), "order_id"])],
                             unique_not_null("orders", "id") + unique_not_null("orders", "order_id"))
    assert pk_fields(view_yaml(manifest)) == ["order_id"]  # the next tested column
    manifest = make_manifest([model("orders", columns=[column("id", omni=no, constraints=[{"type": "primary_key"}])])])
    assert pk_fields(view_yaml(manifest)) == []
    for constrained in (make_manifest([model("lines", columns=[column("order_id", omni=no), "line_no"], constraints=[
                            {"type": "primary_key", "columns": ["order_id", "line_no"]}])]),
                        make_manifest([model("lines", columns=[column("order_id", omni=no), "line_no"])],
                                      [combination_test("lines", ["order_id", "line_no"])])):
        view = view_yaml(constrained, "analytics/lines.view.yaml")
        assert pk_fields(view) == [] and "custom_compound_primary_key_sql" not in view


def test_compound_key_from_meta_gives_custom_compound_primary_key_sql():
    manifest = make_manifest([model("order_lines", columns=["order_id", "line_no", "sku"],
                                    omni={"primary_key": ["order_id", "line_no"]})])
    view = view_yaml(manifest, "analytics/order_lines.view.yaml")
    assert view["custom_compound_primary_key_sql"] == ["order_id", "line_no"]
    assert pk_fields(view) == []  # no single dimension claims to be the key


def test_compound_key_from_model_constraint():
    manifest = make_manifest([model("order_lines", columns=["order_id", "line_no"],
                                    constraints=[{"type": "primary_key", "columns": ["order_id", "line_no"]}])])
    view = view_yaml(manifest, "analytics/order_lines.view.yaml")
    assert view["custom_compound_primary_key_sql"] == ["order_id", "line_no"]


def combination_test(on: str, columns: list, namespace: str = "dbt_utils") -> dict:
    """A model-level dbt_utils.unique_combination_of_columns test, as manifest.json holds it."""
    return {
        "resource_type": "test",
        "unique_id": f"test.shop.{namespace}_unique_combination_of_columns_{on}",
        "name": f"{namespace}_unique_combination_of_columns_{on}",
        "package_name": "shop",
        "test_metadata": {"name": "unique_combination_of_columns", "namespace": namespace,
                          "kwargs": {"combination_of_columns": columns,
                                     "model": f"{{{{ get_where_subquery(ref('{on}')) }}}}"}},
        "attached_node": f"model.shop.{on}",
        "column_name": None,
        "depends_on": {"nodes": [f"model.shop.{on}"], "macros": []},
        "config": {"meta": {}},
    }


def test_unique_combination_of_columns_makes_a_compound_key():
    manifest = make_manifest([model("order_lines", columns=["order_id", "Line_No", "sku"])],
                             [combination_test("order_lines", ["order_id", "line_no"])])
    view = view_yaml(manifest, "analytics/order_lines.view.yaml")
    assert view["custom_compound_primary_key_sql"] == ["order_id", "line_no"]


def test_unique_combination_of_one_column_makes_that_column_the_key():
    manifest = make_manifest([model("orders", columns=["order_id", "code"])],
                             [combination_test("orders", ["code"], namespace=None)])
    assert pk_fields(view_yaml(manifest)) == ["code"]


def test_unique_combination_comes_after_a_single_column_key():
    manifest = make_manifest([model("order_lines", columns=["id", "order_id", "line_no"])],
                             [combination_test("order_lines", ["order_id", "line_no"]), *unique_not_null("order_lines", "id")])
    view = view_yaml(manifest, "analytics/order_lines.view.yaml")
    assert pk_fields(view) == ["id"] and "custom_compound_primary_key_sql" not in view


def test_unique_combination_over_an_expression_or_unknown_column_is_no_key():
    for columns in (["order_id", "date_trunc('day', ordered_at)"], ["order_id", "line_nr"]):
        manifest = make_manifest([model("order_lines", columns=["order_id", "line_no", "ordered_at"])],
                                 [combination_test("order_lines", columns)])
        view = view_yaml(manifest, "analytics/order_lines.view.yaml")
        assert pk_fields(view) == [] and "custom_compound_primary_key_sql" not in view


def test_tests_with_a_where_filter_make_no_primary_key():
    """Unique among active rows only: as Omni's key it would merge rows and skew measures across joins."""
    tests = unique_not_null("customers", "email")
    for test in tests:
        test["config"]["where"] = "is_active"
    combination = combination_test("customers", ["email", "region"])
    combination["config"]["where"] = "is_active"
    manifest = make_manifest([model("customers", columns=["email", "region"])], [*tests, combination])
    view = view_yaml(manifest, "analytics/customers.view.yaml")
    assert pk_fields(view) == [] and "custom_compound_primary_key_sql" not in view


def test_a_primary_key_on_an_ignored_column_is_an_error_or_not_inferred():
    ignored = column("id", omni={"ignore": True})
    for declared in ("id", ["id", "name"]):
        problem = one_problem(export_error(make_manifest([model("orders", columns=[ignored, "name"],
                                                                omni={"primary_key": declared})])))
        assert problem.key == "meta.omni.primary_key" and "ignore: true" in problem.message
    inferred = make_manifest([model("orders", columns=[ignored, "name"])], unique_not_null("orders", "id"))
    assert pk_fields(view_yaml(inferred)) == []
    combination = make_manifest([model("orders", columns=[ignored, "name"])], [combination_test("orders", ["id", "name"])])
    assert "custom_compound_primary_key_sql" not in view_yaml(combination)


def test_tests_of_severity_warn_make_no_primary_key():
    """A failing test that only warns is a key the team lets repeat."""
    tests = unique_not_null("customers", "email")
    tests[0]["config"]["severity"] = "WARN"
    manifest = make_manifest([model("customers", columns=["email"])], tests)
    assert pk_fields(view_yaml(manifest, "analytics/customers.view.yaml")) == []


def test_keys_that_tests_of_severity_warn_would_make_are_said_in_one_warning():
    """A project-wide `+severity: warn` (development's, `"{{ 'error' if target.name == 'prod' else 'warn' }}"`)
    took every tested key away, and only a view some join repeats was said to lack one (found by a review)."""
    models, tests = [], []
    for name in ("customers", "orders", "refunds", "stores"):
        models.append(model(name, columns=["id", "code"] if name == "refunds" else ["id"]))
        tests += unique_not_null(name, "id")
    for test in tests:
        test["config"]["severity"] = "warn"
    tests[6]["config"]["where"] = "is_open"  # stores: a where makes no key whatever its severity: not said
    models[2]["columns"]["code"]["meta"] = {"omni": {"primary_key": True}}  # refunds: declared, so a key
    models[1]["columns"]["id"]["meta"] = {"omni": {"primary_key": False}}  # orders: the user's word: no key
    tests += unique_not_null("customers", "id")[:1]  # a second unique test, of severity error
    tests[-1]["unique_id"] += "_again"
    omni = build(make_manifest(models, tests))
    said = [w for w in omni.warnings if "severity: warn" in w]
    assert said == ["1 model(s) get no primary key, as their unique + not_null tests say severity: warn, so dbt lets "
                    "them fail (customers.id): to keep a key whatever the severity, declare it (a primary_key "
                    "constraint, or meta.omni primary_key: true on the column)"]
    assert said[0] in omni.drift  # a project's setting, not a mistake: no error under --warn-error (a review)


def test_a_key_that_severity_warn_alone_does_not_take_is_not_blamed_on_it():
    """An error_if threshold lets rows repeat whatever the severity, and an ignored column is no field to declare
    the key on: neither is in the severity warning (found by a code review)."""
    thresholded = unique_not_null("orders", "order_id")
    for test in thresholded:
        test["config"]["severity"] = "warn"
    thresholded[0]["config"]["error_if"] = ">100"
    ignored = unique_not_null("refunds", "refund_id")
    for test in ignored:
        test["config"]["severity"] = "warn"
    manifest = make_manifest([model("orders", columns=["order_id"]),
                              model("refunds", columns=[column("refund_id", omni={"ignore": True}), "amount"])],
                             [*thresholded, *ignored])
    assert not [w for w in build(manifest).warnings if "severity: warn" in w]


@pytest.mark.parametrize("error_if, key", [(">100", False), (">= 10", False), ("!= 0", True), ("<> 0", True),
                                           (">0", True), (">=1", True)])
def test_a_test_with_an_error_if_threshold_lets_rows_repeat_and_makes_no_primary_key(error_if, key):
    """`error_if: ">100"` passes up to 100 duplicates, as severity: warn lets all pass (found by a review of
    dbt's tests); dbt's default, != 0, fails on the first."""
    tests = unique_not_null("customers", "email")
    tests[0]["config"]["error_if"] = error_if
    tests[1]["config"]["warn_if"] = ">100"  # under severity error, warn_if changes nothing
    manifest = make_manifest([model("customers", columns=["email"])], tests)
    assert pk_fields(view_yaml(manifest, "analytics/customers.view.yaml")) == (["email"] if key else [])


@pytest.mark.parametrize("order", [1, -1])
def test_of_two_unique_combination_tests_the_one_of_fewer_columns_is_the_key_in_either_order(order):
    """The last in YAML order won, silently (found by a review of dbt's tests)."""
    tests = [combination_test("lines", ["a", "b"]), combination_test("lines", ["a", "b", "c"])][::order]
    tests[1]["unique_id"] += "_2"
    omni = build(make_manifest([model("lines", columns=["a", "b", "c"])], tests))
    assert omni.views[0].custom_compound_primary_key_sql == ["a", "b"]
    said = [w for w in omni.warnings if "unique_combination" in w]
    assert said == ["model lines: two unique_combination_of_columns tests; the one over a, b is the key, not a, b, c"]


def test_two_unique_combination_tests_of_as_many_columns_pick_one_by_name_and_the_same_columns_are_one():
    """In manifest.json's node order the first won, and [a, b] beside [b, a] was said as two keys (found by a code
    review)."""
    for order in (1, -1):
        tests = [combination_test("lines", ["a", "c"]), combination_test("lines", ["a", "b"])][::order]
        tests[1]["unique_id"] += "_2"
        omni = build(make_manifest([model("lines", columns=["a", "b", "c"])], tests))
        assert omni.views[0].custom_compound_primary_key_sql == ["a", "b"]
    tests = [combination_test("lines", ["a", "b"]), combination_test("lines", ["b", "a"])]
    tests[1]["unique_id"] += "_2"
    omni = build(make_manifest([model("lines", columns=["a", "b", "c"])], tests))
    assert omni.views[0].custom_compound_primary_key_sql == ["a", "b"]
    assert not [w for w in omni.warnings if "unique_combination" in w]


def test_a_test_argument_with_jinja_is_said_to_be_unread():
    """dbt keeps a test's arguments unrendered until it runs: `values: "{{ var('statuses') }}"` gave nothing, and
    `field: "{{ var('pk') }}"` a confusing 'column {{ var(...) }} is not in the catalog' (found by a review of dbt's tests)."""
    values = test_node("accepted_values", "orders", "status")
    values["test_metadata"]["kwargs"]["values"] = "{{ var('statuses') }}"
    omni = build(make_manifest([model("orders", columns=["order_id", "status"])], [values]))
    assert omni.warnings == ["model orders: the accepted_values test on status has Jinja in values, which dbt renders "
                             "only when the test runs: not read (write the value itself)"]
    values["test_metadata"]["kwargs"]["values"] = ["placed", "{{ var('other') }}"]  # one of a list too
    assert [w for w in build(make_manifest([model("orders", columns=["order_id", "status"])], [values])).warnings
            if "has Jinja in values" in w]
    # a test of the project's own, which the export does not read, is not said (under --warn-error it failed)
    values["test_metadata"]["name"] = "my_in_set"
    assert build(make_manifest([model("orders", columns=["order_id", "status"])], [values])).warnings == []


def test_a_primary_key_constraint_on_a_column_that_is_no_field_is_a_warning_not_a_key_to_nowhere():
    """Before dbt docs generate an undocumented column is no field: a compound key naming it would name nothing."""
    for columns in (["id"], ["region_id", "store_id"]):
        manifest = make_manifest([model("stores", columns=["region_id", "name"],
                                        constraints=[{"type": "primary_key", "columns": columns}])])
        omni = build(manifest)
        view = view_yaml(manifest, "analytics/stores.view.yaml")
        assert pk_fields(view) == [] and "custom_compound_primary_key_sql" not in view
        missing = columns[-1]
        assert omni.warnings == [f"model stores: its primary_key constraint names {missing}, which is no field (not "
                                 "documented in models/stores.yml, nor in catalog.json, or ignored): no primary key"]
    keyed = make_manifest([model("stores", columns=["Region_ID", "name"],
                                 constraints=[{"type": "primary_key", "columns": ["region_id"]}])])
    assert pk_fields(view_yaml(keyed, "analytics/stores.view.yaml")) == ["region_id"]


ORDER_KEY = {"sql": "${order_id} || '-' || ${line}"}


def test_a_meta_omni_dimension_named_as_primary_key_is_the_key_once():
    """`primary_key: order_key` over a meta.omni dimension wrote `order_key:` twice in one view, without a catalog
    (a placeholder for an undocumented key column beside the dimension), and was an error with one."""
    manifest = make_manifest([model("orders", columns=["order_id", "line"],
                                    omni={"primary_key": "order_key", "dimensions": {"order_key": ORDER_KEY}})])
    for catalog in (None, warehouse_catalog(manifest)):
        omni = build(manifest, catalog)
        assert [(d.name, d.primary_key) for d in omni.views[0].dimensions] == [
            ("line", None), ("order_id", None), ("order_key", True)]
        assert omni.warnings == []
    assert pk_fields(view_yaml(manifest)) == ["order_key"]


def test_a_meta_omni_dimension_that_says_primary_key_wins_over_tests():
    """Its own `primary_key: true` is declared, as meta.omni.primary_key is: the tested column gave a second key."""
    manifest = make_manifest([model("orders", columns=["order_id", "line"],
                                    omni={"dimensions": {"order_key": {**ORDER_KEY, "primary_key": True}}})],
                             unique_not_null("orders", "order_id"))
    assert pk_fields(view_yaml(manifest)) == ["order_key"]


def test_a_dimension_key_and_another_meta_omni_primary_key_are_an_error():
    manifest = make_manifest([model("orders", columns=["order_id", "line"],
                                    omni={"primary_key": "order_id",
                                          "dimensions": {"order_key": {**ORDER_KEY, "primary_key": True}}})])
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message) == (
        "meta.omni.primary_key", "meta.omni.dimensions.order_key says primary_key: true, but meta.omni.primary_key "
        "names order_id")
    both = make_manifest([model("orders", columns=["order_id", "line"],
                                omni={"primary_key": ["order_id", "order_key"],
                                      "dimensions": {"order_key": {**ORDER_KEY, "primary_key": True}}})])
    assert view_yaml(both)["custom_compound_primary_key_sql"] == ["order_id", "order_key"]


def test_an_undocumented_primary_key_named_like_a_measure_is_an_error_naming_both():
    """Written as a plain key dimension beside the measure `total`: one name twice in a view, said by nobody."""
    manifest = make_manifest([model("orders", columns=["a"], omni={
        "primary_key": "total", "measures": {"total": {"aggregate_type": "count"}}})])
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message) == (
        "meta.omni.measures.total", "field 'total' is defined twice (meta.omni.primary_key and meta.omni.measures.total)")


@pytest.mark.parametrize("declared", [["order_id", "order_id"], ["order_id", "amount", "order_id"]])
def test_a_compound_key_naming_a_column_twice_is_an_error(declared):
    """It was written as custom_compound_primary_key_sql: [order_id, order_id], a key Omni would trust."""
    manifest = make_manifest([model("orders", columns=["order_id", "amount"], omni={"primary_key": declared})])
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key) == ("primary key column 'order_id' is named twice", "meta.omni.primary_key")


def test_a_columns_primary_key_beside_a_model_key_naming_another_column_is_an_error():
    """It was ignored silently, while a meta.omni dimension's primary_key: true there is an error (an audit)."""
    manifest = make_manifest([model("orders", columns=["order_id", column("customer_id", omni={"primary_key": True})],
                                    omni={"primary_key": "order_id"})])
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message) == ("meta.omni.primary_key", "columns.customer_id.meta.omni says "
                                              "primary_key: true, but meta.omni.primary_key names order_id")
    same = make_manifest([model("orders", columns=[column("order_id", omni={"primary_key": True})],
                                omni={"primary_key": "order_id"})])
    assert pk_fields(view_yaml(same)) == ["order_id"]  # both saying the same is no conflict
