"""Our YAML emitter: whatever we write must read back (PyYAML) as exactly the value we meant."""
from __future__ import annotations

import yaml

from dbt_omni.dump import _scalar, _yaml, view_text
from dbt_omni.omni_model import View

TRICKY = [
    "yes", "no", "true", "null", "~", "on", "off", "1.5", "1e3", "0o7", "0x1F", ".inf", ".nan", "NaN",
    "2024-01-01", "- a", "a: b", "a #b", "#x", "${a} || ' ' || ${b}", "it's", 'say "hi"', "", " lead",
    "trail ", "line1\nline2", "line1\nline2\n", "a\n\nb", "x\n\n", "\ttab", "a\tb", "ünïcode", "{a}",
    "[x]", "*", "&a", "!t", "%x", "@x", "`x", "a:", "::", "+1", ".5", "=", "<<", "a\u2028b", "a\x85b",
    "a\x7fb", "x\n y", "x \ny", "\n", "a\r\nb", "|", ">", "{{ x }}", "1_000", "-", "?", "[a, b]",
    "CASE WHEN ${x} > 0 THEN 1 END", "count(*)",
]


def test_every_tricky_string_reads_back_unchanged_as_value_and_key():
    data = {
        "values": TRICKY,
        "keys": {text: text for text in TRICKY if text},
        "records": [{"a": 1, "b": [1, 2], "c": {}}, {"d": True, "e": None, "f": 1.25}],
        "empty_list": [],
        "empty_map": {},
        "nested": {"x": {"y": {}}},
    }
    assert yaml.safe_load(_yaml(data)) == data


def test_yaml_1_2_numbers_and_1_1_booleans_are_quoted():
    for text in ("1e3", "0o7", "0x1F", ".inf", "yes", "on", "null"):
        assert _scalar(text).startswith('"'), text


def test_text_other_yaml_loaders_read_as_numbers_dates_or_booleans_is_quoted():
    """Text to PyYAML, but not to go-yaml (0X1F, 1e_3, 2024-1-2), ruamel (0o1_7) or the YAML 1.1 spec's own
    booleans (Y/N flags in accepted_values): Omni's loader is not known (found by fuzzing six loaders)."""
    for text in ("0o1_7", "0o_7", "0X1F", "0O17", "0B101", "1e3_", "1e_3", "2024-1-2", "y", "Y", "n", "N"):
        assert _scalar(text).startswith('"'), text
        assert yaml.safe_load(_scalar(text)) == text
    for text in ("1st", "x1", "id", "usdcurrency_2", "yy", "no_show"):  # still plain
        assert _scalar(text) == text


def test_plain_where_safe_and_blocks_for_multiline_text():
    assert _scalar("${order_amount} + ${shipping_amount}") == "${order_amount} + ${shipping_amount}"
    assert _yaml({"description": "First line.\nSecond line."}) == "description: |-\n  First line.\n  Second line.\n"


def test_floats_read_back_as_floats_not_text():
    values = [float("inf"), float("-inf"), 1e20, 1e-05, -2.5e-10, 0.1, 90.0, 1e16]
    assert yaml.safe_load(_yaml({"v": values})) == {"v": values}
    assert yaml.safe_load(_yaml({"v": float("nan")}))["v"] != yaml.safe_load(_yaml({"v": float("nan")}))["v"]


def test_a_line_break_in_a_dbt_name_or_path_stays_inside_the_comment():
    view = View("main", "t", dbt_unique_id="source.shop.evil\ninjected: yes\n.t", dbt_path="models/a\u2028b: c/x.sql",
                upstream=("model.shop.x\ry: z",))
    text = view_text(view)
    assert yaml.safe_load(text) == {"schema": "main", "table_name": "t"}
    assert "source.shop.evil\\u000ainjected: yes\\u000a.t" in text and len(text.splitlines()) == 5


def test_relationship_keys_come_in_omnis_order_alphabetical():
    """Omni writes relationships.yaml with sorted keys: the same order makes no diff when a join is saved there."""
    from dbt_omni.dump import relationships_text
    from dbt_omni.omni_model import Relationship

    rel = Relationship(join_from_view="a__orders", join_to_view="a__customers", on_sql="${a__orders.c} = ${a__customers.c}",
                       relationship_type="many_to_one", join_type="always_left", join_to_view_as="buyers",
                       join_to_view_as_label="Buyers", reversible=True, where_sql="${a__orders.x} = 1")
    keys = [line.split(":")[0].lstrip("- ") for line in relationships_text([rel]).splitlines() if line.strip()]
    assert keys == sorted(keys) and len(keys) == 9


def test_lists_equal_in_python_but_not_in_yaml_keep_their_own_values():
    """(1, 0) == (True, False) and 1 == 1.0: a cache keyed on such lists wrote one field's values for another's
    (found by fuzzing)."""
    from dbt_omni.omni_model import Dimension

    view = View(schema="s", table_name="t", dimensions=[
        Dimension("a", all_values=[1, 0]), Dimension("b", all_values=[True, False]),
        Dimension("c", all_values=[1.0, 2]), Dimension("d", all_values=[1, 2]), Dimension("e", all_values=["1", "0"])])
    dimensions = yaml.safe_load(view_text(view))["dimensions"]
    assert {name: d["all_values"] for name, d in dimensions.items()} == {
        "a": [1, 0], "b": [True, False], "c": [1.0, 2], "d": [1, 2], "e": ["1", "0"]}
    assert [type(v) for v in dimensions["b"]["all_values"]] == [bool, bool]
    assert [type(v) for v in dimensions["c"]["all_values"]] == [float, int]


def test_a_key_longer_than_yaml_allows_unmarked_is_written_as_an_explicit_key():
    """YAML reads a `key:` of at most 1,024 characters; a longer column name gave a file that does not
    parse (found by fuzzing)."""
    from dbt_omni.omni_model import Dimension

    for length in (1024, 1025, 5000):
        name = "c" * length
        view = View(schema="s", table_name="t", dimensions=[Dimension(name), Dimension("d" * length, sql="x")])
        assert yaml.safe_load(view_text(view))["dimensions"] == {name: {}, "d" * length: {"sql": "x"}}
        data = {name: "v", "m": {name: {name: [{name: 1, "b": 2}]}}, "q": {"a: " + name: None}}
        assert yaml.safe_load(_yaml(data)) == data
