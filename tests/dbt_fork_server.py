"""A fork server for the tests' `dbt` commands (tests/conftest.py's run_dbt uses FORK_SERVER).

Each `dbt` command spends 2.4 to 2.6 s importing dbt before it does anything (on the 2-core CI
machine), and the suite runs a few hundred of them. The server imports `dbt.cli.main` once and
forks a child per command; the child takes the command's working directory, environment and
output files, then runs the same entry point as the `dbt` console script (`sys.exit(cli())`), in
a process of its own. Nothing else is imported before the fork (no adapter, no dbt_omni, no
thread), so each command still loads the plugin, reads its project and writes its files afresh.

Commands whose environment changes a PYTHON* variable (which acts only at interpreter start) run
as plain subprocesses, and so does every command when DBT_OMNI_TEST_FORK=0.

Protocol, one JSON object per line: a request {"argv", "cwd", "env", "stdout", "stderr"} on the
request pipe; the replies {"pid"} when the child starts and {"status"} (its exit status, or minus
the signal that ended it) when it ends. The client kills the pid on a timeout.

    python tests/dbt_fork_server.py REQUEST_FD REPLY_FD      (the server; the client starts it)
"""
from __future__ import annotations

import atexit
import io
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Mapping


# --------------------------------------------------------------------------------------------
# server
def _child(request: dict) -> None:
    """Become the dbt command; never returns."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, fd)
            os.close(out)
        sys.argv = list(request["argv"])
        from dbt.cli.main import cli

        try:
            cli()
            code = 0
        except SystemExit as exc:  # how `sys.exit(cli())` in the console script ends
            if exc.code is None or isinstance(exc.code, int):
                code = exc.code or 0
            else:
                print(exc.code, file=sys.stderr)
                code = 1
    except BaseException:  # as an uncaught exception in the real command: a traceback, exit 1
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            atexit._run_exitfuncs()  # what interpreter exit runs (logging's final flush among them)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code if 0 <= code < 256 else 1)


def serve(request_fd: int, reply_fd: int) -> None:
    import dbt.cli.main  # noqa: F401  (the import every command shares)

    replies = os.fdopen(reply_fd, "w", buffering=1)
    with os.fdopen(request_fd) as requests:
        for line in requests:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(request)
            replies.write(json.dumps({"pid": pid}) + "\n")
            _, wait_status = os.waitpid(pid, 0)
            replies.write(json.dumps({"status": os.waitstatus_to_exitcode(wait_status)}) + "\n")


# --------------------------------------------------------------------------------------------
# client
class ForkServer:
    """The client: starts the server at its first command, stops it when Python exits."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.commands = 0  # commands run through the server (a test checks it is used)
        self._requests = None
        self._replies_fd = -1
        self._pending = b""
        self._log = ""

    @staticmethod
    def serves(env: Mapping[str, str]) -> bool:
        """Whether a `dbt` command with this environment can be forked from the server."""
        if os.environ.get("DBT_OMNI_TEST_FORK", "1") == "0" or not hasattr(os, "fork"):
            return False
        return all(env.get(k) == os.environ.get(k) for k in {*env, *os.environ} if k.startswith("PYTHON"))

    def run(self, argv: list[str], *, cwd: Path | str | None, env: Mapping[str, str],
            timeout: float) -> subprocess.CompletedProcess:
        """As subprocess.run(argv, cwd=, env=, capture_output=True, text=True, timeout=,
        stdin=DEVNULL); the server starts with the first command's environment."""
        if self.process is None:
            self._start(env)
        with tempfile.TemporaryDirectory(prefix="dbt-fork-") as outputs:
            stdout, stderr = Path(outputs, "stdout"), Path(outputs, "stderr")
            request = {"argv": argv, "cwd": str(Path(cwd or ".").resolve()), "env": dict(env),
                       "stdout": str(stdout), "stderr": str(stderr)}
            self._requests.write(json.dumps(request) + "\n")
            pid = self._reply(None)["pid"]
            self.commands += 1
            reply = self._reply(time.monotonic() + timeout)
            if reply is None:
                os.kill(pid, signal.SIGKILL)
                self._reply(None)
            # decoded as subprocess.run(text=True) does: the locale's encoding, universal newlines
            out, err = (io.TextIOWrapper(io.BytesIO(p.read_bytes() if p.exists() else b"")).read()
                        for p in (stdout, stderr))
        if reply is None:
            raise subprocess.TimeoutExpired(argv, timeout, output=out, stderr=err)
        return subprocess.CompletedProcess(argv, reply["status"], out, err)

    def _start(self, env: Mapping[str, str]) -> None:
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        handle, self._log = tempfile.mkstemp(prefix="dbt-fork-server-", suffix=".log")
        with os.fdopen(handle, "wb") as log:
            self.process = subprocess.Popen([sys.executable, __file__, str(request_r), str(reply_w)],
                                            pass_fds=(request_r, reply_w), stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log, env=dict(env))
        os.close(request_r)
        os.close(reply_w)
        self._requests = os.fdopen(request_w, "w", buffering=1)
        self._replies_fd = reply_r
        atexit.register(self._stop)

    def _stop(self) -> None:
        if self.process is not None:
            self._requests.close()  # the server's loop ends at end of input
            self.process.wait(timeout=60)
            os.close(self._replies_fd)
            os.unlink(self._log)
            self.process = None

    def _reply(self, deadline: float | None) -> dict | None:
        """The server's next reply, or None when the deadline passes first."""
        while b"\n" not in self._pending:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([self._replies_fd], [], [], wait)[0]:
                return None
            chunk = os.read(self._replies_fd, 65536)
            if not chunk:
                log = Path(self._log).read_text(errors="replace")[-4000:]
                raise AssertionError(f"tests/dbt_fork_server.py ended (exit {self.process.wait()}):\n{log}")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)


FORK_SERVER = ForkServer()

if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
