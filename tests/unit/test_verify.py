"""verify's plan: which checks it makes from an export, and the grouping it is asked for."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from dbt_omni import verify
from dbt_omni.config import settings_from_dict
from dbt_omni.errors import OmniExportError
from dbt_omni.export import ExportContext, export
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.verify import Check, plan, report
from testkit import column, make_manifest, model, one_problem, package_macros


def exported(tmp_path, extra_columns=(), **mrr):
    return exported_project(tmp_path, [model("subscription_months", columns=[
        "subscription_type", "subscription_amount", column("month_start", data_type="date"), "plan", "customer_id",
        "account_ref", column("tier", omni={"all_values": ["free", "pro"]}), *extra_columns],
        omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue", **mrr}}})])


def exported_project(tmp_path, models: list, adapter_type: str = "postgres") -> tuple:
    """(the typed project, the folder its export was written to), with the package's metric macros."""
    manifest = make_manifest(models, adapter_type=adapter_type)
    manifest["macros"] = package_macros()
    out = tmp_path / "omni"
    export(lambda catalog: from_manifest_dict(manifest, catalog), settings_from_dict({"output_dir": str(out)}, source="t"),
           ExportContext(project_dir=tmp_path))
    return from_manifest_dict(manifest), out


def test_by_groups_each_shared_metric_by_the_dimensions_named(tmp_path):
    project, out = exported(tmp_path)
    checks = plan(project, out, by=["plan"])
    assert [(c.measure, c.grain) for c in checks] == [("analytics__subscription_months.mrr", None),
                                                      ("analytics__subscription_months.mrr", "plan")]


@pytest.mark.parametrize("by, message, suggestion", [
    ("plna", "no view with shared metrics has a dimension 'plna'", "plan"),
    ("month_start[month]", "verify groups by a dimension's own values, not by a timeframe ('month_start[month]')",
     "month_start"),  # not a misspelling of another dimension
])
def test_a_by_dimension_verify_cannot_group_by_is_an_error_not_a_silent_total(tmp_path, by, message, suggestion):
    project, out = exported(tmp_path)
    with pytest.raises(OmniExportError) as info:
        plan(project, out, by=[by])
    problem = one_problem(info.value)
    assert (problem.message, problem.key, problem.suggestion) == (message, "by", suggestion)


def test_a_misspelt_select_is_an_error_with_the_closest_name(tmp_path):
    project, out = exported(tmp_path)
    assert len(plan(project, out, select=["analytics__subscription_months"])) > 1  # an Omni view name
    with pytest.raises(OmniExportError) as info:
        plan(project, out, select=["subscription_month"])
    problem = one_problem(info.value)
    assert problem.message == "select 'subscription_month' matches no model and no exported view"
    assert (problem.key, problem.suggestion) == ("select", "subscription_months")


def test_a_metric_with_filters_is_run_over_the_same_rows_on_dbts_side(tmp_path):
    project, out = exported(tmp_path, filters={"plan": {"is": "pro"}})
    total = plan(project, out)[0]
    assert total.filtered and total.dbt_sql.endswith("from __DBT_OMNI_RELATION__ where plan in ('pro')")
    assert "case when plan in ('pro') then" in total.omni_sql  # Omni's measure filters inside its aggregate


def test_a_filter_naming_the_model_is_run_as_its_plain_field_and_a_timeframe_is_a_clear_error(tmp_path):
    """The export writes `subscription_months.plan` as analytics__subscription_months.plan."""
    project, out = exported(tmp_path, filters={"subscription_months.plan": {"is": "pro"}})
    total = plan(project, out)[0]
    assert total.dbt_sql.endswith("where plan in ('pro')") and "case when plan in ('pro') then" in total.omni_sql
    project, out = exported(tmp_path / "tf", filters={"month_start[month]": {"is": "2024-01"}})
    with pytest.raises(OmniExportError) as info:
        plan(project, out)
    assert "verify cannot evaluate a filter on a timeframe" in one_problem(info.value).message


@pytest.mark.parametrize("condition, sql", [
    ({"is": None}, "plan is null"),  # SQL's `plan in (null)` would match no row: a check that proves nothing
    ({"not": None}, "plan is not null"),
    ({"is": ["pro", None]}, "(plan in ('pro') or plan is null)"),
    ({"not": ["o'brien", None]}, "(plan not in ('o''brien') and plan is not null)"),
])
def test_a_null_in_a_filter_is_tested_with_is_null(tmp_path, condition, sql):
    project, out = exported(tmp_path, filters={"plan": condition})
    assert plan(project, out)[0].dbt_sql.endswith(f"from __DBT_OMNI_RELATION__ where {sql}")


@pytest.mark.parametrize("adapter_type, literal", [("postgres", "'o''brien'"), ("bigquery", "'o\\'brien'"),
                                                   ("spark", "'o\\'brien'")])
def test_a_filter_value_is_quoted_as_the_warehouse_reads_it(tmp_path, adapter_type, literal):
    """BigQuery refuses 'o''brien' and Spark reads it as 'obrien': verify quotes as the metric macros do."""
    project, out = exported_project(tmp_path, [model("subscription_months", columns=[
        "subscription_type", "subscription_amount", column("month_start", data_type="date"), "plan"],
        omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue", "filters": {"plan": {"is": "o'brien"}}}}})],
        adapter_type=adapter_type)
    assert plan(project, out)[0].dbt_sql.endswith(f"from __DBT_OMNI_RELATION__ where plan in ({literal})")


def test_a_quote_in_a_plan_type_value_is_doubled_in_the_sql(tmp_path):
    project, out = exported(tmp_path, args={"monthly_value": "o'brien"})
    assert "subscription_type = 'o''brien' then" in plan(project, out)[0].omni_sql


def test_a_filter_operator_verify_cannot_run_names_the_measure(tmp_path):
    project, out = exported(tmp_path, filters={"plan": {"starts_with": "pro"}})
    with pytest.raises(OmniExportError) as info:
        plan(project, out)
    problem = one_problem(info.value)
    assert problem.message == "measure mrr: verify cannot evaluate filter operator 'starts_with'"
    assert problem.key == "measures.mrr.filters.plan" and problem.file.endswith("subscription_months.view.yaml")


def test_a_ratio_verify_cannot_run_is_said_of_the_metric_the_user_wrote_not_its_hidden_component(tmp_path):
    """A ratio's filters are on its hidden components (arpa_numerator, ...): the user wrote `arpa`."""
    project, out = exported_project(tmp_path, [model("subscription_months", columns=["mrr", "plan"], omni={"measures": {
        "arpa": {"metric": "average_revenue_per_account", "filters": {"plan": {"starts_with": "pro"}}}}})])
    with pytest.raises(OmniExportError) as info:
        plan(project, out)
    problem = one_problem(info.value)
    assert problem.message.startswith("shared metric arpa: measure arpa_") and problem.message.endswith(
        ": verify cannot evaluate filter operator 'starts_with'")
    assert problem.model == "subscription_months" and problem.file.endswith("subscription_months.view.yaml")


def test_the_default_grains_are_time_then_categories_never_ids(tmp_path):
    project, out = exported(tmp_path)
    grains = [c.grain for c in plan(project, out)]
    assert grains == [None, "month_start", "tier", "account_ref"]  # customer_id: one row per group checks little


def test_a_default_grains_values_are_shown_only_for_dates_and_accepted_values(tmp_path):
    """The report printed one group's value of any text column (an email) into CI logs; a date's, an
    accepted_values column's, or one asked for with --by is shown."""
    project, out = exported(tmp_path)
    checks = plan(project, out)
    assert [(c.grain, c.shows_group) for c in checks] == [(None, True), ("month_start", True), ("tier", True),
                                                          ("account_ref", False)]
    results = [([(Decimal("10"), 2)], [(Decimal("10"), 2)])] + [([("x@example.com", Decimal("10"), 2)],
                                                                  [("x@example.com", Decimal("10"), 2)])] * 3
    ok, table = report(checks, results)
    assert ok and table.count("x@example.com") == 2, table  # month_start and tier
    assert "by account_ref = (one of its groups)" in table
    assert table.splitlines()[-1] == ("The values of account_ref are not shown (neither a date, a boolean nor an "
                                      "accepted_values column, so perhaps personal data); asking for it shows them: "
                                      "--by account_ref (run-operation: --args '{by: [account_ref]}').")
    assert all(c.shows_group for c in plan(project, out, by=["account_ref"]))


def test_a_boolean_grains_values_are_shown(tmp_path):
    """true / false is no one's personal data: a newcomer's is_completed was hidden as perhaps personal."""
    project, out = exported_project(tmp_path, [model("subscription_months", columns=[
        "subscription_type", "subscription_amount", "customer_ref", column("is_active", data_type="boolean")],
        omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue"}}})])
    shown = {c.grain: c.shows_group for c in plan(project, out)}
    assert (shown["customer_ref"], shown["is_active"]) == (False, True)


def test_a_column_a_metric_takes_as_an_id_or_amount_is_no_default_grain_whatever_its_name(tmp_path):
    """AOV's order_id_column: `order` is no *_id name, but grouping by it checks one order per group; its
    amount_column, without a money format, was grouped by too (found by a review on PostgreSQL)."""
    project, out = exported_project(tmp_path, [model("orders_rw", columns=["order", "amount", "region"], omni={
        "measures": {"aov": {"metric": "average_order_value", "args": {"order_id_column": "order",
                                                                       "amount_column": "amount"}}}})])
    assert [c.grain for c in plan(project, out)] == [None, "region"]
    # nor is a column named as an amount, without a format (jaffle_shop's bank_transfer_amount: a first install)
    project, out = exported_project(tmp_path, [model("orders_rw", columns=["order", "amount", "bank_transfer_amount",
                                                                         "unit_price", "pricey", "region"], omni={
        "measures": {"aov": {"metric": "average_order_value", "args": {"order_id_column": "order",
                                                                       "amount_column": "amount"}}}})])
    assert [c.grain for c in plan(project, out)] == [None, "pricey", "region"]


def test_the_amount_columns_of_a_views_other_metrics_are_no_default_grain(tmp_path):
    """new_mrr was grouped by churned_mrr's mrr_usd, and churned_mrr by new_mrr's mrr (its default), where README
    says a metric's amount columns never are grains (found by a review against dbt Labs' MRR playbook)."""
    project, out = exported_project(tmp_path, [model("customer_months", columns=[
        column("month_start", data_type="date"), "mrr", "previous_mrr", "mrr_usd", "previous_mrr_usd", "region"], omni={
        "measures": {"new": {"metric": "new_mrr"},
                     "churned": {"metric": "churned_mrr", "args": {"mrr_column": "mrr_usd",
                                                                   "previous_mrr_column": "previous_mrr_usd"}}}})])
    grains = {}
    for check in plan(project, out):
        grains.setdefault(check.measure.rpartition(".")[2], []).append(check.grain)
    assert grains == {"new": [None, "month_start", "region"], "churned": [None, "month_start", "region"]}


def test_the_columns_of_an_expression_argument_are_no_default_grain(tmp_path):
    """`amount_column: "${gross} - ${discount}"` was one made-up name, so gross and discount were grains (a code
    review); _metrics.yml recommends such expressions (Stripe's `${unit_amount} / ${interval_count}`)."""
    project, out = exported_project(tmp_path, [model("orders_rw", columns=["order_id", "gross", "discount", "region"],
                                                     omni={"measures": {"aov": {"metric": "average_order_value",
                                                                                "args": {"amount_column": "${gross} - ${discount}"}}}})])
    assert [c.grain for c in plan(project, out)] == [None, "region"]


def test_amounts_are_no_default_grain_and_timestamps_come_last(tmp_path, monkeypatch):
    """Grouping by a price or a per-row timestamp checks one row per group, not the aggregation."""
    monkeypatch.setattr(verify, "MAX_GRAINS", 10)
    project, out = exported(tmp_path, extra_columns=[
        column("list_price", omni={"format": "jpycurrency_0"}), column("discount", omni={"format": "$#,##0.00"}),
        column("updated_at", data_type="timestamp"), column("shipped_on", data_type="date", omni={"format": "yyyy"}),
        column("packed_at", data_type="timestamp", omni={"format": "hh:mm:ss.000"})])
    assert [c.grain for c in plan(project, out)] == [
        None, "month_start", "shipped_on", "tier", "account_ref", "plan", "subscription_type",  # subscription_amount:
        "packed_at", "updated_at"]  # the metric's amount_column


def test_a_column_meta_omni_ignores_is_no_grain(tmp_path):
    """Its `{ignored: true}` entry hides Omni's own field: no dimension to group by."""
    project, out = exported(tmp_path, extra_columns=[column("a_secret", omni={"ignore": True})])
    assert "a_secret:\n    ignored: true" in (out / "analytics/subscription_months.view.yaml").read_text()
    assert [c.grain for c in plan(project, out)] == [None, "month_start", "tier", "account_ref"]
    with pytest.raises(OmniExportError) as info:
        plan(project, out, by=["a_secret"])
    assert one_problem(info.value).message == "no view with shared metrics has a dimension 'a_secret'"


def edit_record(out, change) -> None:
    record = json.loads((out / "omni_export.json").read_text())
    change(record)
    (out / "omni_export.json").write_text(json.dumps(record))


@pytest.mark.parametrize("damage, fragment", [
    (lambda out: (out / "omni_export.json").write_text("{'not json"), "the export's record cannot be read"),
    (lambda out: (out / "analytics/subscription_months.view.yaml").unlink(), "cannot read the exported view"),
    (lambda out: (out / "analytics/subscription_months.view.yaml").write_text("- a\n- b\n"), "is not a mapping"),
    (lambda out: (out / "analytics/subscription_months.view.yaml").write_text("measures: [x\n"),
     "cannot read the exported view"),
    (lambda out: edit_record(out, lambda r: r.update(metrics=[])), "metrics is not a mapping"),
    (lambda out: edit_record(out, lambda r: r["metrics"].update({"nosuch.mrr": {"metric": "x", "args": {}}})),
     "metrics.nosuch.mrr is not a measure of a recorded view"),
    (lambda out: edit_record(out, lambda r: [m.pop("args") for m in r["metrics"].values()]), "with its metric, args"),
    (lambda out: edit_record(out, lambda r: [m.update(filters=["status"]) for m in r["metrics"].values()]),
     "args and filters"),
    (lambda out: edit_record(out, lambda r: [m.update(metric="nodot") for m in r["metrics"].values()]),
     "macro dbt_omni.nodot is not in the manifest"),
    (lambda out: edit_record(out, lambda r: [v.update(path="../../etc/passwd") for v in r["views"].values()]),
     "path inside the folder"),
])
def test_a_damaged_or_hand_edited_export_is_a_clear_error_naming_the_file(tmp_path, damage, fragment):
    project, out = exported(tmp_path)
    damage(out)
    with pytest.raises(OmniExportError) as info:
        plan(project, out)
    problem = one_problem(info.value)
    assert fragment in problem.message and problem.file.startswith(str(out)), problem


@pytest.mark.parametrize("dbt_value, omni_value, match", [
    (Decimal("123456789.12"), Decimal("123456789.21"), False),  # nine cents on a large total
    (Decimal("9876543210.00"), Decimal("9876543219.00"), False),
    (Decimal("12.34"), Decimal("12.35"), False),
    (0.25, 0.2500001, False),  # a ratio: a billionth of its value
    (Decimal("161.66"), 161.66000000000003, True),  # PostgreSQL's numeric against DuckDB's double
    (12345678901.234, 12345678901.2345, True),  # a double summed in another order: far under a cent
    (None, None, True),
    (None, 0, False),
    (Decimal("NaN"), Decimal("NaN"), False),  # as in SQL: NaN equals nothing
    (float("inf"), float("inf"), True),
    (float("inf"), 1.0, False),
    (100000000000.0153, 100000000000.0, True),  # doubles this large cannot hold a cent: their own noise
    (Decimal("100000000000.0153"), Decimal("100000000000.0000"), False),  # exact numbers can
])
def test_values_match_to_the_cent_however_large(dbt_value, omni_value, match):
    check = Check("v.m", None, None, "s", "t", "", "")
    ok, table = report([check], [([(dbt_value,)], [(omni_value,)])])
    assert ok is match, table


def test_a_decimal_is_shown_as_the_warehouse_gave_it():
    check = Check("v.m", None, None, "s", "t", "", "")
    _, table = report([check], [([(Decimal("100000000300.9900"),)], [(Decimal("100000000300.99"),)])])
    assert table.splitlines()[2].split()[3:5] == ["100000000300.99", "100000000300.99"]


def test_a_dimension_reading_another_view_is_no_default_grain_and_by_it_is_a_clear_error(tmp_path):
    """verify runs on the measure's own table: `${customers.tier}` there is a join away."""
    project, out = exported_project(tmp_path, [
        model("subscription_months", columns=["subscription_type", "subscription_amount", "customer_id", "plan"],
              omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue"}},
                    "dimensions": {"customer_tier": {"sql": "${customers.tier}"}},
                    "joins": [{"to": "customers", "on_sql": "${customer_id} = ${customers.id}"}]}),
        model("customers", columns=["id", "tier"])])
    assert [c.grain for c in plan(project, out)] == [None, "plan", "subscription_type"]
    with pytest.raises(OmniExportError) as info:
        plan(project, out, by=["customer_tier"])
    problem = one_problem(info.value)
    assert problem.message.startswith("verify cannot evaluate ${analytics__customers.tier}: it runs each view's SQL")
    assert problem.file.endswith("subscription_months.view.yaml")


def test_a_match_over_no_rows_says_so_and_names_the_measure():
    """An empty table (or filters no row passes) gives null on both sides: a match that proves nothing."""
    total, by_plan = Check("v.mrr", None, None, "s", "t", "", ""), Check("v.mrr", "plan", None, "s", "t", "", "")
    ok, table = report([total, by_plan], [([(None, 0)], [(None, 0)]), ([], [])])
    assert ok, table
    assert table.splitlines()[2].endswith("yes, over no rows")
    assert table.splitlines()[-1].startswith("No rows to compare for v.mrr: the table is empty")
    ok, table = report([total], [([(Decimal("3.50"), 2)], [(Decimal("3.5"), 2)])])
    assert ok and table.splitlines()[2].endswith("yes") and "No rows" not in table


def test_a_total_query_counts_the_rows_the_metric_saw(tmp_path):
    project, out = exported(tmp_path)
    total = plan(project, out)[0]
    assert total.grain is None
    assert total.dbt_sql.endswith(", count(*) as rows_seen from __DBT_OMNI_RELATION__")


def test_a_refused_query_fails_its_check_names_the_reason_and_the_others_are_still_compared():
    total, other = Check("v.arr", None, None, "s", "t", "", ""), Check("v.mrr", None, None, "s", "t", "", "")
    refused = "dbt-omni: the warehouse failed running Omni's query of v.arr (total): no column x"
    ok, table = report([total, other], [([(1, 1)], refused), ([(Decimal("2.5"), 3)], [(2.5, 3)])])
    assert not ok
    lines = table.splitlines()
    assert lines[0] == "FAILED: the warehouse refused 1 of the queries"
    assert lines[2].split() == ["v.arr", "total", "ERROR", "(below)"]
    assert lines[3].endswith("yes") and lines[4] == refused


def test_many_refused_queries_show_the_first_few_reasons():
    """A model not built yet fails every query on it: five reasons, then a count."""
    checks = [Check(f"v.m{i}", None, None, "s", "t", "", "") for i in range(8)]
    ok, table = report(checks, [("relation s.t does not exist " + str(i), [(1, 1)]) for i in range(8)])
    assert not ok
    assert table.count("relation s.t does not exist") == 5 and table.endswith("... and 3 more refused queries")


def test_a_column_named_by_a_reserved_word_is_quoted_and_grouped_by_in_a_real_database(tmp_path):
    """`order` unquoted is a syntax error, and PostgreSQL reads a bare `user` as the login name: verify grouped
    by it and found every metric matching on the wrong numbers. Run here on DuckDB, which quotes alike."""
    import duckdb

    project, out = exported(tmp_path, extra_columns=["order", "user"])
    checks = plan(project, out, by=["order", "user"])
    assert [c.grain for c in checks] == [None, "order", "user"]
    con = duckdb.connect()
    con.sql("""create table subscription_months as select * from (values
        ('paid', 10.0, date '2024-01-01', 'pro', 1, 'a', 'pro', 'o1', 'ann'),
        ('paid', 5.0, date '2024-01-01', 'pro', 2, 'b', 'pro', 'o2', 'bob')) t(subscription_type,
        subscription_amount, month_start, plan, customer_id, account_ref, tier, "order", "user")""")
    for check in checks:
        dbt_rows, omni_rows = (sorted(con.sql(sql.replace(verify.RELATION, "subscription_months")).fetchall())
                               for sql in (check.dbt_sql, check.omni_sql))
        assert dbt_rows == omni_rows
        if check.grain:
            assert [row[0] for row in omni_rows] == (["o1", "o2"] if check.grain == "order" else ["ann", "bob"])
    assert '"order"' in checks[1].omni_sql and '"user"' in checks[2].dbt_sql


def test_a_json_or_array_column_is_no_default_grain(tmp_path, monkeypatch):
    """PostgreSQL cannot group by json (the check failed as a refused query), and neither makes a category."""
    monkeypatch.setattr(verify, "MAX_GRAINS", 10)
    project, out = exported(tmp_path, extra_columns=[
        column("attributes", data_type="json"), column("payload", data_type="JSONB"),
        column("category_ids", data_type="integer[]"), column("address", data_type="STRUCT(city VARCHAR)"),
        column("segment", data_type="text")])
    grains = [c.grain for c in plan(project, out)]
    assert "segment" in grains and not {"attributes", "payload", "category_ids", "address"} & set(grains)


def test_a_median_match_says_it_ran_dbts_median_on_both_sides(tmp_path):
    """Omni's aggregate_type median is Omni's own SQL, which its docs do not give: verify stands dbt's in for it,
    so its "yes" checks the column and filters only, and the report says so rather than claim more."""
    project, out = exported_project(tmp_path, [model("orders", columns=["order_id", "order_amount", "status"], omni={
        "measures": {"median_amount": {"metric": "median_order_value"}, "aov": {"metric": "average_order_value"}}})])
    checks = {c.measure: c for c in plan(project, out) if c.grain is None}
    assert checks["analytics__orders.median_amount"].stand_ins == ("median",)
    assert checks["analytics__orders.aov"].stand_ins == ()
    totals = [checks["analytics__orders.aov"], checks["analytics__orders.median_amount"]]
    ok, table = report(totals, [([(Decimal("2.5"), 3)], [(2.5, 3)])] * 2)
    assert ok
    lines = table.splitlines()
    assert lines[2].endswith("yes") and lines[3].endswith("yes*"), table
    assert lines[-1].startswith("* analytics__orders.median_amount: aggregate_type median is Omni's own"), table
    ok, table = report(totals[:1], [([(Decimal("2.5"), 3)], [(2.5, 3)])])
    assert "*" not in table


def test_an_export_for_another_target_is_not_verified(tmp_path):
    """`dbt-omni verify --target prod` over the folder the dev build wrote said "all measures match" of the
    dev views: the files meant for Omni were never checked."""
    manifest = make_manifest([model("subscription_months", columns=["subscription_type", "subscription_amount"],
                                    omni={"measures": {"mrr": {"metric": "monthly_recurring_revenue"}}})])
    manifest["macros"] = package_macros()
    out = tmp_path / "omni"
    export(lambda catalog: from_manifest_dict(manifest, catalog), settings_from_dict({"output_dir": str(out)}, source="t"),
           ExportContext(project_dir=tmp_path, target_name="dev"))
    project = from_manifest_dict(manifest)
    assert plan(project, out, target_name="dev") and plan(project, out)  # the same target, or none known
    with pytest.raises(OmniExportError) as info:
        plan(project, out, target_name="prod")
    problem = one_problem(info.value)
    assert problem.message == f"the Omni model in {out} was exported for target dev, and this verify runs on target prod"
    assert problem.expected.startswith("an export for prod first (`dbt parse --target prod`")
    # `dbt-omni export` without --target records the profile's default as a guess: no reason to refuse
    export(lambda catalog: from_manifest_dict(manifest, catalog), settings_from_dict({"output_dir": str(out)}, source="t"),
           ExportContext(project_dir=tmp_path, target_name="dev", target_guessed=True), force=True)
    assert plan(project, out, target_name="prod")
