"""Fixtures for tests/unit (pure core: no database, no dbt subprocess). Builders live in testkit.py."""
from __future__ import annotations

import pytest


@pytest.fixture
def out_dir(tmp_path):
    """Where an export writes: a folder that does not exist yet, inside pytest's tmp dir."""
    return tmp_path / "omni"
