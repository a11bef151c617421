"""relationships.yaml: from relationships tests, foreign_key constraints and meta.omni.joins."""
from __future__ import annotations

import pytest
import yaml

from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model
from testkit import (
    build,
    column,
    export_error,
    make_manifest,
    model,
    one_problem,
    parse,
    render_files,
    settings,
    source,
    test_node,
    warehouse_catalog,
)

ORDERS_TO_CUSTOMERS = "${analytics__orders.customer_id} = ${analytics__customers.customer_id}"


def rels(manifest: dict, **settings) -> list:
    return yaml.safe_load(render_files(manifest, **settings)["relationships.yaml"])


def customers() -> dict:
    return model("customers", columns=["customer_id", "name"],
                 constraints=[{"type": "primary_key", "columns": ["customer_id"]}])


def test_relationships_test_gives_many_to_one_left_join():
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id"]), customers()],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")],
    )
    assert rels(manifest) == [{
        "join_from_view": "analytics__orders",
        "join_to_view": "analytics__customers",
        "on_sql": ORDERS_TO_CUSTOMERS,
        "relationship_type": "many_to_one",
        "join_type": "always_left",
    }]


def test_a_key_to_a_key_is_one_to_one():
    """invoices.order_id is invoices' primary key (or tested unique) and names orders' key: each side
    finds one row at most, so neither side's measures fan out."""
    orders = model("orders", columns=["order_id"], constraints=[{"type": "primary_key", "columns": ["order_id"]}])
    for invoices in (model("invoices", columns=["order_id"], constraints=[{"type": "primary_key", "columns": ["order_id"]}]),
                     model("invoices", columns=[column("order_id", constraints=[{"type": "unique"}]), "note"])):
        manifest = make_manifest([invoices, orders],
                                 [test_node("relationships", "invoices", "order_id", to="orders", field="order_id")])
        assert [r["relationship_type"] for r in rels(manifest)] == ["one_to_one"]
    lines = make_manifest([model("lines", columns=["line_id", "order_id"],
                                 constraints=[{"type": "primary_key", "columns": ["line_id"]}]), orders],
                          [test_node("relationships", "lines", "order_id", to="orders", field="order_id")])
    assert [r["relationship_type"] for r in rels(lines)] == ["many_to_one"]


def test_a_relationships_test_to_an_ephemeral_model_gives_no_relationship_and_no_warning():
    """A valid data test (country to an ephemeral list of codes): no table to join, and nothing to act on,
    so a warning would only fail --warn-error runs."""
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id"]),
         model("customers", columns=["customer_id"], materialized="ephemeral")],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")],
    )
    omni = build(manifest)
    assert omni.relationships == [] and omni.warnings == []


def test_relationships_test_to_a_differently_named_column():
    manifest = make_manifest(
        [model("orders", columns=["order_id", "buyer"]), customers()],
        [test_node("relationships", "orders", "buyer", to="customers", field="customer_id")],
    )
    [rel] = rels(manifest)
    assert rel["on_sql"] == "${analytics__orders.buyer} = ${analytics__customers.customer_id}"


def test_column_foreign_key_constraint():
    fk = {"type": "foreign_key", "to": "ref('customers')", "to_columns": ["customer_id"]}
    manifest = make_manifest([model("orders", columns=["order_id", column("customer_id", constraints=[fk])]),
                              customers()])
    [rel] = rels(manifest)
    assert (rel["join_from_view"], rel["join_to_view"], rel["on_sql"]) == (
        "analytics__orders", "analytics__customers", ORDERS_TO_CUSTOMERS)


def test_model_level_foreign_key_constraint_with_package_ref():
    fk = {"type": "foreign_key", "columns": ["customer_id"], "to": "ref('shop', 'customers')",
          "to_columns": ["customer_id"]}
    manifest = make_manifest([model("orders", columns=["order_id", "customer_id"], constraints=[fk]), customers()])
    [rel] = rels(manifest)
    assert rel["on_sql"] == ORDERS_TO_CUSTOMERS


def test_foreign_key_constraint_compiled_by_dbt_still_joins():
    """dbt compile, run, build and docs generate write `to` as the relation name into manifest.json."""
    fk = {"type": "foreign_key", "to": '"db"."analytics"."customers"', "to_columns": ["customer_id"]}
    manifest = make_manifest([model("orders", columns=["order_id", column("customer_id", constraints=[fk])],
                                    depends_on=["model.shop.customers"]), customers()])
    [rel] = rels(manifest)
    assert (rel["join_from_view"], rel["join_to_view"], rel["on_sql"]) == (
        "analytics__orders", "analytics__customers", ORDERS_TO_CUSTOMERS)
    assert build(manifest).warnings == []


def test_foreign_key_constraint_to_a_source_table():
    fk = {"type": "foreign_key", "columns": ["customer_id"], "to_columns": ["id"]}
    customers_table = source("crm", "customers", columns=["id"])
    for to in ("source('crm', 'customers')", '"db"."raw"."customers"'):  # as written; as dbt compiles it
        manifest = make_manifest([model("orders", columns=["order_id", "customer_id"], constraints=[{**fk, "to": to}],
                                        depends_on=["source.shop.crm.customers"])], sources=[customers_table])
        [rel] = rels(manifest, select=["orders", "source:crm"])
        assert rel["on_sql"] == "${analytics__orders.customer_id} = ${raw__customers.id}", to


def test_foreign_key_constraint_to_nothing_known_is_a_warning():
    fk = {"type": "foreign_key", "to": '"db"."analytics"."gone"', "to_columns": ["customer_id"]}
    manifest = make_manifest([model("orders", columns=["order_id", column("customer_id", constraints=[fk])]),
                              customers()])
    assert rels(manifest) == []
    assert build(manifest).warnings == ['model orders: foreign_key constraint on customer_id: to: "db"."analytics"."gone" '
                                        'names no model, seed, snapshot or source; no relationship']


def test_compound_or_expression_only_foreign_key_constraints_are_skipped_with_a_warning():
    fk = {"type": "foreign_key", "columns": ["a", "b"], "to": "ref('customers')", "to_columns": ["x", "y"]}
    old_style = {"type": "foreign_key", "columns": ["a"], "expression": "analytics.customers (x)"}
    manifest = make_manifest([model("orders", columns=["a", "b"], constraints=[fk, old_style]), customers()])
    assert rels(manifest) == []
    assert build(manifest).warnings == [
        "model orders: foreign_key constraint on (a, b) to ref('customers') gives no relationship: only one column to "
        "one column (to: and to_columns:) is joined by itself; write the join as meta.omni.joins with on_sql",
        "model orders: foreign_key constraint on (a) gives no relationship: only one column to one column (to: and "
        "to_columns:) is joined by itself; write the join as meta.omni.joins with on_sql"]
    # written so, as the warning says, it is said no more: it stayed, and --warn-error could never pass (found by a
    # review of a dbt-metabase migration)
    joined = {"joins": [{"to": "customers", "on_sql": "${orders.a} = ${customers.customer_id}"}]}
    manifest = make_manifest([model("orders", columns=["a", "b"], constraints=[fk, old_style], omni=joined), customers()])
    assert [w for w in build(manifest).warnings if "foreign_key" in w] == []
    # as dbt compiles `to` into a relation name (dbt build, compile), and not for a join to another table (a code review)
    compiled = {**fk, "to": '"db"."analytics"."customers"'}
    orders = model("orders", columns=["a", "b"], constraints=[compiled], omni=joined, depends_on=["model.shop.customers"])
    assert [w for w in build(make_manifest([orders, customers()])).warnings if "foreign_key" in w] == []
    orders["meta"]["omni"] = orders["config"]["meta"]["omni"] = {"joins": [
        {"to": "regions", "on_sql": "${orders.a} = ${regions.region_id}"}]}
    regions = model("regions", columns=["region_id"], constraints=[{"type": "primary_key", "columns": ["region_id"]}])
    assert len([w for w in build(make_manifest([orders, customers(), regions])).warnings if "foreign_key" in w]) == 1


def test_meta_join_with_explicit_on_sql_translates_model_names():
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id"],
              omni={"joins": [{"to": "customers", "on_sql": "${orders.buyer_id} = ${customers.customer_id}",
                               "relationship_type": "one_to_one", "join_type": "inner"}]}),
        customers(),
    ])
    [rel] = rels(manifest)
    assert rel["on_sql"] == "${analytics__orders.buyer_id} = ${analytics__customers.customer_id}"
    assert rel["relationship_type"] == "one_to_one" and rel["join_type"] == "inner"


def test_meta_join_sql_names_the_own_fields_unqualified_as_a_view_does():
    """A relationship is outside any view: Omni needs ${view.field} there, so the model's own fields get its view."""
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id", "status"],
              omni={"joins": [{"to": "customers", "on_sql": "${buyer_id} = ${customers.customer_id}",
                               "where_sql": "${status[month]} <> 'TEST'"}]}),
        customers(),
    ])
    [rel] = rels(manifest)
    assert rel["on_sql"] == "${analytics__orders.buyer_id} = ${analytics__customers.customer_id}"
    assert rel["where_sql"] == "${analytics__orders.status[month]} <> 'TEST'"


def test_an_unknown_own_field_in_meta_join_sql_is_an_error():
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id"],
              omni={"joins": [{"to": "customers", "on_sql": "${buyer_id} = ${customers.customer_id}",
                               "where_sql": "${stauts} <> 'test'"}]}),
        customers(),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.message == "${stauts} is not a field of analytics__orders"
    assert problem.key == "meta.omni.joins[0].where_sql"


def test_meta_join_default_on_sql_uses_target_primary_key():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={"joins": [{"to": "customers"}]}),
        customers(),
    ])
    [rel] = rels(manifest)
    assert rel["on_sql"] == ORDERS_TO_CUSTOMERS
    assert rel["relationship_type"] == "many_to_one" and rel["join_type"] == "always_left"


def test_meta_join_without_on_sql_and_no_matching_key_is_an_error():
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id"], omni={"joins": [{"to": "customers"}]}),
        customers(),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.key == "meta.omni.joins[0].on_sql"
    assert "analytics__customers" in problem.message
    assert problem.expected.endswith("; customer_id is not documented in models/orders.yml, and without catalog.json "
                                     "its columns are unknown: document it")
    with_catalog = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert with_catalog.expected == "on_sql, or a primary key on the target with a column of the same name here"


def test_of_two_tests_joining_the_same_views_the_one_on_the_targets_key_is_kept():
    """It was the first in name order: customer_email (no unique test) over the key, so a repeated email
    would count each of its orders twice."""
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id", "customer_email"]),
         model("customers", columns=["customer_id", "email"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}])],
        [test_node("relationships", "orders", "customer_email", to="customers", field="email"),
         test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")])
    omni = build(manifest)
    assert [r.on_sql for r in omni.relationships] == [ORDERS_TO_CUSTOMERS]
    assert [w for w in omni.warnings if "join" in w] == [
        "analytics__orders -> analytics__customers: second join (${analytics__orders.customer_email} = "
        "${analytics__customers.email}) left out, as Omni joins two views once (" + ORDERS_TO_CUSTOMERS + " kept, on "
        "the key); declare it in meta.omni.joins with join_to_view_as"]


def test_a_test_joining_on_a_column_that_is_not_the_targets_key_is_a_warning():
    def manifest(*email_tests: str) -> dict:
        return make_manifest(
            [model("orders", columns=["order_id", "customer_email"]),
             model("customers", columns=["customer_id", "email"],
                   constraints=[{"type": "primary_key", "columns": ["customer_id"]}])],
            [test_node("relationships", "orders", "customer_email", to="customers", field="email"),
             *(test_node(name, "customers", "email") for name in email_tests)])

    omni = build(manifest())
    assert [r.on_sql for r in omni.relationships] == [
        "${analytics__orders.customer_email} = ${analytics__customers.email}"]
    assert omni.warnings == [
        "relationships test (models/orders.yml) model.shop.orders.customer_email -> model.shop.customers.email: email is "
        "not the primary key of customers (customer_id), nor tested unique, so a value it repeats would count "
        "analytics__orders's measures once per match (written many_to_one); add a unique test, or declare the join in "
        "meta.omni.joins with its relationship_type"]
    assert build(manifest("unique")).warnings == []
    assert len(build(manifest("not_null")).warnings) == 1
    declared = manifest()
    declared["nodes"]["model.shop.orders"]["meta"] = {"omni": {"joins": [
        {"to": "customers", "on_sql": "${orders.customer_email} = ${customers.email}", "relationship_type": "many_to_one"}]}}
    omni = build(declared)  # the join the warning asks for replaces the test's: nothing left to say
    assert [r.dbt_key for r in omni.relationships] == ["meta.omni.joins[0]"] and omni.warnings == []


def test_a_declared_join_left_many_to_one_onto_a_column_that_is_no_key_is_a_warning():
    """Lightdash's joins have no relationship type: one from customers to their orders became many_to_one,
    and Omni's fan-out handling added orders up once per match, silently."""
    def built(join: dict):
        return build(make_manifest([
            model("customers", columns=["customer_id", "name"], omni={"joins": [join]},
                  constraints=[{"type": "primary_key", "columns": ["customer_id"]}]),
            model("orders", columns=["order_id", "customer_id"],
                  constraints=[{"type": "primary_key", "columns": ["order_id"]}]),
        ]))

    on_sql = "${customer_id} = ${orders.customer_id}"
    omni = built({"to": "orders", "on_sql": on_sql})
    assert [r.relationship_type for r in omni.relationships] == ["many_to_one"]  # as declared: only said
    assert omni.warnings == [
        "model customers (models/customers.yml): meta.omni.joins[0]: no relationship_type, so many_to_one, but "
        "customer_id is not the primary key of analytics__orders, nor tested unique: where a row of "
        "analytics__customers matches several there, Omni would count them once per match; say relationship_type: "
        "one_to_many (or many_to_many), or many_to_one where it is one"]
    assert built({"to": "orders", "on_sql": on_sql, "relationship_type": "one_to_many"}).warnings == []
    assert built({"to": "orders", "on_sql": on_sql, "relationship_type": "many_to_one"}).warnings == []  # the user's word
    assert built({"to": "orders", "on_sql": "${customer_id} = ${orders.order_id}"}).warnings == []  # onto the key
    assert built({"to": "orders", "on_sql": on_sql + " and ${orders.order_id} > 0"}).warnings == []  # not simple: unsaid
    aliased = built({"to": "orders", "join_to_view_as": "first_orders", "on_sql": "${customer_id} = ${first_orders.customer_id}"})
    assert len(aliased.warnings) == 1 and "is not the primary key of first_orders" in aliased.warnings[0]
    spaced = build(make_manifest([  # a column spelt "Customer ID", tested unique: a key by its dbt name
        model("customers", columns=["customer_id", "name"], omni={"joins": [
            {"to": "orders", "on_sql": "${customer_id} = ${orders.customer_id}"}]},
              constraints=[{"type": "primary_key", "columns": ["customer_id"]}]),
        model("orders", columns=["order_id", "Customer ID"], constraints=[{"type": "primary_key", "columns": ["order_id"]}]),
    ], [test_node("unique", "orders", "Customer ID")]))
    assert not [w for w in spaced.warnings if "no relationship_type" in w], spaced.warnings


def test_test_and_meta_join_on_same_pair_dedupe_and_meta_wins():
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id"],
               omni={"joins": [{"to": "customers", "relationship_type": "one_to_one"}]}),
         customers()],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")],
    )
    result = rels(manifest)
    assert len(result) == 1
    assert result[0]["relationship_type"] == "one_to_one"


def test_test_and_constraint_on_same_pair_give_one_relationship():
    fk = {"type": "foreign_key", "to": "ref('customers')", "to_columns": ["customer_id"]}
    manifest = make_manifest(
        [model("orders", columns=["order_id", column("customer_id", constraints=[fk])]), customers()],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")],
    )
    assert len(rels(manifest)) == 1


def test_relationship_to_a_model_not_exported_is_a_warning():
    manifest = make_manifest(
        [model("orders", columns=["order_id", "customer_id"]), customers()],
        [test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")],
    )
    omni = build(manifest, exclude=["customers"])
    assert omni.relationships == []
    assert [v.name for v in omni.views] == ["analytics__orders"]
    assert omni.warnings == ["model orders: model 'customers' is not exported (not selected, or ignore: true); "
                             "left out: relationship (relationships test on customer_id)"]


def test_unknown_model_in_a_join_names_file_model_key_and_suggests():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={"joins": [{"to": "custmers"}]}),
        customers(),
    ])
    error = export_error(manifest)
    problem = one_problem(error)
    assert problem.file == "models/orders.yml"
    assert problem.model == "orders"
    assert problem.key == "meta.omni.joins[0].to"
    assert problem.suggestion == "customers"
    assert problem.expected and "model" in problem.expected, problem.expected
    text = str(error)
    for part in ("models/orders.yml", "orders", "meta.omni.joins[0].to", "custmers", "did you mean 'customers'",
                 f"(expected {problem.expected})"):
        assert part in text, (part, text)


def test_unknown_model_in_join_on_sql_names_the_on_sql_key():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"],
              omni={"joins": [{"to": "customers", "on_sql": "${orders.customer_id} = ${custmers.customer_id}"}]}),
        customers(),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.key == "meta.omni.joins[0].on_sql" and problem.suggestion == "customers"


def test_meta_join_to_a_model_that_exists_but_is_not_exported_is_left_out_with_a_warning():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={"joins": [{"to": "customers"}]}),
        customers(),
    ])
    omni = build(manifest, exclude=["customers"])
    assert omni.relationships == []
    assert any("meta.omni.joins[0]" in w and "customers" in w and "not exported" in w for w in omni.warnings), \
        omni.warnings


def test_relationships_are_sorted():
    manifest = make_manifest(
        [model("z_orders", columns=["customer_id"]), model("a_orders", columns=["customer_id"]), customers()],
        [test_node("relationships", "z_orders", "customer_id", to="customers", field="customer_id"),
         test_node("relationships", "a_orders", "customer_id", to="customers", field="customer_id")],
    )
    assert [r["join_from_view"] for r in rels(manifest)] == ["analytics__a_orders", "analytics__z_orders"]


# ---- a join key the target's YAML does not document --------------------------------------------------
def orders_to(customers_model: dict, catalog: dict | None = None):
    manifest = make_manifest([model("orders", columns=["order_id", "customer_id"]), customers_model],
                             [test_node("relationships", "orders", "customer_id", to="customers", field="Customer_ID")])
    if catalog is not None:  # orders as documented; the test's catalog says what customers has
        catalog["nodes"]["model.shop.orders"] = {"columns": {
            c: {"name": c, "type": "integer", "index": i} for i, c in enumerate(["order_id", "customer_id"])}}
    return build_omni_model(from_manifest_dict(manifest, catalog), settings())


KEYLESS_CUSTOMERS = ("model customers (models/customers.yml): no primary key, and its join with analytics__orders "
                     "repeats its rows, so Omni cannot keep its measures right there (set meta.omni.primary_key, a "
                     "primary_key constraint, or unique + not_null tests on a column)")


def test_an_undocumented_key_column_becomes_a_plain_dimension_so_the_join_works():
    omni = orders_to(model("customers", columns=["name"]))  # the test proves customer_id exists
    assert [r.on_sql for r in omni.relationships] == [ORDERS_TO_CUSTOMERS]
    customers_view = next(v for v in omni.views if v.table_name == "customers")
    assert [d.name for d in customers_view.dimensions] == ["customer_id", "name"]
    assert omni.warnings == [KEYLESS_CUSTOMERS]  # nothing about the key column


def test_a_view_whose_rows_a_join_repeats_needs_a_primary_key():
    """Omni keeps measures right across a join by distinct keys: customers' count, joined from orders."""
    keyed = model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}])
    assert orders_to(keyed).warnings == []
    assert orders_to(model("customers", columns=["customer_id"])).warnings == [KEYLESS_CUSTOMERS]
    # one_to_many repeats the rows of the view it starts from
    manifest = make_manifest([model("orders", columns=["order_id"], omni={"joins": [
        {"to": "lines", "relationship_type": "one_to_many", "on_sql": "${orders.order_id} = ${lines.order_id}"}]}),
        model("lines", columns=["order_id", "line_no"])])
    [warning] = build(manifest).warnings
    assert warning.startswith("model orders (models/orders.yml): no primary key, and its join with analytics__lines")


def test_a_key_column_the_catalog_lacks_or_meta_ignores_gives_no_relationship_and_a_warning():
    catalog = {"nodes": {"model.shop.customers": {"columns": {"name": {"name": "name", "type": "text", "index": 0}}}}}
    ignored = model("customers", columns=["name", column("customer_id", omni={"ignore": True})])
    prefix = ("relationships test (models/orders.yml) model.shop.orders.customer_id -> model.shop.customers.Customer_ID: "
              "column Customer_ID of customers")
    for omni, why in ((orders_to(model("customers", columns=["name"]), catalog), "is not in the catalog"),
                      (orders_to(ignored), "has meta.omni ignore: true")):
        assert omni.relationships == []
        assert not any(d.name == "customer_id" for v in omni.views for d in v.dimensions if v.table_name == "customers")
        assert omni.warnings == [f"{prefix} {why}; no relationship"]


def test_a_key_column_named_almost_like_a_documented_one_is_a_warning_with_the_closest():
    """At parse time no test has run to prove the column exists: `acount_id` is likelier a typo."""
    omni = orders_to(model("customers", columns=["customer_i", "name"]))
    assert [r.on_sql for r in omni.relationships] == [ORDERS_TO_CUSTOMERS]  # the test says it exists
    assert omni.warnings[1:] == [KEYLESS_CUSTOMERS] and omni.warnings[:1] == [
        "relationships test (models/orders.yml) model.shop.orders.customer_id -> model.shop.customers.Customer_ID: "
        "column Customer_ID of customers is not documented; did you mean customer_i? (written as a plain dimension "
        "for the join, as the test or constraint says it exists)"]
    catalog = {"nodes": {"model.shop.customers": {"columns": {
        c: {"name": c, "type": "text", "index": i} for i, c in enumerate(["customer_i", "name"])}}}}
    assert orders_to(model("customers", columns=["customer_i", "name"]), catalog).warnings[0].endswith(
        "is not in the catalog; no relationship; did you mean customer_i?")


def test_a_self_join_needs_an_alias():
    """Omni joins a view to itself only under another name: a test to the model itself is left out with
    a warning, a meta.omni join without join_to_view_as is an error, and with one its SQL may use it."""
    tree = model("categories", columns=["category_id", "parent_id"],
                 constraints=[{"type": "primary_key", "columns": ["category_id"]}])
    omni = build(make_manifest([tree], [test_node("relationships", "categories", "parent_id", to="categories",
                                                  field="category_id")]))
    assert omni.relationships == [] and omni.warnings == [
        "relationships test model.shop.categories.parent_id -> model.shop.categories.category_id: a join of "
        "analytics__categories to itself needs an alias; declare it in meta.omni.joins with join_to_view_as"]
    tree["meta"] = {"omni": {"joins": [{"to": "categories", "on_sql": "${parent_id} = ${categories.category_id}"}]}}
    problem = one_problem(export_error(make_manifest([tree])))
    assert (problem.message, problem.key) == ("a join of analytics__categories to itself needs an alias",
                                              "meta.omni.joins[0].join_to_view_as")
    tree["meta"]["omni"]["joins"][0].update(join_to_view_as="parent", on_sql="${parent_id} = ${parent.category_id}")
    [rel] = build(make_manifest([tree])).relationships
    assert (rel.join_to_view, rel.join_to_view_as, rel.on_sql) == (
        "analytics__categories", "parent", "${analytics__categories.parent_id} = ${parent.category_id}")


def test_a_join_warned_of_for_want_of_an_alias_is_not_warned_of_once_declared_with_one():
    """Following either warning's advice still left it said, so --warn-error could never pass (found by a
    review of dbt's tests)."""
    tree = model("categories", columns=["category_id", "parent_id"],
                 constraints=[{"type": "primary_key", "columns": ["category_id"]}])
    orders = model("orders", columns=["order_id", "billing_customer_id", "shipping_customer_id"])
    customers = model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}])
    tests = [test_node("relationships", "categories", "parent_id", to="categories", field="category_id"),
             test_node("relationships", "orders", "billing_customer_id", to="customers", field="customer_id"),
             test_node("relationships", "orders", "shipping_customer_id", to="customers", field="customer_id")]
    before = [w for w in build(make_manifest([tree, orders, customers], tests)).warnings if "join_to_view_as" in w]
    assert len(before) == 2 and "to itself" in before[0] and "shipping_customer_id" in before[1]
    tree["meta"] = {"omni": {"joins": [{"to": "categories", "join_to_view_as": "parent",
                                        "on_sql": "${parent_id} = ${parent.category_id}"}]}}
    orders["meta"] = {"omni": {"joins": [{"to": "customers", "join_to_view_as": "shipping_customer",
                                          "on_sql": "${shipping_customer_id} = ${shipping_customer.customer_id}"}]}}
    omni = build(make_manifest([tree, orders, customers], tests))
    assert [w for w in omni.warnings if "join_to_view_as" in w] == []
    assert sorted((r.join_from_view, r.join_to_view_as or r.join_to_view) for r in omni.relationships) == [
        ("analytics__categories", "parent"), ("analytics__orders", "analytics__customers"),
        ("analytics__orders", "shipping_customer")]
    # an alias of the kept join instead: the plain join is the other test's then, and nothing is left out
    orders["meta"]["omni"]["joins"][0].update(join_to_view_as="billing_customer",
                                              on_sql="${billing_customer_id} = ${billing_customer.customer_id}")
    omni = build(make_manifest([tree, orders, customers], tests))
    assert [w for w in omni.warnings if "join_to_view_as" in w] == []
    assert sorted(r.on_sql for r in omni.relationships if r.join_from_view == "analytics__orders") == [
        "${analytics__orders.billing_customer_id} = ${billing_customer.customer_id}",
        "${analytics__orders.shipping_customer_id} = ${analytics__customers.customer_id}"]
    # an alias joining on another column (or with a where_sql) is no answer to either: the warning stays
    orders["meta"]["omni"]["joins"][0].update(on_sql="${order_id} = ${billing_customer.customer_id}")
    assert [w for w in build(make_manifest([tree, orders, customers], tests)).warnings if "join_to_view_as" in w] == \
        before[1:]


def test_a_tests_join_that_a_declared_alias_makes_on_the_same_column_is_the_aliases():
    """order_dates and ship_dates, both aliases of dim_date: the order_date test's plain join stayed too, so a topic
    joined dim_date twice, by two names (found by a review of join-graph shapes)."""
    dates = model("dim_date", columns=["date_day"], constraints=[{"type": "primary_key", "columns": ["date_day"]}])
    orders = model("orders", columns=["order_id", "order_date", "ship_date"], omni={"joins": [
        {"to": "dim_date", "join_to_view_as": "order_dates", "on_sql": "${order_date} = ${order_dates.date_day}"},
        {"to": "dim_date", "join_to_view_as": "ship_dates", "on_sql": "${ship_date} = ${ship_dates.date_day}"}]})
    tests = [test_node("relationships", "orders", "order_date", to="dim_date", field="date_day"),
             test_node("relationships", "orders", "ship_date", to="dim_date", field="date_day")]
    omni = build(make_manifest([orders, dates], tests))
    assert sorted(r.join_to_view_as or r.join_to_view for r in omni.relationships) == ["order_dates", "ship_dates"]
    assert not [w for w in omni.warnings if "join" in w]
    # an alias on another column leaves the test's join as it was
    orders["meta"]["omni"]["joins"] = orders["meta"]["omni"]["joins"][1:]
    omni = build(make_manifest([orders, dates], tests))
    assert sorted(r.join_to_view_as or r.join_to_view for r in omni.relationships) == ["analytics__dim_date", "ship_dates"]
    # so does one that only mentions the column, joins another column, or filters (found by a code review)
    for on_sql, where_sql in (("${ship_date} = ${ship_dates.date_day} AND ${order_date} <= ${ship_date}", None),
                              ("${order_date} = ${ship_dates.fiscal_day}", None),
                              ("${order_date} = ${ship_dates.date_day}", "${ship_dates.date_day} > '2020-01-01'")):
        orders["meta"]["omni"]["joins"] = [{"to": "dim_date", "join_to_view_as": "ship_dates", "on_sql": on_sql,
                                            **({"where_sql": where_sql} if where_sql else {})}]
        dates["columns"]["fiscal_day"] = {"name": "fiscal_day", "description": ""}
        omni = build(make_manifest([orders, dates], tests))
        assert "analytics__dim_date" in {r.join_to_view_as or r.join_to_view for r in omni.relationships}, on_sql
    # of two tests, the one an alias does not make is the plain join (the other was lost, and still warned of)
    orders["meta"]["omni"]["joins"] = [{"to": "dim_date", "join_to_view_as": "order_dates",
                                        "on_sql": "${order_date} = ${order_dates.date_day}"}]
    omni = build(make_manifest([orders, dates], tests))
    assert sorted(r.on_sql for r in omni.relationships) == [
        "${analytics__orders.order_date} = ${order_dates.date_day}",
        "${analytics__orders.ship_date} = ${analytics__dim_date.date_day}"]
    assert not [w for w in omni.warnings if "left out" in w]


def test_a_relationships_test_to_a_disabled_model_gives_no_join_and_says_so():
    """dbt's depends_on lists only the tested model then: it was taken for a join to itself (found by a review
    of dbt's tests)."""
    manifest = make_manifest([model("orders", columns=["order_id", "gone_id"])],
                             [test_node("relationships", "orders", "gone_id", to="gone", field="gid")])
    manifest["nodes"]["test.shop.relationships_orders_gone_id__gone"]["depends_on"]["nodes"] = ["model.shop.orders"]
    manifest["disabled"] = {"model.shop.gone": [{**model("gone", columns=["gid"]), "config": {"enabled": False}}]}
    omni = build(manifest)
    assert omni.relationships == [] and omni.warnings == [
        "model orders: the relationships test on gone_id is to gone, which is disabled (enabled: false): no relationship"]


def test_a_relationships_test_with_meta_omni_join_false_makes_no_join():
    """A mart's integrity test against its staging model is no path for people exploring in Omni, yet it was joined
    into the default topic, with no way out but leaving the staging model unselected (found by a review of real users'
    schema YAML)."""
    def built(omni_meta):
        test = test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")
        test["config"]["meta"] = {"omni": omni_meta}
        test["original_file_path"] = "models/orders.yml"
        return build(make_manifest([model("orders", columns=["order_id", "customer_id"]),
                                    model("customers", columns=["customer_id"],
                                          constraints=[{"type": "primary_key", "columns": ["customer_id"]}])], [test]))

    assert len(built({}).relationships) == 1 and len(built({"join": True}).relationships) == 1
    omni = built({"join": False})
    assert omni.relationships == [] and omni.warnings == []
    omni = built({"jion": False})  # not read: the join is made, and the key said
    assert len(omni.relationships) == 1 and omni.warnings == [
        "model orders: the relationships test on customer_id (models/orders.yml): its meta.omni jion is not read (did "
        "you mean join?); a test's meta.omni takes only join: false (no relationship made of the test)"]
    assert built({"join": "no"}).warnings[0].endswith(
        "its meta.omni join: 'no' is not true or false; a test's meta.omni takes only join: false (no relationship made "
        "of the test)")
    assert len(built({"join": "no"}).relationships) == 1
    assert built({"join": 0}).warnings[0].endswith("its meta.omni join: 0 is not true or false; a test's meta.omni takes "
                                                   "only join: false (no relationship made of the test)")
    # a foreign_key constraint on the same column is turned off with it (it made the join anyway; a code review)
    test = test_node("relationships", "orders", "customer_id", to="customers", field="customer_id")
    test["config"]["meta"] = {"omni": {"join": False}}
    constrained = model("orders", columns=[column("customer_id", constraints=[
        {"type": "foreign_key", "to": "ref('customers')", "to_columns": ["customer_id"]}]), "order_id"])
    keyed = model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}])
    assert build(make_manifest([constrained, keyed], [test])).relationships == []
    assert len(build(make_manifest([constrained, keyed])).relationships) == 1
    # another kind of test's meta.omni is said to be unread
    unique = test_node("unique", "orders", "order_id")
    unique["config"]["meta"] = {"omni": {"join": False}}
    assert build(make_manifest([model("orders", columns=["order_id"])], [unique])).warnings == [
        "model orders: the unique test on order_id (models/orders.yml) has meta.omni, which only a relationships test "
        "reads (join: false): not read"]


def test_a_join_whose_on_sql_reads_a_third_view_is_said():
    """Lightdash's joins chain within an explore (payments to customers on orders.customer_id); an Omni relationship
    joins two views, and the topic nested customers beside orders, not under it (a review of a Lightdash migration)."""
    payments = model("payments", columns=["payment_id", "order_id"], omni={"joins": [
        {"to": "orders", "on_sql": "${payments.order_id} = ${orders.order_id}"},
        {"to": "customers", "on_sql": "${customers.customer_id} = ${orders.customer_id}"}]})
    keyed = [model(name, columns=[key, *more], constraints=[{"type": "primary_key", "columns": [key]}])
             for name, key, more in (("orders", "order_id", ["customer_id"]), ("customers", "customer_id", []))]
    omni = build(make_manifest([payments, *keyed]))
    assert [w for w in omni.warnings if "neither side" in w] == [
        "model payments: meta.omni.joins[1].on_sql reads analytics__orders, neither side of this join (analytics__payments "
        "to analytics__customers): Omni's relationship joins those two views, and a topic without analytics__orders "
        "cannot run it (join customers from the model of analytics__orders instead, and list both in the topic's joins)"]


def test_an_aliased_joins_default_on_sql_names_the_alias_and_a_self_join_needs_on_sql():
    """The default condition named the plain view where the join has an alias (a topic joining it as buyer has no
    analytics__customers), and a self-join's compared the key to itself: every row (a code review)."""
    keyed = model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}])
    orders = model("orders", columns=["order_id", "customer_id"], omni={"joins": [
        {"to": "customers", "join_to_view_as": "buyer", "relationship_type": "many_to_one"}]})
    omni = build(make_manifest([orders, keyed]))
    assert [r.on_sql for r in omni.relationships] == ["${analytics__orders.customer_id} = ${buyer.customer_id}"]
    assert not [w for w in omni.warnings if "on_sql" in w]
    parent = model("categories", columns=["category_id", "parent_id"], omni={"joins": [
        {"to": "categories", "join_to_view_as": "parent", "relationship_type": "many_to_one"}]},
        constraints=[{"type": "primary_key", "columns": ["category_id"]}])
    problem = one_problem(export_error(make_manifest([parent])))
    assert (problem.key, problem.message) == ("meta.omni.joins[0].on_sql",
                                              "a join of analytics__categories to itself as parent needs on_sql")
    # the model named where its alias is meant is said as that, not as a third view
    orders["meta"]["omni"]["joins"][0]["on_sql"] = "${orders.customer_id} = ${customers.customer_id}"
    assert [w for w in build(make_manifest([orders, keyed])).warnings if "on_sql" in w] == [
        "model orders: meta.omni.joins[0].on_sql reads analytics__customers, which this join names buyer: write "
        "${buyer.<field>} (a topic that joins it as buyer has no analytics__customers)"]
    # both that and a third view, in on_sql or where_sql, are each said as what they are (a code review)
    regions = model("regions", columns=["region_id"], constraints=[{"type": "primary_key", "columns": ["region_id"]}])
    orders["meta"]["omni"]["joins"][0].update(on_sql="${orders.customer_id} = ${buyer.customer_id}",
                                              where_sql="${customers.customer_id} > 0 and ${regions.region_id} > 0")
    said = [w.partition(": ")[2] for w in build(make_manifest([orders, keyed, regions])).warnings if "where_sql" in w]
    assert [w.startswith(start) for w, start in zip(said, (
        "meta.omni.joins[0].where_sql reads analytics__customers, which this join names buyer",
        "meta.omni.joins[0].where_sql reads analytics__regions, neither side of this join"), strict=True)] == [True, True]


def test_a_sources_relationships_test_to_itself_is_still_said_to_need_an_alias():
    """dbt lists only the source in its depends_on, and source(...) is no ref(...): it was dropped without a word
    (found by a code review)."""
    employees = source("hr", "employees", columns=["id", "manager_id"])
    test = test_node("relationships", "employees", "manager_id", to="employees", field="id")
    test.update(attached_node=None)
    test["test_metadata"]["kwargs"].update(model="{{ get_where_subquery(source('hr', 'employees')) }}",
                                           to="source('hr', 'employees')")
    test["depends_on"]["nodes"] = ["source.shop.hr.employees"]
    omni = build(make_manifest([model("orders", columns=["id"])], [test], sources=[employees]), select=["source:hr"])
    assert [w for w in omni.warnings if "itself" in w] == [
        "relationships test source.shop.hr.employees.manager_id -> source.shop.hr.employees.id: a join of "
        "raw__employees to itself needs an alias; declare it in meta.omni.joins with join_to_view_as"]


def test_a_model_level_test_on_a_column_the_yaml_does_not_list_keys_and_joins_without_a_catalog_too():
    """`data_tests: [unique: {column_name: uid}]` on the model: the test proves the column exists, as the catalog
    would show; without one the key and the join were left out silently (found by a review of dbt's tests)."""
    tests = [test_node("unique", "orders", "uid"), test_node("not_null", "orders", "uid"),
             test_node("relationships", "orders", "customer_id", to="customers", field="customer_id"),
             test_node("unique", "orders", "lower(email)")]
    for node in tests:
        node["column_name"] = None  # model-level: only the kwargs name it
    manifest = make_manifest([model("orders"), model("customers", columns=["customer_id"])], tests)
    omni = build(manifest)
    orders = next(v for v in omni.views if v.name == "analytics__orders")
    assert [(d.name, d.primary_key) for d in orders.dimensions] == [("customer_id", None), ("uid", True)]
    assert [r.on_sql for r in omni.relationships] == [
        "${analytics__orders.customer_id} = ${analytics__customers.customer_id}"]


def test_accepted_values_with_quote_false_are_sql_literals():
    values = ["'a'", "'it''s'", "1", "2.5", "true", "-3"]
    node = test_node("accepted_values", "orders", "status")
    node["test_metadata"]["kwargs"].update(values=values, quote=False)
    omni = build(make_manifest([model("orders", columns=["order_id", "status"])], [node]))
    status = next(d for d in omni.views[0].dimensions if d.name == "status")
    assert status.all_values == ["a", "it's", 1, 2.5, True, -3]
    for expression in ("'a' || 'b'", "'a', 'b'"):  # no one literal: not a' || 'b (found by a code review)
        node["test_metadata"]["kwargs"]["values"] = ["'a'", expression]
        omni = build(make_manifest([model("orders", columns=["order_id", "status"])], [node]))
        assert next(d for d in omni.views[0].dimensions if d.name == "status").all_values is None, expression
    node["test_metadata"]["kwargs"]["values"] = ["'a'", "upper('b')"]
    omni = build(make_manifest([model("orders", columns=["order_id", "status"])], [node]))
    assert next(d for d in omni.views[0].dimensions if d.name == "status").all_values is None
    assert omni.warnings == ["model orders: the accepted_values test on status lists a value that is not one text or "
                             "number (\"upper('b')\", quote: false): its values are not written as all_values"]


def _package_test(namespace: str, name: str, on: str, column_name, depends_on=(), **kwargs) -> dict:
    node = test_node("unique", on, column_name or "x")
    node.update(unique_id=f"test.shop.{namespace}_{name}_{on}_{column_name}", column_name=column_name)
    node["test_metadata"] = {"name": name, "namespace": namespace, "kwargs": {**kwargs, "model": f"ref('{on}')"}}
    node["depends_on"]["nodes"] = [*depends_on, f"model.shop.{on}"]
    return node


def test_package_tests_that_say_key_or_join_count_as_dbts_own():
    """dbt_constraints exists to declare keys, dbt_expectations has unique / not null of its own, and a
    relationships_where join holds where it joins: each gave nothing (found by a review of dbt's tests)."""
    tests = [
        _package_test("dbt_constraints", "primary_key", "customers", "customer_id"),
        _package_test("dbt_constraints", "primary_key", "order_lines", None, column_names=["order_id", "line_no"]),
        _package_test("dbt_constraints", "foreign_key", "orders", None, depends_on=["model.shop.customers"],
                      fk_column_name="customer_id", pk_table_name="ref('customers')", pk_column_name="customer_id"),
        _package_test("dbt_expectations", "expect_column_values_to_be_unique", "orders", "order_id"),
        _package_test("dbt_expectations", "expect_column_values_to_not_be_null", "orders", "order_id"),
        _package_test("dbt_utils", "relationships_where", "order_lines", "order_id", depends_on=["model.shop.orders"],
                      to="ref('orders')", field="order_id", from_condition="order_id > 0"),
        # for some rows only: no key
        _package_test("dbt_expectations", "expect_column_values_to_be_unique", "products", "sku",
                      row_condition="active"),
        _package_test("dbt_expectations", "expect_column_values_to_not_be_null", "products", "sku"),
    ]
    manifest = make_manifest([model("customers", columns=["customer_id"]),
                              model("orders", columns=["order_id", "customer_id"]),
                              model("order_lines", columns=["order_id", "line_no"]),
                              model("products", columns=["sku"])], tests)
    omni = build(manifest)
    keys = {v.name: ([d.name for d in v.dimensions if d.primary_key], v.custom_compound_primary_key_sql)
            for v in omni.views}
    assert keys == {"analytics__customers": (["customer_id"], None), "analytics__orders": (["order_id"], None),
                    "analytics__order_lines": ([], ["order_id", "line_no"]), "analytics__products": ([], None)}
    assert sorted(r.on_sql for r in omni.relationships) == [
        "${analytics__order_lines.order_id} = ${analytics__orders.order_id}",
        "${analytics__orders.customer_id} = ${analytics__customers.customer_id}"]


def test_an_accepted_values_warning_names_the_value_it_cannot_read():
    """It named the first text (placed), which is fine (found by a code review)."""
    node = test_node("accepted_values", "orders", "status")
    node["test_metadata"]["kwargs"]["values"] = ["placed", ["x"]]
    omni = build(make_manifest([model("orders", columns=["order_id", "status"])], [node]))
    assert omni.warnings == ["model orders: the accepted_values test on status lists a value that is not one text or "
                             "number (['x']): its values are not written as all_values"]


def test_tests_on_quoted_columns_name_them_with_their_quotes_and_still_count():
    """dbt writes a `quote: true` column's tests with the quotes: column_name '"Parent Key"'."""
    parent_key = {**column("Parent Key"), "quote": True}
    kind = {**column("Kind"), "quote": True}
    tests = [test_node("unique", "parents", '"Parent Key"'), test_node("not_null", "parents", '"Parent Key"'),
             test_node("relationships", "children", '"Parent Key"', to="parents", field='"Parent Key"')]
    values = test_node("accepted_values", "parents", '"Kind"')
    values["test_metadata"]["kwargs"]["values"] = ["a", "b"]
    manifest = make_manifest([model("parents", columns=[parent_key, kind]),
                              model("children", columns=["child_id", {**column("Parent Key"), "quote": True}])],
                             [*tests, values])
    files = parse(render_files(manifest))
    parents = files["analytics/parents.view.yaml"]["dimensions"]
    assert parents["parent_key"] == {"sql": '"Parent Key"', "primary_key": True}
    assert parents["kind"] == {"sql": '"Kind"', "all_values": ["a", "b"]}
    assert files["relationships.yaml"] == [{
        "join_from_view": "analytics__children", "join_to_view": "analytics__parents",
        "on_sql": "${analytics__children.parent_key} = ${analytics__parents.parent_key}",
        "relationship_type": "many_to_one", "join_type": "always_left"}]


@pytest.mark.parametrize("to, message, suggestion", [
    ("old_products", "model 'old_products' is disabled (enabled: false): no table or view for Omni to read", None),
    ("stg_products", "model 'stg_products' is ephemeral: no table or view for Omni to read", None),
    ("ref('customers')", "'ref('customers')' is dbt's Jinja: here the model is named as text", "customers"),
    ('source("crm", "accounts")', "'source(\"crm\", \"accounts\")' is dbt's Jinja: here the source table is named as text",
     "crm.accounts"),
    ("ref('shop', 'customers')", "'ref('shop', 'customers')' is dbt's Jinja: here the model is named as text",
     "customers"),  # the package's name was suggested as the model
    ("ref('customers', v=2)", "'ref('customers', v=2)' is dbt's Jinja: here the model is named as text",
     "customers.v2"),  # was an unknown model
])
def test_a_join_to_what_is_no_exported_model_says_what_it_is(to, message, suggestion):
    """A disabled or ephemeral model has no table (no "did you mean" another model); dbt's ref() is no name."""
    manifest = make_manifest([model("orders", columns=["customer_id"], omni={"joins": [{"to": to}]}), customers(),
                              model("stg_products", columns=["id"], materialized="ephemeral"),
                              model("dim_products", columns=["id"])])  # a name near enough to be suggested
    manifest["disabled"] = {"model.shop.old_products": [model("old_products", columns=["id"])]}
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.message, problem.suggestion) == ("meta.omni.joins[0].to", message, suggestion)


def test_two_meta_omni_joins_to_one_view_need_an_alias():
    """The second replaced the first silently (orders joined customers by billing_customer_id alone)."""
    joins = [{"to": "customers", "on_sql": "${customer_id} = ${customers.id}"},
             {"to": "customers", "on_sql": "${billing_customer_id} = ${customers.id}"}]
    orders = model("orders", columns=["id", "customer_id", "billing_customer_id"], omni={"joins": joins})
    problem = one_problem(export_error(make_manifest([orders, model("customers", columns=["id"])])))
    assert (problem.key, problem.message) == (
        "meta.omni.joins[1].join_to_view_as",
        "a second join of analytics__orders to analytics__customers: meta.omni.joins[0] joins it already")
    joins[1].update(join_to_view_as="billing", on_sql="${billing_customer_id} = ${billing.id}")
    assert [(r.join_to_view_as, r.on_sql) for r in build(make_manifest([orders, model("customers", columns=["id"])])).relationships] == [
        (None, "${analytics__orders.customer_id} = ${analytics__customers.id}"),
        ("billing", "${analytics__orders.billing_customer_id} = ${billing.id}")]


def test_one_alias_for_two_views_is_an_error():
    """`buyer` named customers in one join and regions in another: ${buyer.id} meant whichever came last."""
    orders = model("orders", columns=["id", "customer_id", "region_id"], omni={"joins": [
        {"to": "customers", "join_to_view_as": "buyer", "on_sql": "${customer_id} = ${buyer.id}"},
        {"to": "regions", "join_to_view_as": "buyer", "on_sql": "${region_id} = ${buyer.id}"}]})
    others = [model("customers", columns=["id"]), model("regions", columns=["id"])]
    problem = one_problem(export_error(make_manifest([orders, *others])))
    assert (problem.key, problem.message) == (
        "meta.omni.joins[1].join_to_view_as",
        "join_to_view_as buyer names analytics__regions here, and analytics__customers in model orders "
        "(meta.omni.joins[0])")
    returns = model("returns", columns=["id", "customer_id"], omni={"joins": [  # one alias, one view: fine
        {"to": "customers", "join_to_view_as": "buyer", "on_sql": "${customer_id} = ${buyer.id}"}]})
    orders["meta"]["omni"]["joins"].pop()
    assert len(build(make_manifest([orders, returns, *others])).relationships) == 2
