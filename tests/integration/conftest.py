"""Fixtures for tests/integration (the shared ones live in tests/conftest.py).

Every test collected under tests/integration is marked `integration` automatically.

    dbt_project   function: dbt_project_copy with `dbt deps` already run (dbt_omni installed from
                  this repo as a local package), ready for `run_dbt(dbt_project, "build")`.
"""
from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def dbt_project(dbt_project_copy: Path, run_dbt) -> Path:
    """A copy of integration_tests/ with its packages installed."""
    run_dbt(dbt_project_copy, "deps", target=None)
    return dbt_project_copy
