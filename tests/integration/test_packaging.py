"""The wheel `pip install dbt_packages/dbt_omni` builds: what a user without `-e` runs."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_the_package_data_and_no_file_an_earlier_build_left(tmp_path):
    """pip builds a checkout in place (a `local:` dbt package links to one); setuptools' build/ folder,
    left by an earlier build, shipped a module deleted since."""
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("setup.py", "README.md"):
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
    # What pip installs with it: every dbt-core 1.x from 1.10 on (the issue: no cap below 2.0), and the command.
    wheel_zip = zipfile.ZipFile(wheel)
    [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [line.split(":", 1)[1].strip() for line in wheel_zip.read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    [dbt_core] = [Requirement(r) for r in requires if Requirement(r).name == "dbt-core"]
    assert [v for v in ("1.9.9", "1.10.0", "1.12.6", "1.99.0", "2.0.0") if dbt_core.specifier.contains(v)] == [
        "1.10.0", "1.12.6", "1.99.0"], str(dbt_core.specifier)
    [entry_points] = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "dbt-omni = dbt_omni.cli:main" in wheel_zip.read(entry_points).decode()
