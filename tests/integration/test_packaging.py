"""The wheel `pip install dbt_packages/dbt_omni` builds: what a user without `-e` runs."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

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
