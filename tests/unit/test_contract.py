"""meta.omni and vars: dbt_omni: errors tell the user the file, the model, the key path and the fix."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dbt_omni import contract
from dbt_omni.config import Settings, settings_from_dict
from dbt_omni.errors import OmniExportError
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.mapping import build_omni_model
from testkit import column, export_error, make_manifest, model, one_problem

SCHEMA_PATH = Path(contract.__file__).parent / "schema" / "meta_omni.schema.json"


def model_error(omni=None, column_omni=None, config_omni=None) -> OmniExportError:
    columns = [column("amount", omni=column_omni)]
    return export_error(make_manifest([model("orders", columns=columns, omni=omni, config_omni=config_omni)]))


def test_unknown_model_key_names_file_model_key_and_suggests():
    error = model_error(omni={"lable": "Orders"})
    problem = one_problem(error)
    assert (problem.file, problem.model, problem.key) == ("models/orders.yml", "orders", "meta.omni.lable")
    assert problem.suggestion == "label"
    text = str(error)
    for part in ("models/orders.yml", "model orders", "meta.omni.lable", "did you mean 'label'"):
        assert part in text, (part, text)
    assert "\n" not in text  # one problem, one line


def test_unknown_key_under_config_meta_is_reported_too():
    problem = one_problem(model_error(config_omni={"lable": "Orders"}))
    assert problem.key == "meta.omni.lable" and problem.suggestion == "label"


def test_unknown_column_key_names_the_column():
    problem = one_problem(model_error(column_omni={"fromat": "usdcurrency"}))
    assert problem.key == "columns.amount.meta.omni.fromat"
    assert problem.suggestion == "format"


def test_wrong_type():
    error = model_error(omni={"hidden": "yes"})
    problem = one_problem(error)
    assert problem.key == "meta.omni.hidden"
    assert problem.expected == "true or false"
    assert "wrong type" in problem.message


@pytest.mark.parametrize("omni, key, expected", [
    ({"topic": "orders"}, "meta.omni.topic", "true or false, or a mapping"),
    ({"topic": {"joins": "customers"}}, "meta.omni.topic.joins", "a list or a mapping"),
    ({"primary_key": 5}, "meta.omni.primary_key", "a string or a list"),
])
def test_a_value_of_a_type_no_alternative_takes_names_every_alternative(omni, key, expected):
    problem = one_problem(model_error(omni=omni))
    assert (problem.key, problem.expected) == (key, expected)


def test_a_value_json_has_no_type_for_is_a_clear_error():
    """YAML reads `label: 2024-01-01` as a date; the fast validator cannot take it, the message must still come."""
    import datetime

    problem = one_problem(model_error(column_omni={"label": datetime.date(2024, 1, 1)}))
    assert problem.key == "columns.amount.meta.omni.label"
    assert problem.expected == "a string"


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_yamls_inf_and_nan_are_named_where_they_stand(value):
    """jsonschema takes them as numbers and jsonschema-rs does not: the block was refused with no key or reason
    (left alone in an earlier session's note)."""
    problem = one_problem(model_error(column_omni={"sample_values": [1.5, value]}))
    assert problem.key == "columns.amount.meta.omni.sample_values[1]"
    assert problem.message == f"{value} is no number JSON can hold (YAML's .inf or .nan)"
    assert problem.expected == "a finite number, or the text quoted ('.inf')"


def test_a_number_as_a_key_beside_a_misspelt_one_is_reported_with_it():
    """YAML reads `2024:` as a number; numbers and texts do not sort together."""
    problems = model_error(omni={2024: "oops", "lable": "Total", "measures": {"m": {7: 1, "sqll": "x"}}}).problems
    assert sorted((p.key, p.message) for p in problems) == [
        ("meta.omni.2024", "unknown key '2024'"), ("meta.omni.lable", "unknown key 'lable'"),
        ("meta.omni.measures.m.7", "unknown key '7'"), ("meta.omni.measures.m.sqll", "unknown key 'sqll'")]


def test_every_unknown_key_of_a_block_is_reported_at_once():
    """Not one per run: a block carried over from another tool has several."""
    problems = model_error(omni={"metrics": {}, "sql_filter": "x", "lable": "Orders"}).problems
    assert [(p.key, p.suggestion) for p in problems] == [
        ("meta.omni.lable", "label"), ("meta.omni.metrics", "measures"), ("meta.omni.sql_filter", "topic.always_where_sql")]


def test_a_required_key_an_unknown_one_is_suggested_for_is_not_said_again():
    """A Lightdash-style join gave "required key 'to' is missing" after "join: did you mean 'to'?"."""
    problems = model_error(omni={"joins": [{"join": "customers", "sql_on": "x"}]}).problems
    assert [(p.key, p.suggestion) for p in problems] == [("meta.omni.joins[0].join", "to"),
                                                         ("meta.omni.joins[0].sql_on", "on_sql")]
    missing = model_error(omni={"joins": [{"on_sql": "x"}]}).problems  # nothing suggests it: still said
    assert [p.message for p in missing] == ["required key 'to' is missing"]


@pytest.mark.parametrize("omni, key, suggestion", [
    ({"joins": [{"join": "customers", "on_sql": "x"}]}, "meta.omni.joins[0].join", "to"),
    ({"joins": [{"to": "customers", "sql_on": "x"}]}, "meta.omni.joins[0].sql_on", "on_sql"),
    ({"measures": {"total": {"type": "sum", "sql": "x"}}}, "meta.omni.measures.total.type", "aggregate_type"),
    ({"topic": {"sql_where": "x"}}, "meta.omni.topic.sql_where", "always_where_sql"),
    ({"dimensions": {"d": {"sql": "x", "time_intervals": ["month"]}}}, "meta.omni.dimensions.d.time_intervals",
     "timeframes"),
    ({"show_underlying_values": ["id"]}, "meta.omni.show_underlying_values", "default_drill_fields"),
    ({"measures": {"n": {"aggregate_type": "count", "show_underlying_values": ["id"]}}},
     "meta.omni.measures.n.show_underlying_values", "drill_fields"),
    ({"display_name": "Orders"}, "meta.omni.display_name", "label"),  # dbt-metabase
    ({"visibility_type": "hidden"}, "meta.omni.visibility_type", "hidden"),
    ({"measures": {"n": {"aggregate_type": "sum", "sql": "x", "round": 2}}}, "meta.omni.measures.n.round", "format"),
    ({"measures": {"n": {"aggregate_type": "sum", "sql": "x", "compact": "thousands"}}},
     "meta.omni.measures.n.compact", "format"),
])
def test_another_tools_spelling_of_a_key_suggests_omnis(omni, key, suggestion):
    """Lightdash's and dbt2looker's names, too far from Omni's for the closest spelling to find."""
    suggested = {p.key: p.suggestion for p in model_error(omni=omni).problems}  # `join` for `to`: also "to is missing"
    assert suggested[key] == suggestion


def test_another_tools_spelling_is_suggested_where_omnis_key_is_valid_and_never_a_misleading_one():
    """`sql_where` (Lightdash: on the model) is the topic's always_where_sql; Lightdash's column `dimension:`
    block has no counterpart key on a column: no suggestion rather than the closest spelling, `description`."""
    assert one_problem(model_error(omni={"sql_where": "x"})).suggestion == "topic.always_where_sql"
    assert one_problem(model_error(column_omni={"dimension": {"label": "A"}})).suggestion is None
    assert one_problem(model_error(omni={"dimension": {}})).suggestion == "dimensions"
    assert one_problem(model_error(omni={"joins": [{"to": "x", "type": "left"}]})).suggestion == "join_type"


@pytest.mark.parametrize("omni, key, suggestion, said", [
    ({"joins": [{"join_to_view": "customers"}]}, "meta.omni.joins[0].join_to_view", "to", "one of "),
    ({"joins": [{"to": "customers", "join_from_view": "orders"}]}, "meta.omni.joins[0].join_from_view", None,
     "a join is from the model whose meta.omni it is in"),  # was: did you mean join_to_view_as (the alias)?
    ({"topic": {"always_having_sql": "x"}}, "meta.omni.topic.always_having_sql", None, "not one dbt-omni writes"),
    ({"dimensions": {"d": {"sql": "x", "suggestion_list": ["a"]}}}, "meta.omni.dimensions.d.suggestion_list", None,
     "not one dbt-omni writes"),
    ({"dimensions": {"d": {"sql": "x", "groups": [{"sql": "y", "name": "Y"}]}}}, "meta.omni.dimensions.d.groups",
     "group_label", "Omni's groups is not one dbt-omni writes; Lightdash's groups is group_label"),
    ({"topic": {"default_row_limit": 10}}, "meta.omni.topic.default_row_limit", None,
     "takes Omni's default_row_limit in vars.dbt_omni.model_file only"),  # was: default_filters
    ({"drill_fields": ["amount"]}, "meta.omni.drill_fields", "default_drill_fields", "one of "),  # a measure's key
    # Omni's parameters at a place the contract does not take them (a bare "unknown key" before)
    ({"dimensions": {"d": {"sql": "x", "ignored": True}}}, "meta.omni.dimensions.d.ignored", None,
     "from a column's ignore: true"),
    ({"measures": {"m": {"aggregate_type": "count", "all_values": ["a"]}}}, "meta.omni.measures.m.all_values", None,
     "all_values for dimensions only"),
    ({"dimensions": {"d": {"sql": "x", "drill_fields": ["y"]}}}, "meta.omni.dimensions.d.drill_fields", None,
     "drill_fields for measures only"),
    ({"ai_fields": ["x"]}, "meta.omni.ai_fields", None, "ai_fields for topics only"),  # was: default_drill_fields?
    ({"sample_values": ["x"]}, "meta.omni.sample_values", None, "sample_values for fields only"),
    # found by a review of a real project's second week: no pointer to the key to write
    ({"topic": {"base_view": "orders"}}, "meta.omni.topic.base_view", None, "the model whose meta.omni it is in"),
    ({"custom_compound_primary_key_sql": ["a", "b"]}, "meta.omni.custom_compound_primary_key_sql", "primary_key",
     "the model's meta.omni.primary_key: [a, b]"),
])
def test_omnis_own_parameters_the_contract_lacks_are_said_to_be_so(omni, key, suggestion, said):
    """An Omni user writes Omni's names: the closest spelling pointed to another parameter of other meaning."""
    problem = next(p for p in model_error(omni=omni).problems if p.key == key)
    assert problem.suggestion == suggestion and said in problem.expected
    if said == "one of ":  # a key of another tool or place, not an Omni parameter the contract lacks
        assert "(Omni's" not in problem.expected and "takes Omni's" not in problem.expected


def test_omnis_compound_key_on_a_column_points_to_the_models_primary_key_not_the_columns():
    """On a column, the suggestion was the column's own primary_key (true or false), beside text about a list."""
    problem = one_problem(model_error(column_omni={"custom_compound_primary_key_sql": ["amount", "id"]}))
    assert problem.suggestion is None and "the model's meta.omni.primary_key: [a, b]" in problem.expected


@pytest.mark.parametrize("omni, key", [
    ({"measures": {"m": {"aggregate_type": "count", "filters": [{"status": "completed"}]}}}, "meta.omni.measures.m.filters"),
    ({"topic": {"default_filters": [{"status": "x"}]}}, "meta.omni.topic.default_filters"),
])
def test_filters_written_as_lightdashs_list_are_shown_as_one_mapping(omni, key):
    """`filters: [{status: completed}]`, Lightdash's shape, was only "has the wrong type (expected a mapping)"."""
    problem = one_problem(model_error(omni=omni))
    assert problem.key == key and problem.expected == (
        "a mapping: one entry per field, {status: {is: completed}, tier: {not: free}} (Lightdash's list of filters is "
        "one mapping here)")


def test_omni_only_keys_are_none_the_contract_takes_anywhere():
    """Else a key valid elsewhere (a measure's drill_fields) lost its suggestion at a place it is not."""
    taken: set = set()

    def walk(node):
        if isinstance(node, dict):
            taken.update(node.get("properties") or {})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(contract.schema())
    assert not contract.OMNI_ONLY & taken
    # ignored: written from a column's `ignore`; base_view: from the model whose topic it is
    assert set(contract.OMNI_OTHER_PLACES) <= taken | {"ignored", "base_view"}
    assert contract.MODEL_FILE_ONLY <= taken


@pytest.mark.parametrize("value, suggestion", [("has_many", "one_to_many"), ("belongs_to", "many_to_one"),
                                               ("hasOne", "one_to_one")])
def test_other_tools_relationship_words_suggest_omnis(value, suggestion):
    problem = one_problem(model_error(omni={"joins": [{"to": "customers", "relationship_type": value}]}))
    assert problem.suggestion == suggestion  # has_many was many_to_many: another fan-out


@pytest.mark.parametrize("value, suggestion", [("left outer", "always_left"), ("LEFT JOIN", "always_left"),
                                               ("left outer join", "always_left"), ("inner join", "inner")])
def test_sqls_join_words_suggest_omnis_join_type(value, suggestion):
    """`left outer` suggested full_outer, and `LEFT JOIN` nothing (found by an audit of messages)."""
    problem = one_problem(model_error(omni={"joins": [{"to": "customers", "join_type": value}]}))
    assert problem.suggestion == suggestion


@pytest.mark.parametrize("value, said", [("percent_of_total", "no Omni aggregate"), ("number", "sql alone")])
def test_lookml_measure_types_omni_lacks_say_what_to_write(value, said):
    problem = one_problem(model_error(omni={"measures": {"m": {"aggregate_type": value, "sql": "x"}}}))
    assert problem.suggestion is None and said in problem.expected  # was: percentile, and nothing for number


def test_every_mistake_in_a_topic_block_is_reported_at_once():
    """A topic is `true` or a mapping (a oneOf): all the mapping's errors, not the deepest alone."""
    topic = {"labl": "x", "access_filters": [{"field": "a.b", "user_atribute": "x"},
                                              {"field": "a.c", "user_attribute": "y", "enable_wildcards": True}]}
    keys = {p.key for p in model_error(omni={"topic": topic}).problems}
    assert {"meta.omni.topic.labl", "meta.omni.topic.access_filters[0].user_atribute",
            "meta.omni.topic.access_filters[1].enable_wildcards"} <= keys


def test_meta_omni_that_is_not_a_mapping():
    problem = one_problem(model_error(omni="yes"))
    assert problem.key == "meta.omni" and problem.message == "is not a mapping"
    assert problem.expected.startswith("a mapping of its keys")


def test_bad_enum_suggests_the_closest_value():
    error = model_error(omni={"measures": {"total": {"aggregate_type": "summ", "sql": "${amount}"}}})
    problem = one_problem(error)
    assert problem.key == "meta.omni.measures.total.aggregate_type"
    assert problem.suggestion == "sum"
    assert "did you mean 'sum'" in str(error)


@pytest.mark.parametrize("value, suggestion", [("WEEK", "week"), ("Month", "month"), ("DAY", "date"), ("day", "date"),
                                               ("QUATER", "quarter"), ("RAW", "raw"),
                                               # Lightdash's numbered parts (a review of a Lightdash migration: it said
                                               # day_of_week_name, quarter and day_of_week_num for these)
                                               ("DAY_OF_WEEK_INDEX", "day_of_week_num"), ("QUARTER_NUM", "quarter_of_year"),
                                               ("WEEK_NUM", None)])
def test_a_timeframe_in_another_tools_case_or_name_suggests_omnis(value, suggestion):
    """Lightdash writes time_intervals: [DAY, WEEK]; Omni's values are lowercase, and its DAY is date."""
    problem = one_problem(model_error(column_omni={"timeframes": ["month", value]}))
    assert (problem.key, problem.suggestion) == ("columns.amount.meta.omni.timeframes[1]", suggestion)


def test_lightdash_keys_a_migration_meets_say_where_they_go():
    """required_attributes is Lightdash's field security, which a bare "unknown key" invited to delete; a column's
    additional_dimensions (where Lightdash documents them) are model-level dimensions (a review of a Lightdash
    migration)."""
    problem = one_problem(model_error(column_omni={"required_attributes": {"is_admin": "true"}}))
    assert problem.suggestion == "required_access_grants"
    problem = one_problem(model_error(column_omni={"additional_dimensions": {"amount_eur": {"sql": "${amount} * 0.9"}}}))
    assert (problem.key, problem.suggestion) == ("columns.amount.meta.omni.additional_dimensions", None)
    assert problem.expected == "meta.omni.dimensions at model level (a new field, whose sql may read this column)"
    problem = one_problem(model_error(omni={"additional_dimensions": {"x": {"sql": "1"}}}))  # at model level: as before
    assert problem.suggestion == "dimensions"


@pytest.mark.parametrize("key, said, suggestion", [
    ("semantic_type", "Metabase's semantic types: type/PK is primary_key: true", None),
    ("fk_target_table", "a relationships test on the column (to: ref('...'), field: ...)", None),
    ("visibility_type", "its sensitive, a field no one should see, is ignore: true on the column", "hidden"),
    ("dimension", "the column's own keys (label, hidden, group_label, timeframes, ...) straight under its meta.omni", None),
    ("sql", "a column's field reads the column itself", None),
])
def test_dbt_metabase_and_dbt2looker_column_keys_say_what_to_write(key, said, suggestion):
    """They were "unknown key" with no word, or a suggestion (hidden for sensitive) that lost their meaning (found by
    a review of a dbt-metabase and dbt2looker migration)."""
    problem = one_problem(model_error(column_omni={key: "x"}))
    assert said in problem.expected and problem.suggestion == suggestion


def test_an_enum_value_in_another_case_suggests_omnis():
    problem = one_problem(model_error(omni={"joins": [{"to": "customers", "join_type": "LEFT"}]}))
    assert (problem.key, problem.suggestion) == ("meta.omni.joins[0].join_type", "always_left")
    problem = one_problem(model_error(omni={"measures": {"n": {"aggregate_type": "SUM", "sql": "x"}}}))
    assert problem.suggestion == "sum"


def test_bad_timeframe_suggests_the_closest():
    problem = one_problem(model_error(column_omni={"timeframes": ["month", "qarter"]}))
    assert problem.key == "columns.amount.meta.omni.timeframes[1]"
    assert problem.suggestion == "quarter"


def test_bad_measure_name_points_at_the_measure():
    error = model_error(column_omni={"measures": {"Total Amount": {"aggregate_type": "sum"}}})
    problem = one_problem(error)
    assert problem.key == "columns.amount.meta.omni.measures.Total Amount"
    assert "not a valid name" in problem.message and "lowercase" in problem.expected


@pytest.mark.parametrize("omni, key", [
    ({"measures": {"total\n": {"aggregate_type": "count"}}}, "meta.omni.measures.total\n"),
    ({"dimensions": {"size\n": {"sql": "1"}}}, "meta.omni.dimensions.size\n"),
    ({"topic": {"name": "sales\n"}}, "meta.omni.topic.name"),
])
def test_a_name_ending_in_a_line_break_is_not_a_valid_name(omni, key):
    """Python's `$` matches before a final line break; JSON Schema's (and jsonschema-rs's) does not."""
    problem = one_problem(model_error(omni=omni))
    assert problem.key == key and "not a valid name" in problem.message


@pytest.mark.parametrize("omni, key, limit", [
    ({"measures": {"m" * 300: {"aggregate_type": "count"}}}, "meta.omni.measures." + "m" * 300, 255),
    ({"measures": {"n": {"aggregate_type": "count", "filters": {"amount": {"x" * 65: 1}}}}},
     "meta.omni.measures.n.filters.amount." + "x" * 65, 64),
])
def test_a_name_too_long_for_a_yaml_key_is_refused(omni, key, limit):
    """YAML keys end at 1,024 characters; Omni's names are far shorter."""
    problem = one_problem(model_error(omni=omni))
    assert problem.key == key and problem.expected == f"at most {limit} characters"
    assert problem.message.endswith(f"... is {len(key.rpartition('.')[2])} characters long")


def test_join_without_to_is_reported():
    error = model_error(omni={"joins": [{"too": "customers"}]})
    keys = {p.key for p in error.problems}
    assert "meta.omni.joins[0].too" in keys
    assert any(p.suggestion == "to" for p in error.problems)


def test_all_problems_of_all_models_are_reported_at_once():
    manifest = make_manifest([
        model("orders", columns=["a"], omni={"lable": "x"}),
        model("customers", columns=["b"], omni={"hiden": True}),
    ])
    project = from_manifest_dict(manifest)  # reading never validates: the plugin reads on every parse
    with pytest.raises(OmniExportError) as info:
        build_omni_model(project, Settings())
    assert {p.model for p in info.value.problems} == {"orders", "customers"}
    assert str(info.value).startswith("dbt-omni: 2 problems:")


def test_the_same_mistake_in_several_models_is_one_line_naming_them_all():
    """A folder's +meta in dbt_project.yml reaches every model of the folder with the same block."""
    manifest = make_manifest([model(name, columns=["a"], config_omni={"hiden": True})
                              for name in ("stg_a", "stg_b", "stg_c", "stg_d", "stg_e", "stg_f", "stg_g")]
                             + [model("orders", columns=["a"], omni={"lable": "x"})])
    error = export_error(manifest)
    assert str(error).startswith("dbt-omni: 2 problems:")
    shared = next(p for p in error.problems if p.key == "meta.omni.hiden")
    assert shared.model == "stg_a, stg_b, stg_c, stg_d, stg_e and 2 more"
    assert shared.message == ("unknown key 'hiden' (the same in 7 models: if they share it through +meta in "
                              "dbt_project.yml, fix it there)")
    assert shared.suggestion == "hidden" and shared.file.startswith("models/stg_a.yml, models/stg_b.yml")
    assert next(p for p in error.problems if p.key == "meta.omni.lable").model == "orders"


def test_valid_settings():
    settings = settings_from_dict({"select": ["tag:omni"], "only_with_meta": True}, source="dbt_project.yml")
    assert settings == Settings(select=("tag:omni",), only_with_meta=True)


def test_settings_unknown_key():
    with pytest.raises(OmniExportError) as info:
        settings_from_dict({"outptu_dir": "omni"}, source="dbt_project.yml")
    problem = one_problem(info.value)
    assert problem.key == "vars.dbt_omni.outptu_dir"
    assert problem.file == "dbt_project.yml"
    assert problem.suggestion == "output_dir"
    assert "did you mean 'output_dir'" in str(info.value)


def test_settings_wrong_type():
    with pytest.raises(OmniExportError) as info:
        settings_from_dict({"select": 5}, source="dbt_project.yml")
    problem = one_problem(info.value)
    assert problem.key == "vars.dbt_omni.select" and problem.expected == "a list"


def test_settings_model_file_rejects_a_connection_key():
    with pytest.raises(OmniExportError) as info:
        settings_from_dict({"model_file": {"connection": "x"}}, source="dbt_project.yml")
    assert one_problem(info.value).key == "vars.dbt_omni.model_file.connection"


@pytest.mark.parametrize("topic, key, value, expected", [
    ({"name": "orders", "fields": "fct_orders.*"}, "meta.omni.topic.fields", '"fct_orders.*"', "a list"),
    ({"name": "orders", "hidden": "yes"}, "meta.omni.topic.hidden", '"yes"', "true or false"),
    ({"joins": [{"dim_customers": {}}]}, "meta.omni.topic.joins[0]", '{"dim_customers": {}}', "a string"),
    ({"default_filters": {"fct_orders.status": "cancelled"}}, "meta.omni.topic.default_filters.fct_orders.status",
     '"cancelled"', "a mapping"),
])
def test_a_wrong_type_inside_a_topic_block_names_that_key_not_the_whole_topic(topic, key, value, expected):
    """`topic: true | {...}`: the mapping alternative's own error, not "expected true or false" for the block."""
    [problem] = contract.check("model", {"topic": topic}, file="f.yml", model="m", key_prefix="meta.omni")
    assert (problem.key, problem.message, problem.expected) == (key, f"{value} has the wrong type", expected)


@pytest.mark.parametrize("block, key, suggestion", [
    ({"joins": [{"to": "customers", "join_type": "left"}]}, "meta.omni.joins[0].join_type", "always_left"),
    ({"measures": {"m": {"aggregate_type": "avg", "sql": "${x}"}}}, "meta.omni.measures.m.aggregate_type", "average"),
    ({"joins": [{"to": "customers", "relationship_type": "many-to-one"}]}, "meta.omni.joins[0].relationship_type",
     "many_to_one"),
])
def test_another_tools_name_for_an_enum_value_suggests_omnis(block, key, suggestion):
    [problem] = contract.check("model", block, file="f.yml", model="m", key_prefix="meta.omni")
    assert (problem.key, problem.suggestion) == (key, suggestion)


def test_a_missing_required_key_is_named():
    [problem] = contract.check("model", {"topic": {"access_filters": [{"field": "orders.region"}]}}, file="f.yml",
                               model="m", key_prefix="meta.omni")
    assert (problem.key, problem.message, problem.expected) == (
        "meta.omni.topic.access_filters[0]", "required key 'user_attribute' is missing",
        "the required keys 'field', 'user_attribute'")
    [problem] = contract.check("model", {"joins": [{"on_sql": "x"}]}, file="f.yml", model="m", key_prefix="meta.omni")
    # what the key holds, not the message again (found by an audit of messages)
    assert (problem.message, problem.expected) == ("required key 'to' is missing", "to: the model joined, e.g. to: "
                                                   "customers (a source table: source_name.table_name)")
    [problem] = contract.check("model", {"dimensions": {"x": {"label": "X"}}}, file="f.yml", model="m",
                               key_prefix="meta.omni")
    assert problem.expected == "sql: the field's SQL over this view's fields, e.g. sql: ${amount} * 1.2"


def test_a_name_with_an_accent_or_a_space_says_ascii_and_where_display_text_goes():
    [problem] = contract.check("model", {"dimensions": {"Bestellübersicht": {"sql": "${x}"}}}, file="f.yml", model="m",
                               key_prefix="meta.omni")
    assert problem.message == "'Bestellübersicht' is not a valid name"
    assert problem.expected == "a letter, then letters, digits or underscores, all ASCII; the text Omni shows goes in label:"


def test_an_empty_setting_is_said_plainly():
    [problem] = contract.check("settings", {"output_dir": ""}, file="f", model=None, key_prefix="vars.dbt_omni")
    assert (problem.key, problem.message, problem.expected) == ("vars.dbt_omni.output_dir", "is empty",
                                                                "at least 1 character(s)")


def test_an_empty_timeframes_list_is_an_error_that_says_what_omni_would_do():
    """`timeframes: []` looks like "none", but Omni's format has no such list: the field would get the defaults."""
    problem = one_problem(model_error(column_omni={"timeframes": []}))
    assert (problem.key, problem.message) == ("columns.amount.meta.omni.timeframes", "is an empty list")
    assert "default_timeframes" in problem.expected


def _documented_words(heading: str) -> set:
    """Words in code (backticks or fenced blocks) of one `## ` section of the README."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    fences = re.findall(r"```[a-z]*\n(.*?)```", section, re.DOTALL)
    spans = re.findall(r"`([^`\n]+)`", re.sub(r"```[a-z]*\n.*?```", "", section, flags=re.DOTALL))
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", " ".join(fences + spans)))


@pytest.mark.parametrize("part, heading", [
    ("model", "The `meta.omni` contract"), ("column", "The `meta.omni` contract"), ("settings", "Settings")])
def test_every_key_of_the_contract_is_in_the_readme(part, heading):
    schema = json.loads(SCHEMA_PATH.read_text())
    keys = set(schema["properties"][part]["properties"])
    for name in ("dimension", "measure", "join", "topic", "access_filter"):
        keys |= set(schema["$defs"][name]["properties"]) if part == "model" else set()
    missing = sorted(keys - _documented_words(heading))
    assert not missing, f"README section '{heading}' does not name these {part} keys: {missing}"


def test_a_mistake_in_a_model_the_selection_leaves_out_is_a_warning():
    """Every block is checked: a left-out model's mistake shows before the day it is selected."""
    manifest = make_manifest([
        model("orders", columns=["order_id"]),
        model("stg_orders", columns=[column("order_id", omni={"hiden": True})], omni={"lable": "Staged"}),
        model("pkg_orders", columns=["order_id"], omni={"lable": "x"}, package="other_package"),
    ])
    omni = build_omni_model(from_manifest_dict(manifest), settings_from_dict({"select": ["orders"]}, source="test"))
    suffix = " (in a model the selection leaves out: a warning until it is exported)"
    left_out = sorted(w for w in omni.warnings if w.endswith(suffix))
    assert len(left_out) == 2, omni.warnings
    assert left_out[0].startswith("file models/stg_orders.yml, model stg_orders, key columns.order_id.meta.omni.hiden: "
                                  "unknown key 'hiden' (expected one of ") and "did you mean 'hidden'?" in left_out[0]
    assert left_out[1].startswith("file models/stg_orders.yml, model stg_orders, key meta.omni.lable: "
                                  "unknown key 'lable' (expected one of ") and "did you mean 'label'?" in left_out[1]
    error = export_error(manifest, select=["stg_orders"])
    assert "meta.omni.lable" in str(error) and "columns.order_id.meta.omni.hiden" in str(error)


def test_a_jinja_undefined_dbt_left_in_a_block_says_to_wrap_omnis_templating_in_raw():
    """dbt-core 1.12 renders `label: "{{ omni_thing }}"` to Jinja's Undefined: it was '"" has the wrong type'."""
    import jinja2

    problem = one_problem(model_error(omni={"label": jinja2.Undefined(name="omni_thing")}))
    assert (problem.key, problem.message) == ("meta.omni.label", "is Jinja's undefined: dbt rendered a {{ ... }} "
                                                                 "here that names nothing it knows")
    assert "{% raw %}" in problem.expected
    enum = one_problem(model_error(omni={"joins": [{"to": "customers", "relationship_type": jinja2.Undefined()}]}))
    assert enum.message.startswith("is Jinja's undefined")  # was "'' is not allowed"


def test_a_dimension_named_like_a_column_without_sql_says_where_a_columns_settings_go():
    """Omni's own spelling, `dimensions: {amount: {label: ...}}` for a column, was only "required key 'sql' is
    missing"; a new field (no such column) keeps that message."""
    problem = one_problem(model_error(omni={"dimensions": {"amount": {"label": "Amount (USD)"}}}))
    assert (problem.key, problem.message) == ("meta.omni.dimensions.amount", "required key 'sql' is missing")
    assert "amount is a column, whose own label, format, ... go under it (columns: - name: amount" in problem.expected
    other = one_problem(model_error(omni={"dimensions": {"gross": {"label": "Gross"}}}))
    assert "is a column" not in other.expected
