"""Checks of the test infrastructure itself (tests/conftest.py, scripts/postgres)."""
from __future__ import annotations

import sys
from importlib.metadata import version

import pytest


@pytest.mark.postgres
@pytest.mark.versions
def test_postgres_server_answers(postgres_server):
    conn = postgres_server.connect()
    try:
        with conn.cursor() as cur:
            cur.execute("select 1, current_database(), current_user")
            assert cur.fetchone() == (1, "dbt_omni", "postgres")
    finally:
        conn.close()
    assert postgres_server.env["DBT_OMNI_PG_PORT"] == str(postgres_server.port)
    assert postgres_server["dbname"] == "dbt_omni"


@pytest.mark.versions
def test_dbt_version_in_current_venv(run_dbt, tmp_path):
    proc = run_dbt(tmp_path, "--version")
    out = proc.stdout + proc.stderr
    installed = version("dbt-core")
    assert installed in out, f"`dbt --version` does not mention dbt-core {installed}:\n{out}"
    assert "duckdb" in out and "postgres" in out, f"adapters missing from `dbt --version`:\n{out}"
    # the dbt being run is this interpreter's, not one on PATH
    assert sys.prefix in proc.args[0]
