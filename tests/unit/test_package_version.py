"""The two halves of dbt-omni (macros from `dbt deps`, Python from pip) and their version numbers."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

from dbt_omni import __version__
from dbt_omni.export import ExportContext, export
from dbt_omni.jinja_api import _MacrosFromDisk
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.project import PACKAGE_VERSION_MACRO, dbt_package_version, package_macros_digest, shipped_macros_digest
from testkit import make_manifest, model, package_macros, settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_version_number_of_the_package_is_the_same():
    project_version = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["version"]
    setup_version = re.search(r"""version\s*=\s*["']([^"']+)["']""", (ROOT / "setup.py").read_text()).group(1)
    macro_version = dbt_package_version(package_macros())
    assert {project_version, setup_version, macro_version} == {__version__}


def export_with_macros(macros, tmp_path: Path):
    manifest = make_manifest([model("orders", columns=["order_id"])])
    manifest["macros"] = macros
    out = tmp_path / "omni"
    result = export(lambda catalog: from_manifest_dict(manifest, catalog), settings(output_dir=str(out)),
                    ExportContext(project_dir=tmp_path))
    return result, json.loads((out / "omni_export.json").read_text())


def test_macros_of_another_version_are_a_warning_of_every_export(tmp_path):
    other = package_macros({PACKAGE_VERSION_MACRO: {
        "name": "_omni_package_version", "package_name": "dbt_omni", "unique_id": PACKAGE_VERSION_MACRO,
        "macro_sql": "{% macro _omni_package_version() %}{{ return('9.9.9') }}{% endmacro %}"}})
    result, record = export_with_macros(other, tmp_path)
    assert result.warnings[0].startswith("the dbt_omni macros (dbt package, from `dbt deps`) are version 9.9.9 "
                                         f"but the Python package is {__version__}")
    assert "pip install dbt_packages/dbt_omni" in result.warnings[0]
    assert record["warnings"] == result.warnings


def test_no_warning_when_the_versions_agree_or_the_macros_are_not_installed(tmp_path):
    for macros in (package_macros(), {}):
        result, _ = export_with_macros(macros, tmp_path / str(len(macros)))
        assert not [w for w in result.warnings if "version" in w] and result.standing == []


def test_the_macros_read_from_disk_are_not_loaded_to_find_the_version(tmp_path):
    """The macro path checks the version itself (_omni_python); manifest.json is read only for metrics."""
    lazy = _MacrosFromDisk(tmp_path / "no_target")  # loading it would raise: no manifest.json there
    assert dbt_package_version(lazy) is None
    assert dbt_package_version(None) is None


def test_the_python_package_knows_the_code_of_the_macros_it_was_made_with():
    """macros.sha256 must follow every change of macros/ (DBT_OMNI_UPDATE_GOLDEN=1 rewrites it), or every
    run-operation would stop with 'not the commit of the dbt_omni Python package'."""
    digest = package_macros_digest(package_macros())
    if os.environ.get("DBT_OMNI_UPDATE_GOLDEN") == "1":
        (ROOT / "python" / "dbt_omni" / "macros.sha256").write_text(digest + "\n")
    assert shipped_macros_digest() == digest, "macros/ changed: rerun with DBT_OMNI_UPDATE_GOLDEN=1"


def test_macros_of_another_commit_with_the_same_version_are_a_standing_warning(tmp_path):
    """`revision: main` in packages.yml and pip at another commit: both say the same version."""
    macros = package_macros()
    changed = dict(macros["macro.dbt_omni.omni_export"])
    changed["macro_sql"] = changed["macro_sql"].replace("omni_export", "omni_export ", 1)
    result, record = export_with_macros({**macros, "macro.dbt_omni.omni_export": changed}, tmp_path)
    assert result.standing == [result.warnings[0]] and record["warnings"][0] == result.warnings[0]
    assert result.warnings[0].startswith("the dbt_omni macros (dbt package, from `dbt deps`) are not those of the "
                                         f"installed Python package, though both say version {__version__}")
    # a contributor who edited the macros of a checkout installed from it would follow "install both from the
    # same checkout" in a circle: the way out for that case is said too
    assert result.warnings[0].endswith("(macros you edited in a checkout of your own: refresh its "
                                       "python/dbt_omni/macros.sha256 with `DBT_OMNI_UPDATE_GOLDEN=1 pytest "
                                       "tests/unit/test_package_version.py` there, then pip install it again)")


def test_a_windows_checkout_of_the_same_macros_is_the_same_code():
    macros = package_macros()
    crlf = {key: {**macro, "macro_sql": macro["macro_sql"].replace("\n", "\r\n")} for key, macro in macros.items()}
    assert package_macros_digest(crlf) == package_macros_digest(macros)
    assert package_macros_digest({}) is None and package_macros_digest(None) is None


def test_an_install_without_macros_sha256_checks_only_the_version(tmp_path, monkeypatch):
    """The check is a help, not a gate: a package built without the file must still export."""
    from importlib import resources

    import dbt_omni.project

    monkeypatch.setattr(resources, "files", lambda package: tmp_path)  # no macros.sha256 there
    assert dbt_omni.project.shipped_macros_digest() is None
    monkeypatch.undo()
    monkeypatch.setattr(dbt_omni.project, "shipped_macros_digest", lambda: None)
    macros = package_macros()
    changed = {**macros["macro.dbt_omni.omni_export"], "macro_sql": "{% macro omni_export() %}{% endmacro %}"}
    result, _ = export_with_macros({**macros, "macro.dbt_omni.omni_export": changed}, tmp_path / "out")
    assert result.standing == []


def test_the_dbt_packages_required_dbt_version_admits_every_supported_dbt_core():
    """dbt refuses to run a package whose require-dbt-version leaves its own version out."""
    from packaging.specifiers import SpecifierSet

    project = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text())
    required = SpecifierSet(",".join(project["require-dbt-version"]))
    assert [v for v in ("1.9.9", "1.10.0", "1.11.16", "1.12.6", "1.99.0") if required.contains(v)] == [
        "1.10.0", "1.11.16", "1.12.6", "1.99.0"], str(required)
