"""File names, view names and the set of keys each Omni file may hold (../../shared/omni-format.md)."""
from __future__ import annotations

import pytest
import yaml

from testkit import (
    build,
    column,
    export_error,
    make_manifest,
    model,
    one_problem,
    parse,
    render_files,
    rich_manifest,
    shop_manifest,
    source,
    test_node,
)

# ---- allow-lists, copied from omni-format.md ---------------------------------------------------------
VIEW_KEYS = {
    "schema", "table_name", "catalog", "sql", "query", "label", "description", "hidden", "ignored", "tags",
    "folder", "ai_context", "aliases", "extends", "custom_compound_primary_key_sql", "default_drill_fields",
    "default_drill_query", "display_order", "fill_fields", "materialized_query", "required_access_grants",
    "schema_label", "filters", "dimensions", "measures",
}
DIMENSION_KEYS = {
    "sql", "label", "description", "primary_key", "hidden", "ignored", "format", "group_label", "tags",
    "synonyms", "ai_context", "all_values", "sample_values", "display_order", "view_label",
    "skip_parent_label", "colors", "filter_single_select_only", "suggest_from_field", "suggest_from_topic",
    "suggestion_list", "drill_fields", "links", "groups", "bin_boundaries", "duration", "level_of_detail",
    "dynamic_top_n", "order_by_field", "aliases", "timeframes", "timeframe_metadata", "convert_tz",
    "required_access_grants", "ignore_from_extended", "custom_primary_key_sql_for_quick_aggs",
}
TIMEFRAMES = {
    "raw", "date", "week", "month", "quarter", "year", "hour", "minute", "second", "millisecond",
    "day_of_week_name", "day_of_week_num", "day_of_month", "day_of_quarter", "day_of_year", "hour_of_day",
    "month_name", "month_num", "quarter_of_year", "fiscal_quarter", "fiscal_year",
}
MEASURE_KEYS = {
    "sql", "aggregate_type", "percentile", "custom_primary_key_sql", "label", "description", "hidden",
    "ignored", "format", "group_label", "tags", "synonyms", "ai_context", "all_values", "sample_values",
    "filters", "display_order", "view_label", "colors", "drill_fields", "drill_queries", "links", "aliases",
    "required_access_grants", "suggest_from_field", "suggestion_list",
}
AGGREGATE_TYPES = {
    "count", "count_distinct", "list", "sum", "min", "max", "average", "median", "percentile",
    "sum_distinct_on", "average_distinct_on", "median_distinct_on", "percentile_distinct_on",
}
TOPIC_KEYS = {
    "base_view", "base_view_label", "label", "description", "joins", "relationships", "fields", "ai_context",
    "ai_fields", "sample_queries", "default_filters", "always_where_sql", "always_where_filters",
    "always_having_sql", "always_having_filters", "access_filters", "extends", "template", "hidden",
    "group_label", "display_order", "owners", "views", "cache_policy", "auto_run", "default_row_limit",
    "warehouse_override", "required_access_grants",
}
ACCESS_FILTER_KEYS = {"field", "user_attribute", "values_for_unfiltered", "enable_sql_like_wildcards"}
RELATIONSHIP_KEYS = {
    "join_from_view", "join_to_view", "on_sql", "relationship_type", "join_type", "join_from_view_as",
    "join_to_view_as", "join_from_view_as_label", "join_to_view_as_label", "reversible", "where_sql",
}
RELATIONSHIP_TYPES = {"one_to_one", "many_to_one", "one_to_many", "many_to_many"}
JOIN_TYPES = {"always_left", "inner", "full_outer", "cross", "right_left", "left_right"}
MODEL_FILE_KEYS = {
    "included_schemas", "ignored_schemas", "included_views", "ignored_views", "access_grants", "ai_context",
    "ai_settings", "ai_chat_topics", "auto_run", "cache_policies", "default_cache_policy", "constants",
    "custom_formats", "default_numeric_locale", "default_row_limit", "default_timeframes",
    "default_topic_access_filters", "default_topic_required_access_grants", "dynamic_schemas", "extends",
    "fiscal_month_offset", "week_start_day", "slot_reservation", "template",
}


def _settings():
    return {"model_file": {"week_start_day": "Monday", "fiscal_month_offset": 3}, "connection": "warehouse"}


def test_view_path_name_and_header():
    files = render_files(shop_manifest())
    assert sorted(files) == [
        "analytics/customers.view.yaml", "analytics/orders.view.yaml", "analytics/regions.view.yaml",
        "model.yaml", "relationships.yaml",
    ]
    text = files["analytics/orders.view.yaml"]
    assert text.splitlines()[0] == "# Reference this view as analytics__orders"
    data = yaml.safe_load(text)
    assert data["schema"] == "analytics" and data["table_name"] == "orders"


def test_view_path_uses_alias_and_schema_not_model_name():
    manifest = make_manifest([model("stg_orders", schema="staging", alias="orders_v2", columns=["id"],
                                    omni={"topic": True})])
    files = render_files(manifest)
    assert "staging/orders_v2.view.yaml" in files
    assert not any("stg_orders.view" in path for path in files)
    assert files["staging/orders_v2.view.yaml"].startswith("# Reference this view as staging__orders_v2\n")
    assert yaml.safe_load(files["stg_orders.topic.yaml"])["base_view"] == "staging__orders_v2"


def test_relationships_name_views_schema__alias():
    rels = yaml.safe_load(render_files(shop_manifest())["relationships.yaml"])
    assert isinstance(rels, list)
    assert {(r["join_from_view"], r["join_to_view"]) for r in rels} == {
        ("analytics__orders", "analytics__customers"),
        ("analytics__customers", "analytics__regions"),
    }


def test_no_name_key_in_view_or_topic_files():
    files = parse(render_files(rich_manifest(), **_settings()))
    views = [p for p in files if p.endswith(".view.yaml")]
    topics = [p for p in files if p.endswith(".topic.yaml")]
    assert len(views) == 3 and len(topics) == 2
    for path in views + topics:
        assert "name" not in files[path], path


def test_model_file_has_no_connection_key_and_lists_schemas():
    files = parse(render_files(rich_manifest(), **_settings()))
    model_file = files["model.yaml"]
    assert "connection" not in model_file and "connection_id" not in model_file
    assert model_file["included_schemas"] == ["analytics", "crm"]
    assert model_file["week_start_day"] == "Monday" and model_file["fiscal_month_offset"] == 3


def test_relationships_file_is_a_bare_list_even_when_empty():
    files = render_files(make_manifest([model("orders", columns=["id"])]))
    assert yaml.safe_load(files["relationships.yaml"]) == []
    rels = yaml.safe_load(render_files(shop_manifest())["relationships.yaml"])
    assert isinstance(rels, list) and len(rels) == 2 and all(isinstance(r, dict) for r in rels)


def _check_keys(where: str, data: dict, allowed: set, seen: set) -> None:
    assert isinstance(data, dict), f"{where}: {data!r} is not a mapping"
    unknown = set(data) - allowed
    assert not unknown, f"{where}: keys not in omni-format.md: {sorted(unknown)}"
    seen.update(data)


def _walk_joins(where: str, joins: dict, aliases: set) -> None:
    assert isinstance(joins, dict), where
    for name, sub in joins.items():
        assert "__" in name or name in aliases, f"{where}: join {name} is neither a <schema>__<table> view nor an alias"
        _walk_joins(f"{where}.{name}", sub, aliases)


def test_every_emitted_key_is_an_omni_key():
    files = parse(render_files(rich_manifest(), **_settings()))
    seen = {kind: set() for kind in ("view", "dimension", "measure", "topic", "relationship", "model")}
    for path, data in files.items():
        if path.endswith(".view.yaml"):
            _check_keys(path, data, VIEW_KEYS, seen["view"])
            for name, dim in (data.get("dimensions") or {}).items():
                _check_keys(f"{path} dimension {name}", dim, DIMENSION_KEYS, seen["dimension"])
                assert set(dim.get("timeframes") or ()) <= TIMEFRAMES, (path, name)
            for name, measure in (data.get("measures") or {}).items():
                _check_keys(f"{path} measure {name}", measure, MEASURE_KEYS, seen["measure"])
                assert measure.get("aggregate_type", "count") in AGGREGATE_TYPES, (path, name)
        elif path.endswith(".topic.yaml"):
            _check_keys(path, data, TOPIC_KEYS, seen["topic"])
            aliases = {r["join_to_view_as"] for r in files["relationships.yaml"] if "join_to_view_as" in r}
            _walk_joins(path, data.get("joins") or {}, aliases)
            for entry in data.get("access_filters") or ():
                assert set(entry) <= ACCESS_FILTER_KEYS, entry
        elif path == "relationships.yaml":
            for entry in data:
                _check_keys(path, entry, RELATIONSHIP_KEYS, seen["relationship"])
                assert entry["relationship_type"] in RELATIONSHIP_TYPES
                assert entry.get("join_type", "always_left") in JOIN_TYPES
        elif path == "model.yaml":
            _check_keys(path, data, MODEL_FILE_KEYS, seen["model"])
        else:
            raise AssertionError(f"unexpected file {path}")
    # The example is rich enough for the walk to mean something: these keys were all emitted.
    assert {"schema", "table_name", "label", "description", "tags", "ai_context",
            "custom_compound_primary_key_sql", "dimensions", "measures"} <= seen["view"]
    assert {"sql", "label", "description", "primary_key", "hidden", "format", "group_label", "timeframes",
            "tags", "synonyms", "ai_context"} <= seen["dimension"]
    assert {"sql", "aggregate_type", "percentile", "custom_primary_key_sql", "label", "description",
            "format", "group_label", "filters", "tags", "synonyms", "ai_context"} <= seen["measure"]
    assert {"base_view", "label", "description", "group_label", "joins", "fields", "default_filters",
            "always_where_sql", "always_where_filters", "access_filters", "ai_context"} <= seen["topic"]
    assert {"join_from_view", "join_to_view", "on_sql", "relationship_type", "join_type", "join_to_view_as",
            "join_to_view_as_label", "reversible", "where_sql"} <= seen["relationship"]
    assert {"included_schemas", "week_start_day", "fiscal_month_offset"} <= seen["model"]


def test_relationship_never_carries_omni_id():
    for entry in yaml.safe_load(render_files(rich_manifest())["relationships.yaml"]):
        assert "id" not in entry


@pytest.mark.parametrize("alias", ["orders", "Orders"])
def test_two_models_writing_one_view_file_are_an_error(alias):
    """Also in another case: one file on the case-insensitive file systems of macOS and Windows."""
    manifest = make_manifest([model("orders", columns=["id"]), model("orders_copy", columns=["id"], alias=alias)])
    problem = one_problem(export_error(manifest))
    same = ": both are the relation analytics.orders" if alias == "orders" else ""
    assert problem.message == (f"two models write the same Omni view analytics__{alias} "
                               f"(model.shop.orders and model.shop.orders_copy){same}")


def test_view_folders_differing_only_in_case_are_an_error():
    """Sales/ and sales/ are one folder on macOS and Windows: the second view would be read as Sales__customers,
    which no reference names (found by a file-system review)."""
    manifest = make_manifest([model("orders", columns=["id"], schema="Sales"), model("customers", columns=["id"], schema="sales")])
    problem = one_problem(export_error(manifest))
    assert (problem.model, problem.key, problem.file) == ("orders", "config.schema", "models/orders.sql")
    assert problem.message == ("its Omni view folder Sales differs only in case from sales, the folder of "
                               "model.shop.customers: one folder on macOS and Windows, where the view would be named "
                               "after the other folder")
    assert problem.expected == "one spelling of a schema (and database) for all its relations: sales"


def test_a_sources_database_spelt_in_another_case_is_named_as_the_key_to_change():
    """Snowflake's RAW and raw are one database, but `database: raw` in one sources file and RAW in another
    made the folders RAW_stripe/ and raw_stripe/."""
    charges = {**source("stripe", "charges", columns=["id"], schema="stripe"), "database": "RAW"}
    payments = {**source("stripe_b", "payments", columns=["id"], schema="stripe"), "database": "raw"}
    manifest = make_manifest([model("orders", columns=["id"])], sources=[charges, payments])
    problem = one_problem(export_error(manifest, select=["source:*"]))
    assert (problem.model, problem.key, problem.file) == ("stripe_b.payments", "database", "models/staging/_sources.yml")
    assert problem.message.startswith("its Omni view folder raw_stripe differs only in case from RAW_stripe, the folder "
                                      "of source.shop.stripe.charges:")
    # one spelling is one folder
    omni = build(make_manifest([model("orders", columns=["id"])], sources=[charges, {**payments, "database": "RAW"}]),
                 select=["source:*"])
    assert sorted(v.path for v in omni.views) == ["RAW_stripe/charges.view.yaml", "RAW_stripe/payments.view.yaml"]


def test_a_name_windows_keeps_for_a_device_is_warned_of():
    manifest = make_manifest([model("orders", columns=["id"], alias="con"), model("customers", columns=["id"], schema="aux"),
                              model("payments", columns=["id"], omni={"topic": {"name": "Nul"}}),
                              model("console", columns=["id"], alias="com10")])
    warnings = [w for w in build(manifest).warnings if "Windows" in w]
    assert warnings == [
        "model customers: the Omni view file aux/customers.view.yaml: aux is a name Windows keeps for a device, so "
        "Windows cannot write the file nor Git for Windows check it out (another schema or alias avoids it)",
        "model orders: the Omni view file analytics/con.view.yaml: con is a name Windows keeps for a device, so "
        "Windows cannot write the file nor Git for Windows check it out (another schema or alias avoids it)",
        "model payments: the topic file Nul.topic.yaml: Nul is a name Windows keeps for a device, so Windows cannot "
        "write the file nor Git for Windows check it out (meta.omni.topic.name: another name avoids it)",
    ]


def test_a_seed_and_a_source_over_one_table_say_to_select_one_of_them():
    seed = {**model("raw_customers", columns=["id"], schema="raw"), "resource_type": "seed",
            "unique_id": "seed.shop.raw_customers"}
    manifest = make_manifest([seed], sources=[source("crm", "raw_customers", columns=["id"])])
    problem = one_problem(export_error(manifest, select=["resource_type:seed", "source:crm"]))
    assert problem.message.startswith("a seed and a source write the same Omni view raw__raw_customers")
    assert problem.message.endswith(": both are the relation raw.raw_customers")
    assert problem.expected == "one of them in the selection (a seed and a source over one table: select one)"


def test_a_relation_in_another_database_gets_catalog_and_omnis_name_for_it():
    """Sources in a RAW database, a +database model: `catalog` points Omni at them, and the view is named as
    Omni names a table outside the default catalog, so the same schema.table in two databases are two views."""
    raw_orders = {**source("shop_app", "orders", columns=["id"], schema="analytics"), "database": "RAW"}
    other = {**model("orders_copy", alias="orders", columns=["id"]), "database": "finance"}
    manifest = make_manifest([model("orders", columns=["id"]), model("customers", columns=["id"]), other],
                             sources=[raw_orders])
    omni = build(manifest, select=["package:this,resource_type:model", "source:shop_app"])
    views = {v.path: (v.name, v.catalog, v.schema, v.table_name) for v in omni.views}
    assert views == {
        "analytics/orders.view.yaml": ("analytics__orders", None, "analytics", "orders"),
        "analytics/customers.view.yaml": ("analytics__customers", None, "analytics", "customers"),
        "finance_analytics/orders.view.yaml": ("finance_analytics__orders", "finance", "analytics", "orders"),
        "RAW_analytics/orders.view.yaml": ("RAW_analytics__orders", "RAW", "analytics", "orders"),
    }
    text = render_files(manifest, select=["package:this,resource_type:model", "source:shop_app"])
    lines = text["RAW_analytics/orders.view.yaml"].splitlines()
    start = lines.index("schema: analytics")
    assert lines[start:start + 3] == ["schema: analytics", "table_name: orders", "catalog: RAW"]
    assert not [w for w in omni.warnings if "Omni view" in w]


def test_scope_view_names_names_every_view_with_its_database_as_omni_does_for_such_a_connection():
    """Omni's "Always Scope View Names" (on for connections made since 2026-04-30) prefixes every view
    with its catalog: a file named otherwise would be a second view over the same table."""
    other = {**model("ledger", columns=["id"]), "database": "finance"}
    manifest = make_manifest([model("orders", columns=["id", "customer_id"]), model("customers", columns=["id"]), other],
                             [test_node("relationships", "orders", "customer_id", to="customers", field="id")])
    omni = build(manifest, scope_view_names=True)
    views = {v.path: (v.name, v.catalog) for v in omni.views}
    assert views == {"db_analytics/orders.view.yaml": ("db_analytics__orders", None),
                     "db_analytics/customers.view.yaml": ("db_analytics__customers", None),
                     "finance_analytics/ledger.view.yaml": ("finance_analytics__ledger", "finance")}
    assert [r.on_sql for r in omni.relationships] == ["${db_analytics__orders.customer_id} = ${db_analytics__customers.id}"]
    assert not [w for w in omni.warnings if "Omni view" in w]
    assert [v.name for v in build(manifest).views] == ["analytics__customers", "analytics__orders", "finance_analytics__ledger"]


def test_included_schemas_from_the_settings_replace_the_views_schemas():
    files = parse(render_files(shop_manifest(), included_schemas=["analytics", "finance"]))
    assert files["model.yaml"]["included_schemas"] == ["analytics", "finance"]
    assert parse(render_files(shop_manifest()))["model.yaml"]["included_schemas"] == ["analytics"]


def test_a_views_lineage_names_its_upstream_models_and_sources():
    manifest = make_manifest([model("customers", columns=["customer_id"]),
                              model("orders", columns=["order_id"],
                                    depends_on=["model.shop.customers", "source.shop.crm.orders"])])
    header = render_files(manifest)["analytics/orders.view.yaml"].splitlines()[:3]
    assert "# dbt upstream: model.shop.customers, source.shop.crm.orders" in header, header


def test_a_relation_dbt_writes_unquoted_is_named_as_postgres_stores_it():
    """quoting: false and `+schema: MartB`, `alias: OrderFactsB`: PostgreSQL built martb.orderfactsb, and the
    view said "MartB"."OrderFactsB", which Omni would not find (nor did catalog.json's spelling reach it)."""
    unquoted = model("orders", columns=["id"], schema="MartB", alias="OrderFactsB")
    unquoted["relation_name"] = "db.MartB.OrderFactsB"
    quoted = model("customers", columns=["id"], schema="Marts", alias="Customers")  # quoting on: kept as written
    files = render_files(make_manifest([unquoted, quoted]))
    assert "martb/orderfactsb.view.yaml" in files and "Marts/Customers.view.yaml" in files, sorted(files)
    assert yaml.safe_load(files["martb/orderfactsb.view.yaml"])["table_name"] == "orderfactsb"
    half = model("orders", columns=["id"], schema="MartB", alias="OrderFactsB")
    half["relation_name"] = 'db."MartB".OrderFactsB'  # only the schema quoted
    assert "MartB/orderfactsb.view.yaml" in render_files(make_manifest([half]))
    raw = source("shop", "orders", columns=["id"], schema="Raw", identifier="Orders_Raw")
    raw["relation_name"] = "db.Raw.Orders_Raw"  # a source's quoting: {schema: false, identifier: false}
    assert "raw/orders_raw.view.yaml" in render_files(make_manifest([], sources=[raw]), select=["source:shop"])
    duck = make_manifest([unquoted], adapter_type="duckdb")  # DuckDB keeps the case a name was created in
    assert "MartB/OrderFactsB.view.yaml" in render_files(duck)
    umlaut = model("orders", columns=["id"], schema="MartB", alias="Ärger_Facts")
    umlaut["relation_name"] = "db.MartB.Ärger_Facts"  # PostgreSQL folds A-Z only
    assert yaml.safe_load(render_files(make_manifest([umlaut]))["martb/_rger_facts.view.yaml"])["table_name"] == \
        "Ärger_facts"


def test_columns_a_seed_or_source_quotes_are_read_quoted_without_a_catalog():
    """A seed's quote_columns: true made the column "CustomerID"; the view read customerid (no catalog yet)."""
    def seed_dimensions(quote_columns, adapter_type="postgres", resource_type="seed") -> dict:
        seed = model("customers", columns=["CustomerID", "name", {**column("Region"), "quote": False}])
        seed.update(resource_type=resource_type, unique_id=f"{resource_type}.shop.customers")
        seed["config"]["quote_columns"] = quote_columns
        return yaml.safe_load(render_files(make_manifest([seed], adapter_type=adapter_type), select=["customers"])[
            "analytics/customers.view.yaml"])["dimensions"]

    for quote_columns in (True, None):  # dbt quotes a seed's columns unless told not to (dbt-adapters' default)
        dimensions = seed_dimensions(quote_columns)
        assert dimensions["customerid"] == {"sql": '"CustomerID"'} and dimensions["name"] == {}
        assert dimensions["region"] == {}  # its own quote: false wins
    assert seed_dimensions(False)["customerid"] == {}
    assert seed_dimensions(None, "snowflake")["customerid"] == {}  # dbt-snowflake's seeds: unquoted by default
    assert seed_dimensions(True, resource_type="model")["customerid"] == {}  # no dbt setting of a model
    raw = source("shop", "people", columns=["FullName"], schema="raw")
    raw["quoting"] = {"column": True}
    dimensions = yaml.safe_load(render_files(make_manifest([], sources=[raw]), select=["source:shop"])[
        "raw/people.view.yaml"])["dimensions"]
    assert dimensions["fullname"] == {"sql": '"FullName"'}


def test_a_name_the_yaml_quotes_itself_is_the_name_without_its_quotes():
    """`database: '"DATA_LAKE"'`, `schema: '"ACORN"'`, `identifier: '"dscro_mpi"'` in a real Snowflake project's
    sources (dbt writes them into its SQL as given): the view said `schema: "\"ACORN\""` and was named
    _DATA_LAKE___ACORN____dscro_mpi_ (found by a review of real users' schema YAML)."""
    raw = source("acorn", "dscro_mpi", columns=["id"], schema='"ACORN"', identifier='"dscro_mpi"')
    raw.update(database='"DATA_LAKE"', relation_name='"DATA_LAKE"."ACORN"."dscro_mpi"')
    orders = {**model("fct_orders", columns=["id"], schema="analytics"), "relation_name": "db.analytics.fct_orders"}
    files = parse(render_files(make_manifest([orders], adapter_type="snowflake", sources=[raw]),
                               select=["source:acorn"]))
    assert sorted(files) == ["DATA_LAKE_ACORN/dscro_mpi.view.yaml", "model.yaml", "relationships.yaml"]
    view = files["DATA_LAKE_ACORN/dscro_mpi.view.yaml"]
    assert (view["catalog"], view["schema"], view["table_name"]) == ("DATA_LAKE", "ACORN", "dscro_mpi")  # case kept
    assert files["model.yaml"]["included_schemas"] == ["ACORN"]
    # and catalog.json's entry for it, which names the relation without quotes, is the relation's
    catalog = {"nodes": {}, "sources": {"source.shop.acorn.dscro_mpi": {
        "metadata": {"database": "DATA_LAKE", "schema": "ACORN", "name": "dscro_mpi"},
        "columns": {"id": {"name": "id", "type": "NUMBER", "index": 1}, "nhs": {"name": "nhs", "type": "TEXT", "index": 2}}}}}
    omni = build(make_manifest([orders], adapter_type="snowflake", sources=[raw]), catalog, select=["source:acorn"])
    assert [d.name for d in omni.views[0].dimensions] == ["id", "nhs"] and not omni.warnings
    # a doubled quote inside is one; a name that only starts and ends with a quote, or holds a lone one, is as written
    from dbt_omni.project import _own_quotes_off
    assert [_own_quotes_off(n) for n in ('"A""B"', '""', '"A"."B"', "ACORN")] == ['A"B', '""', '"A"."B"', "ACORN"]


def test_a_snowflake_relation_is_spelt_as_stored_and_its_view_named_in_lower_case():
    """dbt-snowflake writes names unquoted (its default quoting), which Snowflake stores in upper case; Omni's
    own files for such a table say `schema: ANALYTICS`, `table_name: FCT_ORDERS`, `catalog: ANALYTICS_PROD` of a
    view named in lower case. We wrote the lower case there, a relation Omni's quoted query would not find."""
    orders = model("fct_orders", columns=["id"], schema="analytics")
    orders["relation_name"] = "db.analytics.fct_orders"
    other_db = model("users", columns=["id"], schema="ecomm")
    other_db.update(database="analytics_prod", relation_name="analytics_prod.ecomm.users")
    quoted = model("Customers", columns=["id"], schema="analytics")
    quoted["relation_name"] = 'db.analytics."Customers"'  # quoting: {identifier: true}: created as written
    manifest = make_manifest([orders, {**model("b", columns=["id"]), "relation_name": "db.analytics.b"}, other_db,
                              quoted], adapter_type="snowflake")
    files = parse(render_files(manifest))
    view = files["analytics/fct_orders.view.yaml"]
    assert (view["schema"], view["table_name"]) == ("ANALYTICS", "FCT_ORDERS")
    assert (files["analytics/Customers.view.yaml"]["schema"], files["analytics/Customers.view.yaml"]["table_name"]) \
        == ("ANALYTICS", "Customers")
    users = files["analytics_prod_ecomm/users.view.yaml"]
    assert (users["catalog"], users["schema"], users["table_name"]) == ("ANALYTICS_PROD", "ECOMM", "USERS")
    assert files["model.yaml"]["included_schemas"] == ["ANALYTICS", "ECOMM"]
    # a source's `database: DB` is the models' unquoted `db`: one database, no catalog nor prefix
    raw = source("shop", "orders", columns=["id"], schema="raw")
    raw.update(database="DB", relation_name="DB.raw.orders")
    files = parse(render_files(make_manifest([orders], adapter_type="snowflake", sources=[raw]),
                               select=["fct_orders", "source:shop"]))
    assert "catalog" not in files["raw/orders.view.yaml"], sorted(files)


def test_included_schemas_that_miss_the_exported_views_schemas_are_a_warning():
    """`included_schemas: [analytcs]` (a typo) was written as given, with every view in analytics (an audit)."""
    omni = build(make_manifest([model("orders", columns=["id"]), model("customers", columns=["id"])]),
                 included_schemas=["analytcs", "raw"])
    assert omni.model_file.included_schemas == ["analytcs", "raw"]  # as given: a schema of raw tables is the user's
    assert omni.warnings == [
        "vars.dbt_omni.included_schemas: it lists none of the schemas of some exported views (analytics: 2 view(s)), "
        "whose tables Omni then may not offer, as it reads the schemas the model file includes (list these too, or "
        "leave it unset: the exported views' schemas); did you mean analytics?"]
    assert build(make_manifest([model("orders", columns=["id"])]), included_schemas=["ANALYTICS", "raw"]).warnings == []
