"""The benchmark scripts still run (their figures are for people: nothing here is timed)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_scripts_run_end_to_end_on_a_small_project(tmp_path):
    bench = [sys.executable, "bench/run.py", "--models", "3", "--columns", "3", "--repeat", "1",
             "--export-repeat", "1", "--out", str(tmp_path)]
    done = subprocess.run(bench, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^export counts\s+3 views, ", done.stdout, re.MULTILINE), done.stdout[-3000:]
    assert re.search(r"^hook wrote on unchanged partial parse\?\s+no \(good\)", done.stdout, re.MULTILINE)
    for figure in ("writing hook / full parse (target < 5%)", "in-process: export beyond loading (target < 2 s)"):
        assert re.search(rf"^{re.escape(figure)}\s+\d", done.stdout, re.MULTILINE), figure
    phases = subprocess.run([sys.executable, "bench/phases.py", str(tmp_path / "project-3-3"), "--repeat", "1"],
                            cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert phases.returncode == 0 and "| output digest " in phases.stdout, phases.stdout + phases.stderr[-3000:]
    imports = subprocess.run([sys.executable, "bench/hook_imports.py"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
    assert imports.returncode == 0 and re.fullmatch(r"\d+\.\d ms\n", imports.stdout), imports.stdout + imports.stderr[-3000:]
