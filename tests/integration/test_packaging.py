"""The wheel `pip install dbt_packages/dbt_omni` builds: what a user without `-e` runs."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_the_package_data_and_no_file_an_earlier_build_left(tmp_path):
    """pip builds a checkout in place (a `local:` dbt package links to one); setuptools' build/ folder,
    left by an earlier build, shipped a module deleted since."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(REPO_ROOT / name, checkout / name)
    shutil.copytree(REPO_ROOT / "python", checkout / "python",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    stale = checkout / "build" / "lib" / "dbt_omni" / "removed_module.py"
    stale.parent.mkdir(parents=True)
    stale.write_text("raise ImportError('deleted from the checkout')\n")
    listing_before = sorted(p.relative_to(checkout) for p in (checkout / "build").rglob("*"))

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "wheels"),
                    str(checkout)], check=True, capture_output=True, text=True)

    [wheel] = (tmp_path / "wheels").glob("dbt_omni-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "dbt_omni/removed_module.py" not in names
    assert {"dbt_omni/__init__.py", "dbt_omni/macros.sha256", "dbt_omni/schema/meta_omni.schema.json"} <= names
    assert sorted(p.relative_to(checkout) for p in (checkout / "build").rglob("*")) == listing_before  # nothing written there
    assert not list(checkout.rglob("*.egg-info")), "setuptools' metadata folder was left in the checkout"
    # What pip installs with it: every dbt-core 1.x from 1.10 on (the issue: no cap below 2.0), and the command.
    wheel_zip = zipfile.ZipFile(wheel)
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [line.split(":", 1)[1].strip() for line in wheel_zip.read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    [dbt_core] = [Requirement(r) for r in requires if Requirement(r).name == "dbt-core"]
    assert [v for v in ("1.9.9", "1.10.0", "1.12.6", "1.99.0", "2.0.0") if dbt_core.specifier.contains(v)] == [
        "1.10.0", "1.12.6", "1.99.0"], str(dbt_core.specifier)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "the Apache-2.0 text setup.py declares"
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "dbt-omni = dbt_omni.cli:main" in wheel_zip.read(entry_points).decode()


def test_the_lowest_dependency_versions_setup_py_allows_are_what_the_dbt_core_1_10_lane_tests():
    """The 1.10 lane (scripts/test: its unit and `versions` tests) installs the lower bounds of our own
    direct dependencies, so a bound that no longer works fails there (jsonschema>=4.18 did, unseen)."""
    text = (REPO_ROOT / "setup.py").read_text()
    requires = [Requirement(r) for r in re.findall(r'^\s+"([A-Za-z][^"]*[<>=][^"]*)",', text, re.MULTILINE)]
    lowest = {r.name.lower().replace("_", "-"): next(s.version for s in r.specifier if s.operator == ">=")
              for r in requires if r.name != "dbt-core"}
    assert set(lowest) == {"pyyaml", "jsonschema", "jsonschema-rs"}, lowest
    locked = {}
    for line in (REPO_ROOT / "requirements" / "dbt-1.10.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            locked[name.lower().replace("_", "-")] = version.strip()
    assert {name: locked.get(name) and Version(locked[name]) for name in lowest} == {
        name: Version(version) for name, version in lowest.items()}, \
        "pin these in requirements/dbt-1.10.in, then: scripts/bootstrap --relock 1.10"
