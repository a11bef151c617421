"""Checks of the test infrastructure itself (tests/conftest.py, scripts/postgres)."""
from __future__ import annotations

import os
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


def test_dbt_commands_forked_by_the_fork_server_behave_as_the_console_script(run_dbt, tmp_path, monkeypatch):
    """run_dbt's fork server (tests/dbt_fork_server.py): the exit status, output, environment and a
    timeout reach the test as with a plain `dbt` subprocess, and the server goes on after a kill."""
    from dbt_fork_server import FORK_SERVER

    def forked_and_plain(*args, env=None, expect_ok=True):
        before = FORK_SERVER.commands
        forked = run_dbt(tmp_path, *args, target=None, env=env, expect_ok=expect_ok)
        assert FORK_SERVER.commands == before + 1, "run_dbt did not use the fork server"
        with monkeypatch.context() as plainly:
            plainly.setenv("DBT_OMNI_TEST_FORK", "0")  # the same command as a plain subprocess
            plain = run_dbt(tmp_path, *args, target=None, env=env, expect_ok=expect_ok)
        assert FORK_SERVER.commands == before + 1, "DBT_OMNI_TEST_FORK=0 still used the fork server"
        assert plain.args == forked.args
        return forked, plain

    forked, plain = forked_and_plain("parse", "--no-such-flag", expect_ok=False)
    assert (forked.returncode, forked.stdout, forked.stderr) == (plain.returncode, plain.stdout, plain.stderr)
    assert forked.returncode == 2 and "No such option" in forked.stderr
    # The command's environment, not the server's: a profile that reads a variable.
    (tmp_path / "dbt_project.yml").write_text("name: fork_check\nprofile: fork_check\nversion: '1.0.0'\n")
    (tmp_path / "profiles.yml").write_text(
        "fork_check:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        "      path: \"{{ env_var('FORK_CHECK_PATH') }}\"\n")
    forked, plain = forked_and_plain("debug", env={"FORK_CHECK_PATH": str(tmp_path / "from_env.duckdb")})
    assert forked.returncode == plain.returncode == 0, forked.stdout[-2000:]
    assert str(tmp_path / "from_env.duckdb") in forked.stdout
    assert forked.stdout.count("\n") == plain.stdout.count("\n")
    # A command that hangs (dbt_project.yml a FIFO nobody writes to) is killed at the timeout.
    (tmp_path / "dbt_project.yml").unlink()
    os.mkfifo(tmp_path / "dbt_project.yml")
    with pytest.raises(AssertionError, match="timed out after 5s"):
        run_dbt(tmp_path, "parse", target=None, timeout=5)
    assert run_dbt(tmp_path, "--version").returncode == 0
