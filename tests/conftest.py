"""Shared pytest fixtures and helpers (infrastructure only; see scripts/test).

Fixtures
    postgres_server      session: a fresh PostgreSQL cluster on 127.0.0.1:<free port> (scripts/postgres);
                         a PostgresServer with .host .port .user .password .dbname .env .dsn .connect()
                         and dict-style access (server["port"]). FAILS when PostgreSQL cannot be started,
                         unless DBT_OMNI_SKIP_POSTGRES=1 (then tests using it are skipped).
    dbt_project_copy     function: a fresh copy of integration_tests/ in a tmp dir (no target/, logs/,
                         dbt_packages/, *.duckdb), packages.yml `local: ../` -> this repo's absolute path.
    run_dbt, run_cli     session: the functions below, as fixtures (so tests need no imports).
    copy_project         session: copy_dbt_project(dest, src=integration_tests/), for fixtures of
                         wider scope that build a project once.

Helpers
    run_dbt(project_dir, *args, target="duckdb", env=None, expect_ok=True, timeout=900)
        runs <this python's bin>/dbt ARGS --profiles-dir P --project-dir P --target T in P (forked
        from tests/dbt_fork_server.py, which imported dbt once; DBT_OMNI_TEST_FORK=0: a plain subprocess), with
        DBT_OMNI_DUCKDB_PATH=P/dbt_omni.duckdb and, once postgres_server has started, the
        DBT_OMNI_PG_* variables. Returns a CompletedProcess (text stdout/stderr); raises
        AssertionError with the output's tail when the exit status is not what expect_ok says.
    run_cli(*args, env=None, cwd=None, expect_ok=True, timeout=600, input=None)
        the same for the `dbt-omni` console script of this python.

The profile of integration_tests/profiles.yml is expected to read those variables:
    DBT_OMNI_DUCKDB_PATH, DBT_OMNI_PG_HOST, DBT_OMNI_PG_PORT, DBT_OMNI_PG_USER,
    DBT_OMNI_PG_PASSWORD, DBT_OMNI_PG_DBNAME (targets `duckdb` and `postgres`).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pytest
from dbt_fork_server import FORK_SERVER

REPO_ROOT = Path(__file__).resolve().parents[1]
INTEGRATION_PROJECT = REPO_ROOT / "integration_tests"
SCRIPTS_DIR = REPO_ROOT / "scripts"
VENV_BIN = Path(sys.executable).parent

# Environment for every subprocess: no tracking calls (the network is closed), no colour codes.
QUIET_DBT_ENV = {
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    "DO_NOT_TRACK": "1",
    "DBT_USE_COLORS": "False",
    "DBT_USE_COLORS_FILE": "False",
}

# Set by the postgres_server fixture while its server runs; merged into run_dbt / run_cli envs.
_ACTIVE_PG_ENV: dict[str, str] = {}


# --------------------------------------------------------------------------------------------
# report header: which interpreter / dbt this run uses (scripts/test runs several venvs)
def pytest_report_header(config):
    try:
        from importlib.metadata import version

        dbt = version("dbt-core")
    except Exception:  # pragma: no cover - reported, not fatal here
        dbt = "NOT INSTALLED"
    return f"dbt-omni tests: python {sys.executable}, dbt-core {dbt}"


# --------------------------------------------------------------------------------------------
# subprocess helpers
def _tail(text: str | None, lines: int = 80) -> str:
    if not text:
        return "<empty>"
    parts = text.rstrip().splitlines()
    head = f"... ({len(parts) - lines} earlier lines cut)\n" if len(parts) > lines else ""
    return head + "\n".join(parts[-lines:])


def _run(cmd: list[str], *, env: Mapping[str, str] | None, cwd: Path | str | None, expect_ok: bool,
         timeout: float, input: str | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(QUIET_DBT_ENV)
    full_env.update(_ACTIVE_PG_ENV)
    full_env["PATH"] = f"{VENV_BIN}{os.pathsep}{full_env.get('PATH', '')}"
    if env:
        full_env.update({k: str(v) for k, v in env.items()})
    try:
        if input is None and cmd[0] == str(VENV_BIN / "dbt") and FORK_SERVER.serves(full_env):
            proc = FORK_SERVER.run(cmd, cwd=cwd, env=full_env, timeout=timeout)
        else:
            proc = subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                                  timeout=timeout, input=input,
                                  stdin=None if input is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(
            f"command timed out after {timeout}s: {' '.join(map(str, cmd))}\n"
            f"--- stdout tail ---\n{_tail(exc.stdout if isinstance(exc.stdout, str) else (exc.stdout or b'').decode(errors='replace'))}\n"
            f"--- stderr tail ---\n{_tail(exc.stderr if isinstance(exc.stderr, str) else (exc.stderr or b'').decode(errors='replace'))}"
        ) from None
    ok = proc.returncode == 0
    if ok != expect_ok:
        what = "failed unexpectedly" if expect_ok else "succeeded but was expected to fail"
        raise AssertionError(
            f"command {what} (exit {proc.returncode}): {' '.join(map(str, cmd))}\n"
            f"cwd: {cwd}\n"
            f"--- stdout tail ---\n{_tail(proc.stdout)}\n"
            f"--- stderr tail ---\n{_tail(proc.stderr, 40)}"
        )
    return proc


def _executable(name: str) -> Path:
    exe = VENV_BIN / name
    if not exe.exists():
        raise AssertionError(
            f"{exe} does not exist: '{name}' is not installed in the python running the tests "
            f"({sys.executable}). Run scripts/bootstrap and use .venv/bin/pytest (or scripts/test)."
        )
    return exe


def run_dbt(project_dir: Path | str, *args: str, target: str | None = "duckdb",
            env: Mapping[str, str] | None = None, expect_ok: bool = True,
            timeout: float = 900) -> subprocess.CompletedProcess:
    """Run this environment's `dbt` in project_dir (its profiles.yml is used)."""
    project_dir = Path(project_dir).resolve()
    args = [str(a) for a in args]
    cmd = [str(_executable("dbt")), *args]
    if args and not args[0].startswith("-"):  # a subcommand: add the project flags
        if "--profiles-dir" not in args:
            cmd += ["--profiles-dir", str(project_dir)]
        if "--project-dir" not in args:
            cmd += ["--project-dir", str(project_dir)]
        if target and "--target" not in args and "-t" not in args:
            cmd += ["--target", target]
    run_env = {"DBT_OMNI_DUCKDB_PATH": str(project_dir / "dbt_omni.duckdb")}
    if env:
        run_env.update(env)
    if target == "postgres" and "DBT_OMNI_PG_PORT" not in {**_ACTIVE_PG_ENV, **run_env}:
        raise AssertionError("run_dbt(target='postgres') needs the postgres_server fixture "
                             "(request it in the test, or pass env=postgres_server.env)")
    return _run(cmd, env=run_env, cwd=project_dir, expect_ok=expect_ok, timeout=timeout)


def run_cli(*args: str, env: Mapping[str, str] | None = None, cwd: Path | str | None = None,
            expect_ok: bool = True, timeout: float = 600,
            input: str | None = None) -> subprocess.CompletedProcess:
    """Run this environment's `dbt-omni` console script."""
    cmd = [str(_executable("dbt-omni")), *[str(a) for a in args]]
    return _run(cmd, env=env, cwd=cwd, expect_ok=expect_ok, timeout=timeout, input=input)


@pytest.fixture(scope="session", name="run_dbt")
def run_dbt_fixture():
    return run_dbt


@pytest.fixture(scope="session", name="run_cli")
def run_cli_fixture():
    return run_cli


# --------------------------------------------------------------------------------------------
# integration project copies
_COPY_IGNORE = shutil.ignore_patterns("target", "logs", "dbt_packages", "*.duckdb", "*.duckdb.wal",
                                      ".user.yml", "__pycache__")
_LOCAL_PARENT = re.compile(r"""^(\s*(?:-\s*)?local:\s*)(["']?)\.\.(?:/)?\2\s*$""", re.MULTILINE)


def copy_dbt_project(dest: Path | str, src: Path | str = INTEGRATION_PROJECT) -> Path:
    """Copy a dbt project (default integration_tests/) to dest, pointing `local: ../` at this repo."""
    src, dest = Path(src), Path(dest)
    if not (src / "dbt_project.yml").is_file():
        raise AssertionError(f"{src} is not a dbt project (no dbt_project.yml)")
    shutil.copytree(src, dest, ignore=_COPY_IGNORE, dirs_exist_ok=True)
    for name in ("packages.yml", "dependencies.yml"):
        f = dest / name
        if f.is_file():
            text = f.read_text()
            new = _LOCAL_PARENT.sub(lambda m: f'{m.group(1)}"{REPO_ROOT}"', text)
            if new != text:
                f.write_text(new)
    return dest


@pytest.fixture
def dbt_project_copy(tmp_path_factory) -> Path:
    """A fresh, writable copy of integration_tests/ (run `dbt deps` in it before building)."""
    if not (INTEGRATION_PROJECT / "dbt_project.yml").is_file():
        pytest.fail(f"{INTEGRATION_PROJECT}/dbt_project.yml is missing: the integration project is not there",
                    pytrace=False)
    return copy_dbt_project(tmp_path_factory.mktemp("integration_project") / "project")


# --------------------------------------------------------------------------------------------
# PostgreSQL
@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    dir: Path = field(repr=False)

    @property
    def env(self) -> dict[str, str]:
        """The variables integration_tests/profiles.yml reads for target `postgres`."""
        return {
            "DBT_OMNI_PG_HOST": self.host,
            "DBT_OMNI_PG_PORT": str(self.port),
            "DBT_OMNI_PG_USER": self.user,
            "DBT_OMNI_PG_PASSWORD": self.password,
            "DBT_OMNI_PG_DBNAME": self.dbname,
        }

    @property
    def dsn(self) -> str:
        return f"host={self.host} port={self.port} user={self.user} password={self.password} dbname={self.dbname}"

    def connect(self, **kwargs):
        """A psycopg2 connection (psycopg2 comes with dbt-postgres)."""
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                                dbname=self.dbname, **kwargs)

    def __getitem__(self, key: str):
        return getattr(self, key)

    def as_dict(self) -> dict:
        return {"host": self.host, "port": self.port, "user": self.user, "password": self.password,
                "dbname": self.dbname, "env": self.env}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_script(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPTS_DIR / "postgres"), *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def postgres_server() -> Iterable[PostgresServer]:
    if os.environ.get("DBT_OMNI_SKIP_POSTGRES") == "1":
        pytest.skip("DBT_OMNI_SKIP_POSTGRES=1: PostgreSQL tests skipped")
    errors = []
    server = None
    # /tmp, not pytest's tmp dir: that one is private to root and the server runs as `postgres`
    base = Path(tempfile.mkdtemp(prefix="dbt-omni-pg-", dir="/tmp"))
    base.chmod(0o755)  # mkdtemp makes it 0700; the server's OS user must traverse it
    for attempt in range(3):
        port = _free_port()
        pg_dir = base / f"cluster{attempt}"
        try:
            proc = _pg_script("start", str(pg_dir), str(port))
        except subprocess.TimeoutExpired:
            errors.append(f"port {port}: scripts/postgres start timed out")
            _pg_script("stop", str(pg_dir), timeout=120)
            continue
        if proc.returncode == 0:
            server = PostgresServer("127.0.0.1", port, "postgres", "postgres", "dbt_omni", pg_dir)
            break
        errors.append(f"port {port}: exit {proc.returncode}\n{_tail(proc.stdout, 20)}\n{_tail(proc.stderr, 40)}")
        _pg_script("stop", str(pg_dir), timeout=120)
    if server is None:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail("could not start PostgreSQL with scripts/postgres (set DBT_OMNI_SKIP_POSTGRES=1 to skip "
                    "the PostgreSQL tests instead):\n" + "\n---\n".join(errors), pytrace=False)
    _ACTIVE_PG_ENV.update(server.env)
    try:
        yield server
    finally:
        _ACTIVE_PG_ENV.clear()
        stop = _pg_script("stop", str(server.dir), timeout=120)
        if stop.returncode != 0:
            sys.stderr.write(f"WARNING: stopping PostgreSQL in {server.dir} failed:\n{stop.stderr}\n")
        else:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session", name="copy_project")
def copy_project_fixture():
    """copy_dbt_project, for module- and session-scoped fixtures that build a project once."""
    return copy_dbt_project
