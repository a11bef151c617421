"""Our YAML emitter: whatever we write must read back (PyYAML) as exactly the value we meant."""
from __future__ import annotations

import yaml

from dbt_omni.dump import _scalar, _yaml

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


def test_plain_where_safe_and_blocks_for_multiline_text():
    assert _scalar("${order_amount} + ${shipping_amount}") == "${order_amount} + ${shipping_amount}"
    assert _yaml({"description": "First line.\nSecond line."}) == "description: |-\n  First line.\n  Second line.\n"
