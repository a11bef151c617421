"""Real dbt on integration_tests/: every trigger, on DuckDB and PostgreSQL, against golden files.

Golden files live in tests/golden/<warehouse>/. They were read and checked by hand once; the tests
regenerate the export and compare. After an intended change, refresh them with
DBT_OMNI_UPDATE_GOLDEN=1 and read the diff before committing it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from dbt_omni import __version__

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = REPO_ROOT / "tests" / "golden"
# Differ from machine to machine by nature (its git state, dbt's patch version).
VOLATILE_RECORD_KEYS = ("git", "dbt_version")


def tree(folder: Path) -> dict:
    """Relative path -> bytes for every file below folder."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def comparable(folder: Path) -> dict:
    files = tree(folder)
    record = json.loads(files.pop("omni_export.json"))
    for key in VOLATILE_RECORD_KEYS:
        record.pop(key)
    files["omni_export.json"] = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()
    return files


def check_golden(folder: Path, warehouse: str) -> None:
    golden = GOLDEN / warehouse
    actual = comparable(folder)
    if os.environ.get("DBT_OMNI_UPDATE_GOLDEN") == "1":
        shutil.rmtree(golden, ignore_errors=True)
        for name, data in actual.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_bytes(data)
    expected = {name: (golden / name).read_bytes() for name in tree(golden)} if golden.exists() else {}
    assert sorted(actual) == sorted(expected), "files differ from tests/golden/" + warehouse
    for name in expected:
        assert actual[name].decode() == expected[name].decode(), f"{name} differs from tests/golden/{warehouse}"


def build(tmp_path_factory, copy_project, run_dbt, target: str, env=None) -> Path:
    project = copy_project(tmp_path_factory.mktemp(f"it_{target}") / "project")
    run_dbt(project, "deps", target=None, env=env)
    run_dbt(project, "build", target=target, env=env)
    run_dbt(project, "docs", "generate", target=target, env=env)
    # docs generate wrote catalog.json after the plugin ran; a parse lets the plugin see it.
    run_dbt(project, "parse", target=target, env=env)
    return project


def clone(built: Path, tmp_path_factory) -> Path:
    """A copy of a built project (its warehouse file, target/ and dbt_packages/ too) for a test that
    changes it: cheaper than building another (dbt finds the DuckDB file by the project's path)."""
    dest = tmp_path_factory.mktemp(f"clone_{built.parent.name}") / "project"
    shutil.copytree(built, dest, symlinks=True, ignore=shutil.ignore_patterns("*.duckdb.wal", "logs"))
    return dest


def vars_arg(**settings) -> str:
    return json.dumps({"dbt_omni": settings})


@pytest.fixture(scope="module")
def duckdb_project(tmp_path_factory, copy_project, run_dbt) -> Path:
    return build(tmp_path_factory, copy_project, run_dbt, "duckdb")


@pytest.mark.duckdb
@pytest.mark.versions
def test_plugin_export_matches_golden_files(duckdb_project):
    check_golden(duckdb_project / "target" / "omni", "duckdb")


def check_four_triggers(project: Path, run_dbt, run_cli, warehouse: str, env=None) -> None:
    """run-operation, the on-run-end hook and the CLI write the bytes the plugin wrote to target/omni."""
    target = project / "target"
    run_dbt(project, "run-operation", "omni_export", "--args", "{output_dir: target/via_operation}",
            target=warehouse, env=env)
    run_dbt(project, "run", "--select", "fct_order_items",  # its foreign_key `to:`, compiled, is in manifest.json now
            "--vars", vars_arg(output_dir="target/via_hook", write_on_parse=False), target=warehouse, env=env)
    run_cli("export", "--project-dir", project, "--manifest", target / "manifest.json",
            "--output", target / "via_cli", "--target", warehouse, cwd=project, env=env)
    plugin = tree(target / "omni")
    assert plugin, "the plugin wrote nothing"
    for name in ("via_operation", "via_hook", "via_cli"):
        assert tree(target / name) == plugin, f"{name} differs from the plugin's output"


@pytest.mark.duckdb
@pytest.mark.versions
def test_four_triggers_write_identical_bytes(duckdb_project, run_dbt, run_cli):
    check_four_triggers(duckdb_project, run_dbt, run_cli, "duckdb")


@pytest.mark.duckdb
@pytest.mark.versions  # the macros come from where dbt keeps its parsed manifest, an internal of dbt
def test_macros_export_under_no_write_json_without_a_manifest_file(duckdb_project, run_dbt, tmp_path_factory):
    """--no-write-json calls no plugin and writes no manifest.json: the macros still render the shared
    metrics from the manifest this command parsed."""
    project = clone(duckdb_project, tmp_path_factory)
    (project / "target" / "manifest.json").unlink()
    run_dbt(project, "run-operation", "omni_export", "--no-write-json", "--args", "{output_dir: target/nojson}")
    assert not (project / "target" / "manifest.json").exists()
    assert tree(project / "target" / "nojson") == tree(duckdb_project / "target" / "omni")


@pytest.mark.duckdb
def test_unchanged_project_writes_nothing(duckdb_project, run_dbt):
    record = duckdb_project / "target" / "omni" / "omni_export.json"
    before = record.stat().st_mtime_ns
    result = run_dbt(duckdb_project, "parse")
    assert record.stat().st_mtime_ns == before
    assert "wrote Omni model" not in result.stdout


@pytest.mark.duckdb
def test_plugin_restores_output_another_trigger_rewrote(duckdb_project, run_dbt, run_cli):
    target = duckdb_project / "target"
    full = tree(target / "omni")
    result = run_cli("export", "--project-dir", duckdb_project, "--select", "dim_products", "--target", "duckdb",
                     cwd=duckdb_project)
    assert tree(target / "omni") != full
    warning = ("dbt-omni warning: select given here differs from the project's vars.dbt_omni, and "
               f"{target / 'omni'} is the dbt plugin's folder")
    assert warning in result.stderr  # what happens next is said
    again = run_cli("export", "--project-dir", duckdb_project, "--select", "dim_products", "--target", "duckdb",
                    cwd=duckdb_project)
    assert "up to date" in again.stdout and warning in again.stderr  # still true of the folder
    run_dbt(duckdb_project, "parse")
    assert tree(target / "omni") == full
    result = run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--force", cwd=duckdb_project)
    assert "plugin's folder" not in result.stderr  # the project's own settings: the plugin writes the same
    # The macros say so too: from_warehouse is nothing the plugin can do. (Here the warehouse has the columns
    # catalog.json lists, so the files are the plugin's own: force makes it write them.)
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args", "{from_warehouse: true, force: true}")
    assert "dbt-omni warning: from_warehouse given here differs from the project's vars.dbt_omni" in result.stdout
    assert tree(target / "omni") == full


@pytest.mark.duckdb
def test_plugin_restores_a_hand_edited_file(duckdb_project, run_dbt):
    target = duckdb_project / "target"
    full = tree(target / "omni")
    view = next((target / "omni").rglob("*.view.yaml"))
    view.write_text(view.read_text() + "# edited by hand\n")
    run_dbt(duckdb_project, "parse")
    assert tree(target / "omni") == full


@pytest.mark.duckdb
def test_macros_without_the_python_package_say_what_to_install(duckdb_project, run_dbt, tmp_path):
    """Only `dbt deps` was run: dbt finds no dbt_omni module (hidden here from dbt's plugin discovery)."""
    (tmp_path / "sitecustomize.py").write_text(
        "import pkgutil\n"
        "_iter_modules = pkgutil.iter_modules\n"
        "pkgutil.iter_modules = lambda *a, **k: (m for m in _iter_modules(*a, **k) if m.name != 'dbt_omni')\n"
    )
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args", "{output_dir: target/never}",
                     env={"PYTHONPATH": str(tmp_path)}, expect_ok=False)
    output = result.stdout + result.stderr
    assert "the dbt_omni Python package is not installed where dbt runs" in output
    assert "pip install dbt_packages/dbt_omni" in output and "Traceback" not in output
    assert not (duckdb_project / "target" / "never").exists()
    # dbt compile (and docs generate) only render the on-run-end hook: nothing to export, so no failure
    # (it stopped them, even under on_error: warn; the next run says what to install)
    compiled = run_dbt(duckdb_project, "compile", "--vars", vars_arg(write_on_parse=False),
                       env={"PYTHONPATH": str(tmp_path)})
    assert "dbt-omni" not in compiled.stdout + compiled.stderr


@pytest.mark.duckdb
def test_macros_and_python_package_of_other_versions_say_what_to_install(duckdb_project, run_dbt, tmp_path):
    """`dbt deps` brought macros of one version and pip another (faked: the Python side says 9.9.9).
    The macros stop before calling Python; the plugin, which needs no macros, writes and warns."""
    (tmp_path / "sitecustomize.py").write_text("import dbt_omni\ndbt_omni.__version__ = '9.9.9'\n")
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args", "{output_dir: target/never}",
                     "--vars", vars_arg(output_dir="target/omni_mismatch"),
                     env={"PYTHONPATH": str(tmp_path)}, expect_ok=False)
    output = result.stdout + result.stderr
    assert (f"the dbt package (macros, from `dbt deps`) is version {__version__} "
            "but the dbt_omni Python package is version 9.9.9") in output
    assert "pip install dbt_packages/dbt_omni" in output and "Traceback" not in output
    assert not (duckdb_project / "target" / "never").exists()
    assert f"dbt-omni warning: the dbt_omni macros (dbt package, from `dbt deps`) are version {__version__} " \
           "but the Python package is 9.9.9" in output
    record = json.loads((duckdb_project / "target" / "omni_mismatch" / "omni_export.json").read_text())
    assert record["dbt_omni_version"] == "9.9.9" and "9.9.9" in record["warnings"][0]


@pytest.mark.duckdb
def test_macros_of_another_commit_with_the_same_version_say_what_to_install(duckdb_project, run_dbt, tmp_path):
    """`revision: main` in packages.yml, pip at another commit (faked: the Python side was made with other
    macros). The macros stop; the plugin warns, and again on the next command, which its shortcut skips."""
    (tmp_path / "sitecustomize.py").write_text("import dbt_omni.project\n"
                                               "dbt_omni.project.shipped_macros_digest = lambda: '0' * 64\n")
    env = {"PYTHONPATH": str(tmp_path)}
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args", "{output_dir: target/never}",
                     "--vars", vars_arg(output_dir="target/omni_drift"), env=env, expect_ok=False)
    output = result.stdout + result.stderr
    assert "the dbt package (macros, from `dbt deps`) is not the commit of the dbt_omni Python package, though " \
           f"both say version {__version__}" in output and "Traceback" not in output
    assert "(Macros you edited in a checkout of your own: refresh its python/dbt_omni/macros.sha256" in output
    assert not (duckdb_project / "target" / "never").exists()
    warning = ("dbt-omni warning: the dbt_omni macros (dbt package, from `dbt deps`) are not those of the installed "
               "Python package")
    assert warning in output
    again = run_dbt(duckdb_project, "ls", "--select", "dim_customers", "--vars", vars_arg(output_dir="target/omni_drift"),
                    env=env)
    assert warning in again.stdout and "wrote Omni model" not in again.stdout
    # on_error: warn is for a production run that BI metadata must not stop: the on-run-end hook says it, dbt goes on.
    run = run_dbt(duckdb_project, "run", "-s", "stg_orders", "--vars", vars_arg(output_dir="target/omni_drift",
                                                                                on_error="warn"), env=env)
    assert "dbt-omni error (on_error: warn, so dbt goes on; the Omni model was not updated): the dbt package " \
           "(macros, from `dbt deps`) is not the commit" in run.stdout
    # The README's env_var() form: dbt leaves vars unrendered, so the hook read the template and failed the run.
    # The Python package renders it (tolerates_errors); without that function (an older package) the macro does.
    tolerant = vars_arg(output_dir="target/omni_drift", on_error="{{ env_var('DBT_OMNI_ON_ERROR', 'fail') }}")
    for older in (False, True):
        if older:
            (tmp_path / "sitecustomize.py").write_text(
                "import dbt_omni.project\ndbt_omni.project.shipped_macros_digest = lambda: '0' * 64\n"
                "import dbt_omni.jinja_api\ndel dbt_omni.jinja_api.tolerates_errors\n")
        for on_error, ok in (("warn", True), ("fail", False)):
            run = run_dbt(duckdb_project, "run", "-s", "stg_orders", "--vars", tolerant, expect_ok=ok,
                          env={**env, "DBT_OMNI_ON_ERROR": on_error})
            assert ("so dbt goes on; the Omni model was not updated): the dbt package" in run.stdout) is ok, run.stdout[-2000:]
    # A Python package older than these checks (no macros_differ) is told apart too.
    (tmp_path / "sitecustomize.py").write_text("import dbt_omni.jinja_api\ndel dbt_omni.jinja_api.macros_differ\n")
    older = run_dbt(duckdb_project, "run-operation", "omni_export", "--args", "{output_dir: target/never}",
                    "--vars", vars_arg(output_dir="target/omni_drift"), env=env, expect_ok=False)
    assert "the dbt_omni Python package is older than the dbt package (macros, from `dbt deps`), though both say " \
           f"version {__version__}" in older.stdout + older.stderr


@pytest.mark.duckdb
def test_mistyped_macro_argument_names_the_closest(duckdb_project, run_dbt):
    for macro, args, expected in (
        ("omni_export", "{selct: [dim_customers], output_dir: target/never}",
         "dbt-omni: --args of omni_export: no argument 'selct' (expected one of select, exclude, output_dir, "
         "from_warehouse, force); did you mean 'select'?"),
        ("omni_verify", "{bye: [month_start]}",
         "dbt-omni: --args of omni_verify: no argument 'bye' (expected one of select, by, output_dir); did you mean 'by'?"),
        ("omni_on_run_end", "{output: target/never}",  # as the hook would call it, from dbt_project.yml
         "dbt-omni: omni_on_run_end() in on-run-end (dbt_project.yml): no argument 'output' (expected one of select, "
         "exclude, output_dir, from_warehouse); did you mean 'output_dir'?"),
        # A value of the wrong type: Jinja would take the string "no" for true.
        ("omni_export", "{force: 'no', select: 5, output_dir: target/never}",
         "- --args of omni_export: select is 5 (expected a selector string or a list of them)\n"
         '    - --args of omni_export: force is "no" (expected true or false)'),
    ):
        result = run_dbt(duckdb_project, "run-operation", macro, "--args", args, expect_ok=False)
        output = result.stdout + result.stderr
        assert expected in output and "Traceback" not in output
    assert not (duckdb_project / "target" / "never").exists()


@pytest.mark.duckdb
def test_plugin_can_be_turned_off(duckdb_project, run_dbt):
    out = duckdb_project / "target" / "omni_off"
    run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="target/omni_off", write_on_parse=False))
    assert not out.exists()


@pytest.mark.duckdb
def test_plugin_says_once_where_it_left_the_folder_of_an_earlier_output_dir(duckdb_project, run_dbt, tmp_path):
    """A sync job still reading the old folder would copy a model that no longer changes."""
    run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="target/omni_before", select=["dim_customers"]))
    moved = run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="target/omni_after", select=["dim_customers"]))
    before = duckdb_project / "target" / "omni_before"
    assert f"output_dir changed; {before}, where the Omni model was written before, is left as it was" in moved.stdout
    assert (before / "omni_export.json").is_file()
    (duckdb_project / "target" / "omni_after" / "model.yaml").unlink()  # so that the plugin writes again
    # the same folder spelt otherwise (two projects sharing a target-path: ../shared/omni) is no change
    again = run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="target/../target/omni_after",
                                                                select=["dim_customers"]))
    assert "wrote Omni model" in again.stdout and "output_dir changed" not in again.stdout
    # a copy of the project with its target/ (a CI cache restored into another checkout) names the original's
    # folder: no changed output_dir, and no advice to delete a folder the original still uses
    moved = tmp_path / "copy"
    shutil.copytree(duckdb_project, moved, symlinks=True)
    (moved / "target" / "omni_after" / "model.yaml").unlink()  # so that the plugin writes again
    copied = run_dbt(moved, "parse", "--vars", vars_arg(output_dir="target/../target/omni_after",
                                                        select=["dim_customers"]))
    assert "wrote Omni model" in copied.stdout and "output_dir changed" not in copied.stdout, copied.stdout


@pytest.mark.duckdb
def test_plugin_leaves_a_project_that_did_not_choose_dbt_omni_alone(tmp_path, run_dbt, run_cli):
    """`pip install` reaches every project in the environment: without the dbt package or a vars.dbt_omni
    block, nothing is written (and a --warn-error parse cannot fail on our warnings); so the command line's
    export there is not told that the plugin rewrites its folder."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.sql").write_text("select 1 as id\n")
    (tmp_path / "profiles.yml").write_text(
        f"other:\n  target: dev\n  outputs:\n    dev: {{type: duckdb, path: '{tmp_path / 'other.duckdb'}'}}\n")
    project = "name: other\nversion: '1.0'\nprofile: other\n"
    (tmp_path / "dbt_project.yml").write_text(project)
    run_dbt(tmp_path, "parse", "--warn-error", target=None)
    assert not (tmp_path / "target" / "omni").exists()
    chosen = run_cli("export", "--project-dir", tmp_path, "--select", "m", "--target", "dev", cwd=tmp_path)
    assert "wrote Omni model" in chosen.stdout and "plugin's folder" not in chosen.stderr
    (tmp_path / "dbt_project.yml").write_text(project + "vars:\n  dbt_omni: {}\n")
    run_dbt(tmp_path, "parse", target=None)
    assert (tmp_path / "target" / "omni" / "main" / "m.view.yaml").is_file()
    chosen = run_cli("export", "--project-dir", tmp_path, "--select", "m", "--target", "dev", "--force", cwd=tmp_path)
    assert "select given here differs" in chosen.stderr  # now the plugin acts there


@pytest.mark.duckdb
def test_plugin_with_an_empty_selection_warns_and_writes_nothing_anywhere(duckdb_project, run_dbt):
    """Not even its shortcut's state beside an output folder that does not exist (it failed every command)."""
    before = sorted(p.name for p in duckdb_project.iterdir())
    result = run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="not_yet/omni", select=["ordres"]))
    assert "matches no exportable model" in result.stdout and "nothing written" in result.stdout
    assert sorted(p.name for p in duckdb_project.iterdir()) == before
    # The next command, nothing changed: the same lines, from the shortcut's state (kept in dbt's target
    # folder, and not rewritten: the plugin did not map the project again).
    state = duckdb_project / "target" / "dbt_omni_plugin_state.txt"
    assert "nothing written" in state.read_text()
    written = state.stat().st_mtime_ns
    again = run_dbt(duckdb_project, "parse", "--vars", vars_arg(output_dir="not_yet/omni", select=["ordres"]))
    assert "matches no exportable model" in again.stdout and "nothing written" in again.stdout
    assert state.stat().st_mtime_ns == written
    assert sorted(p.name for p in duckdb_project.iterdir()) == before


@pytest.mark.duckdb
def test_run_operation_selection_arguments(duckdb_project, run_dbt):
    run_dbt(duckdb_project, "run-operation", "omni_export", "--args",
            "{select: ['path:models/marts'], exclude: [dim_products], output_dir: target/marts_only}")
    views = sorted(p.name for p in (duckdb_project / "target" / "marts_only").rglob("*.view.yaml"))
    assert views == ["dim_customers.view.yaml", "fct_order_items.view.yaml", "fct_orders.view.yaml"]
    # A typo selects nothing: a warning with the closest name, and the earlier output stays.
    before = tree(duckdb_project / "target" / "marts_only")
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args",
                     "{select: [dim_custmers], output_dir: target/marts_only}")
    assert "select 'dim_custmers' matches no exportable model; did you mean 'dim_customers'?" in result.stdout
    assert "no model selected; nothing written" in result.stdout
    assert tree(duckdb_project / "target" / "marts_only") == before


@pytest.mark.duckdb
@pytest.mark.versions  # dbt's seed and snapshot objects, read live by the plugin, may change between versions
def test_seeds_and_snapshots_are_exported_when_selected(duckdb_project, run_dbt, run_cli):
    out = duckdb_project / "target" / "relations"
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args",
                     "{select: ['resource_type:model', 'resource_type:snapshot', subscriptions], output_dir: target/relations}")
    assert "dbt-omni warning" not in result.stdout
    snapshot = yaml.safe_load((out / "analytics_snapshots" / "subscriptions_snapshot.view.yaml").read_text())
    assert snapshot["description"].startswith("History of each subscription")
    dimensions = snapshot["dimensions"]
    assert dimensions["subscription_id"]["description"] == "The subscription; one row per version of it."
    assert "raw" in dimensions["dbt_valid_from"]["timeframes"]  # a timestamp, from catalog.json
    assert {"plan_name", "dbt_scd_id", "dbt_updated_at"} <= set(dimensions)  # undocumented, from the catalog
    seed = yaml.safe_load((out / "analytics_raw" / "subscriptions.view.yaml").read_text())
    assert seed["description"].startswith("Subscriptions of a small SaaS business")
    assert seed["dimensions"]["started_at"]["timeframes"] == ["date", "week", "month", "quarter", "year"]
    relationships = yaml.safe_load((out / "relationships.yaml").read_text())
    assert {"join_from_view": "analytics_snapshots__subscriptions_snapshot",
            "join_to_view": "analytics_staging__stg_subscriptions",
            "on_sql": "${analytics_snapshots__subscriptions_snapshot.subscription_id} = "
                      "${analytics_staging__stg_subscriptions.subscription_id}",
            "relationship_type": "many_to_one", "join_type": "always_left"} in relationships
    # The same selection from the command line, and from the plugin (dbt's live seed and snapshot
    # objects, not dicts), gives the same files.
    run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", out.parent / "relations_cli",
            "--select", "resource_type:model", "resource_type:snapshot", "subscriptions", cwd=duckdb_project)
    assert tree(out) == tree(out.parent / "relations_cli")
    run_dbt(duckdb_project, "parse", "--vars", vars_arg(
        select=["resource_type:model", "resource_type:snapshot", "subscriptions"], output_dir="target/relations_plugin",
        topics_from_paths=["models/marts"], connection="warehouse"))
    assert tree(out) == tree(out.parent / "relations_plugin")


@pytest.mark.duckdb
@pytest.mark.versions  # dbt's source objects, read live by the plugin, may change between versions
def test_source_tables_are_exported_when_selected(duckdb_project, run_dbt, run_cli):
    out = duckdb_project / "target" / "sources_macro"
    result = run_dbt(duckdb_project, "run-operation", "omni_export", "--args",
                     "{select: ['source:shop_app'], output_dir: target/sources_macro}")
    assert "dbt-omni warning" not in result.stdout
    text = (out / "analytics_raw" / "products.view.yaml").read_text()
    assert "# Written by dbt-omni from source.dbt_omni_integration_tests.shop_app.products " \
           "(models/staging/_sources.yml)" in text
    view = yaml.safe_load(text)
    assert (view["label"], view["hidden"]) == ("App products", True)
    assert view["description"] == "The product catalogue as the app keeps it."
    assert view["dimensions"]["sku"] == {"description": "Stock keeping unit."}
    assert view["dimensions"]["launched_on"]["timeframes"][0] == "date"  # a date column, from catalog.json
    assert sorted(json.loads((out / "omni_export.json").read_text())["views"]) == ["analytics_raw__products"]
    run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", out.parent / "sources_cli",
            "--select", "source:shop_app", cwd=duckdb_project)
    assert tree(out) == tree(out.parent / "sources_cli")
    run_dbt(duckdb_project, "parse", "--vars", vars_arg(select=["source:shop_app"], output_dir="target/sources_plugin",
                                                        topics_from_paths=["models/marts"], connection="warehouse"))
    assert tree(out) == tree(out.parent / "sources_plugin")


@pytest.mark.duckdb
def test_graph_selectors_pick_what_dbt_ls_picks(duckdb_project, run_dbt, run_cli):
    """dbt's own `ls` is the reference for +parents / children+: the same relations, less ephemeral models
    and those with meta.omni ignore: true."""
    selectors = ["+fct_orders", "stg_subscriptions+1", "2+ltv_by_acquisition_plan"]
    listed = run_dbt(duckdb_project, "ls", "--select", *selectors, "--resource-type", "model", "--resource-type", "seed",
                     "--resource-type", "snapshot", "--output", "json", "--output-keys", "unique_id", "config", "--quiet")
    nodes = [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
    expected = sorted(n["unique_id"] for n in nodes if n["config"]["materialized"] != "ephemeral"
                      and not n["config"]["meta"].get("omni", {}).get("ignore"))
    assert len(expected) > 10
    out = duckdb_project / "target" / "graph_selected"
    run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", out, "--select", *selectors,
            cwd=duckdb_project)
    record = json.loads((out / "omni_export.json").read_text())
    assert sorted(view["dbt_unique_id"] for view in record["views"].values()) == expected


# dbt's default method for a bare value (fqn, path, file), its other methods, @, source: and YAML selectors:
# each is compared with `dbt ls` on its own, so one selector's mistake cannot hide in a union.
DBT_SELECTORS = ["marts", "metrics.customer_*", "dim_products.v1", "dim_products_v2", "path:models/marts/_marts.yml",
                 "path:models/*/stg_*.sql", "stg_orders.sql", "tag:co*", "config.materialized:view", "path:models/staging",
                 "source:shop_app", "+stg_refunds",
                 "@stg_orders", "source:raw+", "package:this,staging", "version:latest", "version:old",
                 "access:protected,staging", "group:fin*", "resource_type:seed", "file:stg_c*",
                 "@dim_customers", "0+fct_orders", "tag:omni_eph+", "path:models/marts/eph_base.sql+"]
SELECTORS_YML = """
selectors:
  - name: omni_marts
    definition:
      union:
        - method: fqn
          value: marts
        - intersection: ["source:raw+", {method: path, value: models/staging}]
        - exclude: [dim_products_v1]
  - name: omni_nested
    definition:
      union:
        - {method: selector, value: omni_marts}
        - {method: fqn, value: stg_orders, children: true, children_depth: 1}
        - {method: tag, value: staging, parents: true}
        - {tag: core}
"""
# One Python process lists them all through dbt's programmatic API (a `dbt ls` each would cost a start-up each).
DBT_LS = """
import json, sys
from dbt.cli.main import dbtRunner
project, cases = sys.argv[1], json.loads(sys.argv[2])
runner, listed = dbtRunner(), {}
for name, how in cases:
    result = runner.invoke(["ls", *how, "--resource-type", "model", "--resource-type", "seed",
                            "--resource-type", "snapshot", "--resource-type", "source",
                            "--output", "json", "--output-keys", "unique_id", "config",
                            "--quiet", "--project-dir", project, "--profiles-dir", project, "--target", "duckdb",
                            "--vars", '{dbt_omni: {write_on_parse: false}}'])
    assert result.success, result.exception
    listed[name] = [json.loads(line) for line in result.result]
print("LISTED " + json.dumps(listed))
"""


@pytest.mark.duckdb
def test_dbt_selector_methods_pick_what_dbt_ls_picks(tmp_path, copy_project, run_dbt):
    """Parsing is enough (no warehouse): a copy of integration_tests with a source, a model of a group
    reading it, an ephemeral model and one reading it, and a selectors.yml."""
    from dbt_omni.config import settings_from_dict
    from dbt_omni.manifests import from_manifest_dict, load_json
    from dbt_omni.selection import select_models

    project = copy_project(tmp_path / "project")
    (project / "models" / "staging" / "_raw_sources.yml").write_text(
        "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n      - name: refunds\n"
        "groups:\n  - name: finance\n    owner: {name: Finance}\n")
    (project / "models" / "staging" / "stg_refunds.sql").write_text(
        "{{ config(group='finance') }}\nselect * from {{ source('raw', 'refunds') }}\n")
    (project / "models" / "marts" / "eph_base.sql").write_text(  # no view, but + walks on from it
        "{{ config(materialized='ephemeral', tags=['omni_eph']) }}\nselect * from {{ ref('stg_orders') }}\n")
    (project / "models" / "marts" / "from_eph.sql").write_text("select * from {{ ref('eph_base') }}\n")
    (project / "selectors.yml").write_text(SELECTORS_YML)
    run_dbt(project, "deps", target=None)
    run_dbt(project, "parse", "--vars", vars_arg(write_on_parse=False))
    dbt_project = from_manifest_dict(load_json(project / "target" / "manifest.json", "manifest", ""))
    cases = [(selector, ["--select", selector]) for selector in DBT_SELECTORS]
    cases += [(f"selector:{name}", ["--selector", name]) for name in ("omni_marts", "omni_nested")]
    done = subprocess.run([sys.executable, "-c", DBT_LS, str(project), json.dumps(cases)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    assert done.returncode == 0, done.stderr[-3000:]
    listed = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("LISTED "))[len("LISTED "):])
    for selector, _ in cases:
        expected = sorted(n["unique_id"] for n in listed[selector] if n["config"].get("materialized") != "ephemeral"
                          and not n["config"]["meta"].get("omni", {}).get("ignore"))
        assert expected, f"dbt ls for {selector} lists nothing: not a useful check"
        selected = select_models(dbt_project, settings_from_dict({"select": [selector]}, source="test"))
        assert sorted(m.unique_id for m in selected) == expected, selector


@pytest.mark.duckdb
@pytest.mark.versions  # the command's selectors come from dbt's runtime config
def test_the_plugin_follows_an_edit_of_selectors_yml_alone(tmp_path, copy_project, run_dbt, run_cli):
    """dbt's partial parse keeps the manifest's selectors as they were; the command's own are current,
    and the CLI reads selectors.yml as dbt does (so it picks what the plugin picked)."""
    project = copy_project(tmp_path / "project")
    (project / "selectors.yml").write_text("selectors:\n  - name: omni_pick\n    definition: {method: fqn, value: marts}\n")
    run_dbt(project, "deps", target=None)
    picked = vars_arg(select=["selector:omni_pick"], output_dir="target/picked")
    record = project / "target" / "picked" / "omni_export.json"
    run_dbt(project, "parse", "--vars", picked)
    assert sorted(json.loads(record.read_text())["views"]) == [
        "analytics_marts__dim_customers", "analytics_marts__dim_products_v1", "analytics_marts__dim_products_v2",
        "analytics_marts__fct_order_items", "analytics_marts__fct_orders"]
    (project / "selectors.yml").write_text("selectors:\n  - name: omni_pick\n    definition: {method: fqn, value: stg_orders}\n")
    run_dbt(project, "parse", "--vars", picked)
    assert sorted(json.loads(record.read_text())["views"]) == ["analytics_staging__stg_orders"]
    assert json.loads((project / "target" / "manifest.json").read_text())["selectors"]["omni_pick"]["definition"] == {
        "method": "fqn", "value": "marts"}  # dbt's stale copy, which the CLI read before
    run_cli("export", "--project-dir", project, "--output", project / "target" / "cli_picked", "--select",
            "selector:omni_pick", cwd=project)
    assert sorted(json.loads((project / "target" / "cli_picked" / "omni_export.json").read_text())["views"]) == [
        "analytics_staging__stg_orders"]
    # Deleted: a partial parse keeps even the manifest's copy of it, which an empty {} from the command was taken
    # to mean unknown, so the plugin skipped and the CLI exported from the copy (found by a staleness review).
    (project / "selectors.yml").unlink()
    before = record.read_bytes()
    failed = run_dbt(project, "parse", "--vars", picked, expect_ok=False)
    assert "no selector 'omni_pick'" in failed.stdout + failed.stderr
    assert record.read_bytes() == before
    failed = run_cli("export", "--project-dir", project, "--output", project / "target" / "cli_picked", "--select",
                     "selector:omni_pick", cwd=project, expect_ok=False)
    assert "no selector 'omni_pick'" in failed.stderr


@pytest.mark.duckdb
def test_a_full_parse_exports_what_a_partial_parse_cannot_see(tmp_path, copy_project, run_dbt):
    """A config that changes with no file (the time, here) changes only on a full parse: dbt's
    --no-partial-parse, the remedy a user reaches for, must reach the Omni files too, not be skipped."""
    project = copy_project(tmp_path / "project")
    (project / "models" / "stamped.sql").write_text(
        "{{ config(alias='stamped_' ~ modules.datetime.datetime.now().strftime('%H%M%S%f')) }}\nselect 1 as id\n")
    run_dbt(project, "deps", target=None)
    only = vars_arg(select=["stamped"], output_dir="target/stamped")
    views = []
    for flags in ((), ("--no-partial-parse",)):
        run_dbt(project, "parse", *flags, "--vars", only)
        manifest = json.loads((project / "target" / "manifest.json").read_text())
        alias = manifest["nodes"]["model.dbt_omni_integration_tests.stamped"]["alias"]
        views.append(list(json.loads((project / "target" / "stamped" / "omni_export.json").read_text())["views"]))
        assert len(views[-1]) == 1 and views[-1][0].endswith("__" + alias), (views, alias)
    assert views[0] != views[1]


@pytest.mark.duckdb
@pytest.mark.versions  # the plugin reads dbt's own node and config objects, which may change between versions
def test_config_and_fqn_selectors_pick_alike_from_dbt_objects_and_manifest_json(duckdb_project, run_dbt, run_cli):
    select = ["config.materialized:view", "config.contract.enforced:true", "metrics.customer_*", "dim_products.v1"]
    out = duckdb_project / "target" / "selected_cli"
    run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", out, "--select", *select,
            cwd=duckdb_project)
    record = json.loads((out / "omni_export.json").read_text())
    assert sorted(record["views"]) == [  # int_order_totals is a view too, but ignore: true
        "analytics_marts__dim_products_v1", "analytics_marts__fct_orders", "analytics_metrics__customer_daily_metrics",
        "analytics_metrics__customer_months", "analytics_staging__stg_customers", "analytics_staging__stg_order_items",
        "analytics_staging__stg_orders", "analytics_staging__stg_products", "analytics_staging__stg_subscriptions"]
    # The same selection as a YAML selector: from manifest.json (CLI), dbt's Manifest (plugin: dbt's node and
    # config objects), dbt's project config (run-operation: Jinja's graph has no selectors).
    selectors = duckdb_project / "selectors.yml"
    selectors.write_text(yaml.safe_dump({"selectors": [{"name": "omni", "definition": {"union": select}}]}))
    try:
        by_name = vars_arg(select=["selector:omni"], output_dir="target/selector_plugin")
        run_dbt(duckdb_project, "parse", "--vars", by_name)
        run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", out.parent / "selector_cli",
                "--select", "selector:omni", cwd=duckdb_project)
        run_dbt(duckdb_project, "run-operation", "omni_export", "--args",
                "{select: ['selector:omni'], output_dir: target/selector_macro}")
        for way in ("selector_plugin", "selector_cli", "selector_macro"):
            assert tree(out) == tree(out.parent / way), way
        # (that the plugin notices an edit of selectors.yml alone: test_the_plugin_follows_an_edit_of_selectors_yml_alone)
    finally:
        selectors.unlink()


SHARED_METRIC_MEASURES = [
    "analytics_marts__fct_orders.average_order_value",
    "analytics_marts__fct_orders.completed_order_value",  # with filters: dbt's side runs over the same rows
    "analytics_metrics__customer_months.customer_churn_rate",
    "analytics_metrics__customer_months.customer_lifetime_value",
    "analytics_metrics__subscription_months.mrr",
    "analytics_metrics__trials.trial_conversion_rate",
]


@pytest.mark.duckdb
@pytest.mark.versions
def test_verify_shows_omni_and_dbt_agree(duckdb_project, run_dbt):
    result = run_dbt(duckdb_project, "run-operation", "omni_verify")
    assert "dbt-omni verify: all measures match" in result.stdout
    quiet = run_dbt(duckdb_project, "--quiet", "run-operation", "omni_verify", "--args", "{select: [fct_orders]}")
    assert "dbt-omni verify: all measures match" in quiet.stdout  # the command's output, as dbt's print() is
    assert "No rows to compare" not in result.stdout  # the seeds' rows: each total counted what it saw
    for measure in SHARED_METRIC_MEASURES:
        assert re.search(rf"{re.escape(measure)}\s+total\s.*\syes$", result.stdout, re.MULTILINE), measure
    assert "by month_start" in result.stdout
    folder = run_dbt(duckdb_project, "run-operation", "omni_verify", "--args", "{select: [metrics]}")  # dbt's selectors
    assert "analytics_metrics__subscription_months.mrr" in folder.stdout
    assert "analytics_marts__fct_orders" not in folder.stdout
    by_status = run_dbt(duckdb_project, "run-operation", "omni_verify", "--args", "{select: [fct_orders], by: [status]}")
    assert "dbt-omni verify: all measures match" in by_status.stdout  # statuses the filter leaves empty are no mismatch
    assert re.search(r"fct_orders\.completed_order_value\s+by status = completed\s", by_status.stdout), by_status.stdout


@pytest.mark.duckdb
def test_verify_catches_a_broken_measure(duckdb_project, run_cli):
    """An annual plan divided by 10 instead of 12 in the emitted Omni MRR measure must not pass."""
    run_cli("export", "--project-dir", duckdb_project, "--target", "duckdb", "--output", "target/omni_broken",
            cwd=duckdb_project)
    view = duckdb_project / "target" / "omni_broken" / "analytics_metrics" / "subscription_months.view.yaml"
    text = view.read_text()
    assert text.count("/ 12.0") == 1  # mrr's (arr takes no division)
    view.write_text(text.replace("/ 12.0", "/ 10.0"))
    result = run_cli("verify", "--project-dir", duckdb_project, "--profiles-dir", duckdb_project,
                     "--output", "target/omni_broken", "--by", "month_start", cwd=duckdb_project, expect_ok=False,
                     env={"DBT_OMNI_DUCKDB_PATH": str(duckdb_project / "dbt_omni.duckdb")})
    assert result.returncode == 1
    text = result.stdout + result.stderr
    assert "MISMATCH" in text
    assert re.search(r"analytics_metrics__subscription_months\.mrr\s+total\s.*NO \(1 differ\)", text)
    assert re.search(r"analytics_metrics__trials\.trial_conversion_rate\s+total\s.*\syes", text)  # still checked
    assert "Traceback" not in text
    # A check writes nothing: verify's own parse against another database (here a dead one) made the plugin
    # rewrite target/omni without the catalog's columns (the catalog is of the other database).
    before = tree(duckdb_project / "target" / "omni")
    state = duckdb_project / "target" / "dbt_omni_plugin_state.txt"
    assert before and state.is_file()  # the plugin's output and state are there to be kept
    state_before = state.read_bytes()
    dead = run_cli("verify", "--project-dir", duckdb_project, "--profiles-dir", duckdb_project, cwd=duckdb_project,
                   expect_ok=False, env={"DBT_OMNI_DUCKDB_PATH": str(duckdb_project / "no_such_folder" / "x.duckdb")})
    assert dead.returncode == 1 and "Traceback" not in dead.stdout + dead.stderr
    assert "wrote Omni model" not in dead.stdout + dead.stderr
    assert tree(duckdb_project / "target" / "omni") == before and state.read_bytes() == state_before


def break_meta(project: Path) -> Path:
    """Misspell `label` in a model's meta.omni: a mistake a user makes."""
    path = project / "models" / "marts" / "_marts.yml"
    text = path.read_text()
    model_label = "\n        label: Orders\n"  # fct_orders' meta.omni.label
    assert text.count(model_label) == 1
    path.write_text(text.replace(model_label, "\n        lable: Orders\n"))
    return path


@pytest.mark.duckdb
@pytest.mark.versions
def test_bad_meta_fails_every_trigger_cleanly_and_keeps_earlier_output(duckdb_project, tmp_path_factory, run_dbt, run_cli):
    project = clone(duckdb_project, tmp_path_factory)
    output = project / "target" / "omni"
    # First an edit that is fine: the plugin's "nothing changed" shortcut must notice it.
    marts = project / "models" / "marts" / "_marts.yml"
    marts.write_text(marts.read_text().replace("Orders with the customers who placed them.", "Orders and buyers."))
    run_dbt(project, "parse")
    assert "description: Orders and buyers." in (output / "orders.topic.yaml").read_text()
    before = tree(output)
    break_meta(project)
    expected = ["models/marts/_marts.yml", "fct_orders", "meta.omni.lable", "did you mean 'label'"]

    results = {
        "plugin": run_dbt(project, "parse", expect_ok=False),
        # on_error: warn is for the automatic triggers only: run-operation still fails.
        "run-operation": run_dbt(project, "run-operation", "omni_export",
                                 "--vars", vars_arg(write_on_parse=False, on_error="warn"), expect_ok=False),
    }
    assert "lable" in (project / "target" / "manifest.json").read_text()  # run-operation wrote it, as dbt does
    results["cli"] = run_cli("export", "--project-dir", project, cwd=project, expect_ok=False)
    for trigger, result in results.items():
        text = result.stdout + result.stderr
        for fragment in expected:
            assert fragment in text, f"{trigger}: {fragment!r} missing from:\n{text[-2000:]}"
        assert "Traceback" not in text, f"{trigger} printed a traceback"
    assert results["cli"].returncode == 1
    plugin_text = results["plugin"].stdout + results["plugin"].stderr
    assert "meanwhile vars: {dbt_omni: {on_error: warn}} lets dbt go on" in plugin_text
    assert "get_manifest_artifacts" not in plugin_text  # dbt's name of the hook, before our message
    assert tree(output) == before


@pytest.mark.duckdb  # not `versions` (the suite's time): the triggers' failures above are on every version
def test_warn_error_a_settings_mistake_and_on_error_warn_keep_earlier_output(duckdb_project, tmp_path_factory, run_dbt):
    project = clone(duckdb_project, tmp_path_factory)
    output = project / "target" / "omni"
    before = tree(output)
    # dbt's --warn-error: a warning (a join to a model left out of the selection) fails the plugin's and
    # run-operation's export as an error would, and nothing is written.
    # (--warn-error-options: test_warn_error_options_reach_our_warnings_by_dbts_event_name_note, on every version)
    # on_error: warn does not excuse them: the command line asked to fail on warnings (it exited 0, output stale).
    for args in (("parse", "--warn-error", "--vars", vars_arg(select=["fct_orders"])),
                 ("parse", "--warn-error", "--vars", vars_arg(select=["fct_orders"], on_error="warn")),
                 ("run-operation", "omni_export", "--warn-error", "--args", "{select: [fct_orders]}",
                  "--vars", vars_arg(write_on_parse=False))):
        result = run_dbt(project, *args, expect_ok=False)
        text = result.stdout + result.stderr
        assert result.returncode != 0 and "(an error under --warn-error)" in text, text[-2000:]
        assert "dim_customers' is not exported" in text and "Traceback" not in text
        if args[0] == "parse":  # the way out is dbt's, not on_error: warn, which does not help here
            assert "\"warn\": [\"Note\"]" in text and "meanwhile vars" not in text, text[-2000:]
    assert tree(output) == before
    break_meta(project)
    # A mistake in the settings themselves: no on_error in them excuses it, and the hint does not offer one.
    result = run_dbt(project, "parse", "--vars", vars_arg(on_error="warn", topics_from_path=["models/marts"]),
                     expect_ok=False)
    text = result.stdout + result.stderr
    assert "key vars.dbt_omni.topics_from_path" in text and "did you mean 'topics_from_paths'" in text, text[-2000:]
    assert "fix the dbt_omni block of vars above" in text and "lets dbt go on" not in text and "Traceback" not in text
    assert tree(output) == before
    # The way out when catalog.json is behind: docs generate renders the on-run-end hook, but must not run it.
    catalog = project / "target" / "catalog.json"
    catalog.unlink()
    result = run_dbt(project, "docs", "generate", "--vars", vars_arg(write_on_parse=False))
    assert catalog.exists() and "dbt-omni:" not in result.stdout and "lable" not in result.stdout, result.stdout[-2000:]
    # on_error: warn: the automatic triggers (plugin, on-run-end) say so and let dbt go on.
    result = run_dbt(project, "run", "-s", "stg_orders", "--vars", vars_arg(on_error="warn"))  # plugin, then on-run-end
    text = result.stdout + result.stderr
    # Both meet it; it is said once per command, as a warning is (the run's success shows the hook went on).
    assert text.count("dbt-omni error (on_error: warn, so dbt goes on; the Omni model in") == 1, text[-3000:]
    assert "meta.omni.lable" in text and "Traceback" not in text
    assert tree(output) == before


@pytest.mark.duckdb
@pytest.mark.versions  # dbt-core 1.12 makes every warn-level event an error under --warn-error, unless handled
def test_a_stale_catalog_stays_a_warning_under_warn_error_and_silence_hides_our_warnings(duckdb_project,
                                                                                          tmp_path_factory, run_dbt):
    """A model the catalog predates (it is built after the plugin's parse) is a warning by design under
    --warn-error: on dbt 1.12 it failed the parse as an 'internal error', after writing the files."""
    project = clone(duckdb_project, tmp_path_factory)
    (project / "models" / "extra").mkdir()
    (project / "models" / "extra" / "fresh.sql").write_text("select 1 as id\n")
    (project / "models" / "extra" / "_extra.yml").write_text("models:\n  - name: fresh\n    columns:\n      - name: id\n")
    result = run_dbt(project, "parse", "--warn-error")
    text = result.stdout + result.stderr
    assert "dbt-omni warning: " in text and "fresh" in text and "internal error" not in text, text[-2000:]
    assert (project / "target" / "omni" / "analytics" / "fresh.view.yaml").is_file()
    (project / "models" / "extra" / "fresh.sql").write_text("select 2 as id\n")  # so that the plugin exports again
    for args in (("parse",), ("ls", "-s", "fresh")):  # exporting, then its shortcut, which says the warnings it keeps
        result = run_dbt(project, *args, "--warn-error-options", '{"silence": ["Note"]}')
        assert "dbt-omni warning" not in result.stdout + result.stderr, (args, result.stdout[-2000:])


# `dbt-omni verify` runs its dbt command in-process with the plugin suspended (its parse must not rewrite the
# Omni files); an orchestrator's other thread running dbt meanwhile must still export.
SUSPENDED_IN_ONE_THREAD = """
import sys, threading
from pathlib import Path
from dbt.cli.main import dbtRunner
from dbt_omni.plugin import suspended

project, seen = sys.argv[1], {}
with suspended():
    worker = threading.Thread(target=lambda: seen.update(ok=dbtRunner().invoke(
        ["parse", "--project-dir", project, "--profiles-dir", project, "--target", "duckdb", "-q"]).success))
    worker.start()
    worker.join()
print("EXPORTED", seen, (Path(project) / "target" / "omni" / "omni_export.json").exists())
"""


@pytest.mark.duckdb
def test_verifys_suspension_of_the_plugin_holds_in_its_own_thread_only(duckdb_project, tmp_path_factory):
    """`dbt-omni verify` in one thread turned the plugin off for every other thread's dbt command, silently."""
    project = clone(duckdb_project, tmp_path_factory)
    shutil.rmtree(project / "target" / "omni")
    done = subprocess.run([sys.executable, "-c", SUSPENDED_IN_ONE_THREAD, str(project)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "EXPORTED {'ok': True} True" in done.stdout, done.stdout[-3000:]


# One Python process compiles every case (a `dbt compile` each would cost a start-up each).
COMPILE_INLINE = """
import json, sys
from dbt.cli.main import dbtRunner
project, cases = sys.argv[1], json.loads(sys.argv[2])
said = {}
for sql in cases:
    lines = []  # dbt logs the error itself; its exception says only "Error parsing inline query"
    result = dbtRunner(callbacks=[lambda event: lines.append(event.info.msg)]).invoke(
        ["compile", "--inline", sql, "--project-dir", project, "--profiles-dir", project, "--target", "duckdb",
         "--vars", "{dbt_omni: {write_on_parse: false}}", "--quiet"])
    said[sql] = "ok" if result.success else " | ".join(map(str, lines))
print("SAID " + json.dumps(said))
"""


@pytest.mark.duckdb
@pytest.mark.versions  # Jinja's undefined names and keyword arguments, as each dbt version renders them
def test_a_models_mistaken_metric_arguments_stop_the_parse_naming_the_metric(duckdb_project):
    """Misspelt, unquoted, a list, Jinja in the text: Jinja's own 'takes no keyword argument' named the macro
    by its internal name, and the others reached the warehouse as broken SQL, or a list's text."""
    cases = {
        "select {{ dbt_omni.average_order_value(amount_colum='order_amount') }} from t":
            "dbt_omni.average_order_value: unknown argument 'amount_colum' (it takes amount_column, order_id_column, "
            "by name); did you mean 'amount_column'?",
        "select {{ dbt_omni.monthly_recurring_revenue(amount_column=subscription_amount) }} from t":
            "dbt_omni.monthly_recurring_revenue: amount_column names nothing dbt knows (an unquoted column name?): "
            "give the column as text, amount_column='amount'",
        "select {{ dbt_omni.average_order_value(amount_column=['order_amount']) }} from t":
            "dbt_omni.average_order_value: amount_column is ['order_amount']: give one column's name or SQL "
            "expression as text",
        "select {{ dbt_omni.median_order_value(amount_column='{{ order_amount }}') }} from t":
            "dbt_omni.median_order_value: amount_column holds '{{'",
        "select {{ dbt_omni.median_order_value(amount_column='  ') }} from t":
            "dbt_omni.median_order_value: amount_column is empty",
        "select {{ dbt_omni.average_order_value(amt_column='order_amount') }} from t":  # too far for a suggestion
            "unknown argument 'amt_column' (it takes amount_column, order_id_column, by name)",
        "select {{ dbt_omni.monthly_recurring_revenue(type_column=none, amount_column='mrr') }} from t": "ok",
    }
    done = subprocess.run([sys.executable, "-c", COMPILE_INLINE, str(duckdb_project), json.dumps(list(cases))],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    assert done.returncode == 0, done.stderr[-3000:]
    said = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("SAID "))[len("SAID "):])
    for sql, expected in cases.items():
        assert (said[sql] == "ok") if expected == "ok" else expected in said[sql], (sql, said[sql])
    assert "did you mean" not in said["select {{ dbt_omni.average_order_value(amt_column='order_amount') }} from t"]


@pytest.mark.duckdb
def test_a_join_to_a_disabled_model_is_said_alike_by_the_plugin_and_the_macros(duckdb_project, tmp_path_factory,
                                                                                 run_dbt):
    """Jinja's graph holds no disabled models: run-operation and on-run-end said 'unknown model' where the
    plugin and the command line said what it is (found by a dbt version review)."""
    project = clone(duckdb_project, tmp_path_factory)
    (project / "models" / "extra").mkdir()
    (project / "models" / "extra" / "gone.sql").write_text("{{ config(enabled=false) }}\nselect 1 as id\n")
    (project / "models" / "extra" / "kept.sql").write_text("select 1 as id\n")
    (project / "models" / "extra" / "_extra.yml").write_text(
        "models:\n  - name: kept\n    config:\n      meta:\n        omni:\n          joins:\n"
        "            - {to: gone, on_sql: '${kept.id} = ${gone.id}'}\n")
    said = "model 'gone' is disabled (enabled: false): no table or view for Omni to read"
    for args in (("parse",), ("run-operation", "omni_export", "--vars", vars_arg(write_on_parse=False))):
        result = run_dbt(project, *args, expect_ok=False)
        text = result.stdout + result.stderr
        assert said in text and "unknown model" not in text and "Traceback" not in text, (args, text[-2000:])


@pytest.mark.duckdb
def test_on_error_warn_covers_the_hooks_warehouse_lookup_too(duckdb_project, tmp_path_factory, run_dbt):
    """on-run-end with from_warehouse=true: a model not built yet is logged under on_error: warn, the
    earlier output kept, and dbt goes on; without it the run fails naming the relation."""
    project = clone(duckdb_project, tmp_path_factory)
    settings = project / "dbt_project.yml"
    settings.write_text(settings.read_text().replace('"{{ dbt_omni.omni_on_run_end() }}"',
                                                     '"{{ dbt_omni.omni_on_run_end(from_warehouse=true) }}"'))
    (project / "models" / "staging" / "not_built_yet.sql").write_text("select 1 as id\n")
    output = project / "target" / "omni"
    before = tree(output)
    result = run_dbt(project, "run", "-s", "stg_orders", "--vars", vars_arg(on_error="warn", write_on_parse=False))
    text = result.stdout + result.stderr
    assert "dbt-omni error (on_error: warn, so dbt goes on" in text and "not_built_yet" in text, text[-2000:]
    assert tree(output) == before
    failed = run_dbt(project, "run", "-s", "stg_orders", "--vars", vars_arg(write_on_parse=False), expect_ok=False)
    assert failed.returncode != 0 and "has no relation" in failed.stdout + failed.stderr
    assert tree(output) == before


def omni_lines(result: subprocess.CompletedProcess) -> list:
    """(level, message) of dbt-omni's lines in a `--log-format json` run."""
    events = [json.loads(line)["info"] for line in result.stdout.splitlines() if line.startswith("{")]
    return [(e["level"], e["msg"]) for e in events if e["msg"].startswith("dbt-omni")]


@pytest.mark.duckdb  # not `versions` (the suite's time): passed on dbt-core 1.10 and 1.12 when written
def test_warnings_are_logged_at_dbts_warn_level(duckdb_project, tmp_path_factory, run_dbt):
    """Warnings at warn level, a failure on_error: warn tolerates at error level (--log-level warn and JSON
    logs show them); dbt's own event name, Note, exempts them from --warn-error-options' `error: all`
    (which, without it, fails before writing: test_bad_meta_fails_every_trigger_cleanly...)."""
    project = clone(duckdb_project, tmp_path_factory)
    typo = "dbt-omni warning: select 'ordres' matches no exportable model"
    exempt = ("--warn-error-options", '{"error": "all", "warn": ["Note"]}')
    for how in (("parse", *exempt, "--vars", vars_arg(output_dir="target/plugin", select=["dim_products", "ordres"])),
                ("run-operation", "omni_export", "--args", "{output_dir: target/operation, select: [dim_products, ordres]}")):
        lines = omni_lines(run_dbt(project, "--log-format", "json", *how))
        assert [level for level, msg in lines if msg.startswith(typo)] == ["warn"], lines
        assert [level for level, msg in lines if msg.startswith("dbt-omni: wrote")] == ["info"], lines
    break_meta(project)
    lines = omni_lines(run_dbt(project, "--log-format", "json", "parse", "--vars", vars_arg(on_error="warn")))
    assert [level for level, msg in lines if "(on_error: warn, so dbt goes on" in msg] == ["error"], lines
    # A run: the plugin at parse and the on-run-end hook both meet it; said once, as a warning is.
    lines = omni_lines(run_dbt(project, "--log-format", "json", "run", "-s", "stg_orders", "--vars",
                               vars_arg(on_error="warn", output_dir="target/run")))
    assert [level for level, msg in lines if "(on_error: warn, so dbt goes on" in msg] == ["error"], lines


@pytest.mark.duckdb
def test_a_warning_is_said_once_per_dbt_command(duckdb_project, tmp_path_factory, run_dbt):
    """run-operation omni_export exports after the plugin's export at parse, both warning alike: one line."""
    project = clone(duckdb_project, tmp_path_factory)
    typo = "dbt-omni warning: select 'ordres' matches no exportable model"
    settings = ("--vars", vars_arg(output_dir="target/once", select=["dim_products", "ordres"]))
    for _ in range(2):  # the plugin exports (and warns) the first time only: nothing changed the second
        lines = omni_lines(run_dbt(project, "--log-format", "json", "run-operation", "omni_export", *settings))
        assert len([msg for _, msg in lines if msg.startswith(typo)]) == 1, lines


@pytest.mark.duckdb
def test_missing_manifest_is_one_clear_line(tmp_path, run_cli):
    result = run_cli("export", "--project-dir", tmp_path, cwd=tmp_path, expect_ok=False)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "manifest not found" in result.stderr and str(tmp_path) in result.stderr


@pytest.fixture(scope="module")
def postgres_project(tmp_path_factory, copy_project, run_dbt, postgres_server) -> Path:
    """Built once: its target/omni is only read (other outputs go to folders of their own)."""
    return build(tmp_path_factory, copy_project, run_dbt, "postgres", env=postgres_server.env)


@pytest.mark.postgres
@pytest.mark.versions  # the only export on PostgreSQL that the version runs make
def test_postgres_export_matches_golden_files_and_warehouse_columns(postgres_project, run_dbt, postgres_server):
    env, project = postgres_server.env, postgres_project
    check_golden(project / "target" / "omni", "postgres")
    # Columns read live from the warehouse give the same Omni files as catalog.json, which use_catalog: false
    # keeps out of it (without either, the columns only the catalog lists are missing).
    no_catalog = vars_arg(use_catalog=False, write_on_parse=False)
    for output, live_columns in (("from_warehouse", "true"), ("documented_only", "false")):
        run_dbt(project, "run-operation", "omni_export", "--args", f"{{output_dir: target/{output}, "
                f"from_warehouse: {live_columns}}}", "--vars", no_catalog, target="postgres", env=env)
    live, documented = tree(project / "target" / "from_warehouse"), tree(project / "target" / "documented_only")
    catalog = tree(project / "target" / "omni")
    live.pop("omni_export.json"), catalog.pop("omni_export.json"), documented.pop("omni_export.json")
    assert live == catalog and documented != catalog
    # The same for a source table (catalog.json keeps those apart from nodes).
    for output, live_columns in (("source_live", "true"), ("source_catalog", "false")):
        run_dbt(project, "run-operation", "omni_export", "--args", f"{{select: ['source:shop_app'], output_dir: "
                f"target/{output}, from_warehouse: {live_columns}}}", target="postgres", env=env)
    live, catalog = tree(project / "target" / "source_live"), tree(project / "target" / "source_catalog")
    live.pop("omni_export.json"), catalog.pop("omni_export.json")
    assert live == catalog
    assert "\n  launched_on:\n" in catalog["analytics_raw/products.view.yaml"].decode()  # undocumented: the warehouse's
    verified = run_dbt(project, "run-operation", "omni_verify", target="postgres", env=env)
    assert "dbt-omni verify: all measures match" in verified.stdout


@pytest.mark.postgres
def test_a_materialized_view_gets_its_columns_from_the_warehouse(postgres_project, run_dbt, postgres_server,
                                                                 tmp_path_factory):
    """dbt-postgres's get_columns_in_relation reads information_schema.columns, which leaves materialized views
    out: from_warehouse gave only their documented columns, and blamed catalog.json (found by a review)."""
    env, project = postgres_server.env, clone(postgres_project, tmp_path_factory)
    (project / "models" / "marts" / "daily_orders_mv.sql").write_text(
        "{{ config(materialized='materialized_view') }}\n"
        "select 1 as day_id, current_date as order_day, now() as refreshed_at, 2.5::numeric(10, 2) as amount\n")
    (project / "models" / "marts" / "_daily_orders_mv.yml").write_text(
        "models:\n  - name: daily_orders_mv\n    columns:\n      - name: day_id\n")
    quiet = ("--vars", vars_arg(write_on_parse=False, use_catalog=False))
    run_dbt(project, "run", "-s", "daily_orders_mv", *quiet, target="postgres", env=env)
    result = run_dbt(project, "run-operation", "omni_export", "--args", "{select: [daily_orders_mv], output_dir: "
                     "target/mv_live, from_warehouse: true}", *quiet, target="postgres", env=env)
    assert "lists no columns" not in result.stdout, result.stdout[-2000:]
    view = yaml.safe_load((project / "target" / "mv_live" / "analytics_marts" / "daily_orders_mv.view.yaml").read_text())
    assert list(view["dimensions"]) == ["amount", "day_id", "order_day", "refreshed_at"]
    assert view["dimensions"]["order_day"]["convert_tz"] is False and "timeframes" in view["dimensions"]["refreshed_at"]
    # the same view as from the catalog dbt docs generate writes (which reads pg_catalog too)
    run_dbt(project, "docs", "generate", "--vars", vars_arg(write_on_parse=False), target="postgres", env=env)
    run_dbt(project, "run-operation", "omni_export", "--args", "{select: [daily_orders_mv], output_dir: "
            "target/mv_catalog}", "--vars", vars_arg(write_on_parse=False), target="postgres", env=env)
    live, catalog = tree(project / "target" / "mv_live"), tree(project / "target" / "mv_catalog")
    live.pop("omni_export.json"), catalog.pop("omni_export.json")
    assert live == catalog


@pytest.mark.postgres
def test_a_source_dbt_reads_unquoted_is_named_as_postgres_stores_it(postgres_project, run_dbt, run_cli,
                                                                   postgres_server, tmp_path_factory):
    """quoting: false on a source spelt Analytics_Raw.Products: dbt reads analytics_raw.products, and the view
    said "Analytics_Raw"."Products", which names no relation on PostgreSQL (or, where one is so spelt, another)."""
    env, project = postgres_server.env, clone(postgres_project, tmp_path_factory)
    (project / "models" / "staging" / "_folded.yml").write_text(
        "sources:\n  - name: folded\n    schema: Analytics_Raw\n    quoting: {schema: false, identifier: false}\n"
        "    tables:\n      - name: products\n        identifier: Products\n")
    run_dbt(project, "parse", "--vars", vars_arg(write_on_parse=False), target="postgres", env=env)
    run_cli("export", "--project-dir", project, "--select", "source:folded", "--output", "target/folded",
            "--target", "postgres", cwd=project, env=env)
    view = yaml.safe_load((project / "target" / "folded" / "analytics_raw" / "products.view.yaml").read_text())
    assert (view["schema"], view["table_name"]) == ("analytics_raw", "products")
    # the relation as Omni's query names it, quoted, exists
    shown = run_dbt(project, "show", "--inline", 'select count(*) as n from "analytics_raw"."products"',
                    "--vars", vars_arg(write_on_parse=False), target="postgres", env=env)
    assert "Previewing inline node" in shown.stdout, shown.stdout[-2000:]  # (run_dbt fails on an error)


@pytest.mark.postgres
def test_four_triggers_write_identical_bytes_on_postgres(postgres_project, run_dbt, run_cli, postgres_server):
    check_four_triggers(postgres_project, run_dbt, run_cli, "postgres", env=postgres_server.env)


@pytest.mark.postgres
def test_warehouse_failures_are_clear_errors_and_keep_output(postgres_project, run_dbt, run_cli, postgres_server):
    env, project = postgres_server.env, postgres_project
    before = tree(project / "target" / "omni")
    dead = {**env, "DBT_OMNI_PG_PORT": "1"}  # nothing listens on port 1: dbt stops before the export starts
    result = run_dbt(project, "run-operation", "omni_export", "--args", "{from_warehouse: true, force: true}",
                     "--vars", vars_arg(write_on_parse=False), target="postgres", env=dead, expect_ok=False)
    text = result.stdout + result.stderr
    assert "Traceback" not in text
    assert "Database Error" in text and "Connection refused" in text, text[-2000:]
    assert tree(project / "target" / "omni") == before
    # A query the warehouse refuses (here: a measure hand-edited to read no column) names the measure, and
    # the other checks still run (a failed statement in a PostgreSQL transaction would fail every later one).
    run_cli("export", "--project-dir", project, "--target", "postgres", "--output", "target/omni_bad_sql", cwd=project)
    view = project / "target" / "omni_bad_sql" / "analytics_metrics" / "subscription_months.view.yaml"
    text = view.read_text()
    assert text.count(") * 4 ") == 1  # arr's, not mrr's
    view.write_text(text.replace(") * 4 ", ") * no_such_column "))
    result = run_dbt(project, "run-operation", "omni_verify", "--args", "{output_dir: target/omni_bad_sql, select: "
                     "[subscription_months]}", "--vars", vars_arg(write_on_parse=False), target="postgres", env=env,
                     expect_ok=False)
    text = result.stdout + result.stderr
    assert "dbt-omni verify: FAILED: the warehouse refused" in text, text[-2000:]
    assert ("dbt-omni: the warehouse failed running Omni's query of analytics_metrics__subscription_months.arr "
            '(total): column "no_such_column" does not exist (expected the relation as the export describes it: a '
            "column or table it lacks means a model changed") in text, text[-2000:]
    assert re.search(r"analytics_metrics__subscription_months\.arr\s+total\s+ERROR \(below\)", text), text[-2000:]
    assert re.search(r"analytics_metrics__subscription_months\.mrr\s+total\s.*\syes$", text, re.MULTILINE), text[-2000:]
    assert "Traceback" not in text


@pytest.mark.duckdb
def test_golden_views_use_only_omni_keys():
    """The checked-in golden output itself respects ../shared/omni-format.md's key lists."""
    view_keys = {"schema", "table_name", "label", "description", "hidden", "tags", "ai_context",
                 "custom_compound_primary_key_sql", "dimensions", "measures"}
    for path in (GOLDEN / "duckdb").rglob("*.view.yaml"):
        data = yaml.safe_load(path.read_text())
        assert set(data) <= view_keys, path
        assert "name" not in data
