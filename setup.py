"""pip install . -> the `dbt_omni` package (found by dbt-core's plugin manager) and `dbt-omni`."""
import atexit
import shutil
import tempfile
from pathlib import Path

from setuptools import find_packages, setup

# pip builds a checkout in place (a `local:` dbt package is a link to one): setuptools' build/ and
# python/dbt_omni.egg-info/ there would be left in the user's checkout, and the next build would ship
# files deleted since. Each build gets a folder of its own, removed when it ends. (So the legacy
# `setup.py develop`, which needs its egg-info to stay, refuses to run: pyproject.toml makes pip use
# the standard build backend instead, also for `pip install -e .`.)
BUILD_BASE = tempfile.mkdtemp(prefix="dbt-omni-build-")
atexit.register(shutil.rmtree, BUILD_BASE, True)

setup(
    name="dbt-omni",
    version="0.1.0",
    description="Export a dbt project to an Omni semantic model; share metric definitions between dbt and Omni.",
    long_description=Path("README.md").read_text("utf-8") if Path("README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.11",
    package_dir={"": "python"},
    packages=find_packages("python"),
    package_data={"dbt_omni": ["schema/*.json", "macros.sha256"]},
    options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
    install_requires=[
        "dbt-core>=1.10,<2.0",
        "PyYAML>=6.0.1",  # 6.0 has no wheel for Python 3.12+, and its source build fails with Cython 3
        "jsonschema>=4.19.2",  # 4.19.1 and before: a TypeError in an error message naming a number key
        "jsonschema-rs>=0.20",
    ],
    entry_points={"console_scripts": ["dbt-omni = dbt_omni.cli:main"]},
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Database",
    ],
)
