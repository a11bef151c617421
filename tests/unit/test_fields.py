"""Views, dimensions and measures: descriptions, meta merging, ignore, hidden, labels, formats, timeframes."""
from __future__ import annotations

import pytest
import yaml

from dbt_omni.dump import render
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model
from dbt_omni.names import field_name
from dbt_omni.project import FROM_WAREHOUSE
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
    test_node,
    view_yaml,
    warehouse_catalog,
)


def orders(*columns, **kwargs) -> dict:
    return make_manifest([model("orders", columns=columns or ["order_id"], **kwargs)])


# ---- descriptions ------------------------------------------------------------------------------------
def test_dbt_descriptions_reach_view_and_dimension():
    view = view_yaml(orders(column("order_id", description="Unique order."), description="All orders."))
    assert view["description"] == "All orders."
    assert view["dimensions"]["order_id"]["description"] == "Unique order."


def test_an_empty_meta_description_means_none_everywhere_and_an_empty_label_is_an_error():
    """"" was the dbt description on a view or column, "" written out on a meta.omni dimension, and none on a
    measure: one meaning now, as README says for the measure. An empty label would show a blank name."""
    manifest = orders(
        column("order_id", description="dbt text", omni={"description": ""}), description="dbt model text",
        omni={"description": "", "dimensions": {"code": {"sql": "${order_id}", "description": ""}}, "topic": {
            "description": ""}})
    files = parse(render_files(manifest))
    view = files["analytics/orders.view.yaml"]
    assert "description" not in view and "description" not in view["dimensions"]["order_id"]
    assert "description" not in view["dimensions"]["code"] and "description" not in files["orders.topic.yaml"]
    for where, block in (("columns.order_id.meta.omni.label", {"columns": [column("order_id", omni={"label": ""})]}),
                         ("meta.omni.topic.group_label", {"omni": {"topic": {"group_label": ""}}})):
        problem = one_problem(export_error(orders(*block.get("columns", ()), omni=block.get("omni"))))
        assert (problem.key, problem.message) == (where, "is empty"), problem
        assert problem.expected.startswith("at least 1 character(s) (leave "), problem.expected


def test_meta_description_overrides_dbt_description():
    manifest = orders(
        column("order_id", description="dbt text", omni={"description": "Omni text"}),
        description="dbt model text",
        omni={"description": "Omni model text"},
    )
    view = view_yaml(manifest)
    assert view["description"] == "Omni model text"
    assert view["dimensions"]["order_id"]["description"] == "Omni text"


def test_empty_description_is_not_written():
    view = view_yaml(orders(column("order_id", description="")))
    assert "description" not in view
    assert view["dimensions"]["order_id"] == {}


# ---- meta and config.meta ----------------------------------------------------------------------------
def test_meta_read_from_config_meta_alone():
    view = view_yaml(orders(column("order_id", config_omni={"label": "Order #"}), config_omni={"label": "Orders"}))
    assert view["label"] == "Orders"
    assert view["dimensions"]["order_id"]["label"] == "Order #"


def test_a_meta_key_that_is_nearly_omni_is_a_warning_and_other_tools_keys_are_not():
    """`Omni:` or `omnii:` would silently drop every label and measure; `domain` and `owner` belong to others."""
    node = model("orders", columns=["order_id", "amount", "status"])
    node["meta"] = {"Omni": {"label": "Orders"}, "owner": "finance", "domain": "sales"}
    node["columns"]["amount"]["meta"] = {"omnii": {"label": "Amount"}}
    node["columns"]["amount"]["config"]["meta"] = {"omnii": {"label": "Amount"}}  # dbt 1.10+ keeps a copy here
    node["columns"]["status"]["config"]["meta"] = {"common": {"x": 1}, "omni": {"label": "Status"}}
    omni = build(make_manifest([node]))
    assert omni.warnings == [
        "model orders: meta.Omni in models/orders.yml: did you mean meta.omni? dbt-omni reads only `omni` (lower "
        "case), so this block is ignored",
        "model orders: columns.amount.meta.omnii in models/orders.yml: did you mean meta.omni? dbt-omni reads only "
        "`omni` (lower case), so this block is ignored"]
    assert omni.views[0].label is None and omni.views[0].dimensions[2].label == "Status"
    node["meta"] = {"Omni": {"label": "Orders"}, "omni": {}}  # an omni block beside it: no guess
    node["columns"]["amount"]["meta"] = node["columns"]["amount"]["config"]["meta"] = {}
    assert build(make_manifest([node])).warnings == []
    # flat keys, as dbt-metabase's metabase.display_name, were dropped unsaid (a review of a dbt-metabase migration)
    node["meta"] = {"omni.label": "Orders", "metabase.display_name": "Orders"}
    node["columns"]["amount"]["meta"] = {"Omni.hidden": True}
    assert build(make_manifest([node])).warnings == [
        "model orders: meta.\"omni.label\" in models/orders.yml: dbt-omni reads one block, `omni: {label: ...}`, not flat "
        "`omni.<key>` keys (as dbt-metabase's `metabase.<key>`), so this is ignored",
        "model orders: columns.amount.meta.\"Omni.hidden\" in models/orders.yml: dbt-omni reads one block, `omni: {hidden: "
        "...}`, not flat `omni.<key>` keys (as dbt-metabase's `metabase.<key>`), so this is ignored"]
    # beside a real block too, and a column named omni with a misspelt Omni key is no flat key (a code review)
    node["meta"] = {"omni": {"label": "Orders"}, "omni.hidden": True}
    node["columns"]["amount"]["meta"] = {}
    node["columns"]["omni"] = {**column("omni"), "meta": {"Omni": {"label": "x"}}}
    assert [w.partition(" in models")[0] for w in build(make_manifest([node])).warnings] == [
        'model orders: meta."omni.hidden"', "model orders: columns.omni.meta.Omni"]


def test_another_tools_meta_in_a_project_without_meta_omni_is_said_once():
    """Lightdash's metrics and joins, dbt-metabase's metabase.* are left alone (a project may feed both tools), which
    two teams migrating took for lost (reviews of Lightdash and dbt-metabase migrations): one line until the first
    meta.omni block, and no error under --warn-error."""
    lightdash = model("orders", columns=["id"])
    lightdash["config"]["meta"] = {"metrics": {"n": {"type": "count"}}, "joins": [{"join": "customers"}]}
    metabase = model("customers", columns=["id"])
    metabase["config"]["meta"] = {"metabase.display_name": "Customers"}
    omni = build(make_manifest([lightdash, metabase, model("plain", columns=["id"], config_omni=None)]))
    assert omni.warnings == omni.drift == [
        "no exported model has meta.omni, and 2 carry another tool's meta (Lightdash, dbt2looker or dbt-metabase: "
        "customers, orders), which dbt-omni leaves alone: README's 'Coming from another tool' says what each key is in "
        "meta.omni"]
    started = model("plain", columns=["id"], config_omni={"label": "Plain"})
    assert build(make_manifest([lightdash, metabase, started])).warnings == []
    started = model("plain", columns=[column("id", omni={"label": "Id"})])  # a column's block is a start too
    assert build(make_manifest([lightdash, metabase, started])).warnings == []


def test_another_tools_meta_on_columns_only_is_said_too():
    """dbt-metabase's keys are mostly a column's, as are Lightdash's dimension blocks: a project with only those got
    no word (found by a review of a large real project)."""
    lightdash = model("orders", columns=["id", "created_at"])
    lightdash["columns"]["created_at"]["meta"] = {"dimension": {"label": "Created", "time_intervals": ["DAY"]}}
    metabase = model("customers", columns=["id"])
    metabase["columns"]["id"]["meta"] = {"metabase.semantic_type": "type/PK"}
    plain = model("plain", columns=["id"], config_omni=None)
    plain["columns"]["id"]["meta"] = {"owner": "data team"}  # a key of nobody's tool
    omni = build(make_manifest([lightdash, metabase, plain]))
    assert omni.warnings == [
        "no exported model has meta.omni, and 2 carry another tool's meta (Lightdash, dbt2looker or dbt-metabase: "
        "customers, orders), which dbt-omni leaves alone: README's 'Coming from another tool' says what each key is in "
        "meta.omni"]


def test_an_omni_block_outside_meta_is_a_warning_not_silently_dropped():
    """`config: omni:` (dbt 1.10+ moved most keys under config; a folder's `+omni:` lands there too), `omni:` right
    under a column and a column's `config: omni:` are not read: a hidden PII column came out shown, unsaid."""
    node = model("customers", columns=["customer_id", "email", "phone"])
    node["config"]["omni"] = {"label": "Customers"}
    node["columns"]["email"]["omni"] = {"hidden": True}
    node["columns"]["phone"]["config"]["omni"] = {"hidden": True}
    omni = build(make_manifest([node]))
    rest = ": dbt-omni reads `omni` under meta (`meta: omni:`, `config: meta: omni:`, or in " \
           "dbt_project.yml `+meta: {omni: ...}`), so this block is ignored"
    # a model's config.omni may be a folder's +omni: (it named the model's YAML, which had none)
    assert omni.warnings == [f"model customers: {key} {where}{rest}" for key, where in (
        ("config.omni", "(from config: in models/customers.yml, config() in models/customers.sql, or +omni: in "
                        "dbt_project.yml)"),
        ("columns.email.omni", "in models/customers.yml"), ("columns.phone.config.omni", "in models/customers.yml"))]
    assert [d.hidden for d in omni.views[0].dimensions] == [None, None, None]  # as said: not read


def test_an_omni_block_outside_meta_is_found_in_dbts_own_objects_too():
    """The plugin reads dbt's objects, which keep keys they do not know in `_extra`."""
    from dbt.artifacts.resources import ColumnInfo, NodeConfig

    from dbt_omni.project import _stray_omni

    assert _stray_omni(NodeConfig.from_dict({"omni": {"label": "x"}, "materialized": "table"}))
    assert not _stray_omni(NodeConfig.from_dict({"meta": {"omni": {"label": "x"}}}))
    column_info = ColumnInfo.from_dict({"name": "email", "omni": {"hidden": True}, "config": {"omni": {"hidden": True}}})
    assert _stray_omni(column_info) and _stray_omni(column_info.config)
    assert not _stray_omni(ColumnInfo.from_dict({"name": "email", "meta": {"omni": {"hidden": True}}}))


def test_config_meta_wins_key_by_key_over_meta():
    manifest = orders(
        column("amount", omni={"label": "From meta", "group_label": "Money"}, config_omni={"label": "From config"}),
        omni={"label": "Meta label", "description": "Meta description"},
        config_omni={"label": "Config label"},
    )
    view = view_yaml(manifest)
    assert view["label"] == "Config label"
    assert view["description"] == "Meta description"  # only in meta: kept
    assert view["dimensions"]["amount"]["label"] == "From config"
    assert view["dimensions"]["amount"]["group_label"] == "Money"


# ---- ignore, hidden, labels ------------------------------------------------------------------------
def test_ignored_column_is_written_ignored_and_nothing_else():
    """Omni's schema layer has every column of the table: leaving one out of our file would leave it
    in Omni; `ignored: true` is Omni's way to hide it (a measure under it is not made)."""
    secret = column("Secret Key", omni={"ignore": True, "label": "Key", "measures": {"keys": {"aggregate_type": "count_distinct"}}})
    view = view_yaml(orders(column("order_id"), {**secret, "quote": True}))
    assert view["dimensions"] == {"order_id": {}, "secret_key": {"ignored": True}}
    assert set(view["measures"]) == {"count"}


def test_ignored_column_the_catalog_lacks_is_not_written():
    catalog = {"nodes": {"model.shop.orders": {"columns": {"order_id": {"name": "order_id", "type": "integer", "index": 1}}}}}
    [view] = build(orders(column("order_id"), column("dropped", omni={"ignore": True})), catalog).views
    assert [d.name for d in view.dimensions] == ["order_id"] and view.ignored_fields == ()


def test_ignored_model_writes_no_view():
    manifest = make_manifest([
        model("orders", columns=["order_id"]),
        model("scratch", columns=["x"], omni={"ignore": True}),
    ])
    files = render_files(manifest)
    assert "analytics/orders.view.yaml" in files
    assert not any("scratch" in path for path in files)


def test_ignore_written_as_text_is_an_error_not_a_skipped_model():
    """`ignore: "false"` is no boolean: skipping the model would also skip checking the rest of its block."""
    manifest = make_manifest([model("orders", columns=["order_id"]),
                              model("scratch", columns=["x"], omni={"ignore": "false", "lable": "Scratch"})])
    problems = export_error(manifest).problems
    assert {(p.model, p.key) for p in problems} == {("scratch", "meta.omni.ignore"), ("scratch", "meta.omni.lable")}


def test_hidden_and_labels_written_and_false_hidden_left_out():
    manifest = orders(
        column("order_id", omni={"hidden": False, "label": "Order"}),
        column("internal_flag", omni={"hidden": True}),
        omni={"hidden": True, "label": "All Orders"},
    )
    view = view_yaml(manifest)
    assert view["hidden"] is True and view["label"] == "All Orders"
    assert view["dimensions"]["internal_flag"] == {"hidden": True}
    assert view["dimensions"]["order_id"] == {"label": "Order"}


def test_measure_from_column_meta_reads_the_column():
    view = view_yaml(orders(column("amount", omni={"measures": {"total_amount": {"aggregate_type": "sum",
                                                                                   "label": "Revenue"}}})))
    assert view["measures"]["total_amount"] == {"sql": "${amount}", "aggregate_type": "sum", "label": "Revenue"}


def test_a_column_measure_in_the_columns_unit_takes_its_format_unless_it_sets_one():
    view = view_yaml(orders(column("amount", omni={"format": "usdcurrency_2", "measures": {
        "total": {"aggregate_type": "sum"},
        "median_order": {"aggregate_type": "median"},
        "in_cents": {"aggregate_type": "sum", "format": "number_0"},
        "orders_with_amount": {"aggregate_type": "count_distinct"},  # a count is no amount
        "doubled": {"aggregate_type": "sum", "sql": "${amount} * 2"},  # its own sql: its own unit
    }})))
    formats = {name: measure.get("format") for name, measure in view["measures"].items()}
    assert formats == {"count": None, "doubled": None, "in_cents": "number_0", "median_order": "usdcurrency_2",
                       "orders_with_amount": None, "total": "usdcurrency_2"}


def test_a_column_measure_takes_the_columns_description_unless_it_sets_one():
    """The caveat analysts need ("excludes shipping") is on the column; the measure adding it up lost it."""
    view = view_yaml(orders(column("amount", description="Subtotal less discount; excludes shipping.", omni={"measures": {
        "total": {"aggregate_type": "sum"},
        "orders_with_amount": {"aggregate_type": "count_distinct"},  # what is counted: still the column's values
        "own": {"aggregate_type": "sum", "description": "Revenue as finance books it."},
        "none": {"aggregate_type": "sum", "description": ""},
        "doubled": {"aggregate_type": "sum", "sql": "${amount} * 2"},  # its own sql: no longer the column
    }})))
    descriptions = {name: measure.get("description") for name, measure in view["measures"].items()}
    assert descriptions == {"count": None, "doubled": None, "none": None, "orders_with_amount":
                            "Subtotal less discount; excludes shipping.", "own": "Revenue as finance books it.",
                            "total": "Subtotal less discount; excludes shipping."}
    overridden = view_yaml(orders(column("amount", description="Raw.", omni={
        "description": "Shown.", "measures": {"total": {"aggregate_type": "sum"}}})))
    assert overridden["measures"]["total"]["description"] == "Shown."  # as Omni shows the column


def test_default_count_measure_unless_one_is_declared():
    assert view_yaml(orders())["measures"] == {"count": {"aggregate_type": "count"}}
    declared = view_yaml(orders(omni={"measures": {"count": {"aggregate_type": "count_distinct",
                                                             "sql": "${order_id}"}}}))
    assert declared["measures"] == {"count": {"sql": "${order_id}", "aggregate_type": "count_distinct"}}


def test_the_default_count_is_hidden_where_a_shown_measure_counts_the_rows_already():
    """Orders and Count, one number twice in the field picker: Omni's own files hide its count then."""
    def count_of(**measures):
        return view_yaml(orders("order_id", "status", constraints=[{"type": "primary_key", "columns": ["order_id"]}],
                                omni={"measures": measures}))["measures"]["count"]
    assert count_of(order_count={"aggregate_type": "count", "label": "Orders"}) == {"aggregate_type": "count",
                                                                                   "hidden": True}
    assert count_of(orders={"aggregate_type": "count_distinct", "sql": "${order_id}"})["hidden"] is True
    assert count_of(orders={"aggregate_type": "count_distinct", "sql": "${orders.order_id}"})["hidden"] is True
    assert count_of(rows={"aggregate_type": "count", "sql": "*"})["hidden"] is True
    for other in ({"aggregate_type": "count", "hidden": True},  # not shown
                  {"aggregate_type": "count", "filters": {"status": {"is": "paid"}}},  # other rows
                  {"aggregate_type": "count_distinct", "sql": "${status}"}):  # other values
        assert count_of(other=other) == {"aggregate_type": "count"}, other


def test_field_defined_twice_is_an_error():
    error = export_error(orders(column("total"), omni={"measures": {"total": {"aggregate_type": "count"}}}))
    problem = one_problem(error)
    assert problem.message == "field 'total' is defined twice (columns.total and meta.omni.measures.total)"
    assert (problem.model, problem.key) == ("orders", "meta.omni.measures.total")
    assert problem.expected.endswith("another name for the measure (total_total, total_count, ...)")
    # a column's own measure named like another column: a measure to rename, not two columns to choose from
    scoped = one_problem(export_error(orders(column("total"), column("amount", omni={"measures": {"total": {
        "aggregate_type": "sum"}}}))))
    assert scoped.key == "columns.amount.meta.omni.measures.total"
    assert scoped.expected.endswith("another name for the measure (total_total, total_count, ...)"), scoped.expected


@pytest.mark.parametrize("columns, omni, where", [
    (["Order Date", "order_date"], None, "(columns.Order Date and columns.order_date)"),
    (["order_date"], {"dimensions": {"order_date": {"sql": "${order_date}"}}},
     "(columns.order_date and meta.omni.dimensions.order_date)"),
])
def test_field_clash_names_both_sources(columns, omni, where):
    problem = one_problem(export_error(orders(*map(column, columns), omni=omni)))
    assert problem.message == f"field 'order_date' is defined twice {where}"


def test_catalog_columns_differing_only_in_case_are_two_columns():
    """PostgreSQL holds both status and "Status": neither may silently stand in for the other. Both
    documented, that is an error; the one only the warehouse has is left out, saying so."""
    catalog = {"nodes": {"model.shop.orders": {"columns": {
        "status": {"name": "status", "type": "text", "index": 1},
        "Status": {"name": "Status", "type": "text", "index": 2}}}}}
    problem = one_problem(export_error(orders(column("status"), {**column("Status"), "quote": True}), catalog))
    assert problem.message == "field 'status' is defined twice (columns.status and columns.Status)"
    assert problem.expected.startswith("one of the two columns left out: meta.omni: {ignore: true} under columns.Status")
    omni = build(orders(column("status")), catalog)
    assert [(d.name, d.sql) for d in omni.views[0].dimensions] == [("status", None)]
    assert omni.warnings == ["model orders: the warehouse's column Status is left out: its field name status is another "
                             "field's (to keep it, give it a meta.omni dimension of another name whose sql names it; to leave it out unsaid, "
        "document it under columns: in models/orders.yml with meta.omni: {ignore: true})"]
    ignored = orders(column("status"), {**column("Status", omni={"ignore": True}), "quote": True})
    [view] = build(ignored, catalog).views
    assert [(d.name, d.sql) for d in view.dimensions] == [("status", None)]  # the lower-case one: no sql
    assert view.ignored_fields == ()  # `status: {ignored: true}` would hide the one that is kept


def test_primary_key_may_name_a_quoted_column_by_its_field_name():
    view = view_yaml(orders({**column("CrmId"), "quote": True}, omni={"primary_key": "crmid"}))
    assert view["dimensions"]["crmid"] == {"sql": '"CrmId"', "primary_key": True}


def test_a_mixed_case_column_is_its_field_wherever_meta_omni_names_it():
    """dbt's `CrmId` (quote: true) is Omni's field crmid: in SQL, filters and topic fields, as in primary_key."""
    crm_id = {**column("CrmId"), "quote": True}
    omni = {"primary_key": "CrmId", "measures": {"crm_accounts": {"aggregate_type": "count_distinct", "sql": "${CrmId}",
                                                                   "filters": {"CrmId": {"not": "0"}}}},
            "topic": {"fields": ["-orders.CrmId", "orders.CrmId[month]"], "default_filters": {"CrmId": {"not": "1"}}}}
    files = render_files(orders(crm_id, omni=omni))
    view = yaml.safe_load(files["analytics/orders.view.yaml"])
    assert view["dimensions"]["crmid"] == {"sql": '"CrmId"', "primary_key": True}
    assert view["measures"]["crm_accounts"] == {"sql": "${crmid}", "aggregate_type": "count_distinct",
                                                "filters": {"crmid": {"not": "0"}}}
    topic = yaml.safe_load(files["orders.topic.yaml"])
    assert topic["fields"] == ["-analytics__orders.crmid", "analytics__orders.crmid[month]"]
    assert topic["default_filters"] == {"analytics__orders.crmid": {"not": "1"}}


def test_column_name_that_is_not_an_omni_field_name_gets_sql():
    view = view_yaml(orders(column("Order Date")))
    assert view["dimensions"]["order_date"] == {"sql": '"Order Date"'}


def test_column_with_dbt_quote_true_gets_quoted_sql():
    quoted = {**column("SELECT"), "quote": True}
    view = view_yaml(orders(quoted, {**column("order_id"), "quote": False}))
    assert view["dimensions"]["select"] == {"sql": '"SELECT"'}
    assert view["dimensions"]["order_id"] == {}


def test_bigquery_quotes_with_backticks():
    view = view_yaml(make_manifest([model("orders", columns=[{**column("Order"), "quote": True}])],
                                   adapter_type="bigquery"))
    assert view["dimensions"]["order"] == {"sql": "`Order`"}


@pytest.mark.parametrize("adapter, quoted", [("postgres", '"Ab""c`d"'), ("databricks", '`Ab"c``d`'),
                                             ("bigquery", '`Ab"c\\`d`')])
def test_a_quote_inside_a_column_name_is_escaped_as_the_warehouse_escapes_it(adapter, quoted):
    view = view_yaml(make_manifest([model("orders", columns=['Ab"c`d'])], adapter_type=adapter))
    assert view["dimensions"]["ab_c_d"] == {"sql": quoted}


@pytest.mark.parametrize("adapter, names, quoted", [
    ("postgres", ["order_id", "Region", "SELECT"], ["Region", "SELECT"]),
    ("snowflake", ["ORDER_ID", "Region", "select"], ["Region", "select"]),
    ("bigquery", ["order_id", "Region"], []),  # BigQuery matches column names case-insensitively
])
def test_catalog_column_in_another_case_than_unquoted_names_gets_quoted_sql(adapter, names, quoted):
    """A column only the catalog knows, named in a case the warehouse never gives an unquoted name,
    was created quoted: Omni must quote it too."""
    manifest = make_manifest([model("orders", columns=[])], adapter_type=adapter)
    catalog = {"nodes": {"model.shop.orders": {"columns": {
        name: {"name": name, "type": "text", "index": i} for i, name in enumerate(names)}}}}
    view = yaml.safe_load(render(build_omni_model(from_manifest_dict(manifest, catalog), settings()))[
        "analytics/orders.view.yaml"])
    quote = "`" if adapter == "bigquery" else '"'
    assert {d["sql"] for d in view["dimensions"].values() if "sql" in d} == {f"{quote}{n}{quote}" for n in quoted}


# ---- formats ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["usdcurrency_2", "USDCURRENCY_2", "ID", "percent", "number_0", "$#,##0.00",
                                 ",.2f", "0.0%", "yyyy", "mmm yyyy"])
def test_valid_formats_are_written_as_given(fmt):
    view = view_yaml(orders(column("amount", omni={"format": fmt})))
    assert view["dimensions"]["amount"]["format"] == fmt


def test_invalid_named_format_suggests_the_closest():
    error = export_error(orders(column("amount", omni={"format": "usdcurency_2"})))
    problem = one_problem(error)
    assert problem.key == "columns.amount.meta.omni.format"
    assert problem.file == "models/orders.yml" and problem.model == "orders"
    assert problem.suggestion == "usdcurrency_2"
    assert "did you mean 'usdcurrency_2'" in str(error)


def test_a_columns_mistake_and_its_measures_mistakes_are_said_at_once():
    """The column's bad format stopped its measures from being checked: their mistakes came a round later."""
    manifest = orders(column("amount", omni={"format": "usd_money", "measures": {
        "total": {"aggregate_type": "sum", "format": "usd_money"}, "big": {"aggregate_type": "max", "format": "nmber"}}}))
    assert sorted(p.key for p in export_error(manifest).problems) == [
        "columns.amount.meta.omni.format", "columns.amount.meta.omni.measures.big.format",
        "columns.amount.meta.omni.measures.total.format"]


@pytest.mark.parametrize("fmt, suggestion", [
    ("usd_currency_2", "usdcurrency_2"),  # read as a D3 / Excel format string before
    ("percent2", "percent"),
    ("Numbr_1", "number_1"),
    ("euro_currency", "eurcurrency"),
    ("usd", "usdcurrency"),  # Lightdash's currency formats
    ("GBP_2", "gbpcurrency_2"),
])
def test_a_format_of_letters_digits_and_underscores_must_be_a_named_one(fmt, suggestion):
    problem = one_problem(export_error(orders(column("amount", omni={"format": fmt}))))
    assert (problem.message, problem.suggestion) == (f"unknown format '{fmt}'", suggestion)


def test_a_currency_format_takes_any_currencys_code_and_at_most_four_decimals():
    """Omni's currency formats take a currency's code as prefix (jpy, chf, ...): refused before but for usd, eur
    and gbp. Its decimals go up to 4: `number_7` was written, and Omni would not take it."""
    formats = ["jpycurrency_0", "CHFaccounting_2", "bigsekcurrency", "usdcurrency_4", "number_0"]
    manifest = orders(*(column(f"c{i}", omni={"format": fmt}) for i, fmt in enumerate(formats)))
    view = view_yaml(manifest)
    assert [view["dimensions"][f"c{i}"]["format"] for i in range(len(formats))] == formats
    # no such currency; a typo of a currency's format keeps its code (it said accounting, and usdcurrency_2 for
    # audcurency_2: found by a first install); Lightdash's compact trillions has no named format (it said millions)
    for fmt, suggestion in (("xyzcurrency", "currency"), ("jpyaccountng", "jpyaccounting"), ("audcurency_2", "audcurrency_2"),
                            ("bigchfcurrenc", "bigchfcurrency"), ("trillions", None), ("jpy", "jpycurrency"),
                            ("bigusd", "bigusdcurrency"), ("aud_2", "audcurrency_2"), ("big_usd", "bigusdcurrency")):
        problem = one_problem(export_error(orders(column("amount", omni={"format": fmt}))))
        assert (problem.message, problem.suggestion) == (f"unknown format '{fmt}'", suggestion)
        assert "jpycurrency, chfaccounting" in problem.expected
    problem = one_problem(export_error(orders(column("amount", omni={"format": "number_7"}))))
    assert (problem.key, problem.message, problem.suggestion) == (
        "columns.amount.meta.omni.format", "format 'number_7' has 7 decimals", "number_4")
    assert problem.expected.startswith("_0 to _4 decimals")
    problem = one_problem(export_error(orders(column("amount", omni={"format": "numbr_7"}))))
    assert problem.suggestion == "number_4"  # not number_7, which is refused in turn
    problem = one_problem(export_error(orders(column("amount", omni={"format": "jpycurrency_6"}))))
    assert (problem.message, problem.suggestion) == ("format 'jpycurrency_6' has 6 decimals", "jpycurrency_4")
    assert view_yaml(orders(column("amount", omni={"format": "0.0000000"})))["dimensions"]["amount"]["format"] == \
        "0.0000000"  # more decimals: a D3 / Excel format string


def test_a_conditional_format_says_where_omnis_format_object_goes():
    conditional = {"depends_on": {"field": "currency"}, "conditions": [{"condition": {"is": "USD"},
                                                                        "value": "usdcurrency_2"}], "else": "currency_2"}
    problem = one_problem(export_error(orders(column("amount", omni={"format": conditional}))))
    assert problem.key == "columns.amount.meta.omni.format" and problem.expected.startswith("a string (Omni's conditional")
    assert "vars.dbt_omni.model_file.custom_formats" in problem.expected
    formats = {"custom_formats": {"local_money": conditional}}  # where it goes: named there, written as given
    assert view_yaml(orders(column("amount", omni={"format": "local_money"})), model_file=formats)[
        "dimensions"]["amount"]["format"] == "local_money"


def test_a_format_may_name_a_custom_format_of_the_model_file():
    """Omni's `format: <name>` refers to model_file.custom_formats, which the settings pass through."""
    formats = {"custom_formats": {"revenue_fmt": "usdcurrency_0", "weight": '#,##0.00 "kg"'}}
    manifest = orders(column("amount", omni={"format": "revenue_fmt"}),
                      omni={"measures": {"kilos": {"sql": "${amount}", "aggregate_type": "sum", "format": "weight"}}})
    view = view_yaml(manifest, model_file=formats)
    assert (view["dimensions"]["amount"]["format"], view["measures"]["kilos"]["format"]) == ("revenue_fmt", "weight")
    problem = one_problem(export_error(orders(column("amount", omni={"format": "revenue_fnt"})), model_file=formats))
    assert (problem.message, problem.suggestion) == ("unknown format 'revenue_fnt'", "revenue_fmt")
    assert "a custom format of vars.dbt_omni.model_file (revenue_fmt, weight)" in problem.expected
    problem = one_problem(export_error(orders(column("amount", omni={"format": "revenue_fmt"}))))  # none defined
    assert problem.message == "unknown format 'revenue_fmt'" and "custom format" not in problem.expected


def test_invalid_format_on_a_measure_names_the_measure():
    error = export_error(orders(omni={"measures": {"n": {"aggregate_type": "count", "format": "usdcurency"}}}))
    problem = one_problem(error)
    assert problem.key == "meta.omni.measures.n.format"
    assert problem.suggestion == "usdcurrency"


@pytest.mark.parametrize("block, message, key, expected", [
    ({"aggregate_type": "sum"}, "aggregate_type sum needs sql", "sql", "sql: ${column}"),
    ({"aggregate_type": "percentile", "sql": "${amount}"}, "aggregate_type percentile needs percentile", "percentile",
     "percentile: N, a number from 0 to 100"),
    ({"aggregate_type": "sum_distinct_on", "sql": "${amount}"}, "aggregate_type sum_distinct_on needs custom_primary_key_sql",
     "custom_primary_key_sql", "custom_primary_key_sql: the field(s)"),
    ({"aggregate_type": "sum", "sql": "${amount}", "percentile": 50},
     "percentile is for aggregate_type percentile or percentile_distinct_on, not sum", "percentile", "no percentile"),
    ({"aggregate_type": "median", "sql": "${amount}", "custom_primary_key_sql": "${order_id}"},
     "custom_primary_key_sql is for the *_distinct_on aggregate types, not median", "custom_primary_key_sql",
     "no custom_primary_key_sql"),
    ({"label": "M"}, "a measure needs sql, aggregate_type, or metric", "", "aggregate_type: count"),
])
def test_measure_parameters_must_fit_its_aggregate_type(block, message, key, expected):
    """The key names the parameter missing or misplaced, and `expected` what to write (it was none: an audit)."""
    problem = one_problem(export_error(orders(omni={"measures": {"m": block}})))
    assert (problem.message, problem.key) == (message, "meta.omni.measures.m" + (f".{key}" if key else ""))
    assert problem.expected.startswith(expected)


# ---- timeframes ------------------------------------------------------------------------------------
@pytest.mark.parametrize("data_type", ["timestamp", "TIMESTAMP WITH TIME ZONE", "timestamptz", "datetime"])
def test_timestamp_columns_get_default_timeframes(data_type):
    view = view_yaml(orders(column("created_at", data_type=data_type)))
    assert view["dimensions"]["created_at"]["timeframes"] == ["raw", "date", "week", "month", "quarter", "year"]


def test_date_columns_get_date_timeframes_without_raw_or_time_parts():
    view = view_yaml(orders(column("order_date", data_type="date")))
    assert view["dimensions"]["order_date"]["timeframes"] == ["date", "week", "month", "quarter", "year"]


def test_the_model_files_default_timeframes_are_not_overridden_by_ours():
    """Omni applies default_timeframes to a time field without its own list: ours would override it."""
    manifest = orders(column("order_date", data_type="date"), column("paid_at", data_type="timestamp"),
                      column("due_date", data_type="date", omni={"timeframes": ["month"]}))
    omni = build(manifest, model_file={"default_timeframes": ["date", "month", "fiscal_year"]})
    [view] = omni.views
    assert [(d.name, d.timeframes, d.convert_tz) for d in view.dimensions] == [
        ("due_date", ["month"], False), ("order_date", None, False), ("paid_at", None, None)]
    assert "default_timeframes:\n  - date\n  - month\n  - fiscal_year\n" in render(omni)["model.yaml"]


def test_a_date_is_not_converted_to_the_query_time_zone_unless_meta_says_so():
    """Omni converts time fields to a query time zone by default: a date would move to the day before
    (and MRR to the month before) where dbt's date_trunc keeps it."""
    dimensions = view_yaml(orders(column("order_date", data_type="date"), column("paid_at", data_type="timestamp"),
                                  column("due_date", data_type="date", omni={"convert_tz": True}),
                                  omni={"dimensions": {"local_day": {"sql": "${paid_at}", "convert_tz": False}}}))["dimensions"]
    assert dimensions["order_date"]["convert_tz"] is False and "convert_tz" not in dimensions["paid_at"]
    assert dimensions["due_date"]["convert_tz"] is True and dimensions["local_day"]["convert_tz"] is False


def test_non_time_columns_get_no_timeframes():
    view = view_yaml(orders(column("amount", data_type="numeric"), column("note", data_type="text"),
                            column("untyped"), column("renewals", data_type="date[]"),  # catalog.json's name
                            column("renewals_wh", data_type="ARRAY"),  # information_schema's (from_warehouse)
                            column("stay", data_type="daterange"), column("slots", data_type="tstzmultirange"),
                            column("stamps", data_type="timestamp(3) with time zone[]")))
    assert all("timeframes" not in dim for dim in view["dimensions"].values())


def test_timeframes_on_a_column_of_another_type_are_a_warning():
    manifest = orders(column("note", data_type="text", omni={"timeframes": ["month"]}),
                      column("day", omni={"timeframes": ["month"]}))  # no type known: no warning
    assert build(manifest).warnings == ["model orders: columns.note.meta.omni.timeframes: the column is text, not a date "
                                        "or timestamp; Omni would truncate it as one"]


def test_a_type_is_a_time_by_its_whole_name_not_its_first_letters():
    """PostgreSQL's enum date_grain is no date; the suffixed names warehouses give times are."""
    view = view_yaml(orders(column("grain", data_type="date_grain"), column("bucket", data_type="timestamp_bucket"),
                            column("day32", data_type="Date32"), column("ns", data_type="TIMESTAMP_NS"),
                            column("ntz", data_type="TIMESTAMP_NTZ(9)"), column("mssql", data_type="datetime2"),
                            column("tz", data_type="timestamp(3) with time zone")))["dimensions"]
    assert "timeframes" not in view["grain"] and "timeframes" not in view["bucket"]
    assert view["day32"]["convert_tz"] is False
    assert all("raw" in view[name]["timeframes"] for name in ("ns", "ntz", "mssql", "tz"))


def test_convert_tz_on_a_column_of_another_type_is_a_warning():
    manifest = orders(column("amount", data_type="numeric", omni={"convert_tz": False}),
                      column("due", data_type="date", omni={"convert_tz": True}), column("day", omni={"convert_tz": True}))
    assert build(manifest).warnings == ["model orders: columns.amount.meta.omni.convert_tz: the column is numeric, not a "
                                        "date or timestamp; only a time has a zone to convert"]


def test_a_data_type_of_another_kind_than_the_catalogs_is_a_warning():
    """The YAML's type decides (an export without the catalog agrees), but a date written `timestamp`
    is converted to the query's time zone and shows the day before: said, naming both types."""
    manifest = orders(column("order_id", data_type="integer"), column("ordered_on", data_type="timestamp"),
                      column("paid_at", data_type="timestamptz"), column("note", data_type="timestamp"))
    catalog = warehouse_catalog(manifest)
    types = {"order_id": "bigint", "ordered_on": "date", "paid_at": "timestamp with time zone", "note": "text"}
    for name, data_type in types.items():
        catalog["nodes"]["model.shop.orders"]["columns"][name]["type"] = data_type
    omni = build(manifest, catalog)
    warning = ("model orders: columns.{}.data_type is timestamp in models/orders.yml, but the relation's column is {} "
               "(per the catalog); the field is made a timestamp by data_type, so correct it")
    assert omni.warnings == [warning.format("ordered_on", "date"), warning.format("note", "text")]  # bigint: same kind
    assert omni.drift == []
    dimensions = {d.name: d for d in omni.views[0].dimensions}
    assert "raw" in dimensions["ordered_on"].timeframes
    contracted = make_manifest([model("orders", columns=[column("ordered_on", data_type="timestamp")])])
    contracted["nodes"]["model.shop.orders"]["config"]["contract"] = {"enforced": True}
    catalog = warehouse_catalog(contracted)
    catalog["nodes"]["model.shop.orders"]["columns"]["ordered_on"]["type"] = "date"
    omni = build(contracted, catalog)  # dbt checked the type at the build: the catalog is older
    assert omni.drift == omni.warnings and omni.warnings[0].endswith("so correct it or run `dbt docs generate`")


def test_a_column_measure_summing_what_is_no_number_is_a_warning():
    """PostgreSQL has no sum(boolean) (DuckDB has): the export's YAML is fine, Omni's query fails."""
    manifest = orders(column("is_gift", data_type="boolean", omni={"measures": {"gifts": {"aggregate_type": "sum"}}}),
                      column("ref", data_type="uuid", omni={"measures": {"refs": {"aggregate_type": "count_distinct"},
                                                                         "avg_ref": {"aggregate_type": "average"}}}),
                      column("amount", data_type="numeric(12,2)", omni={"measures": {"total": {"aggregate_type": "sum"}}}),
                      column("took", data_type="interval", omni={"measures": {"took_total": {"aggregate_type": "sum"}}}),
                      column("tags", data_type="integer[]", omni={"measures": {
                          "n": {"aggregate_type": "sum"}, "of_sql": {"aggregate_type": "sum", "sql": "cardinality(${tags})"}}}),
                      column("untyped", omni={"measures": {"u": {"aggregate_type": "sum"}}}))
    assert build(manifest).warnings == [
        "model orders: columns.is_gift.meta.omni.measures.gifts: aggregate_type sum of a column of type boolean; warehouses "
        "take a number there (to count the true rows: sql: CASE WHEN ${is_gift} THEN 1 ELSE 0 END)",
        "model orders: columns.ref.meta.omni.measures.avg_ref: aggregate_type average of a column of type uuid; warehouses "
        "take a number there",
        "model orders: columns.tags.meta.omni.measures.n: aggregate_type sum of a column of type integer[]; warehouses take a "
        "number there"]
    duckdb = make_manifest([model("orders", columns=[column("is_gift", data_type="boolean", omni={"measures": {
        "gifts": {"aggregate_type": "sum"}, "gift_share": {"aggregate_type": "average"}}})])], adapter_type="duckdb")
    assert [w.split(": ")[1] for w in build(duckdb).warnings] == [  # DuckDB sums booleans, but averages none
        "columns.is_gift.meta.omni.measures.gift_share"]


def test_a_model_measure_of_one_column_or_of_money_is_checked_as_a_columns_measure_is():
    """sql: ${flag} with sum at model level, and PostgreSQL's money averaged (avg(money) does not exist, sum(money)
    does), passed without a word (found by a review on PostgreSQL)."""
    manifest = orders(column("flag", data_type="boolean"),
                      column("amt", data_type="money", omni={"measures": {"amt_total": {"aggregate_type": "sum"},
                                                                          "amt_avg": {"aggregate_type": "average"}}}),
                      omni={"measures": {"flags": {"aggregate_type": "sum", "sql": "${flag}"},
                                         "flag_rows": {"aggregate_type": "sum", "sql": "CASE WHEN ${flag} THEN 1 ELSE 0 END"},
                                         "amt_median": {"aggregate_type": "median", "sql": " ${amt} "}}})
    assert build(manifest).warnings == [
        "model orders: columns.amt.meta.omni.measures.amt_avg: aggregate_type average of a column of type money; "
        "PostgreSQL sums money but takes no average of it (sql: ${amt}::numeric)",
        "model orders: meta.omni.measures.amt_median: aggregate_type median of a column of type money; PostgreSQL sums "
        "money but takes no median of it (sql: ${amt}::numeric)",
        "model orders: meta.omni.measures.flags: aggregate_type sum of a column of type boolean; warehouses take a number "
        "there (to count the true rows: sql: CASE WHEN ${flag} THEN 1 ELSE 0 END)"]


def test_times_of_day_of_a_date_are_a_warning():
    manifest = orders(column("due", data_type="date", omni={"timeframes": ["date", "hour", "hour_of_day", "month"]}),
                      column("paid_at", data_type="timestamp", omni={"timeframes": ["hour", "hour_of_day"]}))
    assert build(manifest).warnings == ["model orders: columns.due.meta.omni.timeframes: hour, hour_of_day: the column "
                                        "is date, a date, so they are always 0"]


def test_timeframes_override():
    view = view_yaml(orders(column("created_at", data_type="timestamp", omni={"timeframes": ["month", "year"]})))
    assert view["dimensions"]["created_at"]["timeframes"] == ["month", "year"]


# ---- ${} references ----------------------------------------------------------------------------------
def test_unknown_field_reference_in_measure_sql_is_an_error_with_suggestion():
    manifest = orders(column("amount"), omni={"measures": {"total": {"aggregate_type": "sum", "sql": "${amonut}"}}})
    error = export_error(manifest)
    problem = one_problem(error)
    assert problem.model == "orders" and problem.file == "models/orders.yml"
    assert problem.key == "meta.omni.measures.total.sql"  # the key as written in the YAML file
    assert "${amonut}" in problem.message
    assert problem.suggestion == "amount"


def test_an_unknown_field_in_a_column_measure_names_the_columns_key():
    manifest = orders(column("amount", omni={"measures": {"net": {"aggregate_type": "sum", "sql": "${amount} - ${fee}"}}}))
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key) == ("${fee} is not a field of analytics__orders",
                                              "columns.amount.meta.omni.measures.net.sql")
    assert problem.expected == ("a column, dimension or measure of that view; an undocumented column is a field once "
                                "it is documented under columns: in models/orders.yml")


@pytest.mark.parametrize("sql, bad", [
    ("${amount + ${amount}", "${amount + ${amount}"),  # not closed
    ("${amount} + ${ amount}", "${ amount}"),
    ("${orders.amount.cents}", "${orders.amount.cents}"),
    ("${amount", "${amount"),
    ("${amount} + ${a.b.c} + ${}", "${a.b.c}"),  # the first bad one alone
])
def test_a_dollar_brace_that_is_no_field_reference_is_an_error(sql, bad):
    """Written through, Omni would fail on it later: one message here, naming the text."""
    manifest = orders(column("amount"), omni={"dimensions": {"gross": {"sql": sql}}})
    problem = one_problem(export_error(manifest))
    assert problem.message == f"'{bad}' is not a field reference"
    assert (problem.model, problem.key) == ("orders", "meta.omni.dimensions.gross.sql")
    assert problem.expected == "${field}, ${model.field} or ${field[timeframe]}, closed by }"


@pytest.mark.parametrize("sql, suggestion", [
    ('${orders."Order Date"}', "${orders.order_date}"),
    ("${Order Date} + 1", "${order_date}"),
    ('${"order date"}', "${order_date}"),  # found in any case, as warehouses fold it
    ("${orders.No Such Column}", None),
])
def test_a_column_named_with_spaces_in_a_reference_is_told_its_field_name(sql, suggestion):
    """`${d_product."Product ID"}` was "not a field reference", with no word that it is ${d_product.product_id}
    (found by a review of a real project's second week)."""
    manifest = orders(column("Order Date"), omni={"dimensions": {"later": {"sql": sql}}})
    problem = one_problem(export_error(manifest))
    assert problem.message.endswith("is not a field reference") and problem.suggestion == suggestion


def test_lookmls_table_reference_says_how_omni_writes_it():
    """A block moved from dbt2looker: "${TABLE} is not a field" with a hint to document a column TABLE misled."""
    manifest = orders(column("amount"), omni={"measures": {"total": {"aggregate_type": "sum", "sql": "${TABLE}.amount"}}})
    problem = one_problem(export_error(manifest))
    assert (problem.message, problem.key) == ("${TABLE} is LookML's, not Omni's", "meta.omni.measures.total.sql")
    assert "${amount}" in problem.expected


@pytest.mark.parametrize("block, key", [
    ({"measures": {"total": {"aggregate_type": "sum", "sql": "${amount} ;;"}}}, "meta.omni.measures.total.sql"),
    ({"dimensions": {"gross": {"sql": "${amount} * 1.2;"}}}, "meta.omni.dimensions.gross.sql"),
    ({"topic": {"always_where_sql": "${orders.amount} > 0 ;;"}}, "meta.omni.topic.always_where_sql"),
    ({"dimensions": {"gross": {"sql": "amount * 1.2;"}}}, "meta.omni.dimensions.gross.sql"),  # no ${...}: was unchecked
    ({"measures": {"total": {"aggregate_type": "sum", "sql": "amount ;; "}}}, "meta.omni.measures.total.sql"),
])
def test_sql_ending_in_a_terminator_is_an_error(block, key):
    """LookML's ;; (or a ;) was written through to Omni, which puts the SQL inside a query of its own."""
    problem = one_problem(export_error(orders(column("amount"), omni=block)))
    assert (problem.key, problem.model) == (key, "orders") and problem.message.endswith("ends in ';'")
    assert "LookML's ;;" in problem.expected


@pytest.mark.parametrize("where, block", [
    ("meta.omni.measures.paid.filters", {"measures": {"paid": {"aggregate_type": "sum", "sql": "${amount}",
                                                                "filters": {"status ": {"is": "paid"}}}}}),
    ("meta.omni.topic.fields", {"topic": {"fields": ["orders.status "]}}),
    ("meta.omni.topic.default_filters", {"topic": {"default_filters": {"status-x": {"is": "paid"}}}}),
])
def test_a_filter_key_or_topic_field_that_is_no_reference_at_all_is_an_error(where, block):
    """A trailing space or a dash escaped every check (only identifier-shaped names were looked up)."""
    problem = one_problem(export_error(orders(column("amount"), column("status"), omni=block)))
    assert (problem.key, problem.model) == (where, "orders") and problem.message.endswith("' is not a field reference")


@pytest.mark.parametrize("filters, message, suggestion", [
    ({"stauts": {"is": "paid"}}, "stauts is not a field of analytics__orders", "status"),
    ({"orders.stauts[month]": {"is": "PAID"}}, "stauts is not a field of analytics__orders", "status"),
])
def test_unknown_field_in_a_measure_filter_is_an_error_with_suggestion(filters, message, suggestion):
    manifest = orders(column("amount"), column("status"),
                      omni={"measures": {"paid": {"aggregate_type": "sum", "sql": "${amount}", "filters": filters}}})
    problem = one_problem(export_error(manifest, warehouse_catalog(manifest)))
    assert (problem.message, problem.key, problem.suggestion) == (message, "meta.omni.measures.paid.filters", suggestion)
    assert problem.expected.endswith("; a column newer than catalog.json (the last `dbt docs generate`) is a field once "
                                     "it is documented under columns: in models/orders.yml")  # the way out of a stale catalog
    assert build(manifest).warnings == [  # without a catalog: perhaps a column dbt does not document
        "model orders (models/orders.yml): meta.omni.measures.paid.filters: stauts is not a documented column of "
        "analytics__orders (did you mean status?), and without catalog.json (dbt docs generate) its columns are unknown"]


def test_unknown_field_reference_in_other_view_is_an_error():
    manifest = make_manifest([
        model("orders", columns=["customer_id"],
              omni={"joins": [{"to": "customers", "on_sql": "${orders.customer_id} = ${customers.customer_ix}"}]}),
        model("customers", columns=["customer_id"]),
    ])
    problem = one_problem(export_error(manifest))
    assert problem.suggestion == "customer_id"
    assert "analytics__customers" in problem.message


def test_references_to_measures_dimensions_and_timeframes_are_accepted():
    manifest = orders(
        column("amount"),
        column("created_at", data_type="timestamp"),
        omni={
            "dimensions": {"big": {"sql": "${amount} > 10"}, "created_month": {"sql": "${created_at[month]}"}},
            "measures": {"total": {"aggregate_type": "sum", "sql": "${amount}"},
                         "avg": {"sql": "${total} / NULLIF(${count}, 0)"}},
        },
    )
    view = view_yaml(manifest)
    assert view["measures"]["avg"] == {"sql": "${total} / NULLIF(${count}, 0)"}
    assert view["dimensions"]["created_month"] == {"sql": "${created_at[month]}"}


def catalog_of(*names: str) -> dict:
    return {"nodes": {"model.shop.orders": {"columns": {
        name: {"name": name, "type": "integer", "index": i} for i, name in enumerate(names)}}}}


def test_documented_column_missing_from_the_catalog_is_kept_with_a_warning():
    manifest = make_manifest([model("orders", columns=["order_id", "cutomer_id", "legacy_code"])])
    omni = build_omni_model(from_manifest_dict(manifest, catalog_of("ORDER_ID", "customer_id")), settings())
    [view] = omni.views
    assert sorted(d.name for d in view.dimensions) == ["customer_id", "cutomer_id", "legacy_code", "order_id"]
    prefix = "model orders: column {} is documented (models/orders.yml), but the relation has no such column"
    assert omni.warnings == [
        prefix.format("cutomer_id") + " (per the catalog: a typo, a dropped column, or a catalog older than the last run);"
        " did you mean customer_id? (If cutomer_id is customer_id's new name, catalog.json predates the build: until "
        "`dbt docs generate`, both are fields, customer_id one the relation no longer has)",  # a rename looks alike
        prefix.format("legacy_code") + " (per the catalog: a typo, a dropped column, or a catalog older than the last run)",
    ]


def test_a_documented_column_spelt_otherwise_in_the_relation_is_named_in_the_warning_and_read_by_its_field():
    """PostgreSQL's "Order Date" is field order_date too: the documented order_date, which the relation lacks, was
    kept (a field Omni cannot query) and the relation's column left out; a real project's `sku_short_name.`
    (a typo) likewise (found by a review of a large real project). The field reads the relation's column."""
    manifest = make_manifest([model("orders", columns=[column("order_id"), column("order_date", description="Placed."),
                                                      column("sku_short_name.", omni={"label": "SKU"})])])
    catalog = catalog_of("order_id", "Order Date", "sku_short_name")
    catalog["nodes"]["model.shop.orders"]["columns"]["Order Date"]["type"] = "date"
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    assert omni.warnings[0].endswith("; the relation's column is spelt 'Order Date', which the field order_date reads: "
                                     "document that name instead")
    assert omni.warnings[1].endswith("; the relation's column is spelt 'sku_short_name', which the field sku_short_name "
                                     "reads: document that name instead") and len(omni.warnings) == 2
    view = yaml.safe_load(render(omni)["analytics/orders.view.yaml"])
    assert view["dimensions"]["order_date"] == {"sql": '"Order Date"', "description": "Placed.", "convert_tz": False,
                                                "timeframes": view["dimensions"]["order_date"]["timeframes"]}
    assert view["dimensions"]["sku_short_name"] == {"label": "SKU"}  # no sql: the plain name is the column's


def test_a_model_without_a_catalog_entry_is_one_warning_not_one_per_missing_column():
    """A model built after the last `dbt docs generate` (or docs generate --select): its documented
    columns stay fields, its undocumented ones are unknown until the catalog is made again."""
    manifest = make_manifest([model("orders", columns=["order_id", "other"]), model("customers", columns=["id"])])
    catalog = {"nodes": {"model.shop.customers": {"columns": {"id": {"name": "id", "type": "integer", "index": 0}}}}}
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    assert omni.warnings == ["catalog.json lists no columns of 1 exported model(s) (orders): built or renamed since "
                             "the last `dbt docs generate`, or left out by its --select? Only their documented columns "
                             "are fields until it runs again"]
    assert [d.name for d in next(v for v in omni.views if v.table_name == "orders").dimensions] == ["order_id", "other"]
    assert omni.drift == omni.warnings  # a new model is missing from every catalog until docs generate: no --warn-error


def test_a_relation_whose_warehouse_columns_are_none_is_not_blamed_on_catalog_json():
    """from_warehouse reads no catalog.json: a relation the warehouse lists no columns of (dbt-postgres's
    get_columns_in_relation left materialized views out) sent the user to `dbt docs generate`."""
    manifest = make_manifest([model("orders", columns=["order_id"]), model("customers", columns=["id"])])
    columns = {"model.shop.customers": {"columns": {"id": {"name": "id", "type": "integer", "index": 1}}},
               "model.shop.orders": {"columns": {}}}
    omni = build_omni_model(from_manifest_dict(manifest, {"nodes": columns, FROM_WAREHOUSE: True}), settings())
    assert omni.warnings == omni.drift == [
        "the warehouse lists no columns of 1 exported model(s) (orders): dbt's adapter.get_columns_in_relation (and "
        "pg_catalog) returned none, so only their documented columns are fields"]  # pg_catalog ignores privileges
    manifest["metadata"]["adapter_type"] = "snowflake"
    omni = build_omni_model(from_manifest_dict(manifest, {"nodes": columns, FROM_WAREHOUSE: True}), settings())
    assert omni.warnings[0].endswith("returned none, so only their documented columns are fields (check that this "
                                     "target's user may read the relation)")


def test_models_that_document_no_columns_without_a_catalog_are_said_once():
    """Real projects' marts often document no columns: without catalog.json their views had no dimensions, only a
    count, and nothing said why (found by a review of real manifests)."""
    manifest = make_manifest([model("orders", columns=[]), model("customers", columns=["id"]),
                              model("regions", columns=[], omni={"dimensions": {"code": {"sql": "1"}}}),
                              model("stores", columns=[], omni={"primary_key": "id"}),  # a dimension of its own
                              model("zones", columns=[], omni={"measures": {"n": {"aggregate_type": "count"}}}),
                              model("audit", columns=[column("_loaded", omni={"ignore": True})])])  # meant: not said
    omni = build(manifest)
    omni.warnings.remove("model stores: meta.omni.primary_key: column id is not documented in models/stores.yml, and "
                         "without catalog.json its columns are unknown: written as a plain dimension (document it)")
    assert omni.warnings == ["2 view(s) have no dimensions, as their YAML documents no columns and no catalog.json was "
                             "read (orders, zones): `dbt docs generate` lists every column of their relations; or "
                             "document them under columns:"]
    assert omni.drift == omni.warnings  # the catalog is made, not the project changed: no --warn-error failure
    assert build(manifest, use_catalog=False).warnings[-1].endswith(
        "(orders, zones): use_catalog: true and `dbt docs generate` list every column of their relations; or document "
        "them under columns:")
    catalog = {"nodes": {uid: {"columns": {"id": {"name": "id", "type": "integer", "index": 0}}}
                         for uid in ("model.shop.orders", "model.shop.customers", "model.shop.regions",
                                     "model.shop.stores", "model.shop.zones", "model.shop.audit")}}
    assert build(manifest, catalog).warnings == []


def test_a_catalog_entry_for_another_relation_is_not_read():
    """catalog.json of another target (`dbt parse --target prod` after a dev docs generate), or from before
    a schema or alias change, describes another table under the same unique id: its columns are not these."""
    manifest = make_manifest([model("orders", columns=["order_id"]), model("customers", columns=["id"])])
    catalog = warehouse_catalog(manifest)
    catalog["nodes"]["model.shop.orders"]["columns"]["dropped_since"] = {"name": "dropped_since", "type": "date", "index": 9}
    catalog["nodes"]["model.shop.orders"]["metadata"] = {"schema": "dbt_alice", "name": "orders"}
    catalog["nodes"]["model.shop.customers"]["columns"]["email"] = {"name": "email", "type": "text", "index": 9}
    catalog["nodes"]["model.shop.customers"]["metadata"] = {"schema": "ANALYTICS", "name": "CUSTOMERS"}  # case folds
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    dimensions = {v.table_name: [d.name for d in v.dimensions] for v in omni.views}
    assert dimensions == {"orders": ["order_id"], "customers": ["email", "id"]}
    assert omni.warnings == omni.drift == [
        "catalog.json describes 1 exported model(s) as other relations (orders as dbt_alice.orders, not "
        "analytics.orders): written for another target, or before a schema or alias change; their columns are not "
        "read from it, so only documented ones are fields (run `dbt docs generate` for this target)"]
    # Dev and prod in two databases with the same schemas (Snowflake, BigQuery projects): another target too.
    catalog["nodes"]["model.shop.orders"]["metadata"] = {"database": "DEV", "schema": "analytics", "name": "orders"}
    catalog["nodes"]["model.shop.customers"]["metadata"]["database"] = "Db"  # the node's "db": case folds
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    assert {v.table_name: [d.name for d in v.dimensions] for v in omni.views} == dimensions
    assert "(orders as DEV.analytics.orders, not db.analytics.orders)" in omni.warnings[0]


# ---- accepted_values -> all_values ------------------------------------------------------------------
def accepted_values_test(values, where=None) -> dict:
    node = test_node("accepted_values", "orders", "status")
    node["test_metadata"]["kwargs"]["values"] = values
    if where:
        node["config"]["where"] = where
    return node


def test_accepted_values_test_gives_all_values_in_the_order_written():
    manifest = make_manifest([model("orders", columns=["status"])], [accepted_values_test(["placed", "shipped", "yes", 3])])
    assert view_yaml(manifest)["dimensions"]["status"]["all_values"] == ["placed", "shipped", "yes", 3]


def test_accepted_values_test_with_a_where_filter_gives_no_all_values():
    manifest = make_manifest([model("orders", columns=["status"])], [accepted_values_test(["placed"], where="id > 10")])
    assert view_yaml(manifest)["dimensions"]["status"] == {}


def test_accepted_values_listing_a_list_are_no_all_values_and_say_so():
    """A YAML slip (`values: [[a, b], c]`) that dbt parses: a warning, not a crash of every dbt command."""
    manifest = make_manifest([model("orders", columns=["status"])], [accepted_values_test([["a", "b"], "c"])])
    omni = build(manifest)
    assert view_yaml(manifest)["dimensions"]["status"] == {}
    assert omni.warnings == ["model orders: the accepted_values test on status lists a value that is not one text or "
                             "number (['a', 'b']): its values are not written as all_values"]


def test_accepted_values_that_only_warn_are_said_in_one_warning():
    """A project-wide `+severity: warn` took every all_values away, and with them the check of filter values
    (`is: Gunbroker` for GunBroker matched no row, unsaid; found by a review of a real project's second week)."""
    tests = [accepted_values_test(["GunBroker", "Website"])]
    tests[0]["config"]["severity"] = "warn"
    listed = column("channel", omni={"all_values": ["web"]})  # listed in meta.omni: nothing lost
    channel_test = test_node("accepted_values", "orders", "channel")
    channel_test["test_metadata"]["kwargs"]["values"] = ["web", "app"]
    channel_test["config"]["severity"] = "warn"
    tier_test = test_node("accepted_values", "orders", "tier")  # a threshold lets values through whatever the severity
    tier_test["test_metadata"]["kwargs"]["values"] = ["free", "pro"]
    tier_test["config"].update(severity="warn", error_if=">100")
    manifest = make_manifest([model("orders", columns=["status", listed, "tier"])], [*tests, channel_test, tier_test])
    omni = build(manifest)
    assert omni.views[0].dimensions[1].all_values is None
    assert omni.warnings == ["1 column(s) get no all_values, as their accepted_values tests say severity: warn, so dbt "
                             "lets them fail (orders.status): filter values on them are not checked either; to keep "
                             "them whatever the severity, list them in the column's meta.omni all_values"]


def test_a_null_among_the_accepted_values_is_left_out_and_the_others_kept():
    """`values: [Mobile, Apps, null]`, common in real projects: dbt's test never fails a NULL row whatever the list,
    and all the values were lost with a warning (found by a review of a large real project)."""
    manifest = make_manifest([model("orders", columns=["status"])], [accepted_values_test(["placed", None, "shipped"])])
    omni = build(manifest)
    assert omni.views[0].dimensions[0].all_values == ["placed", "shipped"] and omni.warnings == []
    manifest = make_manifest([model("orders", columns=["status"])], [accepted_values_test([None, ["a"], "b"])])
    assert build(manifest).warnings == ["model orders: the accepted_values test on status lists a value that is not "
                                        "one text or number (['a']): its values are not written as all_values"]


def test_column_dbt_tags_and_meta_tags_become_dimension_tags():
    tagged = {**column("email", omni={"tags": ["contact"]}), "tags": ["pii", "gdpr"]}  # dbt copies config tags here
    view = view_yaml(orders(tagged, {**column("order_id"), "tags": ["key"]}, column("note")))
    assert view["dimensions"]["email"]["tags"] == ["contact", "gdpr", "pii"]
    assert view["dimensions"]["order_id"]["tags"] == ["key"]
    assert "tags" not in view["dimensions"]["note"]


def test_meta_all_values_replaces_the_accepted_values_and_an_empty_list_removes_them():
    for omni, expected in (({"all_values": ["placed", "shipped"]}, ["placed", "shipped"]), ({"all_values": []}, None)):
        manifest = make_manifest([model("orders", columns=[column("status", omni=omni)])],
                                 [accepted_values_test(["placed", "shipped", "returned"])])
        assert view_yaml(manifest)["dimensions"]["status"].get("all_values") == expected


def test_a_column_measure_takes_the_columns_ai_context_unless_it_has_its_own():
    """What the column's ai_context tells Omni's AI ("excludes shipping") holds for its aggregate too (found by a
    review of what Omni's AI reads)."""
    amount = column("amount", description="Order total.", omni={
        "ai_context": "Excludes shipping.",
        "measures": {"total": {"aggregate_type": "sum"}, "own": {"aggregate_type": "max", "ai_context": "Largest."},
                     "other": {"aggregate_type": "sum", "sql": "${amount} * 2"}}})
    [view] = build(make_manifest([model("orders", columns=["id", amount])])).views
    assert {m.name: m.ai_context for m in view.measures} == {"count": None, "other": None, "own": "Largest.",
                                                             "total": "Excludes shipping."}


def test_sample_values_are_written_for_omnis_ai_on_columns_dimensions_and_measures():
    """Omni's sample_values (examples for its AI, not filter values), refused as Omni-only before."""
    status = column("status", omni={"sample_values": ["placed", "shipped"],
                                    "measures": {"statuses": {"aggregate_type": "count_distinct", "sample_values": [3]}}})
    omni = {"dimensions": {"size": {"sql": "${status} || 'x'", "sample_values": ["S", "M"]}},
            "measures": {"revenue": {"aggregate_type": "sum", "sql": "${status}", "sample_values": [10.5]}}}
    view = view_yaml(make_manifest([model("orders", columns=["id", status], omni=omni)]))
    assert view["dimensions"]["status"] == {"sample_values": ["placed", "shipped"]}
    assert view["dimensions"]["size"]["sample_values"] == ["S", "M"]
    assert view["measures"]["statuses"]["sample_values"] == [3]
    assert view["measures"]["revenue"]["sample_values"] == [10.5]
    assert "all_values" not in view["dimensions"]["status"]


def test_an_empty_ai_context_is_none_and_keeps_a_column_measure_from_taking_the_columns():
    """Written as ai_context: '' (Omni's format has no empty one), and copied to the column's measures (found by a
    code review)."""
    amount = column("amount", omni={"ai_context": "Excludes shipping.", "measures": {
        "total": {"aggregate_type": "sum", "ai_context": ""}, "biggest": {"aggregate_type": "max"}}})
    blank = column("note", omni={"ai_context": "  ", "measures": {"notes": {"aggregate_type": "count"}}})
    view = view_yaml(make_manifest([model("orders", columns=["id", amount, blank], omni={"ai_context": ""})]))
    assert "ai_context" not in view and "ai_context" not in view["measures"]["total"]
    assert view["measures"]["biggest"]["ai_context"] == "Excludes shipping."
    assert "ai_context" not in view["dimensions"]["note"] and "ai_context" not in view["measures"]["notes"]


def test_a_warehouse_comment_describes_a_column_dbt_does_not_document():
    manifest = make_manifest([model("orders", columns=[column("order_id", description="dbt's words")])])
    catalog = {"nodes": {"model.shop.orders": {"columns": {
        "ORDER_ID": {"name": "ORDER_ID", "type": "integer", "index": 0, "comment": "the warehouse's words"},
        "legacy_code": {"name": "legacy_code", "type": "text", "index": 1, "comment": "Code of the old system."},
        "note": {"name": "note", "type": "text", "index": 2, "comment": None}}}}}
    view = yaml.safe_load(render(build_omni_model(from_manifest_dict(manifest, catalog), settings()))[
        "analytics/orders.view.yaml"])
    assert "description" not in view  # no table comment in this catalog
    assert view["dimensions"] == {"order_id": {"sql": '"ORDER_ID"', "description": "dbt's words"},
                                  "legacy_code": {"description": "Code of the old system."}, "note": {}}


@pytest.mark.parametrize("adapter, documented, stored, sql", [
    ("postgres", "order_id", "ORDER_ID", '"ORDER_ID"'),  # created quoted in upper case: reached only so
    ("postgres", "ORDER_ID", "ORDER_ID", '"ORDER_ID"'),
    ("postgres", "ORDER_ID", "order_id", None),  # YAML in upper case, stored unquoted
    ("snowflake", "order_id", "ORDER_ID", None),  # Snowflake stores unquoted names in upper case
    ("snowflake", "order_id", "order_id", '"order_id"'),
])
def test_a_documented_column_stored_in_another_case_is_quoted_as_stored(adapter, documented, stored, sql):
    """The same rule as for a column only the catalog lists: the spelling the warehouse stores decides."""
    manifest = make_manifest([model("orders", columns=[documented])], adapter_type=adapter)
    catalog = {"nodes": {"model.shop.orders": {"columns": {stored: {"name": stored, "type": "integer", "index": 0}}}}}
    view = yaml.safe_load(render(build_omni_model(from_manifest_dict(manifest, catalog), settings()))[
        "analytics/orders.view.yaml"])
    assert view["dimensions"]["order_id"].get("sql") == sql


def test_a_warehouse_table_comment_describes_a_model_dbt_does_not_describe():
    manifest = make_manifest([model("orders", columns=["id"]), model("customers", columns=["id"], description="dbt's")])
    catalog = {"nodes": {uid: {"metadata": {"comment": "From the warehouse."}, "columns": {}}
                         for uid in ("model.shop.orders", "model.shop.customers")}}
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    assert {v.table_name: v.description for v in omni.views} == {"orders": "From the warehouse.", "customers": "dbt's"}


def test_a_warehouse_comment_describes_what_dbt_lists_with_an_empty_description_crlf_as_lf():
    """dbt-osmosis and codegen list every column with description: "": the column's comment was lost, and a
    description of spaces kept the table's away; a comment's CRLF was written as one quoted line (found by a
    review of descriptions)."""
    manifest = make_manifest([model("orders", columns=[column("id", description=""), column("note", description="  "),
                                                       column("kept", description="dbt's")], description="   ")])
    catalog = {"nodes": {"model.shop.orders": {"metadata": {"comment": "Line one\r\nLine two"}, "columns": {
        "id": {"name": "id", "type": "integer", "index": 0, "comment": "The order."},
        "note": {"name": "note", "type": "text", "index": 1, "comment": "A\r\nB"},
        "kept": {"name": "kept", "type": "text", "index": 2, "comment": "the warehouse's"},
        "extra": {"name": "extra", "type": "text", "index": 3, "comment": "C\r\nD"}}}}}
    [view] = build_omni_model(from_manifest_dict(manifest, catalog), settings()).views
    assert view.description == "Line one\nLine two"
    assert {d.name: d.description for d in view.dimensions} == {"id": "The order.", "note": "A\nB", "kept": "dbt's",
                                                                "extra": "C\nD"}


def test_a_column_newer_than_the_catalog_is_a_field_once_documented():
    """The way out the error names: no dbt command (which the error would stop) is needed first."""
    stale = make_manifest([model("orders", columns=["amount"])])
    catalog = warehouse_catalog(stale)
    omni = {"measures": {"card": {"aggregate_type": "sum", "sql": "${amount}", "filters": {"method": {"is": "card"}}}}}
    assert one_problem(export_error(orders(column("amount"), omni=omni), catalog)).message == \
        "method is not a field of analytics__orders"
    model_ = build(orders(column("amount"), column("method"), omni=omni), catalog)
    assert model_.views[0].measures[0].filters == {"method": {"is": "card"}}
    assert any("column method is documented" in w for w in model_.warnings)


def test_warehouse_columns_whose_field_names_clash_are_left_out_with_a_warning_not_an_error():
    """Nobody documented them: `größe` / `grüße` (both gr_e) must not fail every dbt command."""
    manifest = make_manifest([model("orders", columns=[column("net_amount")])])
    catalog = {"nodes": {"model.shop.orders": {"columns": {
        name: {"name": name, "type": "integer", "index": i}
        for i, name in enumerate(["net_amount", "Net Amount", "größe", "grüße"])}}}}
    omni = build_omni_model(from_manifest_dict(manifest, catalog), settings())
    view = yaml.safe_load(render(omni)["analytics/orders.view.yaml"])
    assert view["dimensions"] == {"gr_e": {"sql": '"größe"', "label": "größe"}, "net_amount": {}}
    assert omni.warnings == [
        "model orders: the warehouse's column Net Amount is left out: its field name net_amount is another field's "
        "(to keep it, give it a meta.omni dimension of another name whose sql names it; to leave it out unsaid, "
        "document it under columns: in models/orders.yml with meta.omni: {ignore: true})",
        "model orders: the warehouse's column grüße is left out: its field name gr_e is another field's "
        "(to keep it, give it a meta.omni dimension of another name whose sql names it; to leave it out unsaid, "
        "document it under columns: in models/orders.yml with meta.omni: {ignore: true})"]


def test_a_column_with_leading_underscores_keeps_them_as_omnis_scan_does():
    """Fivetran's and Airbyte's `_fivetran_deleted`, a project's `_created_at`: Omni's own example of `ignored` writes
    `_fivetran_deleted:`. Stripped, `_created_at` clashed with `created_at` (an error on every dbt command), and
    `ignore: true` wrote `fivetran_deleted: {ignored: true}`, which hides no field of Omni's (a real project's YAML, found
    by a review of real users' schema files)."""
    manifest = orders(column("created_at", data_type="timestamp"), column("_created_at", data_type="timestamp"),
                      column("_fivetran_synced", data_type="timestamp", description="When Fivetran synced it."),
                      column("_fivetran_deleted", omni={"ignore": True}), column("__internal_id"),
                      omni={"measures": {"last_sync": {"aggregate_type": "max", "sql": "${_fivetran_synced}"}}})
    view = view_yaml(manifest)
    dimensions = view["dimensions"]
    assert sorted(dimensions) == ["__internal_id", "_created_at", "_fivetran_deleted", "_fivetran_synced", "created_at"]
    assert dimensions["_fivetran_deleted"] == {"ignored": True}
    assert dimensions["_fivetran_synced"]["description"] == "When Fivetran synced it."
    assert dimensions["_created_at"] == dimensions["created_at"] and "sql" not in dimensions["_created_at"]
    assert view["measures"]["last_sync"]["sql"] == "${_fivetran_synced}"
    # a name that is no identifier still loses its underscores, as before, and a digit first gets a letter
    assert field_name("_Order Date") == "order_date" and field_name("_1st") == "c_1st"


@pytest.mark.parametrize("name, field, label", [
    ("größe", "gr_e", "größe"),  # letters lost: Omni would label it "Gr E"
    ("1st_place", "c_1st_place", "1st_place"),
    ("Order Date", "order_date", None),  # Omni's own label is "Order Date" again
    ("CrmId", "crmid", None),
])
def test_a_field_name_that_loses_letters_keeps_the_column_name_as_label(name, field, label):
    view = view_yaml(orders({**column(name), "quote": True}, column("other", omni={"label": "Other"})))
    assert view["dimensions"][field].get("label") == label
    assert view["dimensions"]["other"]["label"] == "Other"
    labelled = view_yaml(orders({**column(name), "quote": True, "meta": {"omni": {"label": "Size"}}}))
    assert labelled["dimensions"][field]["label"] == "Size"



def test_a_bad_reference_in_custom_primary_key_sql_names_that_key():
    measure = {"aggregate_type": "sum_distinct_on", "sql": "${amount}", "custom_primary_key_sql": "${ amount}"}
    problem = one_problem(export_error(orders(column("amount"), omni={"measures": {"total": measure}})))
    assert (problem.message, problem.key) == ("'${ amount}' is not a field reference",
                                              "meta.omni.measures.total.custom_primary_key_sql")

@pytest.mark.parametrize("where, block", [
    ("meta.omni.dimensions.order_month.sql", {"dimensions": {"order_month": {"sql": "${order_date[mnth]}"}}}),
    ("meta.omni.measures.recent.filters", {"measures": {"recent": {"aggregate_type": "count",
                                                                   "filters": {"order_date[mnth]": {"is": "2024-01"}}}}}),
    ("meta.omni.topic.default_filters", {"topic": {"default_filters": {"orders.order_date[mnth]": {"is": "2024-01"}}}}),
])
def test_a_timeframe_omni_does_not_have_is_an_error_with_the_closest(where, block):
    problem = one_problem(export_error(orders(column("order_date", data_type="date"), omni=block)))
    assert (problem.message, problem.key, problem.suggestion) == (
        "[mnth] is not an Omni timeframe (order_date[mnth])", where, "month")


def test_a_timeframe_the_field_does_not_list_is_a_warning():
    """A date's timeframes stop at date: ${order_date[hour]} names one Omni does not offer there."""
    omni = build(orders(column("order_date", data_type="date"),
                        omni={"dimensions": {"order_hour": {"sql": "${order_date[hour]}"},
                                             "order_month": {"sql": "${order_date[month]}"}}}))
    assert omni.warnings == ["model orders: meta.omni.dimensions.order_hour.sql: order_date[hour]: analytics__orders."
                             "order_date lists the timeframes date, week, month, quarter, year, not hour"]



@pytest.mark.parametrize("data_type, warned", [("varchar", True), ("integer[]", True), ("timestamptz", False), (None, False)])
def test_a_timeframe_on_a_column_that_is_no_date_or_time_is_a_warning(data_type, warned):
    """status[month] in a topic's fields: Omni offers no month of a text. Without a known type, no word."""
    omni = build(orders(column("status", data_type=data_type),
                        omni={"topic": {"fields": ["orders.status[month]"]},
                              "dimensions": {"status_month": {"sql": "${status[month]}"}}}))
    expected = [f"model orders: {key}: status[month]: analytics__orders.status is {data_type}, not a date or "
                "timestamp, and only a date or time dimension has timeframes"
                for key in ("meta.omni.dimensions.status_month.sql", "meta.omni.topic.fields")]
    assert omni.warnings == (expected if warned else [])

FINANCE_GRANT = {"access_grants": {"finance": {"user_attribute": "department", "allowed_values": ["finance"]}}}


def test_required_access_grants_reach_every_kind_of_item_that_takes_them():
    """The model file may define access_grants; each view, field and topic says which it requires."""
    grants = {"required_access_grants": ["finance"]}
    manifest = orders(
        column("amount", omni={**grants, "measures": {"revenue": {"aggregate_type": "sum", **grants}}}),
        column("status", omni={"all_values": ["paid"]}),
        omni={**grants, "topic": {**grants},
              "dimensions": {"big": {"sql": "${amount} > 100", "all_values": [True, False], **grants}}})
    files = render_files(manifest, model_file=FINANCE_GRANT)
    view = yaml.safe_load(files["analytics/orders.view.yaml"])
    assert view["required_access_grants"] == ["finance"]
    assert view["dimensions"]["amount"]["required_access_grants"] == ["finance"]
    assert view["dimensions"]["big"] == {"sql": "${amount} > 100", "all_values": [True, False],
                                         "required_access_grants": ["finance"]}
    assert view["measures"]["revenue"]["required_access_grants"] == ["finance"]
    assert yaml.safe_load(files["orders.topic.yaml"])["required_access_grants"] == ["finance"]


@pytest.mark.parametrize("model_file, expected", [
    (FINANCE_GRANT, "a grant of vars.dbt_omni.model_file.access_grants (finance)"),
    ({}, "a grant of vars.dbt_omni.model_file.access_grants (none is defined)"),
])
def test_a_required_access_grant_the_model_file_does_not_define_is_an_error(model_file, expected):
    manifest = orders(column("amount", omni={"required_access_grants": ["fnance"]}))
    problem = one_problem(export_error(manifest, model_file=model_file))
    assert (problem.message, problem.model, problem.key, problem.expected) == (
        "access grant 'fnance' is not defined", "orders", "columns.amount.meta.omni.required_access_grants", expected)
    assert problem.suggestion == ("finance" if model_file else None)


def test_a_column_measure_without_aggregate_type_is_an_error():
    """`units_sold: {label: Units sold}` under a column wrote `sql: ${quantity}`: no measure in Omni."""
    problem = one_problem(export_error(orders(column("quantity", omni={"measures": {"units_sold": {"label": "Units"}}}))))
    assert problem.key == "columns.quantity.meta.omni.measures.units_sold.aggregate_type"
    assert problem.message.startswith("a column's measure needs aggregate_type")


def test_an_aggregate_over_a_measure_is_an_error_and_sql_alone_over_a_dimension_a_warning():
    total = {"total": {"aggregate_type": "sum", "sql": "${amount}"}}
    problem = one_problem(export_error(orders(column("amount"), omni={"measures": {
        **total, "double_sum": {"aggregate_type": "sum", "sql": "${total} * 2"}}})))
    assert (problem.key, problem.message) == ("meta.omni.measures.double_sum.sql",
                                              "aggregate_type sum over the measure ${total}: an aggregate of an aggregate")
    omni = build(orders(column("amount"), column("customer_id"), omni={"measures": {
        **total, "buyers": {"sql": "${customer_id}"}, "per_buyer": {"sql": "${total} / nullif(${buyers}, 0)"},
        "distinct_buyers": {"sql": "COUNT(DISTINCT ${customer_id})"}}}))
    assert omni.warnings == ["model orders: meta.omni.measures.buyers.sql: ${customer_id} has no aggregate_type, no "
                             "aggregate (sum(...), count(...)) and no measure in it: Omni takes it for no measure "
                             "(add aggregate_type)"]


def test_an_aggregate_call_under_aggregate_type_is_a_warning_naming_the_call():
    """`{aggregate_type: sum, sql: sum(${amount})}` is sum(sum(amount)) in Omni's SQL: the warehouse refuses it."""
    omni = build(orders(column("amount"), column("status"), column("customer_id"), omni={"measures": {
        "nested": {"aggregate_type": "sum", "sql": "SUM(${amount})"},
        "distinct": {"aggregate_type": "count_distinct", "sql": "count (distinct ${customer_id})"},
        "literal": {"aggregate_type": "sum", "sql": "case when ${status} = 'sum(' then ${amount} end"},
        "udf": {"aggregate_type": "sum", "sql": "summary_score(${amount})"},
        "plain": {"aggregate_type": "max", "sql": "greatest(${amount}, 0)"}}}))
    assert omni.warnings == [
        "model orders: meta.omni.measures.distinct.sql: aggregate_type count_distinct over count(...): an aggregate of "
        "an aggregate, which the warehouse refuses (drop aggregate_type to keep the sql's own aggregate, or drop "
        "count(...))",
        "model orders: meta.omni.measures.nested.sql: aggregate_type sum over SUM(...): an aggregate of an aggregate, "
        "which the warehouse refuses (drop aggregate_type to keep the sql's own aggregate, or drop SUM(...))"]


def test_an_aggregate_in_a_dimension_is_a_warning_but_a_window_is_not():
    omni = build(orders(column("amount"), column("customer_id"), omni={"dimensions": {
        "total": {"sql": "SUM(${amount})"},
        "running": {"sql": "sum(${amount}) over (partition by ${customer_id})"},
        "text": {"sql": "'max(' || ${customer_id}"}}}))
    assert omni.warnings == ["model orders: meta.omni.dimensions.total.sql calls SUM(...), an aggregate: a dimension "
                             "is computed row by row (make it a measure)"]


@pytest.mark.parametrize(("where", "key"), [
    ({"dimensions": {"big_order": {"sql": "${total} > 50"}}}, "meta.omni.dimensions.big_order.sql"),
    ({"joins": [{"to": "customers", "on_sql": "${customer_id} = ${customers.id} and ${total} > 0"}]},
     "meta.omni.joins[0].on_sql"),
])
def test_a_measure_in_row_level_sql_is_an_error(where, key):
    manifest = make_manifest([
        model("orders", columns=["customer_id", "amount"],
              omni={"measures": {"total": {"aggregate_type": "sum", "sql": "${amount}"}}, **where}),
        model("customers", columns=["id"])])
    problem = one_problem(export_error(manifest))
    assert (problem.key, problem.model, problem.message, problem.expected) == (
        key, "orders", "${total} is a measure of analytics__orders: this SQL is evaluated row by row, and a measure "
        "aggregates rows", "a column or dimension (or make this a measure: sql alone may combine measures)")


def test_a_grant_expression_is_checked_grant_by_grant_and_the_model_files_defaults_too():
    """Omni takes `finance|sales` and `finance&sales` in one entry (either, or both grants)."""
    grants = {"access_grants": {"finance": {}, "sales": {}}}
    manifest = orders(column("amount", omni={"required_access_grants": ["finance|sales", "finance & sales"]}))
    assert build(manifest, model_file=grants).views[0].dimensions[0].required_access_grants == ["finance|sales",
                                                                                               "finance & sales"]
    problem = one_problem(export_error(orders(column("amount", omni={"required_access_grants": ["finance|slaes"]})),
                                       model_file=grants))
    assert (problem.message, problem.suggestion) == ("access grant 'slaes' is not defined", "sales")
    problem = one_problem(export_error(orders(column("amount")),
                                       model_file={**grants, "default_topic_required_access_grants": ["fnance"]}))
    assert (problem.key, problem.model, problem.suggestion) == (
        "vars.dbt_omni.model_file.default_topic_required_access_grants", None, "finance")


def test_sql_alone_over_another_views_measure_is_no_warning():
    manifest = make_manifest([model("orders", columns=["customer_id"], omni={
        "measures": {"per_customer": {"sql": "${customers.count} * 1.0"}},
        "joins": [{"to": "customers", "on_sql": "${customer_id} = ${customers.id}"}]}),
        model("customers", columns=["id"], omni={"primary_key": "id"})])
    assert build(manifest).warnings == []


def test_an_ignored_column_named_count_is_hidden_and_no_count_measure_takes_its_name():
    view = view_yaml(orders(column("order_id"), column("count", omni={"ignore": True})))
    assert view["dimensions"] == {"count": {"ignored": True}, "order_id": {}} and "measures" not in view


def test_a_column_named_count_leaves_the_view_without_a_row_count_and_says_so():
    """A real project's events model with a column `count`: its view had no row count, unsaid (found by a review of
    a large real project); a measure of the view's own that counts rows needs no word."""
    omni = build(make_manifest([model(name, columns=["id", "count"]) for name in ("events", "clicks")]))
    assert [m.name for v in omni.views for m in v.measures] == []
    assert omni.warnings == omni.drift == [  # one line for all (a review); no error under --warn-error: no mistake
        "2 model(s) have a column named count, which takes the name of the view's row count, so their views have none "
        "(clicks, events): a meta.omni measure of another name, aggregate_type: count, counts the rows"]
    omni = build(orders(column("order_id"), column("count"), omni={"measures": {"rows": {"aggregate_type": "count"}}}))
    assert [m.name for m in omni.views[0].measures] == ["rows"] and omni.warnings == []


def test_a_timeframe_on_a_measure_is_an_error():
    problem = one_problem(export_error(orders(column("amount"), omni={"measures": {
        "total": {"aggregate_type": "sum", "sql": "${amount}"}, "monthly": {"sql": "${total[month]} * 1"}}})))
    assert (problem.key, problem.message) == ("meta.omni.measures.monthly.sql", "total[month]: total is a measure of "
                                              "analytics__orders, and only a date or time dimension has timeframes")


# ---- aliases: names from before a rename ---------------------------------------------------------------
def test_aliases_keep_the_names_a_rename_took_away():
    """A column renamed in dbt (sale_price -> order_price) keeps Omni's saved content working through
    Omni's aliases; so do renamed measures, meta.omni dimensions and views."""
    manifest = orders(
        column("order_price", omni={"aliases": ["sale_price", "price"],
                                    "measures": {"revenue": {"aggregate_type": "sum", "aliases": ["total_sales"]}}}),
        omni={"aliases": ["analytics__sales"],
              "dimensions": {"price_band": {"sql": "${order_price} > 100", "aliases": ["band"]}},
              "measures": {"order_count": {"aggregate_type": "count", "aliases": ["orders"]}}},
    )
    view = view_yaml(manifest)
    assert view["aliases"] == ["analytics__sales"]
    assert view["dimensions"]["order_price"]["aliases"] == ["sale_price", "price"]  # as written
    assert view["dimensions"]["price_band"]["aliases"] == ["band"]
    assert view["measures"]["revenue"]["aliases"] == ["total_sales"]
    assert view["measures"]["order_count"]["aliases"] == ["orders"]
    # a field's old name may be a column's with leading underscores, as Omni's scan names it
    renamed = view_yaml(orders(column("loaded_at", omni={"aliases": ["_loaded_at"]})))
    assert renamed["dimensions"]["loaded_at"]["aliases"] == ["_loaded_at"]
    problem = one_problem(export_error(orders(column("loaded_at", omni={"aliases": ["1st_load"]}))))
    assert (problem.key, problem.expected) == ("columns.loaded_at.meta.omni.aliases[0]", "a letter (after any underscores, "
                                               "as a column's name may begin), then letters, digits or underscores, all ASCII")


@pytest.mark.parametrize("omni, key, message", [
    ({"dimensions": {"band": {"sql": "1", "aliases": ["order_id"]}}}, "meta.omni.dimensions.band.aliases",
     "alias 'order_id' is the name of another field"),
    ({"dimensions": {"band": {"sql": "1", "aliases": ["band"]}}}, "meta.omni.dimensions.band.aliases",
     "alias 'band' is the field's own name"),
    ({"dimensions": {"a": {"sql": "1", "aliases": ["old"]}, "b": {"sql": "2", "aliases": ["old"]}}},
     "meta.omni.dimensions.b.aliases", "alias 'old' is claimed by two fields, a and b"),
    ({"measures": {"total": {"aggregate_type": "count", "aliases": ["count"]}}}, "meta.omni.measures.total.aliases",
     "alias 'count' is the name of another field"),
])
def test_an_alias_that_would_mean_two_fields_is_an_error(omni, key, message):
    problem = one_problem(export_error(orders(column("order_id"), omni=omni)))
    assert (problem.key, problem.message) == (key, message)
    assert problem.file == "models/orders.yml" and problem.model == "orders"


def test_a_rename_with_aliases_does_not_stop_on_a_catalog_from_before_it():
    """channel renamed order_channel, aliases [channel]: the catalog (made before the build that renames it, which
    dbt parses first) still lists channel, and every dbt command stopped with 'alias is the name of another field'
    until the catalog was remade after a build the error itself prevented. Now a drift warning."""
    manifest = orders(column("order_id"), column("order_channel", omni={"aliases": ["channel"]}))
    catalog = warehouse_catalog(orders(column("order_id"), column("channel")))
    omni = build(manifest, catalog)
    assert [d.name for d in omni.views[0].dimensions] == ["order_channel", "order_id"]
    assert omni.drift == omni.warnings == [
        "model orders: column order_channel is documented (models/orders.yml), but catalog.json lists the relation "
        "without it and with channel, its old name (aliases): a catalog from before the rename, so the old column is "
        "left out (build the model, then run `dbt docs generate`)"]  # not 'did you mean channel?': no typo
    documented = orders(column("order_id"), column("channel"), column("order_channel", omni={"aliases": ["channel"]}))
    problem = one_problem(export_error(documented))  # a documented column is no stale catalog: still an error
    assert problem.message == "alias 'channel' is the name of another field"
    both = warehouse_catalog(orders(column("order_id"), column("channel"), column("order_channel")))
    problem = one_problem(export_error(manifest, both))  # the relation has both: the alias would hide a column
    assert problem.message == "alias 'channel' is the name of another field"

def test_a_view_alias_that_another_view_has_as_its_name_is_an_error():
    manifest = make_manifest([model("orders", omni={"aliases": ["analytics__customers"]}), model("customers")])
    problem = one_problem(export_error(manifest))
    assert (problem.model, problem.key, problem.message) == (
        "orders", "meta.omni.aliases", "alias 'analytics__customers' is the name of another view")


def test_an_alias_must_be_a_field_name():
    problem = one_problem(export_error(orders(column("order_id", omni={"aliases": ["Sale Price"]}))))
    assert problem.key == "columns.order_id.meta.omni.aliases[0]" and "not a valid name" in problem.message


# ---- drill fields ------------------------------------------------------------------------------------
def shop_with_drills(orders_omni: dict, amount_omni=None) -> dict:
    return make_manifest([
        model("orders", columns=["order_id", "customer_id", column("ordered_at", data_type="date"),
                                 column("amount", omni=amount_omni)], omni=orders_omni),
        model("customers", columns=["customer_id", "name"]),
    ])


def test_drill_fields_name_models_as_dbt_does_and_are_written_in_omnis_names():
    manifest = shop_with_drills(
        {"default_drill_fields": ["order_id", "customers.name", "ordered_at[month]"],
         "measures": {"order_count": {"aggregate_type": "count", "drill_fields": ["order_id", "tag:finance", "customers.name"]}}},
        {"measures": {"revenue": {"aggregate_type": "sum", "drill_fields": []}}})
    view = view_yaml(manifest)
    assert view["default_drill_fields"] == ["order_id", "analytics__customers.name", "ordered_at[month]"]
    assert view["measures"]["order_count"]["drill_fields"] == ["order_id", "tag:finance", "analytics__customers.name"]
    assert view["measures"]["revenue"]["drill_fields"] == []  # Omni's "no drill", not left out
    assert "drill_fields" not in view["measures"]["count"]


def test_an_empty_default_drill_fields_is_written_too():
    files = render_files(shop_with_drills({"default_drill_fields": []}))
    assert "\ndefault_drill_fields: []\n" in files["analytics/orders.view.yaml"]


@pytest.mark.parametrize("omni, key, message", [
    ({"default_drill_fields": ["order_idd"]}, "meta.omni.default_drill_fields", "order_idd is not a field of analytics__orders"),
    ({"measures": {"n": {"aggregate_type": "count", "drill_fields": ["customers.nmae"]}}}, "meta.omni.measures.n.drill_fields",
     "nmae is not a field of analytics__customers"),
    ({"measures": {"n": {"aggregate_type": "count", "drill_fields": ["custmers.name"]}}}, "meta.omni.measures.n.drill_fields",
     "unknown model 'custmers'"),
])
def test_a_drill_field_that_is_no_field_is_an_error_with_the_closest(omni, key, message):
    manifest = shop_with_drills(omni)
    problem = one_problem(export_error(manifest, catalog=warehouse_catalog(manifest)))
    assert (problem.key, problem.message) == (key, message)
    assert problem.suggestion in ("order_id", "name", "customers")


@pytest.mark.parametrize("ref", ["-customers.name", "-order_id", "customers.*", "*"])
def test_drill_fields_take_no_exclusion_or_wildcard(ref):
    """A topic's fields may; Omni's drill fields name fields and tags only."""
    problem = one_problem(export_error(shop_with_drills({"default_drill_fields": [ref]})))
    assert problem.key == "meta.omni.default_drill_fields" and "takes no exclusion or wildcard" in problem.message


def test_drill_fields_and_measures_may_name_a_join_alias_as_omni_does():
    joins = [{"to": "customers", "join_to_view_as": "buyers", "relationship_type": "many_to_one",
              "on_sql": "${orders.customer_id} = ${buyers.customer_id}"}]
    manifest = shop_with_drills({"joins": joins, "default_drill_fields": ["buyers.name"],
                                 "measures": {"buyer_count": {"sql": "count(distinct ${buyers.customer_id})"}}})
    view = view_yaml(manifest)
    assert view["default_drill_fields"] == ["buyers.name"]
    assert view["measures"]["buyer_count"]["sql"] == "count(distinct ${buyers.customer_id})"


def test_a_view_alias_that_is_a_joins_alias_is_an_error():
    joins = [{"to": "customers", "join_to_view_as": "buyers", "relationship_type": "many_to_one",
              "on_sql": "${orders.customer_id} = ${buyers.customer_id}"}]
    problem = one_problem(export_error(shop_with_drills({"joins": joins, "aliases": ["buyers"]})))
    assert (problem.key, problem.message) == ("meta.omni.aliases", "alias 'buyers' is the name of another view")


def test_a_shared_metric_takes_drill_fields_too():
    from testkit import package_macros

    manifest = make_manifest([model("subscription_months", columns=["customer_id", "mrr", "previous_mrr"], omni={
        "measures": {"churn": {"metric": "dbt_omni.customer_churn_rate", "drill_fields": ["customer_id"]}}})])
    manifest["macros"] = package_macros()
    measures = view_yaml(manifest, "analytics/subscription_months.view.yaml")["measures"]
    assert measures["churn"]["drill_fields"] == ["customer_id"] and "drill_fields" not in measures["churn_numerator"]


def test_an_alias_or_grant_error_on_a_quoted_column_names_the_column_as_dbt_does():
    """`CrmId` is the field crmid; the user wrote columns: - name: CrmId."""
    manifest = orders(column("CrmId", omni={"aliases": ["count"]}))
    problem = one_problem(export_error(manifest))
    assert problem.key == "columns.CrmId.meta.omni.aliases"
    grant = one_problem(export_error(orders(column("CrmId", omni={"required_access_grants": ["finance"]}))))
    assert grant.key == "columns.CrmId.meta.omni.required_access_grants"


def test_an_extra_dimension_keeps_every_key_it_sets():
    extra = {"sql": "${paid_at}", "label": "Paid", "description": "When it was paid.", "format": "yyyy-mm-dd",
             "group_label": "Dates", "hidden": True, "timeframes": ["date", "month"]}
    dimensions = view_yaml(orders(column("paid_at", data_type="timestamp"),
                                  omni={"dimensions": {"paid_on": extra}}))["dimensions"]
    assert dimensions["paid_on"] == extra


def test_a_meta_omni_dimension_named_like_a_field_but_for_case_is_a_warning():
    """`CustomerID` beside the column customerid: two fields in one view whose names differ only in case."""
    omni = build(orders(column("customerid"), column("amount"),
                        omni={"dimensions": {"CustomerID": {"sql": "upper(${customerid})"},
                                             "AmountBand": {"sql": "${amount} > 100"}}}))
    assert omni.warnings == ["model orders: meta.omni.dimensions.CustomerID: CustomerID differs only in case from "
                             "the field customerid; a reference may find the other (give it a lowercase name of its own)"]


def test_sql_naming_a_column_only_the_catalog_lists_warns_that_a_run_without_it_fails():
    """Locally, with catalog.json, `${payment_count}` resolved and nothing was said; on a fresh clone or in CI
    (no catalog yet) the same project stopped every dbt command with 'not a field'."""
    def manifest(documented):
        return make_manifest([
            model("orders", columns=["id", "customer_id", *documented], omni={
                "measures": {"avg_payments": {"sql": "${payment_count}", "aggregate_type": "average"}},
                "joins": [{"to": "customers", "on_sql": "${orders.customer_id} = ${customers.account}"}]}),
            model("customers", columns=["id"], omni={"primary_key": "id"})])
    catalog = {"nodes": {
        "model.shop.orders": {"columns": {name: {"name": name, "type": "integer", "index": i}
                                          for i, name in enumerate(["id", "customer_id", "payment_count"])}},
        "model.shop.customers": {"columns": {name: {"name": name, "type": "integer", "index": i}
                                             for i, name in enumerate(["id", "account"])}}}}
    warnings = build_omni_model(from_manifest_dict(manifest([]), catalog), settings()).warnings
    assert [w for w in warnings if "only catalog.json lists" in w] == [
        "model orders: meta.omni.measures.avg_payments.sql: ${payment_count} is a column only catalog.json lists (of "
        "analytics__orders): where there is none (a fresh clone, a CI run before `dbt docs generate`) this is an "
        "error; document it under columns: in models/orders.yml",
        "model orders: meta.omni.joins[0].on_sql: ${account} is a column only catalog.json lists (of "
        "analytics__customers): where there is none (a fresh clone, a CI run before `dbt docs generate`) this is an "
        "error; document it under columns: in models/customers.yml"]
    documented = build_omni_model(from_manifest_dict(manifest(["payment_count"]), catalog), settings()).warnings
    assert [w for w in documented if "payment_count" in w] == []
    # A relationships test's join is made only where its columns are known: without the catalog it is left out,
    # no error, so nothing to say of undocumented columns it joins on.
    tested = make_manifest([model("orders", columns=["id"]), model("customers", columns=[])],
                           [test_node("relationships", "orders", "account", to="customers", field="account")])
    catalog["nodes"]["model.shop.orders"]["columns"]["account"] = {"name": "account", "type": "integer", "index": 9}
    omni = build_omni_model(from_manifest_dict(tested, catalog), settings())
    assert len(omni.relationships) == 1 and not [w for w in omni.warnings if "only catalog.json lists" in w], omni.warnings


def test_a_filter_value_outside_a_fields_accepted_values_is_a_warning():
    """`is: complete` where the accepted_values test says `completed`: the measure summed 0, unsaid."""
    manifest = make_manifest([model("orders", columns=["id", "status", "amount"], omni={
        "measures": {"done": {"aggregate_type": "sum", "sql": "${amount}",
                              "filters": {"status": {"is": ["complete", "pending"]}}},
                     "open": {"aggregate_type": "sum", "sql": "${amount}", "filters": {"status": {"not": "completed"}}}},
        "topic": {"default_filters": {"orders.status": {"not": "canceled"}}}})],
        [{**test_node("accepted_values", "orders", "status"), "test_metadata": {
            "name": "accepted_values", "kwargs": {"column_name": "status", "values": ["completed", "pending", "cancelled"]}}}])
    warnings = build(manifest).warnings
    assert warnings == [
        "model orders: meta.omni.measures.done.filters.status: is 'complete' is none of status's all_values (cancelled, "
        "completed, pending: its accepted_values test or meta.omni.all_values), so no row has it; did you mean "
        "completed?",
        # (`not` a value no row has excludes nothing: "matches no row" was said of it)
        "model orders: meta.omni.topic.default_filters.analytics__orders.status: not 'canceled' is none of status's "
        "all_values (cancelled, completed, pending: its accepted_values test or meta.omni.all_values), so no row has "
        "it; did you mean cancelled?"]
    numbered = make_manifest([model("orders", columns=[column("tier", omni={"all_values": [1, 2]}), "amount"], omni={
        "measures": {"top": {"aggregate_type": "sum", "sql": "${amount}", "filters": {"tier": {"is": [1.0, "2", 3]}}}}})])
    assert [w.partition(": is")[2] for w in build(numbered).warnings] == [
        " 3 is none of tier's all_values (1, 2: its accepted_values test or meta.omni.all_values), so no row has it"]


def test_a_field_or_value_in_another_case_gets_the_closest_spelling_too():
    """Snowflake habits in YAML (STATS for status, Cancelled for CANCELED) got no suggestion, as a typo did
    (found by a review of a real project's second week)."""
    manifest = make_manifest([model("orders", columns=["id", "status", "amount"], omni={
        "measures": {"open": {"aggregate_type": "sum", "sql": "${amount}", "filters": {"status": {"not": "Cancelled"}}}}})],
        [{**test_node("accepted_values", "orders", "status"), "test_metadata": {
            "name": "accepted_values", "kwargs": {"column_name": "status", "values": ["COMPLETED", "CANCELED"]}}}])
    assert build(manifest).warnings[0].endswith("; did you mean CANCELED?")
    manifest = make_manifest([model("orders", columns=["id", "status", "amount"], omni={
        "measures": {"open": {"aggregate_type": "sum", "sql": "${amount}", "filters": {"STATS": {"is": "x"}}}}})])
    problem = one_problem(export_error(manifest, catalog_of("id", "status", "amount")))  # (its columns known)
    assert (problem.message, problem.suggestion) == ("STATS is not a field of analytics__orders", "status")


@pytest.mark.parametrize("word, choices, found", [
    ("paid", ["PAID", "unpaid"], "PAID"),  # the same word in another case, not the opposite value (an audit)
    ("active", ["ACTIVE", "inactive"], "ACTIVE"),
    ("lable", ["label", "hidden"], "label"),
    ("Cancelled", ["CANCELED", "COMPLETED"], "CANCELED"),
    ("zzz", ["label"], None),
])
def test_the_closest_spelling_prefers_the_same_word_in_another_case(word, choices, found):
    from dbt_omni.errors import closest

    assert closest(word, choices) == found


def test_a_filter_value_in_lightdashs_syntax_is_a_warning():
    """Lightdash's filters: [{event_id: ">5"}], written as is: '>5', Omni compares the column to that text (found by
    a review of a Lightdash migration)."""
    manifest = make_manifest([model("events", columns=["event_id", "status", "note"], omni={"measures": {
        "later": {"aggregate_type": "count", "filters": {"event_id": {"is": ">5"}}},
        "known": {"aggregate_type": "count", "filters": {"status": {"is": ["open", "!null"]}}},
        "plain": {"aggregate_type": "count", "filters": {"note": {"is": ["a > b", "x-ray", "NULLS", "-5", "--", "50%",
                                                                          "100% cotton"], "greater_than": 5}}},
        "nulls": {"aggregate_type": "count", "filters": {"note": {"not": "NULL"}}},
        "blog": {"aggregate_type": "count", "filters": {"note": {"is": "/blog%"}, "status": {"not": "-cancelled"}}}}})])
    said = [w.partition(" is compared")[0] for w in build(manifest).warnings]
    # a value the field has is no other tool's syntax: an age band '<18' (a code review)
    banded = make_manifest([model("people", columns=[column("age_band", omni={"all_values": ["<18", "18-64", ">=65"]})],
                                  omni={"measures": {"minors": {"aggregate_type": "count",
                                                                "filters": {"age_band": {"is": "<18"}}}}})])
    assert build(banded).warnings == []
    assert said == [f"model events: meta.omni.measures.{where}" for where in (
        "blog.filters.note: is '/blog%'", "blog.filters.status: not '-cancelled'",  # LookML's, from dbt2looker
        "known.filters.status: is '!null'", "later.filters.event_id: is '>5'", "nulls.filters.note: not 'NULL'")]
    assert build(manifest).warnings[3] == (  # (none of plain's: '-5', '--', '50%', '100% cotton', 'a > b' are text)
        "model events: meta.omni.measures.later.filters.event_id: is '>5' is compared as that text: another tool's filter "
        "syntax? Omni writes Lightdash's '>5' as greater_than: 5, '!null' as not: null, LookML's '%blog%' as contains: "
        "blog, '-x' as not: x, 'NULL' as is: null")
