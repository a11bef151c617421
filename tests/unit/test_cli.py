"""`dbt-omni export`, called in-process: exit codes and one-line errors without tracebacks."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dbt_omni.cli import WARNING, main
from testkit import make_manifest, model, shop_manifest, warehouse_catalog


def test_missing_manifest_is_a_one_line_error(tmp_path, capsys):
    missing = tmp_path / "target" / "manifest.json"
    code = main(["export", "--project-dir", str(tmp_path), "--manifest", str(missing),
                 "--output", str(tmp_path / "omni")])
    captured = capsys.readouterr()
    assert code == 1
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(missing) in lines[0] and "manifest not found" in lines[0]
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "omni").exists()


def test_default_manifest_path_is_under_the_project(tmp_path, capsys):
    assert main(["export", "--project-dir", str(tmp_path)]) == 1
    assert str(tmp_path.resolve() / "target" / "manifest.json") in capsys.readouterr().err


def test_run_from_a_folder_inside_the_project_finds_the_project_as_dbt_does(tmp_path, capsys, monkeypatch):
    """dbt (and `dbt-omni verify`, which runs dbt) find dbt_project.yml in a folder above; export stopped."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars: {dbt_omni: {select: [orders]}}\n")
    (tmp_path / "models" / "marts").mkdir(parents=True)
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(shop_manifest()))
    for name in ("DBT_PROJECT_DIR", "DBT_ENGINE_PROJECT_DIR", "DBT_TARGET_PATH", "DBT_ENGINE_TARGET_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path / "models" / "marts")
    assert main(["export"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "target" / "omni" / "analytics").iterdir()) == ["orders.view.yaml"]
    capsys.readouterr()
    monkeypatch.chdir(tmp_path.parent)  # no project here nor above
    assert main(["export"]) == 1
    err = capsys.readouterr().err
    assert "manifest not found, and neither this folder nor any above it holds a dbt_project.yml" in err
    assert err.count("\n") == 1


def test_a_project_folder_that_links_back_to_itself_is_a_one_line_error(tmp_path, capsys):
    """Python 3.11 and 3.12's Path.resolve() raise RuntimeError for a symlink loop: it was an "internal error"
    (found by a Python-version review; 3.13 raises an OSError, said as the manifest's)."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert main(["export", "--project-dir", str(tmp_path / "a")]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1
    assert str(tmp_path / "a") in err
    assert "links back to itself" in err or "Too many levels of symbolic links" in err  # 3.11/3.12; 3.13


def test_unreadable_manifest_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "manifest.json"
    path.write_text("{not json")
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(path)]) == 1
    err = capsys.readouterr().err
    assert "cannot read manifest" in err and str(path) in err and "Traceback" not in err


def test_a_folder_given_as_the_manifest_suggests_the_manifest_in_it(tmp_path, capsys):
    """`--manifest target` printed Python's "[Errno 21] Is a directory: 'target'"."""
    (tmp_path / "target").mkdir()
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(tmp_path / "target")]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "is a folder" in err and "Errno" not in err and "did you mean" not in err
    (tmp_path / "target" / "manifest.json").write_text("{}")
    assert main(argv) == 1
    assert f"did you mean '{tmp_path / 'target' / 'manifest.json'}'" in capsys.readouterr().err


def test_invalid_meta_is_reported_with_exit_1(tmp_path, capsys):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(make_manifest([model("orders", columns=["id"], omni={"lable": "x"})])))
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(path)]) == 1
    err = capsys.readouterr().err
    assert "meta.omni.lable" in err and "did you mean 'label'" in err and "Traceback" not in err


def test_good_manifest_writes_files(tmp_path, capsys):
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps(shop_manifest()))
    out = tmp_path / "omni_out"
    code = main(["export", "--project-dir", str(tmp_path), "--manifest", str(target / "manifest.json"),
                 "--output", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "wrote Omni model" in captured.out
    for name in ("model.yaml", "relationships.yaml", "analytics/orders.view.yaml", "omni_export.json"):
        assert (out / name).is_file(), name
    # Again: nothing changed, nothing written.
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(target / "manifest.json"),
                 "--output", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_ctrl_c_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    import dbt_omni.cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(dbt_omni.cli, "run_export", interrupted)
    assert main(["export", "--project-dir", str(tmp_path)]) == 130
    assert capsys.readouterr().err == "dbt-omni: interrupted; the Omni model was not changed\n"


def test_a_standard_output_that_cannot_be_written_is_no_bug(tmp_path):
    """`> /dev/full` or a closed pipe: the export is written, and said on stderr (it was 'internal error, a bug')."""
    import subprocess
    import sys

    (tmp_path / "manifest.json").write_text(json.dumps(shop_manifest()))
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "dbt_omni.cli", "export", "--project-dir", str(tmp_path),
                               "--manifest", str(tmp_path / "manifest.json"), "--output", str(tmp_path / "omni")],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 1 and (tmp_path / "omni" / "model.yaml").is_file()
    assert done.stderr.endswith("(cannot print it to standard output: No space left on device)\n"), done.stderr
    assert "bug" not in done.stderr and "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_default_output_is_beside_the_manifest(tmp_path, capsys):
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(tmp_path)]) == 0, capsys.readouterr().err
    assert (target / "omni" / "model.yaml").is_file()
    (tmp_path / "sub").mkdir()  # an output_dir through .. is said as the folder it is
    assert main(["export", "--project-dir", str(tmp_path), "--output", "sub/../omni_out"]) == 0
    assert f"wrote Omni model to {tmp_path / 'omni_out'} (" in capsys.readouterr().out


@pytest.mark.parametrize("flag", ["--select", "-s"])  # -s: dbt's short form, typed by habit
def test_select_flag_is_applied(tmp_path, capsys, flag):
    (tmp_path / "manifest.json").write_text(json.dumps(shop_manifest()))
    out = tmp_path / "out"
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(tmp_path / "manifest.json"),
                 "--output", str(out), flag, "orders", "customers"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (out / "analytics").iterdir()) == ["customers.view.yaml", "orders.view.yaml"]


def test_verify_takes_dbts_short_select_too():
    from dbt_omni.cli import _parser

    assert _parser()[0].parse_args(["verify", "-s", "mrr_model", "trials"]).select == ["mrr_model", "trials"]


def test_a_repeated_select_exclude_or_by_adds_up_as_in_dbt(tmp_path, capsys):
    """`--exclude a --exclude b` leaves out both, as dbt does: keeping the last let a PII model through."""
    from dbt_omni.cli import _parser

    (tmp_path / "manifest.json").write_text(json.dumps(shop_manifest()))
    out = tmp_path / "out"
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(tmp_path / "manifest.json"),
                 "--output", str(out), "--exclude", "orders", "--exclude", "customers"]) == 0, capsys.readouterr().err
    assert "orders.view.yaml" not in {p.name for p in out.rglob("*")}
    assert "customers.view.yaml" not in {p.name for p in out.rglob("*")}
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(tmp_path / "manifest.json"),
                 "--output", str(out), "-s", "orders", "-s", "customers"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (out / "analytics").iterdir()) == ["customers.view.yaml", "orders.view.yaml"]
    verify = _parser()[0].parse_args(["verify", "--by", "month", "--by", "plan", "status", "-s", "a", "-s", "b"])
    assert (verify.by, verify.select) == (["month", "plan", "status"], ["a", "b"])


def test_unwritable_output_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(shop_manifest()))
    (tmp_path / "a_file").write_text("x")
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(path),
                 "--output", str(tmp_path / "a_file" / "omni")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the Omni model to" in err and "Traceback" not in err
    assert err.startswith("dbt-omni: key --output: ")  # the flag the user typed, not a setting they never wrote


def test_a_bad_select_flag_is_named_as_typed(tmp_path, capsys):
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(shop_manifest()))
    for flag, value in (("--select", "state:modified"), ("--exclude", "result:error")):
        assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(path), flag, value]) == 1
        assert f"key {flag}: " in capsys.readouterr().err


def test_a_json_file_that_is_not_a_dbt_artifact_is_a_one_line_error(tmp_path, capsys):
    """A wrong file passed by mistake: JSON, but not a manifest (or catalog) of dbt's."""
    good, wrong = tmp_path / "manifest.json", tmp_path / "wrong.json"
    good.write_text(json.dumps(shop_manifest()))
    wrong.write_text(json.dumps([{"nodes": {}}]))
    for flag, what in (("--manifest", "manifest"), ("--catalog", "catalog")):
        args = {"--manifest": str(good), flag: str(wrong)}
        assert main(["export", "--project-dir", str(tmp_path), *[x for kv in args.items() for x in kv]]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"dbt-omni: file {wrong}: this is not a dbt {what} (no 'nodes' mapping) (expected ")
        assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("content, key, message", [
    ({"nodes": {"model.shop.orders": []}}, "nodes.model.shop.orders.columns", "a catalog node without a 'columns' mapping"),
    ({"nodes": {"model.shop.orders": {"columns": [{"name": "id"}]}}}, "nodes.model.shop.orders.columns",
     "a catalog node without a 'columns' mapping"),
    ({"nodes": {"model.shop.orders": {"columns": {"id": "integer"}}}}, "nodes.model.shop.orders.columns.id",
     "a catalog column without a 'name'"),
    ({"nodes": {"model.shop.orders": {"columns": {"id": {"type": "integer"}}}}}, "nodes.model.shop.orders.columns.id",
     "a catalog column without a 'name'"),
    ({"nodes": {"model.shop.orders": {"columns": {"id": {"name": "id", "type": 5, "index": 1}}}}},
     "nodes.model.shop.orders.columns.id.type", "a catalog column whose 'type' is not a type name: 5"),
    ({"nodes": {"model.shop.orders": {"columns": {"id": {"name": "id", "type": "int", "index": "1"}}}}},
     "nodes.model.shop.orders.columns.id.index", "a catalog column whose 'index' is not a number: '1'"),
    ({"nodes": {}, "sources": []}, "sources", "'sources' is not a mapping"),
    ({"nodes": {}, "sources": {"source.shop.app.users": {}}}, "sources.source.shop.app.users.columns",
     "a catalog source without a 'columns' mapping"),
])
def test_a_malformed_catalog_is_a_one_line_error(tmp_path, capsys, content, key, message):
    manifest, catalog = tmp_path / "manifest.json", tmp_path / "catalog.json"
    manifest.write_text(json.dumps(shop_manifest()))
    catalog.write_text(json.dumps(content))
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--catalog", str(catalog),
                 "--output", str(tmp_path / "omni")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dbt-omni: file {catalog}, key {key}: {message} (expected ")
    assert err.count("\n") == 1 and "Traceback" not in err and not (tmp_path / "omni").exists()
    assert "run it again, delete the file, or set vars.dbt_omni.use_catalog: false" in err  # the ways out


def test_a_manifest_whose_sources_are_no_mapping_is_a_one_line_error(tmp_path, capsys):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({**shop_manifest(), "sources": []}))
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(manifest)]) == 1
    err = capsys.readouterr().err
    assert "key sources: this is not a dbt manifest ('sources' is not a mapping)" in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("argv, hint", [
    (["export", "--output-dir", "x"], "did you mean --output?"),
    (["export", "--selct=orders"], "did you mean --select?"),
    (["verify", "--bye", "month"], "did you mean --by?"),
    (["export", "stray"], None),
])
def test_mistyped_option_names_the_closest_one(argv, hint, capsys):
    assert main(argv) == 2  # a code, not argparse's SystemExit: main() is called in-process too
    err = capsys.readouterr().err
    assert f"dbt-omni {argv[0]}: error: unrecognized arguments: {' '.join(argv[1:])}" in err
    assert (hint in err) if hint else "did you mean" not in err


def test_vars_set_settings_as_dbt_vars_do(tmp_path, capsys):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "omni")]
    assert main([*argv, "--vars", "{dbt_omni: {topics_from_paths: [models/orders.sql], connection: wh}}"]) == 0
    assert (tmp_path / "omni" / "orders.topic.yaml").is_file()
    assert json.loads((tmp_path / "omni" / "omni_export.json").read_text())["connection"] == "wh"
    capsys.readouterr()
    for bad, message in (("[1, 2]", "--vars is a list"), ("{dbt_omni: {topics_from_path: []}}", "topics_from_path"),
                         ("{a: [}", "cannot read --vars as YAML")):
        assert main([*argv, "--vars", bad]) == 1
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_vars_that_look_like_settings_outside_the_block_are_a_warning(tmp_path, capsys):
    """A var of the user's own project may be called `connection`: said, not refused."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "omni"),
                 "--vars", "{select: [orders]}"]) == 0
    assert ("dbt-omni warning: --vars select is no dbt-omni setting here (they go under dbt_omni: "
            "{dbt_omni: {select: ...}})") in capsys.readouterr().err
    assert len(list((tmp_path / "omni" / "analytics").iterdir())) > 1  # the whole project: the var did not select


def _shop_project(folder, name="shop", select=("orders",)):
    """A dbt project folder with its vars.dbt_omni and a parsed manifest in target/."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dbt_project.yml").write_text(
        f"name: {name}\nvars:\n  dbt_omni:\n    select: [{', '.join(select)}]\n")
    (folder / "target").mkdir(exist_ok=True)
    manifest = folder / "target" / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    return manifest


def _views(output):
    return sorted(p.name for p in (output / "analytics").iterdir())


def test_a_manifest_given_by_path_brings_its_own_projects_settings(tmp_path, capsys, monkeypatch):
    """Run from elsewhere (a CI job's root, another project), the settings are the manifest's project's."""
    manifest = _shop_project(tmp_path / "shop")
    for cwd in (tmp_path / "elsewhere", tmp_path / "other_project"):
        cwd.mkdir()
        if cwd.name == "other_project":
            (cwd / "dbt_project.yml").write_text("name: other\nvars:\n  dbt_omni:\n    select: [customers]\n")
        monkeypatch.chdir(cwd)
        out = tmp_path / f"out-{cwd.name}"
        assert main(["export", "--manifest", str(manifest), "--output", str(out)]) == 0, capsys.readouterr().err
        assert _views(out) == ["orders.view.yaml"]
        assert "no dbt_project.yml" not in capsys.readouterr().err


def test_a_project_dir_of_another_project_is_an_error(tmp_path, capsys):
    manifest = _shop_project(tmp_path / "shop")
    other = tmp_path / "other"
    other.mkdir()
    (other / "dbt_project.yml").write_text("name: other\n")
    assert main(["export", "--project-dir", str(other), "--manifest", str(manifest),
                 "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"the manifest is of dbt project 'shop', but {other.resolve()}/dbt_project.yml is project 'other'" in err
    assert "--project-dir" in err and err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_without_a_dbt_project_the_defaults_apply_with_a_warning(tmp_path, capsys, monkeypatch):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert f"warning: no dbt_project.yml of project 'shop' in {tmp_path.resolve()} or above {manifest}: its " \
           "vars.dbt_omni settings are not read (pass --project-dir)" in err
    assert _views(tmp_path / "out") == ["customers.view.yaml", "orders.view.yaml", "regions.view.yaml"]
    # with settings of --vars, which are read, the warning says only the project's are not (found by a review of
    # real manifests: it said none were read while a topic setting of --vars took effect)
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out2"),
                 "--vars", "{dbt_omni: {topics_from_paths: [models]}}"]) == 0
    err = capsys.readouterr().err
    assert f"warning: no dbt_project.yml of project 'shop' in {tmp_path.resolve()} or above {manifest}: only --vars' " \
           "dbt_omni settings are read, not its own (pass --project-dir)" in err
    assert any(p.name.endswith(".topic.yaml") for p in (tmp_path / "out2").iterdir())


def test_another_dbt_artifact_given_as_the_manifest_is_an_error(tmp_path, capsys):
    """catalog.json has `nodes` too: dbt's schema version tells the kinds apart."""
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
                                   "nodes": {}, "sources": {}}))
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({**shop_manifest(), "metadata": {
        "project_name": "shop", "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}}))
    for args, wrong, message in (
        (["--manifest", str(catalog)], catalog, "this is a dbt catalog, not a manifest"),
        (["--manifest", str(manifest), "--catalog", str(manifest)], manifest, "this is a dbt manifest, not a catalog"),
    ):
        assert main(["export", "--project-dir", str(tmp_path), *args, "--output", str(tmp_path / "out")]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"dbt-omni: file {wrong}: {message} (expected ") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_catalog_named_on_the_command_line_must_exist(tmp_path, capsys):
    """Beside the manifest it is optional; named with --catalog, a typo must not silently drop the types."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    missing = tmp_path / "target" / "catalgo.json"
    assert main(["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--catalog", str(missing),
                 "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"dbt-omni: file {missing}, key --catalog: catalog not found (expected ") and err.count("\n") == 1


def test_warnings_are_printed_again_when_the_output_is_up_to_date(tmp_path, capsys):
    """A CI job that exports an unchanged project must still show what is wrong with it."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "o"),
            "--select", "orders"]
    assert main(argv) == 0
    first = capsys.readouterr()
    assert "wrote Omni model" in first.out and "dbt-omni warning: " in first.err
    assert main(argv) == 0
    again = capsys.readouterr()
    assert "up to date" in again.out and again.err == first.err


def test_warn_error_turns_warnings_into_errors_and_writes_nothing(tmp_path, capsys):
    """As dbt's --warn-error: a CI job can refuse an export that only warns."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "o")]
    assert main([*argv, "--warn-error"]) == 1  # no dbt_project.yml: its settings unread, a warning
    assert "no dbt_project.yml of project 'shop'" in capsys.readouterr().err
    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    assert main([*argv, "--warn-error"]) == 0  # no warning, no error
    capsys.readouterr()
    assert main([*argv, "--select", "orders", "--warn-error"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dbt-omni: ") and "(an error under --warn-error)" in err and "Traceback" not in err
    assert "customers" in err  # the join to a model left out of the selection
    assert json.loads((tmp_path / "o" / "omni_export.json").read_text())["counts"]["views"] == 3  # as it was


def test_dbts_warn_error_variable_applies_as_the_flag_does(tmp_path, capsys, monkeypatch):
    """A CI job that sets DBT_WARN_ERROR failed dbt parse on a warning, and dbt-omni export not."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "o"),
            "--select", "orders"]
    for truthy in ("true", "on"):  # as dbt (click's boolean) reads it
        monkeypatch.setenv("DBT_WARN_ERROR", truthy)
        assert main(argv) == 1 and "(an error under --warn-error)" in capsys.readouterr().err
    assert main([*argv, "--no-warn-error"]) == 0  # the flag wins over the variable, as in dbt
    monkeypatch.setenv("DBT_WARN_ERROR", "false")
    assert main(argv) == 0
    for options, fails in (('{"error": "all"}', True), ("{error: [Note]}", True), ("{include: all}", True),
                           ('{"error": "all", "warn": ["Note"]}', False), ("{error: [NoNodesForSelectionCriteria]}", False),
                           ("{error: all, silence: [Note]}", False), ("{error: [Note], silence: [Note]}", False),
                           ("[", True)):  # the last: no YAML, which dbt refuses too (it was ignored)
        monkeypatch.setenv("DBT_WARN_ERROR_OPTIONS", options)
        assert main(argv) == (1 if fails else 0), options
        err = capsys.readouterr().err
        # silenced: a dbt command prints no Note, so this command prints no warning (it printed them)
        assert fails or (WARNING in err) is ("silence" not in options), (options, err)
    assert "key DBT_WARN_ERROR_OPTIONS: is no YAML or JSON mapping" in err


def test_project_flags_warn_error_apply_as_in_a_dbt_command_there(tmp_path, capsys, monkeypatch):
    """dbt_project.yml's `flags: warn_error: true` failed dbt parse on our warning and not dbt-omni export;
    as in dbt, the environment wins over the project's flags, and the command line over both."""
    monkeypatch.delenv("DBT_WARN_ERROR", raising=False)
    monkeypatch.delenv("DBT_WARN_ERROR_OPTIONS", raising=False)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps(shop_manifest()))
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(manifest), "--output", str(tmp_path / "o"),
            "--select", "orders"]
    for flags, fails in (("{warn_error: true}", True), ("{warn_error: false}", False),
                         ("{warn_error_options: {error: all}}", True), ("{warn_error_options: {error: [Note]}}", True),
                         ("{warn_error_options: {error: all, warn: [Note]}}", False),
                         ("{warn_error_options: {error: all, silence: [Note]}}", False),
                         ("{send_anonymous_usage_stats: false}", False), ("[warn_error]", False)):
        (tmp_path / "dbt_project.yml").write_text(f"name: shop\nflags: {flags}\n")
        assert main(argv) == (1 if fails else 0), flags
        err = capsys.readouterr().err
        assert ("(an error under --warn-error)" in err) is fails and "Traceback" not in err
    (tmp_path / "dbt_project.yml").write_text("name: shop\nflags: {warn_error: true}\n")
    assert main([*argv, "--no-warn-error"]) == 0
    monkeypatch.setenv("DBT_WARN_ERROR", "")
    monkeypatch.setenv("DBT_WARN_ERROR_OPTIONS", "")
    assert main(argv) == 1  # empty is unset, as dbt (click) reads it: the project's flag applies
    monkeypatch.setenv("DBT_WARN_ERROR", "false")
    assert main(argv) == 0  # the environment's flag wins over the project's
    (tmp_path / "dbt_project.yml").write_text("name: shop\nflags: {warn_error_options: {error: all}}\n")
    assert main(argv) == 1  # ... each flag on its own, as dbt takes them
    monkeypatch.setenv("DBT_WARN_ERROR_OPTIONS", "{error: [NoNodesForSelectionCriteria]}")
    assert main(argv) == 0
    capsys.readouterr()


def _one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.startswith("dbt-omni: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def test_a_project_dir_that_is_no_folder_is_an_error(tmp_path, capsys):
    manifest = _shop_project(tmp_path / "shop")
    assert main(["export", "--project-dir", str(tmp_path / "nope"), "--manifest", str(manifest),
                 "--output", str(tmp_path / "out")]) == 1
    err = _one_error(capsys)
    assert f"{(tmp_path / 'nope').resolve()} is not a folder" in err and "--project-dir" in err
    assert not (tmp_path / "out").exists()


def test_a_nul_in_the_output_folder_is_an_error_naming_the_flag(tmp_path, capsys):
    manifest = _shop_project(tmp_path / "shop")
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "x\0y")]) == 1
    assert "key --output" in _one_error(capsys)


def test_a_manifest_older_than_dbt_1_8_is_an_error(tmp_path, capsys):
    manifest = _shop_project(tmp_path / "shop")
    data = json.loads(manifest.read_text())
    data["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v4.json"
    del data["metadata"]["dbt_version"]
    manifest.write_text(json.dumps(data))
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out")]) == 1
    assert "manifest v4 is from a dbt-core older than 1.8" in _one_error(capsys)
    # dbt 0.19-0.21 wrote `disabled: []`: still the version is said, with the dbt that wrote it (it was "this is
    # not a dbt manifest ('disabled' is not a mapping)"; found by a review of real manifests)
    data["metadata"].update(dbt_schema_version="https://schemas.getdbt.com/dbt/manifest/v2.json", dbt_version="0.20.0")
    manifest.write_text(json.dumps({**data, "disabled": []}))
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out")]) == 1
    assert "key metadata.dbt_schema_version: manifest v2 (dbt 0.20.0) is from a dbt-core older than 1.8" in _one_error(capsys)


def test_a_manifest_of_a_shape_dbt_never_writes_is_an_error_not_a_traceback(tmp_path, capsys):
    manifest = _shop_project(tmp_path / "shop")
    data = json.loads(manifest.read_text())
    data["nodes"]["model.shop.orders"]["columns"] = [{"name": "id"}]
    manifest.write_text(json.dumps(data))
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out")]) == 1
    assert "key nodes.model.shop.orders.columns: this manifest is not shaped as dbt writes one: columns is not a " \
           "mapping of column names" in _one_error(capsys)


ORDERS = "model.shop.orders"


@pytest.mark.parametrize("change, key", [  # found by fuzzing: each was an internal error deep in the export
    (lambda m: m.__setitem__("metadata", "x"), "metadata"),
    (lambda m: m.__setitem__("macros", "x"), "macros"),
    (lambda m: m.__setitem__("selectors", "x"), "selectors"),
    (lambda m: m["nodes"][ORDERS].__setitem__("unique_id", 1), "nodes.1.unique_id"),
    (lambda m: m["nodes"][ORDERS].__setitem__("description", {"x": 1}), f"nodes.{ORDERS}.description"),
    (lambda m: m["nodes"][ORDERS].__setitem__("schema", {}), f"nodes.{ORDERS}.schema"),
    (lambda m: m["nodes"][ORDERS].__setitem__("database", 5), f"nodes.{ORDERS}.database"),
    (lambda m: m["nodes"][ORDERS].__setitem__("original_file_path", 0), f"nodes.{ORDERS}.original_file_path"),
    (lambda m: m["nodes"][ORDERS].__setitem__("tags", [["a"]]), f"nodes.{ORDERS}.tags"),
    (lambda m: m["nodes"][ORDERS].__setitem__("fqn", [1]), f"nodes.{ORDERS}.fqn"),
    (lambda m: m["nodes"][ORDERS]["depends_on"].__setitem__("nodes", [1]), f"nodes.{ORDERS}.depends_on.nodes"),
    (lambda m: next(iter(m["nodes"][ORDERS]["columns"].values())).__setitem__("description", ["x"]),
     f"nodes.{ORDERS}.columns.order_id.description"),
    (lambda m: next(iter(m["nodes"][ORDERS]["columns"].values())).__setitem__("description", 5),
     f"nodes.{ORDERS}.columns.order_id.description"),  # not "TypeError" (the check for \r line ends)
    (lambda m: next(iter(m["nodes"][ORDERS]["columns"].values())).__setitem__("description", True),
     f"nodes.{ORDERS}.columns.order_id.description"),
    (lambda m: m["nodes"][ORDERS].__setitem__("description", 5), f"nodes.{ORDERS}.description"),
])
def test_a_value_of_a_type_dbt_never_writes_is_an_error_naming_its_key(tmp_path, capsys, change, key):
    manifest = _shop_project(tmp_path / "shop")
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data))
    assert main(["export", "--manifest", str(manifest), "--output", str(tmp_path / "out")]) == 1
    error = _one_error(capsys)
    assert f"key {key}:" in error and "internal error" not in error, error


def test_the_manifest_is_found_where_dbt_writes_it(tmp_path, capsys, monkeypatch):
    """dbt_project.yml's target-path, DBT_TARGET_PATH, DBT_PROJECT_DIR and DBT_TARGET, as dbt takes them."""
    project = tmp_path / "shop"
    manifest = _shop_project(project)
    (project / "dbt_project.yml").write_text((project / "dbt_project.yml").read_text() + "target-path: build_tgt\n")
    (project / "build_tgt").mkdir()
    manifest.rename(project / "build_tgt" / "manifest.json")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DBT_PROJECT_DIR", str(project))
    monkeypatch.setenv("DBT_TARGET", "ci")
    assert main(["export", "--output", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "omni_export.json").read_text())["target_name"] == "ci"
    (project / "build_tgt").rename(project / "env_tgt")
    monkeypatch.setenv("DBT_TARGET_PATH", "env_tgt")
    assert main(["export", "--output", str(tmp_path / "out")]) == 0
    monkeypatch.setenv("DBT_PROJECT_DIR", str(tmp_path / "nope"))
    assert main(["export", "--output", str(tmp_path / "out")]) == 1
    assert "manifest not found" in capsys.readouterr().err


def test_a_guessed_target_is_no_reason_to_rewrite_what_dbt_wrote_for_its_target(tmp_path, capsys):
    """After `dbt parse --target ci` wrote the output, `dbt-omni export` (which can only guess the
    profile's default target) finds it up to date; a target given by hand is recorded."""
    manifest = _shop_project(tmp_path / "shop")
    out = tmp_path / "out"
    base = ["export", "--manifest", str(manifest), "--project-dir", str(tmp_path / "shop"), "--output", str(out)]
    assert main([*base, "--target", "ci"]) == 0
    record = (out / "omni_export.json").read_text()
    assert main(base) == 0 and "up to date" in capsys.readouterr().out
    assert (out / "omni_export.json").read_text() == record
    assert main([*base, "--target", "prod"]) == 0
    assert json.loads((out / "omni_export.json").read_text())["target_name"] == "prod"


def test_a_target_the_profile_lacks_is_warned_with_the_closest(tmp_path, capsys, monkeypatch):
    """The CLI only records the target, so a typo is a warning (an error under --warn-error), not dbt's error."""
    manifest = _shop_project(tmp_path / "shop")
    (tmp_path / "shop" / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    (tmp_path / "shop" / "profiles.yml").write_text(
        "shop: {target: dev, outputs: {dev: {type: duckdb}, prod: {type: duckdb}}}\n")
    monkeypatch.delenv("DBT_TARGET", raising=False)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.dbt/profiles.yml
    out = tmp_path / "out"
    base = ["export", "--manifest", str(manifest), "--project-dir", str(tmp_path / "shop"), "--output", str(out)]
    monkeypatch.chdir(tmp_path)  # dbt would not read shop/profiles.yml from here: nor do we, so no target to check
    assert main([*base, "--target", "prdo"]) == 0
    assert "--target prdo" not in capsys.readouterr().err
    monkeypatch.chdir(tmp_path / "shop")  # where dbt finds it: the current folder
    assert main([*base, "--target", "prdo", "--force"]) == 0
    err = capsys.readouterr().err
    assert "--target prdo: profile shop in " in err and "(it has dev, prod)" in err and "did you mean prod?" in err
    assert json.loads((out / "omni_export.json").read_text())["target_name"] == "prdo"
    assert main([*base, "--target", "prod", "--force"]) == 0
    assert "no such target" not in capsys.readouterr().err
    monkeypatch.setenv("DBT_TARGET", "prdo")
    assert main([*base, "--warn-error", "--force"]) == 1
    assert "DBT_TARGET prdo" in capsys.readouterr().err and json.loads(
        (out / "omni_export.json").read_text())["target_name"] == "prod"


def test_warn_error_spares_a_documented_column_the_catalog_lacks_but_not_other_warnings(tmp_path, capsys):
    """A column documented with the SQL that adds it is missing from every catalog until the build that
    creates it: under --warn-error the plugin's parse would fail that very build. So that warning stays a
    warning (said as one, files written); any other still fails."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    shop = shop_manifest()
    catalog = warehouse_catalog(shop)
    del catalog["nodes"]["model.shop.orders"]["columns"]["amount"]  # added to the SQL since the last docs generate
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    (tmp_path / "manifest.json").write_text(json.dumps(shop))
    argv = ["export", "--project-dir", str(tmp_path), "--manifest", str(tmp_path / "manifest.json"),
            "--catalog", str(tmp_path / "catalog.json"), "--output", str(tmp_path / "o"), "--warn-error"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "column amount is documented" in err and "but the relation has no such column" in err
    assert "an error under --warn-error" not in err
    assert "amount:" in (tmp_path / "o" / "analytics" / "orders.view.yaml").read_text()
    assert main([*argv, "--select", "orders"]) == 1  # and a join to a model left out still fails
    err = capsys.readouterr().err
    assert "customers" in err and "(an error under --warn-error)" in err
    assert "column amount is documented" not in err


def test_an_empty_catalog_is_read_as_none_and_said_so(tmp_path, capsys):
    """`dbt docs generate --empty-catalog` (or one run before any model was built) lists no relation: no
    "built or renamed since" guess per model, the same files as without a catalog, and one line why."""
    manifest = _shop_project(tmp_path / "shop")
    base = ["export", "--manifest", str(manifest), "--project-dir", str(tmp_path / "shop")]
    assert main([*base, "--output", str(tmp_path / "none")]) == 0
    capsys.readouterr()
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"metadata": {}, "nodes": {}, "sources": {}, "errors": None}))
    assert main([*base, "--catalog", str(catalog), "--output", str(tmp_path / "empty")]) == 0
    err = capsys.readouterr().err
    assert f"{catalog} lists no relations (written by `dbt docs generate --empty-catalog`" in err
    assert "built or renamed" not in err, err
    views = sorted((tmp_path / "none").rglob("*.yaml"))
    assert views and [p.read_bytes() for p in views] == [
        (tmp_path / "empty" / p.relative_to(tmp_path / "none")).read_bytes() for p in views]


def test_a_catalog_of_another_project_is_said_to_be_one_and_not_read(tmp_path, capsys):
    """--catalog of another project was "catalog.json lists no columns of 3 exported models: built or renamed
    since...?", a guess that sent the user to rebuild."""
    manifest = _shop_project(tmp_path / "shop")
    base = ["export", "--manifest", str(manifest), "--project-dir", str(tmp_path / "shop")]
    assert main([*base, "--output", str(tmp_path / "none")]) == 0
    capsys.readouterr()
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"metadata": {}, "sources": {}, "errors": None, "nodes": {
        "model.jaffle_shop.orders": {"metadata": {"schema": "analytics", "name": "orders"},
                                     "columns": {"id": {"name": "id", "type": "integer", "index": 1}}}}}))
    assert main([*base, "--catalog", str(catalog), "--output", str(tmp_path / "other")]) == 0
    err = capsys.readouterr().err
    assert "catalog.json is of another dbt project (jaffle_shop), not of shop" in err
    assert "built or renamed" not in err and "lists no relations" not in err, err
    views = sorted((tmp_path / "none").rglob("*.yaml"))
    assert views and [p.read_bytes() for p in views] == [
        (tmp_path / "other" / p.relative_to(tmp_path / "none")).read_bytes() for p in views]


def test_the_recorded_empty_catalog_warning_does_not_follow_how_the_path_is_spelt(tmp_path, capsys, monkeypatch):
    """The record decides "up to date": the plugin gave the catalog's path absolute and the CLI as typed, so
    each export after the other rewrote the output."""
    manifest = _shop_project(tmp_path / "shop")
    catalog = tmp_path / "shop" / "target" / "empty_catalog.json"
    catalog.write_text(json.dumps({"metadata": {}, "nodes": {}, "sources": {}, "errors": None}))
    monkeypatch.chdir(tmp_path / "shop")
    base = ["export", "--manifest", str(manifest), "--output", str(tmp_path / "o")]
    assert main([*base, "--catalog", "target/empty_catalog.json"]) == 0
    first = capsys.readouterr()
    assert "wrote" in first.out and "target/empty_catalog.json lists no relations" in first.err
    assert main([*base, "--catalog", str(catalog)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_bug_of_ours_is_one_line_to_report_not_a_traceback(tmp_path, capsys, monkeypatch):
    """Every trigger's last resort; the bug is simulated, since each one found is fixed and tested."""
    import dbt_omni.cli

    def broken(args):
        raise KeyError("views")

    monkeypatch.setattr(dbt_omni.cli, "run_export", broken)
    assert main(["export", "--project-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dbt-omni: internal error, a bug in dbt-omni ") and err.endswith(": KeyError: 'views'\n")
    assert len(err.splitlines()) == 1
    monkeypatch.setenv("DBT_OMNI_TRACEBACK", "1")  # in the message: inside dbt, an exception's traceback is not shown
    assert main(["export", "--project-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "\nTraceback (most recent call last):\n" in err and ", in broken\n" in err and err.startswith("dbt-omni: ")


def test_text_of_a_str_subclass_is_text():
    """dbt's live nodes (the plugin's) hold dbt_common's ValidatedStringMixin, a str subclass, where
    manifest.json has plain text: the type check must take it (a `type(v) is str` stopped every dbt command)."""
    from dbt_omni.manifests import from_manifest_dict
    from testkit import make_manifest, model

    class Validated(str):
        pass

    manifest = make_manifest([model("orders", columns=["id"])])
    node = manifest["nodes"]["model.shop.orders"]
    for key in ("package_name", "schema", "name", "unique_id", "description", "original_file_path"):
        node[key] = Validated(node[key])
    node["tags"] = [Validated("a")]
    project = from_manifest_dict(manifest)
    assert project.models["model.shop.orders"].package_name == "shop"


def test_a_bug_of_ours_in_a_macro_call_or_the_plugin_is_one_message_too(tmp_path, monkeypatch):
    """The last resorts of the macros' Python calls and of the plugin hook, with a simulated bug."""
    from types import SimpleNamespace

    from dbt_common.exceptions import DbtRuntimeError

    import dbt_omni.config
    from dbt_omni import jinja_api, shims, verify
    from dbt_omni.plugin import OmniPlugin

    def broken(*args, **kwargs):
        raise KeyError("views")

    monkeypatch.setattr(jinja_api, "_setup", broken)
    monkeypatch.setattr(verify, "report", broken)
    calls = {
        "export_graph": lambda: jinja_api.export_graph({}, "shop", "duckdb", "1.11.0"),
        "warehouse_columns": lambda: jinja_api.warehouse_columns(None, {}, "shop", "duckdb", "1.11.0"),
        "verify_plan": lambda: jinja_api.verify_plan({}, "shop", "duckdb", "1.11.0"),
        "run_queries": lambda: jinja_api.run_queries(SimpleNamespace(execute=broken),
                                                     [{"grain": None, "measure": "mrr"}], [["select 1", "select 1"]]),
        "verify_report": lambda: jinja_api.verify_report([], []),
    }
    for name, call in calls.items():
        result = call()
        assert result.ok is False, name
        assert result.message.startswith("dbt-omni: internal error, a bug in dbt-omni "), (name, result.message)
        assert result.message.endswith(": KeyError: 'views'") and "\n" not in result.message, (name, result.message)

    facts = {"project_dir": tmp_path, "cli_vars": {}, "target_path": "target", "selectors": {}, "warn_error": False}
    monkeypatch.setattr(shims, "invocation", lambda adapter_type: facts)
    monkeypatch.setattr(dbt_omni.config, "load_settings", broken)
    manifest = SimpleNamespace(metadata=SimpleNamespace(adapter_type="duckdb"),
                               macros={"macro.dbt_omni.omni_export": None})  # the project installed the package
    with pytest.raises(DbtRuntimeError) as raised:
        OmniPlugin("shop").get_manifest_artifacts(manifest)
    message = str(raised.value)
    assert "dbt-omni: internal error, a bug in dbt-omni " in message and ": KeyError: 'views'\n" in message, message
    assert "Traceback" not in message and "get_manifest_artifacts" not in message


def test_a_catalog_given_by_flag_is_read_even_where_use_catalog_leaves_the_one_beside_the_manifest(tmp_path, capsys):
    """use_catalog: false is about target/catalog.json: --catalog was checked to exist, then ignored."""
    import yaml

    manifest = make_manifest([model("orders", columns=["id"])])
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(manifest))
    catalog = warehouse_catalog(manifest)
    catalog["nodes"]["model.shop.orders"]["columns"]["amount"] = {"name": "amount", "type": "numeric", "index": 2}
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    (tmp_path / "dbt_project.yml").write_text("name: shop\nvars:\n  dbt_omni:\n    use_catalog: false\n")
    assert main(["export", "--project-dir", str(tmp_path), "--catalog", str(tmp_path / "catalog.json")]) == 0, \
        capsys.readouterr().err
    view = yaml.safe_load((tmp_path / "target" / "omni" / "analytics" / "orders.view.yaml").read_text())
    assert set(view["dimensions"]) == {"id", "amount"}
    (tmp_path / "target" / "catalog.json").write_text(json.dumps(catalog))  # beside the manifest: not read
    assert main(["export", "--project-dir", str(tmp_path), "--force"]) == 0
    view = yaml.safe_load((tmp_path / "target" / "omni" / "analytics" / "orders.view.yaml").read_text())
    assert set(view["dimensions"]) == {"id"}


def test_a_project_file_saved_after_manifest_json_is_said(tmp_path, capsys):
    """The CLI reads what dbt last parsed: a description edited since is not in the files it writes, and
    "up to date" alone would say it is."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    for path in ("models/orders.sql", "models/orders.yml", "seeds/plans.csv"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("")
    manifest = make_manifest([model("orders", columns=["id"])])
    seed = model("plans", path="seeds/plans.csv")
    seed.update(resource_type="seed", unique_id="seed.shop.plans", patch_path=None)
    manifest["nodes"]["seed.shop.plans"] = seed
    manifest["nodes"]["operation.shop.shop-on-run-end-0"] = {  # an on-run-end hook: dbt names its file so
        "resource_type": "operation", "unique_id": "operation.shop.shop-on-run-end-0", "package_name": "shop",
        "original_file_path": "./dbt_project.yml", "depends_on": {"nodes": []}}
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps(manifest))
    parsed = (target / "manifest.json").stat().st_mtime
    for path in ("dbt_project.yml", "models/orders.sql", "models/orders.yml", "seeds/plans.csv"):
        os.utime(tmp_path / path, (parsed - 60, parsed - 60))
    argv = ["export", "--project-dir", str(tmp_path)]
    assert main(argv) == 0
    assert "changed since dbt wrote" not in capsys.readouterr().err
    os.utime(tmp_path / "seeds" / "plans.csv", (parsed + 60, parsed + 60))  # its rows are not exported
    assert main(argv) == 0
    assert "changed since dbt wrote" not in capsys.readouterr().err
    for path in ("models/orders.yml", "dbt_project.yml"):
        os.utime(tmp_path / path, (parsed + 60, parsed + 60))
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert (f"dbt-omni warning: dbt_project.yml and 1 other file(s) changed since dbt wrote {target / 'manifest.json'}, "
            "which is what this command reads: run `dbt parse` first for the change to reach the Omni files") \
        in captured.err and "up to date" in captured.out
    # A job's downloaded artifacts (a hosted dbt run's) are older or newer than its checkout by chance: not compared.
    (tmp_path / "artifacts").mkdir()
    shutil.copy(target / "manifest.json", tmp_path / "artifacts" / "manifest.json")
    os.utime(tmp_path / "artifacts" / "manifest.json", (parsed - 600, parsed - 600))
    assert main([*argv, "--manifest", str(tmp_path / "artifacts" / "manifest.json")]) == 0
    assert "changed since dbt wrote" not in capsys.readouterr().err
    # An error already fixed in the YAML, not yet parsed: said again from the manifest, so the hint goes with it.
    manifest["nodes"]["model.shop.orders"]["meta"] = {"omni": {"lable": "Orders"}}
    (target / "manifest.json").write_text(json.dumps(manifest))
    os.utime(target / "manifest.json", (parsed, parsed))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "meta.omni.lable" in err and "changed since dbt wrote" in err and "run `dbt parse` first" in err


def test_a_selectors_yml_the_cli_cannot_render_falls_back_to_the_manifests_copy_and_says_so(tmp_path, capsys):
    """`{{ target.name }}` needs a dbt command's profile: the CLI uses manifest.json's copy, said, not silently."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\n")
    (tmp_path / "selectors.yml").write_text('selectors:\n  - name: mine\n    definition: "tag:{{ target.name }}"\n')
    manifest = make_manifest([model("orders", columns=["id"], tags=["dev"]), model("customers", columns=["id"])])
    manifest["selectors"] = {"mine": {"name": "mine", "definition": {"method": "tag", "value": "dev"}}}
    (tmp_path / "target").mkdir()
    (tmp_path / "target" / "manifest.json").write_text(json.dumps(manifest))
    assert main(["export", "--project-dir", str(tmp_path), "--select", "selector:mine"]) == 0
    err = capsys.readouterr().err
    assert ("selectors.yml cannot be read here as a dbt command reads it (Compilation Error Could not render "
            "tag:{{ target.name }}: 'target' is undefined): the selection uses the copy in ") in err, err
    assert json.loads((tmp_path / "target" / "omni" / "omni_export.json").read_text())["views"].keys() == {
        "analytics__orders"}


def _shop(tmp_path: Path, project_yml: str = "name: shop\nprofile: shop\n") -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "dbt_project.yml").write_text(project_yml)
    (tmp_path / "profiles.yml").write_text("shop:\n  target: dev\n  outputs: {dev: {type: duckdb}, prod: {type: duckdb}}\n")
    return tmp_path


def _isolated_from_dbt_env(monkeypatch) -> None:
    for name in ("PROJECT_DIR", "TARGET_PATH", "TARGET", "PROFILE", "PROFILES_DIR", "WARN_ERROR", "WARN_ERROR_OPTIONS"):
        monkeypatch.delenv(f"DBT_{name}", raising=False)
        monkeypatch.delenv(f"DBT_ENGINE_{name}", raising=False)


def test_dbt_engine_variables_count_as_in_dbt_1_11_and_win(tmp_path, capsys, monkeypatch):
    """dbt 1.11 reads DBT_ENGINE_TARGET_PATH before DBT_TARGET_PATH: the plugin (in dbt) wrote t2/omni, the
    command line read target/manifest.json, unsaid; DBT_ENGINE_TARGET was not recorded, DBT_ENGINE_WARN_ERROR
    not applied."""
    from dbt_omni import config

    _isolated_from_dbt_env(monkeypatch)
    monkeypatch.setattr(config, "_dbt_reads_engine_vars", lambda: True)  # dbt-core 1.11+
    project = _shop(tmp_path)
    for folder in ("target", "t2"):
        (project / folder).mkdir()
        (project / folder / "manifest.json").write_text(json.dumps(shop_manifest()))
    monkeypatch.chdir(project)
    monkeypatch.setenv("DBT_TARGET_PATH", "target")
    monkeypatch.setenv("DBT_ENGINE_TARGET_PATH", "t2")
    monkeypatch.setenv("DBT_ENGINE_TARGET", "prod")
    assert main(["export", "-s", "orders"]) == 0, capsys.readouterr().err
    record = json.loads((project / "t2" / "omni" / "omni_export.json").read_text())
    assert record["target_name"] == "prod" and not (project / "target" / "omni").exists()
    monkeypatch.setenv("DBT_ENGINE_TARGET", "prd")
    monkeypatch.setenv("DBT_ENGINE_WARN_ERROR", "true")
    assert main(["export", "-s", "orders", "--force"]) == 1
    err = capsys.readouterr().err
    assert "DBT_ENGINE_TARGET prd: profile shop in" in err and "(an error under --warn-error)" in err
    monkeypatch.setattr(config, "_dbt_reads_engine_vars", lambda: False)  # dbt-core 1.10 ignores them
    assert main(["export", "-s", "orders"]) == 0, capsys.readouterr().err
    assert (project / "target" / "omni" / "omni_export.json").is_file()


def test_a_jinja_target_path_is_rendered_as_dbt_renders_it(tmp_path, capsys, monkeypatch):
    _isolated_from_dbt_env(monkeypatch)
    project = _shop(tmp_path, "name: shop\ntarget-path: \"{{ env_var('MY_TARGET', 'jout') }}\"\n")
    (project / "jout").mkdir()
    (project / "jout" / "manifest.json").write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(project), "-s", "orders"]) == 0, capsys.readouterr().err
    assert (project / "jout" / "omni" / "omni_export.json").is_file()
    monkeypatch.setenv("MY_TARGET", "eout")  # env_var() reads the environment, as in a dbt command
    (project / "eout").mkdir()
    (project / "eout" / "manifest.json").write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(project), "-s", "orders"]) == 0, capsys.readouterr().err
    assert (project / "eout" / "omni" / "omni_export.json").is_file()
    monkeypatch.delenv("MY_TARGET")
    (project / "dbt_project.yml").write_text("name: shop\ntarget-path: \"{{ var('tp', 'jout') }}\"\n")
    (project / "vout").mkdir()
    (project / "vout" / "manifest.json").write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(project), "-s", "orders", "--vars", "{tp: vout}"]) == 0
    assert (project / "vout" / "omni" / "omni_export.json").is_file()  # with the command's --vars, as in dbt


def test_dbts_flag_spellings_and_no_abbreviations(tmp_path, capsys, monkeypatch):
    """`--profile` (dbt's profile name) was taken for --profiles-dir by argparse's abbreviations; `-t`,
    `--selector` and `--profile` are dbt's; a flag before the command (dbt's global-flag habit) is said."""
    _isolated_from_dbt_env(monkeypatch)
    project = _shop(tmp_path)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(shop_manifest()))
    (project / "selectors.yml").write_text("selectors:\n  - name: just_orders\n    definition: orders\n")
    monkeypatch.chdir(project)
    assert main(["export", "--profiles", str(project)]) == 2
    assert "unrecognized arguments: --profiles" in capsys.readouterr().err
    assert main(["export", "--selector", "just_orders", "-t", "prod"]) == 0, capsys.readouterr().err
    assert sorted(p.name for p in (project / "target" / "omni" / "analytics").iterdir()) == ["orders.view.yaml"]
    for other in (["-s", "orders"], ["--exclude", "orders"]):
        assert main(["export", "--selector", "just_orders", *other]) == 1
        assert "--selector with --select or --exclude" in capsys.readouterr().err
    assert main(["export", "--selector", "just_ordres", "-t", "prod"]) == 1  # named as written (an audit of messages)
    assert "key --selector: no selector 'just_ordres' in selectors.yml" in capsys.readouterr().err
    (project / "profiles.yml").write_text("other:\n  target: x\n  outputs: {x: {type: duckdb}}\n"
                                          + (project / "profiles.yml").read_text())
    assert main(["export", "-s", "orders", "--profile", "other", "-t", "prod", "--force"]) == 0
    assert "profile other in" in capsys.readouterr().err  # prod is no target of that profile
    monkeypatch.setenv("DBT_PROFILE", "other")
    assert main(["export", "-s", "orders", "-t", "x", "--force"]) == 0
    assert "no such target" not in capsys.readouterr().err  # x is other's target
    monkeypatch.delenv("DBT_PROFILE")
    assert main(["-t", "prod", "export"]) == 2 and "options go after the command" in capsys.readouterr().err
    assert main(["--vers"]) == 2 and "dbt-omni 0" not in capsys.readouterr().out  # no abbreviation of --version
    assert main(["--warn-error", "export", "-s", "orders"]) == 2
    assert "options go after the command: dbt-omni export --warn-error -s orders" in capsys.readouterr().err


def test_an_empty_select_selects_nothing_as_in_dbt(tmp_path, capsys, monkeypatch):
    """`-s "$MODELS"` with MODELS empty exported every model; dbt selects none."""
    _isolated_from_dbt_env(monkeypatch)
    project = _shop(tmp_path)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(shop_manifest()))
    assert main(["export", "--project-dir", str(project), "-s", " "]) == 0
    assert "--select '' selects nothing" in capsys.readouterr().err
    assert not (project / "target" / "omni").exists()
    assert main(["export", "--project-dir", str(project), "-s", "", "--warn-error"]) == 1  # as dbt ls fails then
    assert "selects nothing, as in dbt (leave --select out for every model); nothing exported (an error under " \
           "--warn-error)" in capsys.readouterr().err
    assert main(["export", "--project-dir", str(project), "-s", "", "--manifest", str(tmp_path / "nope.json")]) == 1
    assert "manifest not found" in capsys.readouterr().err  # the other checks still run
    monkeypatch.setenv("DBT_WARN_ERROR_OPTIONS", '{"silence": ["Note"]}')
    assert main(["export", "--project-dir", str(project), "-s", ""]) == 0 and capsys.readouterr().err == ""


def test_a_profiles_dir_or_target_folder_that_cannot_be_read_is_said(tmp_path, capsys, monkeypatch):
    _isolated_from_dbt_env(monkeypatch)
    project = _shop(tmp_path)
    assert main(["export", "--project-dir", str(project), "--profiles-dir", str(tmp_path / "nope")]) == 1
    assert f"key --profiles-dir: {tmp_path / 'nope'} is not a folder" in capsys.readouterr().err
    real_exists = Path.exists

    def denied(path):  # a target folder without read permission (root, running the tests, is never denied)
        if path.name == "manifest.json":
            raise PermissionError(13, "Permission denied")
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", denied)
    monkeypatch.chdir(project)
    assert main(["export"]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and "manifest" in err, err
    elsewhere = tmp_path / "elsewhere"  # no project here: the manifest's folder is still said to be unreadable
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["export"]) == 1
    err = capsys.readouterr().err
    assert "internal error" not in err and "neither this folder" not in err, err


def test_verify_says_what_dbt_refused_of_its_options(tmp_path, capsys, monkeypatch):
    """dbt's runner returns its click errors unsaid: `dbt-omni verify --profiles-dir /nope` printed nothing."""
    _isolated_from_dbt_env(monkeypatch)
    assert main(["verify", "--profiles-dir", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dbt-omni verify: dbt refused the command: ") and "nope" in err, err


def test_main_returns_a_code_for_help_version_and_usage_mistakes(capsys):
    """An orchestrator calling main() in-process got argparse's SystemExit."""
    assert main(["--version"]) == 0 and main(["export", "--help"]) == 0
    assert main(["export", "--no-such-flag"]) == 2 and main([]) == 2
    capsys.readouterr()


def test_verify_passes_dbts_flags_through(monkeypatch):
    import dbt.cli.main

    seen = []

    class Runner:
        def invoke(self, command):
            seen.extend(command)
            return type("Result", (), {"success": True, "exception": None})()

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", Runner)
    assert main(["verify", "--profile", "p", "-t", "prod", "--profiles-dir", "pd", "--project-dir", "pr"]) == 0
    assert [seen[seen.index(flag) + 1] for flag in ("--profile", "--target", "--profiles-dir", "--project-dir")] == \
        ["p", "prod", "pd", "pr"]


def test_dbt_engine_variables_are_read_from_dbt_core_1_11_on(monkeypatch):
    from importlib import metadata

    from dbt_omni import config

    for installed, reads in (("1.11.0", True), ("1.12.6", True), ("1.10.23", False), ("2.0.0", True)):
        monkeypatch.setattr(metadata, "version", lambda name, installed=installed: installed)
        assert config._dbt_reads_engine_vars.__wrapped__() is reads, installed

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert config._dbt_reads_engine_vars.__wrapped__() is True


def test_the_project_above_the_current_folder_gives_the_settings_of_a_manifest_from_elsewhere(tmp_path, capsys,
                                                                                           monkeypatch):
    """Run from models/ with --manifest of a downloaded artifact: dbt's project folder is the one above."""
    _isolated_from_dbt_env(monkeypatch)
    project = _shop(tmp_path / "shop", "name: shop\nvars: {dbt_omni: {select: [orders]}}\n")
    (project / "models").mkdir()
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    (artifacts / "manifest.json").write_text(json.dumps(shop_manifest()))
    monkeypatch.chdir(project / "models")
    assert main(["export", "--manifest", str(artifacts / "manifest.json"), "--output", "out"]) == 0, \
        capsys.readouterr().err
    assert sorted(p.name for p in (project / "out" / "analytics").iterdir()) == ["orders.view.yaml"]


def test_dbt_engine_profiles_dir_finds_the_profile(tmp_path, capsys, monkeypatch):
    from dbt_omni import config

    _isolated_from_dbt_env(monkeypatch)
    monkeypatch.setattr(config, "_dbt_reads_engine_vars", lambda: True)
    project = tmp_path / "shop"
    project.mkdir()
    (project / "dbt_project.yml").write_text("name: shop\nprofile: shop\n")
    profiles = tmp_path / "profiles"
    _shop(profiles, "name: unused\n")
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text(json.dumps(shop_manifest()))
    monkeypatch.setenv("DBT_ENGINE_PROFILES_DIR", str(profiles))
    assert main(["export", "--project-dir", str(project), "-s", "orders", "-t", "prd"]) == 0
    assert "--target prd: profile shop in" in capsys.readouterr().err  # found there: the unknown target is said
