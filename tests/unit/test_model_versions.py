"""dbt model versions: one node per version, all with the same name. A name means what an unpinned
ref('name') means in dbt, the latest version; each version is a view of its own."""
from __future__ import annotations

from testkit import build, column, export_error, make_manifest, model, one_problem


def customers(version, latest=2, **kw) -> dict:
    node = model("customers", columns=["customer_id", "name"], alias=f"customers_v{version}",
                 path="models/marts/customers.sql", **{"constraints": [{"type": "primary_key", "columns": ["customer_id"]}], **kw})
    node["unique_id"] = f"model.shop.customers.v{version}"
    node["version"], node["latest_version"] = version, latest
    node["fqn"] = ["shop", "marts", "customers", f"v{version}"]  # as dbt writes it: `customers.v2` selects one
    return node


def orders(**kw) -> dict:
    return model("orders", path="models/marts/orders.sql", **{"columns": ["order_id", "customer_id"], **kw})


def test_every_version_is_a_view_and_a_name_means_the_latest():
    omni = build(make_manifest([customers(1), customers(2), orders(omni={
        "joins": [{"to": "customers", "on_sql": "${orders.customer_id} = ${customers.customer_id}"}],
        "measures": {"old_names": {"aggregate_type": "count_distinct", "sql": "${analytics__customers_v1.name}"}},
    })]))
    assert [v.name for v in omni.views] == ["analytics__customers_v1", "analytics__customers_v2", "analytics__orders"]
    [rel] = omni.relationships
    assert rel.join_to_view == "analytics__customers_v2"
    assert rel.on_sql == "${analytics__orders.customer_id} = ${analytics__customers_v2.customer_id}"
    assert omni.warnings == []  # versions share a name by design: no "two packages" warning


def test_an_older_version_is_joined_as_name_dot_version_and_a_near_miss_suggests_it():
    omni = build(make_manifest([customers(1), customers(2), orders(omni={
        "joins": [{"to": "customers.v1", "on_sql": "${orders.customer_id} = ${analytics__customers_v1.customer_id}"}],
        "topic": {"joins": ["customers.v1"]}})]))
    assert [r.join_to_view for r in omni.relationships] == ["analytics__customers_v1"]
    assert omni.topics[0].joins == {"analytics__customers_v1": {}}
    problem = one_problem(export_error(make_manifest([customers(1), customers(2), orders(omni={
        "joins": [{"to": "customer.v1", "on_sql": "1 = 1"}]})])))
    assert problem.message == "unknown model 'customer.v1'" and problem.suggestion == "customers.v1"


def test_an_unselected_older_version_named_by_its_view_name_is_left_out_not_taken_for_the_exported_one():
    """`to: analytics__customers_v1` with v2 alone exported: the error said model 'customers' is not exported."""
    omni = build(make_manifest([customers(1), customers(2), orders(omni={"joins": [
        {"to": "analytics__customers_v1", "on_sql": "${orders.customer_id} = ${analytics__customers_v1.customer_id}"}]})]),
        select=["orders", "customers.v2"])
    assert omni.relationships == [] and omni.warnings == [
        "model orders: model 'customers.v1' is not exported (not selected, or ignore: true); left out: join "
        "(meta.omni.joins[0])"]


def test_an_older_versions_fields_are_named_as_name_underscore_version_or_in_a_topic_name_dot_version():
    """${customers.v1.name} is no reference Omni's syntax allows: `customers_v1` (dbt's own alias of v1) is."""
    omni = build(make_manifest([customers(1), customers(2), orders(omni={
        "joins": [{"to": "customers_v1", "on_sql": "${orders.customer_id} = ${customers_v1.customer_id}"}],
        "topic": {"fields": ["customers_v1.name", "customers.v1.customer_id"]}})]))
    [rel] = omni.relationships
    assert (rel.join_to_view, rel.on_sql) == (
        "analytics__customers_v1", "${analytics__orders.customer_id} = ${analytics__customers_v1.customer_id}")
    assert omni.topics[0].fields == ["analytics__customers_v1.name", "analytics__customers_v1.customer_id"]


def test_an_alias_of_a_join_to_an_older_version_may_be_named_in_its_sql():
    omni = build(make_manifest([customers(1), customers(2), orders(omni={"joins": [
        {"to": "customers.v1", "join_to_view_as": "legacy", "on_sql": "${orders.customer_id} = ${legacy.customer_id}"}]})]))
    [rel] = omni.relationships
    assert (rel.join_to_view, rel.on_sql) == ("analytics__customers_v1", "${analytics__orders.customer_id} = ${legacy.customer_id}")


def test_a_problem_in_a_versioned_model_names_the_version():
    problem = one_problem(export_error(make_manifest([customers(1, omni={"lable": "x"}), customers(2)])))
    assert problem.model == "customers v1" and problem.key == "meta.omni.lable"


def test_the_latest_version_wins_whatever_the_order_and_spelling_of_versions():
    """dbt writes a version as 2, 2.0 or "2"; here the older version sorts after the latest."""
    old, new = customers("10", latest=2.0), customers(2, latest="2")
    omni = build(make_manifest([old, new, orders(omni={"joins": [{"to": "customers", "on_sql": "1 = 1"}]})]))
    assert omni.relationships[0].join_to_view == "analytics__customers_v2"


def test_topics_from_paths_name_older_versions_by_their_version():
    omni = build(make_manifest([customers(1), customers(2), orders()]), topics_from_paths=["models/marts"])
    assert [(t.file_name, t.base_view) for t in omni.topics] == [
        ("customers", "analytics__customers_v2"), ("customers_v1", "analytics__customers_v1"),
        ("orders", "analytics__orders")]
    labelled = build(make_manifest([customers(v, omni={"label": "Customers"}) for v in (1, 2)]),
                     topics_from_paths=["models/marts"])
    assert [t.label for t in labelled.topics] == ["Customers", "Customers (v1)"]  # not two alike in Omni's picker
    assert [t.hidden for t in labelled.topics] == [False, True]  # the older one kept for saved content, not offered
    chosen = build(make_manifest([customers(1, omni={"topic": {"label": "Old customers"}}), customers(2)]))
    assert [(t.label, t.hidden) for t in chosen.topics] == [("Old customers", False)]  # its own topic block: as asked


def test_foreign_key_constraints_follow_dbt_refs_to_versions():
    def target(ref: str) -> str:
        fk = {"type": "foreign_key", "to": ref, "to_columns": ["customer_id"]}
        manifest = make_manifest([customers(1), customers(2),
                                  orders(columns=["order_id", column("customer_id", constraints=[fk])])])
        return build(manifest).relationships[0].join_to_view

    assert target("ref('customers')") == "analytics__customers_v2"
    assert target("ref('customers', v=1)") == "analytics__customers_v1"
    assert target("ref('customers', version='2')") == "analytics__customers_v2"


def test_two_packages_with_one_name_still_warn():
    other = model("customers", columns=["customer_id"], package="crm", schema="crm")
    omni = build(make_manifest([model("customers", columns=["customer_id"]), other]), select=["customers"])
    assert omni.warnings == ["model name customers is used by two packages; ${customers.x} means analytics__customers"]


def test_a_topic_name_every_version_inherits_says_where_to_put_it():
    versions = [customers(v, omni={"topic": {"name": "people"}}) for v in (1, 2)]
    problem = one_problem(export_error(make_manifest(versions)))
    assert problem.message == "two topics are named people (analytics__customers_v1 and analytics__customers_v2)"
    assert "set the topic under one version's config: meta:" in problem.expected


def test_an_older_version_the_selection_leaves_out_is_dropped_from_a_topic_and_named_in_errors():
    """`customers.v1.name` with only v2 exported was read as the field `v1.name` of v2: an error about a text
    never written ('analytics__customers_v2.v1.name' is not a field reference)."""
    manifest = make_manifest([customers(1), customers(2), orders(omni={"topic": {"fields": ["customers.v1.name"]}})])
    omni = build(manifest, select=["orders", "customers.v2"])
    assert omni.topics[0].fields is None and omni.warnings == [
        "model orders: model 'customers.v1' is not exported (not selected, or ignore: true); left out: field "
        "customers.v1.name (meta.omni.topic.fields)"]
    measure = {"aggregate_type": "count", "filters": {"customers.v1.name": {"is": "x"}}}  # changes a count: an error
    manifest = make_manifest([customers(1), customers(2), orders(omni={"measures": {"named": measure}})])
    problem = one_problem(export_error(manifest, select=["orders", "customers.v2"]))
    assert problem.message == "model 'customers.v1' is not exported (not selected, or ignore: true)"


def test_a_versions_own_name_in_its_inherited_meta_means_that_version():
    """dbt copies a versioned model's meta into every version: `${customers.name}` and `customers.*` in it
    wrote v2's view into v1's file, its relationship and its topic, silently."""
    omni_block = {"dimensions": {"loud_name": {"sql": "upper(${customers.name})"}},
                  "joins": [{"to": "orders", "on_sql": "${customers.customer_id} = ${orders.customer_id}",
                             "relationship_type": "one_to_many"}],
                  "topic": {"fields": ["customers.*"]}}
    omni = build(make_manifest([customers(1, omni=omni_block), customers(2, omni=omni_block), orders()]))
    views = {v.name: v for v in omni.views}
    for version in ("v1", "v2"):
        loud = next(d for d in views[f"analytics__customers_{version}"].dimensions if d.name == "loud_name")
        assert loud.sql == f"upper(${{analytics__customers_{version}.name}})"
    assert sorted((r.join_from_view, r.on_sql) for r in omni.relationships) == [
        (f"analytics__customers_{v}", f"${{analytics__customers_{v}.customer_id}} = ${{analytics__orders.customer_id}}")
        for v in ("v1", "v2")]
    assert sorted((t.base_view, t.fields[0]) for t in omni.topics) == [
        (f"analytics__customers_{v}", f"analytics__customers_{v}.*") for v in ("v1", "v2")]


def test_a_keyless_version_repeated_by_a_join_is_named_with_its_version():
    """Two versions without a key: the same warning twice, neither naming its version."""
    omni = build(make_manifest([customers(1, constraints=[]), customers(2, constraints=[]), orders(omni={"joins": [
        {"to": "customers", "on_sql": "${orders.customer_id} = ${customers.customer_id}"},
        {"to": "customers.v1", "on_sql": "${orders.customer_id} = ${analytics__customers_v1.customer_id}"}]})]))
    assert sorted(w.split(" (")[0] for w in omni.warnings if "no primary key" in w) == ["model customers v1",
                                                                                        "model customers v2"]


def test_warnings_about_a_versions_inherited_block_name_the_version():
    """A join without relationship_type onto no key, inherited by two versions: two warnings alike but for
    their last words, neither naming its version."""
    block = {"joins": [{"to": "orders", "on_sql": "${customers.customer_id} = ${orders.customer_id}"}]}
    omni = build(make_manifest([customers(1, omni=block), customers(2, omni=block),
                                orders(constraints=[{"type": "primary_key", "columns": ["order_id"]}])]))
    assert sorted(w.split(" (")[0] for w in omni.warnings if "no relationship_type" in w) == [
        "model customers v1", "model customers v2"]


def test_a_versions_own_name_as_a_joins_to_means_that_version_too():
    """`to: customers` with an alias (a self-join) in the inherited block joined v1 to v2, while the same
    join's on_sql meant v1."""
    block = {"joins": [{"to": "customers", "join_to_view_as": "parent_customers", "relationship_type": "many_to_one",
                        "on_sql": "${customers.customer_id} = ${parent_customers.customer_id}"}]}
    omni = build(make_manifest([customers(1, omni=block), customers(2)]))
    assert [(r.join_from_view, r.join_to_view) for r in omni.relationships] == [
        ("analytics__customers_v1", "analytics__customers_v1")]
    # inherited by both, one alias would name two views: said, as for any two joins under one alias
    problem = one_problem(export_error(make_manifest([customers(1, omni=block), customers(2, omni=block)])))
    assert "parent_customers names analytics__customers_v2 here, and analytics__customers_v1" in problem.message


def test_a_warning_about_one_version_names_the_version():
    """Each version's warning was `model customers: ...`, twice word for word (found by an audit of messages)."""
    versions = []
    for version in (1, 2):
        node = customers(version)
        node["columns"]["name"]["data_type"] = "text"
        node["columns"]["name"]["meta"] = {"omni": {"timeframes": ["date"]}}
        versions.append(node)
    warnings = [w for w in build(make_manifest(versions)).warnings if "timeframes" in w]
    assert [w.partition(":")[0] for w in warnings] == ["model customers v1", "model customers v2"]
