"""The macros' arguments (--args of run-operation, the on-run-end hook's call), checked in Python."""
from __future__ import annotations

import pytest

from dbt_omni.jinja_api import argument_problems

WHERE = "--args of omni_export"
DEFAULTS = {"select": None, "exclude": None, "output_dir": None, "from_warehouse": False, "force": False}


@pytest.mark.parametrize("values", [
    {}, {"select": "marts", "exclude": ["tag:x", "y"], "output_dir": "target/o", "force": True, "from_warehouse": True},
])
def test_arguments_of_the_right_types_pass(values):
    assert argument_problems(WHERE, {}, {**DEFAULTS, **values}) == ""


@pytest.mark.parametrize("name, value, shown, expected", [
    ("force", "no", '"no"', "true or false"),  # Jinja would take any non-empty string for true
    ("from_warehouse", 1, "1", "true or false"),
    ("select", 5, "5", "a selector string or a list of them"),
    ("exclude", ["a", 3], '["a", 3]', "a selector string or a list of them"),
    ("output_dir", ["target"], '["target"]', "a folder path (a string)"),
    ("by", 7, "7", "a dimension name or a list of them"),  # omni_verify's: dimensions, not selectors
])
def test_a_value_of_the_wrong_type_is_named_with_what_is_expected(name, value, shown, expected):
    message = argument_problems(WHERE, {}, {**DEFAULTS, name: value})
    assert message == f"dbt-omni: {WHERE}: {name} is {shown} (expected {expected})"


def test_an_unknown_argument_suggests_the_closest():
    message = argument_problems(WHERE, {"selct": ["x"]}, DEFAULTS)
    assert message == (f"dbt-omni: {WHERE}: no argument 'selct' (expected one of select, exclude, output_dir, "
                       "from_warehouse, force); did you mean 'select'?")


@pytest.mark.parametrize("value, expected", [
    ("marts finance", ["marts", "finance"]), (["marts tag:x", "y"], ["marts", "tag:x", "y"]), ("", None), (None, None)])
def test_every_macro_reads_a_space_separated_selection_as_dbt_does(value, expected):
    """omni_export's select split it (config), omni_verify's took "a b" as one model name."""
    from dbt_omni.jinja_api import _as_list

    assert _as_list(value) == expected
