"""README's quick look shows a schema YAML and the view file dbt wrote from it: both are run here, so the
example cannot drift from what the code writes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def quick_look() -> tuple:
    """(the schema YAML, the view file) of README's `## A quick look`: its first two yaml blocks."""
    text = README.read_text("utf-8")
    section = text[text.index("## A quick look"):text.index("\n## ", text.index("## A quick look") + 1)]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "README's quick look: expected the input YAML and the view file"
    return blocks[0], blocks[1]


@pytest.mark.duckdb
def test_readme_quick_look_is_what_dbt_parse_writes(tmp_path, run_dbt):
    schema, view = quick_look()
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "schema.yml").write_text(schema)
    (tmp_path / "models" / "fct_orders.sql").write_text(
        "select 1 as order_id, 1 as customer_id, 'completed' as status, 10.0 as order_amount\n")
    (tmp_path / "models" / "dim_customers.sql").write_text("select 1 as customer_id\n")
    (tmp_path / "models" / "customers.yml").write_text(
        "models:\n  - name: dim_customers\n    columns:\n      - name: customer_id\n"
        "        data_tests: [unique, not_null]\n")
    (tmp_path / "profiles.yml").write_text(
        f"shop:\n  target: dev\n  outputs:\n    dev: {{type: duckdb, path: '{tmp_path / 'shop.duckdb'}', "
        "schema: analytics}\n")
    (tmp_path / "dbt_project.yml").write_text("name: shop\nversion: '1.0'\nprofile: shop\nvars:\n  dbt_omni: {}\n")
    result = run_dbt(tmp_path, "parse", target=None)
    said = re.search(r"`dbt-omni: wrote Omni model to \.\.\./target/omni (\([^)]*\))`", " ".join(
        README.read_text("utf-8").split()))  # README's line, as it prints it
    assert said and said[1] in result.stdout, (said and said[1], result.stdout[-500:])
    omni = tmp_path / "target" / "omni"
    assert (omni / "analytics" / "fct_orders.view.yaml").read_text() == view
    assert "relationship_type: many_to_one" in (omni / "relationships.yaml").read_text()
    assert (omni / "fct_orders.topic.yaml").is_file()
