"""Topics: which models get one, their joins (nested along relationships) and translated references."""
from __future__ import annotations

import pytest
import yaml

from testkit import (
    build,
    export_error,
    make_manifest,
    model,
    one_problem,
    parse,
    render_files,
    shop_manifest,
    test_node,
    warehouse_catalog,
)


def topics(manifest: dict, **settings) -> dict:
    files = parse(render_files(manifest, **settings))
    return {path[: -len(".topic.yaml")]: data for path, data in files.items() if path.endswith(".topic.yaml")}


def chain(**omni_by_model) -> dict:
    """orders -> customers -> regions (the shop), with meta.omni per model name."""
    def m(name, cols, pk):
        return model(name, columns=cols, omni=omni_by_model.get(name),
                     constraints=[{"type": "primary_key", "columns": [pk]}])

    return shop_manifest(
        orders=m("orders", ["order_id", "customer_id", "amount", "status"], "order_id"),
        customers=m("customers", ["customer_id", "region_id", "name"], "customer_id"),
        regions=m("regions", ["region_id", "region_name"], "region_id"),
    )


def test_a_topic_is_described_as_its_base_view_unless_it_says_otherwise():
    """As its label: the topic switcher and Omni's AI read a topic's description first (found by a review of what
    Omni's AI reads); "" for none."""
    def topic_description(topic):
        manifest = make_manifest([model("orders", columns=["id"], description="One row per order.",
                                        omni={"topic": topic, "description": "Orders, as booked."}),
                                  model("customers", columns=["id"], description="People.", omni={"topic": True})])
        return {t.file_name: t.description for t in build(manifest).topics}

    assert topic_description(True) == {"orders": "Orders, as booked.", "customers": "People."}
    assert topic_description({"description": "Ask about orders here."})["orders"] == "Ask about orders here."
    assert topic_description({"description": ""})["orders"] is None
    assert topic_description({"description": "   "})["orders"] is None  # was written as spaces (a code review)


def test_no_topics_by_default():
    assert topics(shop_manifest()) == {}


def test_topic_true_gives_nested_joins_along_relationships():
    result = topics(chain(orders={"topic": True}))
    assert result == {"orders": {
        "base_view": "analytics__orders",
        "joins": {"analytics__customers": {"analytics__regions": {}}},
    }}


def test_topic_of_a_model_with_no_outgoing_relationship_has_no_joins():
    result = topics(chain(regions={"topic": True}))
    assert result == {"regions": {"base_view": "analytics__regions"}}


def test_topic_false_wins_over_topics_from_paths():
    result = topics(chain(customers={"topic": False}), topics_from_paths=["models"])
    assert sorted(result) == ["orders", "regions"]


def test_topics_from_paths_skips_a_hidden_view_unless_its_block_asks():
    result = topics(chain(customers={"hidden": True}, regions={"hidden": True, "topic": True}),
                    topics_from_paths=["models"])
    assert sorted(result) == ["orders", "regions"]


def test_topics_from_paths_only_for_models_under_the_folder():
    manifest = make_manifest([
        model("orders", columns=["order_id"], path="models/marts/orders.sql"),
        model("stg_orders", columns=["order_id"], path="models/staging/stg_orders.sql"),
        model("marts_like", columns=["order_id"], path="models/marts_old/marts_like.sql"),
    ])
    assert sorted(topics(manifest, topics_from_paths=["models/marts"])) == ["orders"]


def test_a_topics_from_paths_folder_holding_no_model_is_a_warning_with_the_closest():
    """A typo gave no topic, silently (select and exclude warn alike); one folder may be written as text."""
    manifest = make_manifest([
        model("orders", columns=["order_id"], path="models/marts/orders.sql"),
        model("stg_orders", columns=["order_id"], path="models/staging/stg_orders.sql"),
    ])
    omni = build(manifest, topics_from_paths=["models/mart", "path:models/marts"])
    assert omni.topics == [] and omni.warnings == [
        "topics_from_paths 'models/mart' holds no model; did you mean 'models/marts'?",
        "topics_from_paths 'path:models/marts' holds no model; it takes folders (models/marts), not selectors: "
        "'models/marts'?"]
    omni = build(manifest, topics_from_paths="models/marts")
    assert [t.base_view for t in omni.topics] == ["analytics__orders"] and omni.warnings == []
    # a package's folder written where dbt deps put it: its paths are its own (found by a review of real packages)
    manifest = make_manifest([model("orders", columns=["order_id"], path="models/marts/orders.sql"),
                              model("github__issues", columns=["id"], path="models/github__issues.sql", package="github")])
    omni = build(manifest, topics_from_paths=["dbt_packages/github/models"], select=["package:github"])
    assert omni.warnings == ["topics_from_paths 'dbt_packages/github/models' holds no model; a package's paths are its "
                             "own, as dbt's path: selector reads them: 'models' (which is that folder in every project)"]
    assert [t.base_view for t in build(manifest, topics_from_paths=["models"], select=["package:github"]).topics] == [
        "analytics__github__issues"]
    assert build(manifest, topics_from_paths=["./dbt_packages/github"]).warnings[0].endswith(
        "reads them: 'models' (which is that folder in every project)")
    # a folder of the root project named as a package is no package path (a code review: models/github/... said so)
    manifest["nodes"]["model.shop.orders"]["original_file_path"] = "models/github/marts/orders.sql"
    assert build(manifest, topics_from_paths=["models/github/martz"]).warnings == [
        "topics_from_paths 'models/github/martz' holds no model; did you mean 'models/github/marts'?"]


def test_topic_block_translates_model_names_to_view_names():
    block = {
        "name": "sales",
        "label": "Sales",
        "fields": ["orders.*", "-customers.name", "all_views.*", "tag:money", "status"],
        "default_filters": {"orders.status": {"is": "paid"}},
        "always_where_sql": "${orders.amount} > 0",
        "always_where_filters": {"customers.name": {"is_not": "test"}},
        "access_filters": [{"field": "regions.region_name", "user_attribute": "region"}],
    }
    result = topics(chain(orders={"topic": block}))
    assert list(result) == ["sales"]
    topic = result["sales"]
    assert topic["base_view"] == "analytics__orders"
    assert topic["label"] == "Sales"
    assert topic["fields"] == ["analytics__orders.*", "-analytics__customers.name", "all_views.*", "tag:money",
                               "analytics__orders.status"]  # a bare field is the base view's
    assert topic["default_filters"] == {"analytics__orders.status": {"is": "paid"}}
    assert topic["always_where_sql"] == "${analytics__orders.amount} > 0"
    assert topic["always_where_filters"] == {"analytics__customers.name": {"is_not": "test"}}
    assert topic["access_filters"] == [{"field": "analytics__regions.region_name", "user_attribute": "region"}]


def test_topic_block_with_unknown_model_in_fields_is_an_error():
    problem = one_problem(export_error(chain(orders={"topic": {"fields": ["custmers.name"]}})))
    assert problem.key == "meta.omni.topic.fields" and problem.suggestion == "customers"


def test_a_topics_ai_fields_are_named_and_checked_as_its_fields():
    """Omni's ai_fields (what its AI may use), taken by the contract like fields (it refused them as Omni-only)."""
    block = {"ai_fields": ["orders.*", "-customers.name", "tag:money", "status"], "fields": ["all_views.*"]}
    topic = topics(chain(orders={"topic": block}))["orders"]
    assert topic["ai_fields"] == ["analytics__orders.*", "-analytics__customers.name", "tag:money",
                                  "analytics__orders.status"]
    assert list(topic).index("ai_fields") > list(topic).index("fields")
    problem = one_problem(export_error(chain(orders={"topic": {"ai_fields": ["custmers.name"]}})))
    assert problem.key == "meta.omni.topic.ai_fields" and problem.suggestion == "customers"
    # a field of a view, checked as in fields (only the view was: found by a code review)
    manifest = chain(orders={"topic": {"ai_fields": ["customers.nmae"]}})
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert problem.key == "meta.omni.topic.ai_fields" and problem.suggestion == "name"
    # none: the contract refuses it, as Omni's AI would then use every field
    assert one_problem(export_error(chain(orders={"topic": {"ai_fields": []}}))).key == "meta.omni.topic.ai_fields"


def test_ai_fields_left_with_nothing_to_allow_are_said_to_allow_everything():
    manifest = chain(orders={"topic": {"ai_fields": ["customers.name", "-order_id"]}})
    omni = build(manifest, select=["orders"])
    assert omni.topics[0].ai_fields == ["-analytics__orders.order_id"]
    assert [w for w in omni.warnings if "Omni's AI may use every field" in w] == [(
        "model orders: meta.omni.topic.ai_fields: none of the fields it allows is in the export (their views are left "
        "out), so Omni's AI may use every field of the topic (select those views, or allow fields of the exported ones)")]
    assert not [w for w in build(manifest).warnings if "Omni's AI may use every field" in w]


def test_a_view_reached_two_ways_is_joined_by_the_way_that_repeats_no_rows():
    """The order's store by its register, not by one of its deliveries (a one_to_many join repeats the order
    per delivery): the walk took the first path by name (found by a review of join-graph shapes)."""
    def pk(name, cols):
        return model(name, columns=cols, constraints=[{"type": "primary_key", "columns": [cols[0]]}])

    orders = pk("orders", ["order_id", "register_id"])
    orders["meta"] = {"omni": {"topic": True, "joins": [
        {"to": "deliveries", "relationship_type": "one_to_many", "on_sql": "${orders.order_id} = ${deliveries.order_id}"}]}}
    manifest = make_manifest(
        [orders, pk("deliveries", ["delivery_id", "order_id", "store_id"]), pk("registers", ["register_id", "store_id"]),
         pk("stores", ["store_id"])],
        [test_node("relationships", "deliveries", "store_id", to="stores", field="store_id"),
         test_node("relationships", "orders", "register_id", to="registers", field="register_id"),
         test_node("relationships", "registers", "store_id", to="stores", field="store_id")])
    [topic] = build(manifest).topics
    assert topic.joins == {"analytics__deliveries": {}, "analytics__registers": {"analytics__stores": {}}}


def test_a_relationship_of_its_own_decides_whether_a_join_repeats_rows_not_another_walked_back():
    """The employee's department by department_id, though the department's manager, walked back, joins the same two
    views the other way (found by a code review)."""
    def pk(name, cols):
        return model(name, columns=cols, constraints=[{"type": "primary_key", "columns": [cols[0]]}])

    employees = pk("employees", ["employee_id", "department_id", "office_id"])
    employees["meta"] = {"omni": {"topic": True}}
    departments = pk("departments", ["department_id", "manager_id"])
    departments["meta"] = {"omni": {"joins": [{"to": "employees", "reversible": True, "relationship_type": "many_to_one",
                                               "on_sql": "${manager_id} = ${employees.employee_id}"}]}}
    manifest = make_manifest(
        [employees, departments, pk("offices", ["office_id", "department_id"])],
        [test_node("relationships", "employees", "department_id", to="departments", field="department_id"),
         test_node("relationships", "employees", "office_id", to="offices", field="office_id"),
         test_node("relationships", "offices", "department_id", to="departments", field="department_id")])
    [topic] = build(manifest).topics
    assert topic.joins == {"analytics__departments": {}, "analytics__offices": {}}


def test_a_listed_view_is_placed_through_the_other_views_listed():
    """joins: [products, stores] put stores under orders, never listed, as orders sorts before products (found by
    a review of join-graph shapes)."""
    def pk(name, cols):
        return model(name, columns=cols, constraints=[{"type": "primary_key", "columns": [cols[0]]}])

    items = pk("order_items", ["item_id", "order_id", "product_id"])
    items["meta"] = {"omni": {"topic": {"joins": ["products", "stores"]}}}
    manifest = make_manifest(
        [items, pk("orders", ["order_id", "store_id"]), pk("products", ["product_id", "store_id"]),
         pk("stores", ["store_id"])],
        [test_node("relationships", "order_items", "order_id", to="orders", field="order_id"),
         test_node("relationships", "order_items", "product_id", to="products", field="product_id"),
         test_node("relationships", "orders", "store_id", to="stores", field="store_id"),
         test_node("relationships", "products", "store_id", to="stores", field="store_id")])
    [topic] = build(manifest).topics
    assert topic.joins == {"analytics__products": {"analytics__stores": {}}}
    items["meta"]["omni"]["topic"]["joins"] = ["stores"]  # by the first way by name, where the list names none
    [topic] = build(manifest).topics
    assert topic.joins == {"analytics__orders": {"analytics__stores": {}}}


def test_explicit_join_list_keeps_the_path_to_each_view():
    result = topics(chain(orders={"topic": {"joins": ["regions"]}}))
    assert result["orders"]["joins"] == {"analytics__customers": {"analytics__regions": {}}}


def test_explicit_join_list_can_stop_short():
    result = topics(chain(orders={"topic": {"joins": ["customers"]}}))
    assert result["orders"]["joins"] == {"analytics__customers": {}}


def test_empty_join_list_means_no_joins():
    assert "joins" not in topics(chain(orders={"topic": {"joins": []}}))["orders"]


def test_explicit_join_tree_is_translated():
    result = topics(chain(orders={"topic": {"joins": {"customers": {"regions": {}}}}}))
    assert result["orders"]["joins"] == {"analytics__customers": {"analytics__regions": {}}}


def test_unreachable_join_is_an_error():
    error = export_error(chain(regions={"topic": {"joins": ["orders"]}}))
    problem = one_problem(error)
    assert problem.model == "regions" and problem.key == "meta.omni.topic.joins"
    assert "analytics__regions" in problem.message and "analytics__orders" in problem.message
    # the way back exists: said, with the two ways out (it read as if no relationship linked them: an audit)
    assert problem.message.endswith("(they lead from analytics__orders to analytics__regions: relationships join one way)")
    assert problem.expected.startswith("a topic based on analytics__orders, or reversible: true")


@pytest.mark.parametrize("joins, message", [
    ({"orders": {}}, "no relationship leads from analytics__regions to analytics__orders"),
    ({"regions": {}}, "no relationship leads from analytics__orders to analytics__regions"),  # only via customers
    ({"customers": {"orders": {}}}, "analytics__orders is joined twice in the topic"),  # back to the base view
    ({"customers": {"regions": {}}, "regions": {}}, "analytics__regions is joined twice in the topic"),
])
def test_a_join_map_written_out_follows_relationships_and_joins_each_view_once(joins, message):
    """As the list form does: Omni rejects a topic joined along no relationship (both were written as given)."""
    base = "regions" if "orders" in joins else "orders"
    problem = one_problem(export_error(chain(**{base: {"topic": {"joins": joins}}})))
    assert (problem.model, problem.key) == (base, "meta.omni.topic.joins")
    assert problem.message == message


def test_reversible_relationship_can_be_walked_backwards():
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"],
              omni={"joins": [{"to": "customers", "reversible": True}]}),
        model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}],
              omni={"topic": True}),
    ])
    assert topics(manifest)["customers"]["joins"] == {"analytics__orders": {}}


def test_duplicate_topic_name_is_an_error():
    manifest = make_manifest([
        model("orders", columns=["order_id"], omni={"topic": {"name": "sales"}}),
        model("refunds", columns=["refund_id"], omni={"topic": {"name": "sales"}}),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.key == "meta.omni.topic.name"
    assert "sales" in problem.message


def test_topic_name_clashing_with_a_model_name_is_an_error():
    manifest = make_manifest([
        model("orders", columns=["order_id"], omni={"topic": True}),
        model("refunds", columns=["refund_id"], omni={"topic": {"name": "orders"}}),
    ])
    assert "two topics are named orders" in str(export_error(manifest))


def test_topic_names_differing_only_in_case_are_an_error():
    """One file on the case-insensitive file systems of macOS and Windows."""
    manifest = make_manifest([
        model("orders", columns=["order_id"], omni={"topic": True}),
        model("refunds", columns=["refund_id"], omni={"topic": {"name": "Orders"}}),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.message == "two topics are named orders and Orders (analytics__orders and analytics__refunds)"


def test_topics_are_written_one_file_each_without_a_name_key():
    files = render_files(chain(orders={"topic": True}, customers={"topic": {"name": "people"}}))
    assert sorted(p for p in files if p.endswith(".topic.yaml")) == ["orders.topic.yaml", "people.topic.yaml"]
    assert "name" not in yaml.safe_load(files["people.topic.yaml"])


def test_topic_joins_through_an_aliased_relationship_use_the_alias():
    manifest = make_manifest([
        model("orders", columns=["order_id", "buyer_id", "seller_id"], omni={"topic": True, "joins": [
            {"to": "users", "join_to_view_as": "buyers", "on_sql": "${orders.buyer_id} = ${users.user_id}"},
            {"to": "users", "join_to_view_as": "sellers", "on_sql": "${orders.seller_id} = ${users.user_id}"},
        ]}),
        model("users", columns=["user_id"]),
    ])
    assert topics(manifest)["orders"]["joins"] == {"buyers": {}, "sellers": {}}


def aliased(topic, on_sql="${orders.buyer_id} = ${users.user_id}", seller=False) -> dict:
    """orders joins users as buyers (and as sellers); users has a region."""
    joins = [{"to": "users", "join_to_view_as": "buyers", "on_sql": on_sql}]
    if seller:
        joins.append({"to": "users", "join_to_view_as": "sellers", "on_sql": "${orders.seller_id} = ${users.user_id}"})
    return make_manifest([
        model("orders", columns=["order_id", "buyer_id", "seller_id"], omni={"topic": topic, "joins": joins}),
        model("users", columns=["user_id", "name", "region"]),
    ])


def test_a_model_the_topic_joins_only_under_an_alias_is_named_by_the_alias_there():
    """Omni names an aliased join's view by its alias in the topic: a field, filter or access filter
    on the plain view name would point at a view the topic does not have."""
    topic = {"joins": ["users"], "fields": ["orders.*", "-users.name"], "default_filters": {"users.region": {"is": "EU"}},
             "always_where_sql": "${users.region} IS NOT NULL",
             "access_filters": [{"field": "users.region", "user_attribute": "region"}]}
    result = topics(aliased(topic))["orders"]
    assert result["joins"] == {"buyers": {}}
    assert result["fields"] == ["analytics__orders.*", "-buyers.name"]
    assert result["default_filters"] == {"buyers.region": {"is": "EU"}}
    assert result["always_where_sql"] == "${buyers.region} IS NOT NULL"
    assert result["access_filters"] == [{"field": "buyers.region", "user_attribute": "region"}]


def test_a_joins_map_naming_a_model_joined_only_under_an_alias_writes_the_alias_as_the_list_form_does():
    """{users: {}} failed ("no relationship leads from analytics__orders to analytics__users") where [users] worked."""
    assert topics(aliased({"joins": {"users": {}}}))["orders"]["joins"] == {"buyers": {}}
    assert topics(aliased({"joins": {"buyers": {}}}))["orders"]["joins"] == {"buyers": {}}
    problem = one_problem(export_error(aliased({"joins": {"users": {}}}, seller=True)))
    assert problem.message == "analytics__users is joined from analytics__orders only as buyers and sellers"


def test_an_alias_may_be_named_directly_in_joins_sql_and_topic_entries():
    topic = {"joins": ["buyers"], "fields": ["buyers.name"], "default_filters": {"buyers.region": {"is": "EU"}}}
    files = parse(render_files(aliased(topic, on_sql="${orders.buyer_id} = ${buyers.user_id}")))
    assert files["relationships.yaml"][0]["on_sql"] == "${analytics__orders.buyer_id} = ${buyers.user_id}"
    topic = files["orders.topic.yaml"]
    assert (topic["joins"], topic["fields"], topic["default_filters"]) == (
        {"buyers": {}}, ["buyers.name"], {"buyers.region": {"is": "EU"}})


def test_a_model_in_topic_joins_brings_its_view_and_aliases_and_an_alias_only_itself():
    def joined(entry):
        return topics(make_manifest([
            model("orders", columns=["order_id", "buyer_id", "seller_id"], omni={"topic": {"joins": [entry]}, "joins": [
                {"to": "users", "join_to_view_as": "buyers", "on_sql": "${orders.buyer_id} = ${users.user_id}"},
                {"to": "users", "on_sql": "${orders.seller_id} = ${users.user_id}"}]}),
            model("users", columns=["user_id"])]))["orders"]["joins"]

    assert joined("users") == {"analytics__users": {}, "buyers": {}}
    assert joined("buyers") == {"buyers": {}}


def test_a_field_an_alias_lacks_is_an_error_with_the_closest_name():
    manifest = aliased({"fields": ["buyers.nmae"]})
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert problem.message == "nmae is not a field of buyers"
    assert (problem.key, problem.suggestion) == ("meta.omni.topic.fields", "name")


def test_a_topic_entry_naming_a_view_the_topic_does_not_join_is_said():
    """The topic shows only the views it joins: `regions.region_name` in a topic whose joins list leaves regions out
    named a field no one could pick, without a word (left alone in an earlier session's note)."""
    def said(topic, manifest_of=chain):
        manifest = manifest_of(orders={"topic": topic}) if manifest_of is chain else manifest_of(topic)
        return [w for w in build(manifest).warnings if "is no view of this topic" in w]

    topic = {"joins": ["customers"], "fields": ["orders.*", "customers.name", "regions.region_name"],
             "default_filters": {"regions.region_name": {"is": "EU"}},
             "always_where_sql": "${regions.region_name} IS NOT NULL"}
    assert said(topic) == [
        f"model orders: meta.omni.topic.{key}: analytics__regions is no view of this topic (it joins analytics__customers), "
        "so the topic cannot show its fields (add it to meta.omni.topic.joins, or a relationship that reaches it)"
        for key in ("fields", "default_filters.regions.region_name", "always_where_sql")]
    assert said({**topic, "joins": ["customers", "regions"]}) == []
    # one warning per entry and view, however many of its fields it names; an exclusion does no harm (a code review)
    many = {"joins": ["customers"], "fields": ["orders.*", "regions.region_id", "regions.region_name", "-regions.region_id"],
            "always_where_sql": "${regions.region_name} = 'x' or ${regions.region_id} = 1"}
    assert [w.split(":")[1].strip() for w in said(many)] == ["meta.omni.topic.fields", "meta.omni.topic.always_where_sql"]
    assert said({"joins": ["customers"], "fields": ["orders.*", "-regions.region_id"]}) == []
    assert said({"fields": ["regions.region_name"]}) == []  # joined by default, along relationships
    # an alias the topic leaves out, and one it joins
    warned = said({"joins": [], "ai_fields": ["buyers.name"]}, aliased)
    assert warned == ["model orders: meta.omni.topic.ai_fields: buyers is no view of this topic (it joins none), so the "
                      "topic cannot show its fields (add it to meta.omni.topic.joins, or a relationship that reaches it)"]
    assert said({"joins": ["buyers"], "ai_fields": ["buyers.name"]}, aliased) == []


def test_a_model_joined_under_two_aliases_must_be_named_by_one():
    problem = one_problem(export_error(aliased({"fields": ["users.name"]}, seller=True)))
    assert problem.message == "analytics__users is joined in this topic only as buyers and sellers"
    assert problem.key == "meta.omni.topic.fields" and "buyers.<field>" in problem.expected


def test_topic_joins_are_written_sorted_whatever_order_they_are_declared_in():
    manifest = make_manifest([
        model("orders", columns=["order_id", "zone_id", "agent_id"], omni={
            "topic": {"joins": ["zones", "agents"]},
            "joins": [{"to": "zones"}, {"to": "agents"}],
        }),
        model("zones", columns=["zone_id"], constraints=[{"type": "primary_key", "columns": ["zone_id"]}]),
        model("agents", columns=["agent_id"], constraints=[{"type": "primary_key", "columns": ["agent_id"]}]),
    ])
    text = render_files(manifest)["orders.topic.yaml"]
    assert list(yaml.safe_load(text)["joins"]) == ["analytics__agents", "analytics__zones"]
    assert text.index("analytics__agents") < text.index("analytics__zones")


# ---- a partial selection: topic entries for models it leaves out are dropped with a warning ---------
def test_topic_joins_and_fields_to_a_model_not_selected_are_left_out_with_warnings():
    manifest = chain(orders={"topic": {"joins": ["customers", "regions"],
                                       "fields": ["orders.*", "regions.region_name", "-customers.name"]}})
    omni = build(manifest, exclude=["regions"])
    [topic] = omni.topics
    assert topic.joins == {"analytics__customers": {}}
    assert topic.fields == ["analytics__orders.*", "-analytics__customers.name"]
    left_out = "model 'regions' is not exported (not selected, or ignore: true)"
    assert omni.warnings == [  # one per relation left out, saying all that each model left out
        f"{left_out}; left out: in customers, relationship (relationships test on region_id); in orders, join "
        "(meta.omni.topic.joins), field regions.region_name (meta.omni.topic.fields)",
    ]


def test_nested_topic_joins_under_a_model_not_selected_are_left_out_with_it():
    omni = build(chain(orders={"topic": {"joins": {"customers": {"regions": {}}}}}), exclude=["customers"])
    assert omni.topics[0].joins == {}
    assert omni.warnings == ["model orders: model 'customers' is not exported (not selected, or ignore: true); left out: "
                             "relationship (relationships test on customer_id), "
                             "join with the joins under it (meta.omni.topic.joins)"]


def test_drill_fields_and_default_filters_on_a_model_not_selected_are_left_out_with_one_warning():
    manifest = chain(orders={
        "default_drill_fields": ["order_id", "customers.name"],
        "measures": {"revenue": {"aggregate_type": "sum", "sql": "${amount}", "drill_fields": ["customers.name"]}},
        "topic": {"default_filters": {"customers.name": {"is": "x"}, "status": {"is": "paid"}}},
    })
    omni = build(manifest, exclude=["customers"])
    [orders] = [v for v in omni.views if v.table_name == "orders"]
    assert orders.default_drill_fields == ["order_id"]
    revenue = next(m for m in orders.measures if m.name == "revenue")
    assert revenue.drill_fields is None  # none left: Omni's default drill, not `[]` (no drill at all)
    assert omni.topics[0].default_filters == {"analytics__orders.status": {"is": "paid"}}
    assert omni.warnings == [
        "model orders: model 'customers' is not exported (not selected, or ignore: true); left out: "
        "field customers.name (meta.omni.default_drill_fields), "
        "field customers.name (meta.omni.measures.revenue.drill_fields), "
        "relationship (relationships test on customer_id), filter on customers.name (meta.omni.topic.default_filters)"]


@pytest.mark.parametrize("omni", [
    {"measures": {"paid": {"aggregate_type": "count", "filters": {"customers.name": {"is": "x"}}}}},
    {"topic": {"always_where_filters": {"customers.name": {"is": "x"}}}},
])
def test_a_filter_that_changes_what_is_counted_naming_a_model_not_selected_is_still_an_error(omni):
    problem = one_problem(export_error(chain(orders=omni), exclude=["customers"]))
    assert "model 'customers' is not exported" in problem.message


def test_sql_naming_a_model_not_selected_is_still_an_error():
    error = export_error(chain(orders={"topic": {"always_where_sql": "${regions.region_name} <> 'test'"}}),
                         exclude=["regions"])
    assert "model 'regions' is not exported" in one_problem(error).message


def test_a_model_left_out_is_not_taken_for_a_typo_of_another():
    manifest = make_manifest([model("orders", columns=["id"], omni={"dimensions": {"x": {"sql": "${orders_daily.id}"}}}),
                              model("orders_daily", columns=["id"])])
    problem = one_problem(export_error(manifest, exclude=["orders_daily"]))
    assert "model 'orders_daily' is not exported" in problem.message
    assert problem.suggestion is None  # 'orders' would mislead: the name is right, the selection is not


def test_always_where_sql_names_the_base_views_fields_unqualified_and_is_checked():
    topic = build(chain(orders={"topic": {"always_where_sql": "${status} <> 'test'"}})).topics[0]
    assert topic.always_where_sql == "${analytics__orders.status} <> 'test'"
    error = export_error(chain(orders={"topic": {"always_where_sql": "${customers.nmae} <> 'test'"}}))
    problem = one_problem(error)
    assert problem.message == "${nmae} is not a field of analytics__customers"
    assert (problem.key, problem.suggestion) == ("meta.omni.topic.always_where_sql", "name")


def test_bare_field_names_in_a_topic_are_the_base_views():
    block = {"fields": ["status", "-amount"], "default_filters": {"status": {"is": "paid"}},
             "always_where_filters": {"amount": {"greater_than": 0}},
             "access_filters": [{"field": "status", "user_attribute": "status"}]}
    topic = topics(chain(orders={"topic": block}))["orders"]
    assert topic["fields"] == ["analytics__orders.status", "-analytics__orders.amount"]
    assert topic["default_filters"] == {"analytics__orders.status": {"is": "paid"}}
    assert topic["always_where_filters"] == {"analytics__orders.amount": {"greater_than": 0}}
    assert topic["access_filters"] == [{"field": "analytics__orders.status", "user_attribute": "status"}]


@pytest.mark.parametrize("block, key, message, suggestion", [
    ({"fields": ["customers.nmae"]}, "fields", "nmae is not a field of analytics__customers", "name"),
    ({"fields": ["-stauts"]}, "fields", "stauts is not a field of analytics__orders", "status"),
    ({"default_filters": {"customers.nmae": {"is": "x"}}}, "default_filters", "nmae is not a field of analytics__customers", "name"),
    ({"always_where_filters": {"amont": {"is": 1}}}, "always_where_filters", "amont is not a field of analytics__orders", "amount"),
    ({"access_filters": [{"field": "regions.region", "user_attribute": "r"}]}, "access_filters",
     "region is not a field of analytics__regions", "region_id"),
])
def test_a_topic_naming_a_field_its_view_lacks_is_an_error(block, key, message, suggestion):
    manifest = chain(orders={"topic": block})
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert (problem.message, problem.key, problem.suggestion) == (message, f"meta.omni.topic.{key}", suggestion)


def test_with_a_catalog_that_lacks_the_model_the_warning_says_so():
    """dbt docs generate --select, or a model built since: there is a catalog, just not for this view."""
    manifest = chain(orders={"topic": {"fields": ["customers.email"]}})
    catalog = warehouse_catalog(manifest)
    del catalog["nodes"]["model.shop.customers"]
    omni = build(manifest, catalog)
    assert omni.warnings[-1] == ("model orders (models/orders.yml): meta.omni.topic.fields: email is not a documented "
                                 "column of analytics__customers, and catalog.json lists none of its columns (built or "
                                 "renamed since the last `dbt docs generate`?)")


def test_without_a_catalog_a_topic_field_dbt_does_not_document_is_a_warning():
    """It may be an undocumented column: only catalog.json knows (the plugin's first export has none)."""
    omni = build(chain(orders={"topic": {"fields": ["customers.email"]}}))
    assert omni.topics[0].fields == ["analytics__customers.email"]
    assert omni.warnings == ["model orders (models/orders.yml): meta.omni.topic.fields: email is not a documented column "
                             "of analytics__customers, and without catalog.json (dbt docs generate) its columns are unknown"]


def test_without_a_catalog_a_topic_field_a_contracted_model_lacks_is_an_error():
    """Under an enforced contract dbt fails the build unless the YAML lists every column: nothing undocumented."""
    manifest = chain(orders={"topic": {"fields": ["customers.nmae"]}})
    manifest["nodes"]["model.shop.customers"]["config"]["contract"] = {"enforced": True}
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key, problem.suggestion) == (
        "nmae is not a field of analytics__customers", "meta.omni.topic.fields", "name")
    assert problem.expected.endswith("; its enforced contract lists every column it has, under columns: in "
                                     "models/customers.yml")
    manifest["nodes"]["model.shop.customers"]["config"]["contract"] = {"enforced": False}
    assert build(manifest).warnings[-1].startswith("model orders (models/orders.yml): meta.omni.topic.fields: nmae is "
                                                   "not a documented column of analytics__customers (did you mean name?)")


def test_a_topic_without_a_label_takes_its_views_label():
    result = topics(chain(orders={"topic": True, "label": "Orders"}, customers={"topic": {"label": "Buyers"}, "label": "Customers"},
                          regions={"topic": True}))
    assert result["orders"]["label"] == "Orders"
    assert result["customers"]["label"] == "Buyers"  # its own label wins
    assert "label" not in result["regions"]  # a view without a label: Omni names the topic itself


def test_empty_access_filters_and_grants_are_written_so_a_topic_leaves_the_model_files_defaults():
    """Omni's way to exempt one topic from default_topic_access_filters / default_topic_required_access_grants
    (one that cannot map a default filter fails validation otherwise); unset writes nothing, as before."""
    model_file = {"access_grants": {"finance": {"user_attribute": "team", "allowed_values": ["finance"]}},
                  "default_topic_required_access_grants": ["finance"],
                  "default_topic_access_filters": [{"field": "regions.region_name", "user_attribute": "region"}]}
    result = topics(chain(orders={"topic": {"access_filters": [], "required_access_grants": []}},
                          customers={"topic": True}), model_file=model_file)
    assert (result["orders"]["access_filters"], result["orders"]["required_access_grants"]) == ([], [])
    assert "access_filters" not in result["customers"] and "required_access_grants" not in result["customers"]
    text = render_files(chain(orders={"topic": {"access_filters": [], "required_access_grants": []}}))
    assert "access_filters: []\n" in text["orders.topic.yaml"] and "required_access_grants: []\n" in text["orders.topic.yaml"]


def test_a_view_one_topic_filters_by_access_filters_shown_by_another_without_them_is_a_warning():
    """Row-level security is per topic: Order lines joined orders, which Orders filtered by channel, with
    no filter of its own, so a user Orders restricted saw every order there."""
    region = {"field": "regions.region_name", "user_attribute": "region"}
    manifest = chain(orders={"topic": True}, customers={"topic": {"access_filters": [region]}},
                     regions={"topic": {"access_filters": []}})
    warnings = build(manifest).warnings
    assert warnings == [
        "topic orders shows analytics__customers without access_filters, where topic customers filters their rows: "
        "a user those filters restrict sees every row here (give this topic the filter too, access_filters: [] to "
        "mean it, or the model file default_topic_access_filters)"]
    assert build(manifest, model_file={"default_topic_access_filters": [region]}).warnings == []
    both = chain(orders={"topic": {"access_filters": [{"field": "status", "user_attribute": "status"}]}},
                 customers={"topic": {"access_filters": [region]}})
    assert build(both).warnings == []  # each topic filters by its own rule: the user's word
    lookup = chain(customers={"topic": {"access_filters": [region]}}, regions={"topic": True})
    assert build(lookup).warnings == []  # regions is only joined for its names where customers filters: no base view
