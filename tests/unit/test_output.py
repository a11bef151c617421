"""Writing: inside the output folder only, all files or none, nothing when unchanged."""
from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from dbt_omni import output
from dbt_omni.errors import OmniExportError
from dbt_omni.export import ExportContext, ExportResult, export
from dbt_omni.manifests import from_manifest_dict
from dbt_omni.output import RECORD, files_intact, record_digest, write_atomically
from testkit import (
    build,
    export_error,
    make_manifest,
    model,
    render_files,
    settings,
    shop_manifest,
    source,
    test_node,
    warehouse_catalog,
)

OLD = 1_000_000_000  # a fixed mtime in 2001: any rewrite shows


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def mtimes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def age(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, (OLD, OLD))


def run_export(manifest: dict, out: Path, project_dir: Path, force: bool = False, **values):
    return export(lambda catalog: from_manifest_dict(manifest, catalog),
                  settings(output_dir=str(out), **values), ExportContext(project_dir=project_dir), force=force)


# ---- path safety ------------------------------------------------------------------------------------
def test_schema_and_alias_with_separators_stay_inside_the_output_folder(out_dir, tmp_path):
    manifest = make_manifest([model("evil", schema="../../outside", alias="a/../b", columns=["id"]),
                              model("dotted", schema=".hidden", alias="..", columns=["id"])])
    omni = build(manifest)
    assert sorted(w for w in omni.warnings if "is the Omni view" in w) == [
        "model dotted: relation .hidden... is the Omni view _hidden____ (_hidden/__.view.yaml), as a view's name holds "
        "only letters, digits and underscores: refer to it by that name in Omni",
        "model evil: relation ../../outside.a/../b is the Omni view ______outside__a____b (______outside/a____b.view.yaml), "
        "as a view's name holds only letters, digits and underscores: refer to it by that name in Omni"], omni.warnings
    files = render_files(manifest)
    for path in files:
        assert ".." not in Path(path).parts and not Path(path).is_absolute(), path
        assert not any(part.startswith(".") for part in Path(path).parts), path

    result = run_export(manifest, out_dir, tmp_path)
    assert result.written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]  # nothing beside the output folder
    written = sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*.view.yaml"))
    assert len(written) == 2
    assert all(out_dir in p.resolve().parents for p in out_dir.rglob("*"))


def test_a_relation_named_outside_file_name_characters_is_still_the_table_omni_reads():
    """Only the file's name (and so the view's name) is made safe: Omni queries schema + table_name."""
    manifest = make_manifest([model("ventes", schema="finance équipe", alias="ventes_réglées", columns=["id"])])
    files = render_files(manifest)
    view = yaml.safe_load(files["finance__quipe/ventes_r_gl_es.view.yaml"])
    assert (view["schema"], view["table_name"]) == ("finance équipe", "ventes_réglées")
    assert yaml.safe_load(files["model.yaml"])["included_schemas"] == ["finance équipe"]
    assert files["finance__quipe/ventes_r_gl_es.view.yaml"].startswith("# Reference this view as finance__quipe__ventes_r_gl_es\n")


def test_a_dash_in_a_schema_is_no_part_of_a_view_name_so_references_to_it_are_checked():
    manifest = make_manifest([model("orders", schema="finance-reporting", columns=["id"],
                                    omni={"dimensions": {"x": {"sql": "${customers.no_such_field}"}}}),
                              model("customers", schema="finance-reporting", columns=["id"])])
    problem = export_error(manifest).problems[0]
    assert problem.message == "${no_such_field} is not a field of finance_reporting__customers"
    files = render_files(make_manifest([model("orders", schema="finance-reporting", columns=["id"])]))
    assert yaml.safe_load(files["finance_reporting/orders.view.yaml"])["schema"] == "finance-reporting"


def test_a_name_too_long_for_a_file_is_an_error_naming_the_model_and_its_setting(out_dir, tmp_path):
    """A 250-character alias failed the write with "cannot write to output_dir: File name too long", which
    sent the user to a setting that was fine; such names are allowed by DuckDB and Snowflake."""
    def error(**kwargs):
        return export_error(make_manifest([model("orders", columns=["id"], **kwargs)])).problems[0]

    problem = error(alias="x" * 250)
    assert (problem.model, problem.key, problem.file) == ("orders", "config.alias", "models/orders.sql")
    assert problem.message.endswith("....view.yaml is 260 characters long") and "at most 255" in problem.expected
    assert error(schema="s" * 256).key == "config.schema"
    build(make_manifest([model("orders", columns=["id"], alias="x" * 245)]))  # 255 exactly: fine
    topic = error(omni={"topic": {"name": "t" * 245}})
    assert (topic.key, topic.message) == ("meta.omni.topic.name", f"the topic's file name {'t' * 30}....topic.yaml "
                                          "is 256 characters long")
    build(make_manifest([model("orders", columns=["id"], omni={"topic": {"name": "t" * 244}})]))
    result = run_export(make_manifest([model("orders", columns=["id"], alias="x" * 245)]), out_dir, tmp_path)
    assert result.written and (out_dir / "analytics" / ("x" * 245 + ".view.yaml")).is_file()  # the limit is real
    # all at once, each naming its own setting: a source's identifier, a database prefix
    long_db = model("payments", columns=["id"])
    long_db["database"] = "d" * 250  # another database than the connection's: the folder is <database>_<schema>
    both = export_error(make_manifest([model("orders", columns=["id"], alias="x" * 250), long_db,
                                       model("customers", columns=["id"])],
                                      sources=[source("stripe", "charges", identifier="c" * 250)]),
                        select=["orders", "payments", "customers", "source:stripe"])
    assert sorted((p.model, p.key) for p in both.problems) == [
        ("orders", "config.alias"), ("payments", "database"), ("stripe.charges", "identifier")]


def test_a_topic_name_too_long_leaves_no_scope_for_the_next_topic():
    """The topic's join scope was set before the check failed: the next model's topic then resolved its
    joins in that scope, a second, false error."""
    manifest = make_manifest([
        model("orders", columns=["order_id", "customer_id"], omni={
            "joins": [{"to": "customers", "join_to_view_as": "buyer", "on_sql": "${customer_id} = ${buyer.customer_id}"}],
            "topic": {"name": "o" * 250, "joins": ["buyer"]}}),
        model("payments", columns=["payment_id", "customer_id"], omni={"topic": {"joins": ["customers"]}}),
        model("customers", columns=["customer_id"], constraints=[{"type": "primary_key", "columns": ["customer_id"]}]),
    ], [test_node("relationships", "payments", "customer_id", to="customers", field="customer_id")])
    problems = export_error(manifest).problems
    assert [p.key for p in problems] == ["meta.omni.topic.name"], [str(p) for p in problems]


@pytest.mark.parametrize("bad", ["../x", "a/../../x", "/tmp/dbt-omni-escape.txt", "C:x", "a\\b", "a//b", "./x", "x/"])
def test_write_atomically_refuses_paths_leaving_the_folder(out_dir, tmp_path, bad):
    with pytest.raises(OmniExportError, match="refusing to write"):
        write_atomically(out_dir, {"model.yaml": "{}\n", bad: "escaped"})
    assert not out_dir.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind
    assert not (tmp_path / "x").exists() and not Path("/tmp/dbt-omni-escape.txt").exists()


def test_failed_write_leaves_previous_files_untouched(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError):
        write_atomically(out_dir, {"model.yaml": "changed\n", "../x": "escaped"})
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


# ---- atomic export ----------------------------------------------------------------------------------
def test_export_writes_every_file_and_a_record(out_dir, tmp_path):
    result = run_export(shop_manifest(), out_dir, tmp_path, connection="warehouse")
    assert result.written and result.output_dir == out_dir.resolve()
    expected = set(render_files(shop_manifest(), connection="warehouse")) | {RECORD}
    assert set(snapshot(out_dir)) == expected
    record = json.loads((out_dir / RECORD).read_text())
    assert record["connection"] == "warehouse" and set(record["files"]) == expected - {RECORD}
    assert result.counts["views"] == 3 and result.counts["relationships"] == 2


@pytest.mark.parametrize("bad_model", [
    model("orders", columns=["order_id"], omni={"lable": "x"}),  # fails reading meta.omni
    model("orders", columns=["order_id"], omni={"joins": [{"to": "nope"}]}),  # fails building the model
])
def test_failed_export_leaves_previous_files_byte_for_byte(out_dir, tmp_path, bad_model):
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError):
        run_export(shop_manifest(orders=bad_model), out_dir, tmp_path)
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def test_the_garbage_collector_is_paused_during_an_export_and_back_on_after_a_failed_one(out_dir, tmp_path):
    seen = []

    def load(catalog):
        seen.append(gc.isenabled())
        return from_manifest_dict(shop_manifest(orders=model("orders", columns=["id"], omni={"lable": "x"})), catalog)

    assert gc.isenabled()
    with pytest.raises(OmniExportError):
        export(load, settings(output_dir=str(out_dir)), ExportContext(project_dir=tmp_path))
    assert seen == [False] and gc.isenabled()


def test_refuses_to_replace_a_folder_it_did_not_write(out_dir, tmp_path):
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine")
    with pytest.raises(OmniExportError, match=r"did not write \(notes\.txt\)"):  # which one: it did not say
        run_export(shop_manifest(), out_dir, tmp_path)
    assert snapshot(out_dir) == {"notes.txt": b"mine"}


def test_an_output_whose_record_was_deleted_is_still_ours(out_dir, tmp_path):
    """Deleting omni_export.json must not lock the plugin out of its own folder (every dbt command)."""
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / RECORD).unlink()
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert (out_dir / RECORD).is_file()


@pytest.mark.parametrize("damage", [
    b"<<<<<<< HEAD\n{\"files\": {}}\n=======\n{}\n>>>>>>> branch\n",  # a git merge conflict in a committed output
    b"", b"[]", b'{"files": []}', b'{"files": {}}',  # empty, another shape, no dbt_omni_version
])
def test_an_output_whose_record_is_damaged_is_still_ours(out_dir, tmp_path, damage):
    """Else every dbt command stops with 'holds files that dbt-omni did not write', about its own files."""
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / RECORD).write_bytes(damage)
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert json.loads((out_dir / RECORD).read_text())["dbt_omni_version"]


@pytest.mark.parametrize("extra, text, named", [
    ("analytics/orders.view.yaml", "schema: analytics\ntable_name: orders\n",  # a hand-written Omni view
     "analytics/orders.view.yaml, without the comment dbt-omni writes"),
    ("README.md", "notes", "README.md"),
])
def test_without_its_record_a_folder_with_files_not_ours_is_refused(out_dir, tmp_path, extra, text, named):
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / RECORD).unlink()
    (out_dir / extra).write_text(text)
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError, match=re.escape(f"did not write ({named})") +
                       ".*move those files away, or set another output_dir"):
        run_export(shop_manifest(), out_dir, tmp_path)
    assert snapshot(out_dir) == before


@pytest.mark.parametrize("record", [b"not json at all", b'{"files": {}}'])
def test_a_file_named_like_our_record_does_not_make_a_folder_ours(out_dir, tmp_path, record):
    out_dir.mkdir()
    (out_dir / RECORD).write_bytes(record)
    (out_dir / "sub").mkdir()
    (out_dir / "sub" / "notes.md").write_text("mine")
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError, match=r"did not write \(sub/notes\.md\)"):
        run_export(shop_manifest(), out_dir, tmp_path)
    assert snapshot(out_dir) == before


def test_the_output_folder_gets_the_permissions_of_the_umask(out_dir, tmp_path):
    """Not tempfile's 0700: CI artefact uploads and sync jobs run as other users."""
    old = os.umask(0o022)
    try:
        run_export(shop_manifest(), out_dir, tmp_path)
    finally:
        os.umask(old)
    assert oct(out_dir.stat().st_mode & 0o777) == oct(0o755)
    assert oct((out_dir / "analytics").stat().st_mode & 0o777) == oct(0o755)


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    (tmp_path / "a_file").write_text("x")
    out = tmp_path / "a_file" / "omni"
    with pytest.raises(OmniExportError) as info:
        write_atomically(out, {"model.yaml": "{}\n", RECORD: "{}\n"})
    text = str(info.value)
    assert text.startswith(f"dbt-omni: key vars.dbt_omni.output_dir: cannot write the Omni model to {out.resolve()}: ")
    assert "expected a folder that can be created and written" in text


def test_an_unwritable_default_output_folder_names_the_setting_as_unset(tmp_path):
    """The user set no output_dir: the message names the setting to change, and says it is unset."""
    (tmp_path / "target").write_text("a file where dbt's target folder would be")
    with pytest.raises(OmniExportError) as info:
        export(lambda catalog: from_manifest_dict(make_manifest([model("orders", columns=["id"])]), catalog),
               settings(), ExportContext(project_dir=tmp_path))
    assert str(info.value).startswith("dbt-omni: key vars.dbt_omni.output_dir (not set: the default): cannot write "
                                      f"the Omni model to {tmp_path / 'target' / 'omni'}: ")


def test_a_write_failing_halfway_is_a_clear_error_and_keeps_previous_files(out_dir, tmp_path):
    """The disk refuses the second file (its folder's name is taken by the first): no traceback,
    no staging folder left, the previous output as it was."""
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError, match="cannot write the Omni model to"):
        write_atomically(out_dir, {"a.view.yaml": "x: 1\n", "a.view.yaml/b.view.yaml": "y: 1\n", RECORD: "{}\n"})
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def test_a_selection_of_no_model_writes_nothing_and_keeps_the_output(out_dir, tmp_path):
    """A typo in --select must not replace a good Omni model with an empty one."""
    run_export(shop_manifest(), out_dir, tmp_path)
    age(out_dir)
    before, stamps = snapshot(out_dir), mtimes(out_dir)
    result = run_export(shop_manifest(), out_dir, tmp_path, select=["ordrs"])
    assert result.empty and not result.written
    assert result.warnings == ["select 'ordrs' matches no exportable model; did you mean 'orders'?"]
    assert result.summary() == f"dbt-omni: no model selected; nothing written, {out_dir.resolve()} is as it was"
    assert snapshot(out_dir) == before and mtimes(out_dir) == stamps
    fresh = tmp_path / "fresh"
    result = run_export(shop_manifest(), fresh, tmp_path, select=["ordrs"])
    assert result.summary() == f"dbt-omni: no model selected; nothing written, {fresh.resolve()} was not made"
    assert not fresh.exists()


def test_an_empty_existing_folder_is_fine(out_dir, tmp_path):
    out_dir.mkdir()
    assert run_export(shop_manifest(), out_dir, tmp_path).written
    assert (out_dir / "model.yaml").is_file()


def test_unchanged_input_is_not_rewritten(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    age(out_dir)
    before = mtimes(out_dir)
    result = run_export(shop_manifest(), out_dir, tmp_path)
    assert result.written is False
    assert "up to date" in result.summary()
    assert mtimes(out_dir) == before


def test_unchanged_input_in_another_node_order_is_not_rewritten(out_dir, tmp_path):
    manifest = shop_manifest()
    run_export(manifest, out_dir, tmp_path)
    reordered = dict(manifest, nodes=dict(reversed(list(manifest["nodes"].items()))))
    assert run_export(reordered, out_dir, tmp_path).written is False


def test_force_rewrites(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    before_bytes = snapshot(out_dir)
    age(out_dir)
    result = run_export(shop_manifest(), out_dir, tmp_path, force=True)
    assert result.written is True
    assert all(mtime != OLD * 10**9 for mtime in mtimes(out_dir).values())
    assert snapshot(out_dir) == before_bytes


def test_changed_input_or_settings_rewrite(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    changed = shop_manifest(orders=model("orders", columns=["order_id", "customer_id"], description="New text."))
    assert run_export(changed, out_dir, tmp_path).written is True
    assert "New text." in (out_dir / "analytics/orders.view.yaml").read_text()
    assert run_export(changed, out_dir, tmp_path, topics_from_paths=["models"]).written is True
    assert (out_dir / "orders.topic.yaml").is_file()


def test_a_new_git_commit_alone_rewrites_nothing(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    record = json.loads((out_dir / RECORD).read_text())
    record["git"] = {"branch": "main", "commit": "0" * 40}  # as if the project had moved on
    (out_dir / RECORD).write_text(json.dumps(record))
    assert run_export(shop_manifest(), out_dir, tmp_path).written is False
    record["dbt_version"] = "0.0.0"  # anything else recorded is part of the output
    (out_dir / RECORD).write_text(json.dumps(record))
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True


def test_deleted_output_file_is_written_again(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / "analytics/orders.view.yaml").unlink()
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert (out_dir / "analytics/orders.view.yaml").is_file()


def test_hand_edited_output_file_is_written_again(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    view = out_dir / "analytics/orders.view.yaml"
    view.write_text(view.read_text().replace("orders", "ordres"))
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert snapshot(out_dir)[str(view.relative_to(out_dir))] == before[str(view.relative_to(out_dir))]


def test_an_export_that_replaces_hand_edits_names_the_files(out_dir, tmp_path):
    """The plugin rewrites the folder on the next dbt command of any kind: an edit made there vanished unsaid."""
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / "analytics/orders.view.yaml").write_text("schema: analytics\ntable_name: orders\n")
    (out_dir / "analytics/regions.view.yaml").write_text("schema: analytics\ntable_name: regions\n")
    os.utime(out_dir / "model.yaml")  # touched, not changed: no edit lost
    (out_dir / "relationships.yaml").unlink()  # deleted: nothing of the user's to lose
    result = run_export(shop_manifest(regions=None), out_dir, tmp_path)  # regions' file goes, edit and all
    assert result.written is True
    assert [w for w in result.warnings if "edited" in w] == [
        f"replaced 2 file(s) in {out_dir} edited since the last export (analytics/orders.view.yaml, "
        "analytics/regions.view.yaml), and the edits with them: every file is written from the dbt project, so make "
        "the change in its meta.omni blocks"]
    assert run_export(shop_manifest(regions=None), out_dir, tmp_path, force=True).warnings == result.warnings[:-1]


def test_an_edit_that_the_export_writes_too_is_no_edit_lost(out_dir, tmp_path):
    described = shop_manifest(regions=model("regions", columns=["region_id", "region_name"], description="Regions."))
    run_export(described, tmp_path / "elsewhere", tmp_path)
    run_export(shop_manifest(), out_dir, tmp_path)
    edited = (tmp_path / "elsewhere/analytics/regions.view.yaml").read_text()
    (out_dir / "analytics/regions.view.yaml").write_text(edited)  # the description added by hand, then in dbt
    result = run_export(described, out_dir, tmp_path)
    assert result.written is True and [w for w in result.warnings if "edited" in w] == []
    assert (out_dir / "analytics/regions.view.yaml").read_text() == edited


def test_an_edit_older_than_the_last_export_is_not_read_as_one(out_dir, tmp_path):
    """Only files modified no earlier than the record are read (one stat each at 11,000 files): the record
    is written last, so a file of the export itself is never newer."""
    run_export(shop_manifest(), out_dir, tmp_path)
    view = out_dir / "analytics/orders.view.yaml"
    view.write_text("schema: analytics\ntable_name: orders\n")
    record_time = (out_dir / RECORD).stat().st_mtime_ns
    os.utime(view, ns=(record_time - 1, record_time - 1))
    assert [w for w in run_export(shop_manifest(), out_dir, tmp_path).warnings if "edited" in w] == []
    view.write_text("schema: analytics\ntable_name: orders\n")
    record_time = (out_dir / RECORD).stat().st_mtime_ns
    os.utime(view, ns=(record_time, record_time))  # the same tick of a coarse clock: read, and so seen
    assert [w for w in run_export(shop_manifest(), out_dir, tmp_path).warnings if "edited" in w] != []


def export_for_target(manifest: dict, out: Path, project_dir: Path, target: str = "dev", guessed: bool = False):
    return export(lambda catalog: from_manifest_dict(manifest, catalog), settings(output_dir=str(out)),
                  ExportContext(project_dir=project_dir, target_name=target, target_guessed=guessed))


def renamed(result: ExportResult) -> list:
    return [w for w in result.warnings if "its Omni view is now" in w]


def test_a_view_renamed_since_the_last_export_is_told_to_keep_its_old_name_as_an_alias(out_dir, tmp_path):
    """A model's alias or schema changed: Omni content saved with the old view name breaks."""
    export_for_target(shop_manifest(), out_dir, tmp_path)
    moved = shop_manifest(customers=model("customers", columns=["customer_id", "region_id", "name"],
                                          alias="dim_customers"))
    result = export_for_target(moved, out_dir, tmp_path)
    assert result.written is True and renamed(result) == [
        "model.shop.customers (models/customers.sql): its Omni view is now analytics__dim_customers, was "
        "analytics__customers at the last export for target dev; Omni content saved with analytics__customers "
        "(workbooks, dashboards) breaks unless the view keeps the old name: meta.omni: {aliases: [analytics__customers]}"]
    assert not (out_dir / "analytics/customers.view.yaml").exists()
    assert renamed(export_for_target(moved, out_dir, tmp_path)) == []  # said once, by the export that renamed it

    export_for_target(shop_manifest(), out_dir, tmp_path)
    kept = shop_manifest(customers=model("customers", columns=["customer_id", "region_id", "name"],
                                         alias="dim_customers", omni={"aliases": ["analytics__customers"]}))
    result = export_for_target(kept, out_dir, tmp_path)
    assert result.written is True and renamed(result) == []


def test_a_view_gone_since_the_last_export_is_said_once(out_dir, tmp_path):
    """A model renamed gets another unique id: its view is not renamed but gone, and saved content with it."""
    export_for_target(shop_manifest(), out_dir, tmp_path)
    manifest = shop_manifest()
    node = manifest["nodes"].pop("model.shop.customers")
    node.update(name="clients", alias="clients", unique_id="model.shop.clients")
    manifest["nodes"]["model.shop.clients"] = node
    result = export_for_target(manifest, out_dir, tmp_path)
    assert [w for w in result.warnings if "are gone" in w] == [
        "1 view(s) of the last export for target dev are gone: analytics__customers (a model renamed or deleted, or "
        "no longer selected); Omni content saved with them breaks, unless a renamed model's view keeps the old name: "
        "meta.omni: {aliases: [analytics__customers]}"]
    assert [w for w in export_for_target(manifest, out_dir, tmp_path).warnings if "are gone" in w] == []
    export_for_target(shop_manifest(), out_dir, tmp_path)
    node["meta"] = {"omni": {"aliases": ["analytics__customers"]}}
    assert [w for w in export_for_target(manifest, out_dir, tmp_path).warnings if "are gone" in w] == []
    export_for_target(shop_manifest(), out_dir, tmp_path, target="prod")
    assert [w for w in export_for_target(manifest, out_dir, tmp_path, target="dev").warnings if "gone" in w] == []


def test_a_view_gone_as_its_model_became_ephemeral_or_disabled_says_so(out_dir, tmp_path):
    """No alias can keep such a view: the warning said "a model renamed or deleted", and to add one (found by
    a review of dbt's node kinds)."""
    manifest = shop_manifest()
    manifest["nodes"]["model.shop.orders_copy"] = {**manifest["nodes"]["model.shop.customers"], "name": "orders_copy",
                                                   "alias": "orders_copy", "unique_id": "model.shop.orders_copy"}
    export_for_target(manifest, out_dir, tmp_path)
    manifest["nodes"]["model.shop.customers"]["config"]["materialized"] = "ephemeral"
    manifest["disabled"] = {"model.shop.orders_copy": [manifest["nodes"].pop("model.shop.orders_copy")]}
    result = export_for_target(manifest, out_dir, tmp_path)
    assert [w for w in result.warnings if "are gone" in w] == [
        "2 view(s) of the last export for target dev are gone: analytics__customers (model.shop.customers is ephemeral "
        "now), analytics__orders_copy (model.shop.orders_copy is disabled now); Omni content saved with them breaks "
        "(dbt no longer builds or declares their relations, nor drops them)"]


def test_a_source_tables_view_gone_as_it_was_disabled_says_so(out_dir, tmp_path):
    """A package turns a source table off with a var: its view was said to be of "a model renamed or deleted", with
    an alias to add (found by a review of real packages)."""
    def export_with(manifest):
        return export(lambda catalog: from_manifest_dict(manifest, catalog),
                      settings(output_dir=str(out_dir), select=["orders", "source:stripe"]),
                      ExportContext(project_dir=tmp_path, target_name="dev"))

    charges = source("stripe", "charges", columns=["id"])
    export_with(make_manifest([model("orders", columns=["id"])], sources=[charges]))
    manifest = make_manifest([model("orders", columns=["id"])])
    manifest["disabled"] = {"source.shop.stripe.charges": [{**charges, "config": {"enabled": False}}]}
    assert [w for w in export_with(manifest).warnings if "gone" in w] == [
        "1 view(s) of the last export for target dev are gone: raw__charges (source.shop.stripe.charges is disabled "
        "now); Omni content saved with them breaks (dbt no longer builds or declares their relations, nor drops them)"]


def test_a_package_models_renamed_view_says_where_the_user_keeps_its_old_name(out_dir, tmp_path):
    """The package's files are not the user's (`dbt deps` puts them back): the alias goes in the user's
    dbt_project.yml (found by a review of real packages)."""
    def export_with(schema):
        manifest = make_manifest([model("orders", columns=["id"]),
                                  model("github__issues", columns=["id"], schema=schema, package="github")])
        return export(lambda catalog: from_manifest_dict(manifest, catalog),
                      settings(output_dir=str(out_dir), select=["package:github"]),
                      ExportContext(project_dir=tmp_path, target_name="dev"))

    export_with("analytics_github")
    assert renamed(export_with("github")) == [
        "model.github.github__issues (models/github__issues.sql in package github): its Omni view is now "
        "github__github__issues, was analytics_github__github__issues at the last export for target dev; Omni content "
        "saved with analytics_github__github__issues (workbooks, dashboards) breaks unless the view keeps the old name: "
        "in your dbt_project.yml, models: github: github__issues: +meta: {omni: {aliases: [analytics_github__github__issues]}} "
        "(which replaces any block the package gives it)"]


def test_warn_error_stops_an_export_that_renames_a_view_before_it_writes(out_dir, tmp_path):
    """The rename warning was made after the write: --warn-error (a CI gate) passed a rename that breaks
    saved Omni content, and wrote it."""
    from dbt_omni.errors import WarningsAsErrors

    export_for_target(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    moved = shop_manifest(customers=model("customers", columns=["customer_id", "region_id", "name"],
                                          alias="dim_customers"))
    with pytest.raises(WarningsAsErrors) as info:
        export(lambda catalog: from_manifest_dict(moved, catalog), settings(output_dir=str(out_dir)),
               ExportContext(project_dir=tmp_path, target_name="dev"), warn_error=True)
    assert "its Omni view is now analytics__dim_customers" in str(info.value) and "are gone" not in str(info.value)
    assert "(an error under --warn-error; if it is meant, export once without --warn-error)" in str(info.value)
    assert snapshot(out_dir) == before
    # an empty selection writes nothing, so it renames nothing (every view was said to be gone)
    result = export(lambda catalog: from_manifest_dict(moved, catalog),
                    settings(output_dir=str(out_dir), select=["orders"], exclude=["orders"]),
                    ExportContext(project_dir=tmp_path, target_name="dev"), warn_error=True)
    assert result.empty and snapshot(out_dir) == before


def test_another_target_or_a_guessed_one_renames_no_view(out_dir, tmp_path):
    """dev and prod schemas name every view differently: that is no rename to keep."""
    export_for_target(shop_manifest(), out_dir, tmp_path, target="dev")
    prod = shop_manifest(**{name: model(name, columns=["id"], schema="prod") for name in ("orders", "customers", "regions")})
    assert renamed(export_for_target(prod, out_dir, tmp_path, target="prod")) == []
    export_for_target(shop_manifest(), out_dir, tmp_path, target="dev")
    assert renamed(export_for_target(prod, out_dir, tmp_path, target="dev", guessed=True)) == []
    export_for_target(shop_manifest(), out_dir, tmp_path, target="dev")
    result = export_for_target(prod, out_dir, tmp_path, target="dev")
    assert renamed(result) == []  # one line for the schema, not one per view (a review of real projects: a schema
    # prefix from an environment variable, on the same target, said each view with an alias to add)
    assert [w for w in result.warnings if "views moved" in w] == [
        "3 views moved from folder analytics/ to prod/ since the last export for target dev (analytics__customers is now "
        "prod__customers, analytics__orders is now prod__orders, analytics__regions is now prod__regions): their schema "
        "changed (a +schema, a schema macro, or an environment variable one reads); Omni content saved with the old names "
        "breaks unless each view keeps its old name (meta.omni: {aliases: [<old name>]}), and a schema meant for one run "
        "only (a CI prefix) wants a target of its own"]
    # fewer views moved, each is said as a rename of its own
    export_for_target(shop_manifest(), out_dir, tmp_path, target="dev")
    two = shop_manifest(**{name: model(name, columns=["id"], schema="prod") for name in ("orders", "customers")})
    assert [w.split(":")[0] for w in renamed(export_for_target(two, out_dir, tmp_path, target="dev"))] == [
        "model.shop.customers (models/customers.sql)", "model.shop.orders (models/orders.sql)"]


def test_many_views_moved_name_the_first_ten_old_names_then_how_many_more(out_dir, tmp_path):
    def views(schema):
        return make_manifest([model(f"m{i:02}", columns=["id"], schema=schema) for i in range(12)])

    export_for_target(views("analytics"), out_dir, tmp_path)
    [said] = [w for w in export_for_target(views("ci_analytics"), out_dir, tmp_path).warnings if "views moved" in w]
    assert said.startswith("12 views moved from folder analytics/ to ci_analytics/ since the last export for target dev "
                           "(analytics__m00 is now ci_analytics__m00, ")
    assert "analytics__m09 is now ci_analytics__m09, and 2 more): their schema changed" in said and "m10" not in said


def test_a_view_name_another_model_took_over_is_no_alias_to_suggest(out_dir, tmp_path):
    """Two models swapping aliases: each old name is another view's now, and an alias there is an error."""
    export_for_target(shop_manifest(), out_dir, tmp_path)
    swapped = shop_manifest(customers=model("customers", columns=["customer_id", "region_id", "name"], alias="regions"),
                            regions=model("regions", columns=["region_id", "region_name"], alias="customers"))
    result = export_for_target(swapped, out_dir, tmp_path)
    assert result.written is True and renamed(result) == []


def test_a_record_naming_a_file_outside_the_folder_means_rewrite(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    record = json.loads((out_dir / RECORD).read_text())
    record["files"]["../outside.txt"] = hashlib.sha256(b"not ours").hexdigest()
    (out_dir / RECORD).write_text(json.dumps(record))
    assert files_intact(out_dir, record["files"]) is False
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert outside.read_text() == "not ours"


def test_record_digest_changes_with_any_file_of_the_output(out_dir, tmp_path):
    """The plugin's no-op check: it stands for the files too, without reading them."""
    run_export(shop_manifest(), out_dir, tmp_path)
    digest = record_digest(out_dir)
    assert digest is not None and record_digest(out_dir) == digest
    os.utime(out_dir / "model.yaml", (OLD, OLD))  # what an edit does, whatever the size
    assert record_digest(out_dir) not in (None, digest)
    (out_dir / "model.yaml").unlink()
    assert record_digest(out_dir) is None


@pytest.mark.parametrize("stray", ["stray.yaml", "extra_schema/ghost.view.yaml", "analytics/ghost.view.yaml"])
def test_a_file_added_to_the_output_is_noticed_and_removed_by_the_next_export(out_dir, tmp_path, stray):
    """A ghost view would reach Omni with the next copy of the folder; the plugin's shortcut sees it by
    the folders' modification times."""
    run_export(shop_manifest(), out_dir, tmp_path)
    digest = record_digest(out_dir)
    (out_dir / stray).parent.mkdir(exist_ok=True)
    (out_dir / stray).write_text("x: 1\n")
    assert record_digest(out_dir) != digest
    result = run_export(shop_manifest(), out_dir, tmp_path)
    assert result.written is True and result.warnings == [
        f"removed 1 file(s) from {out_dir} that dbt-omni did not write ({stray}): every export replaces the folder, "
        "so keep your own files elsewhere"]  # it went silently
    assert not (out_dir / stray).exists()
    assert run_export(shop_manifest(), out_dir, tmp_path).written is False


def test_a_git_work_tree_made_in_the_output_folder_is_refused_not_wiped(out_dir, tmp_path):
    """`git init` in target/omni to watch the diffs: the next export replaced the folder and took the history."""
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / ".git").mkdir()
    (out_dir / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    problem = export_error_of(lambda: run_export(shop_manifest(), out_dir, tmp_path, force=True))
    assert problem.message == f"refusing to replace {out_dir}: it holds .git, and every export replaces the whole folder"
    assert (out_dir / ".git" / "HEAD").is_file()


def export_error_of(call):
    with pytest.raises(OmniExportError) as info:
        call()
    [problem] = info.value.problems
    return problem


def test_an_empty_folder_added_to_the_output_is_removed_so_no_file_put_in_it_later_goes_unseen(out_dir, tmp_path):
    """The plugin's shortcut watches the folders that hold our files; an empty extra folder would make a
    blind spot for a view put there afterwards."""
    run_export(shop_manifest(), out_dir, tmp_path)
    (out_dir / "extra").mkdir()
    assert run_export(shop_manifest(), out_dir, tmp_path).written is True
    assert not (out_dir / "extra").exists()
    assert run_export(shop_manifest(), out_dir, tmp_path).written is False


def _write_many(out: str, writer: int) -> int:
    files = render_files(shop_manifest())
    failures = 0
    for round_ in range(40):
        record = json.dumps({"dbt_omni_version": "test", "files": {}, "writer": [writer, round_]})
        try:
            write_atomically(Path(out), {**files, RECORD: record})
        except OmniExportError:
            failures += 1
    return failures


def test_writers_at_the_same_time_take_turns(out_dir):
    """Two dbt commands in one project: between one writer moving the old folder away and the new one
    in, another's rename failed ("Directory not empty") without the lock."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(4) as pool:
        failures = pool.starmap(_write_many, [(str(out_dir), w) for w in range(4)])
    assert failures == [0, 0, 0, 0]
    assert sorted(p.name for p in out_dir.parent.iterdir()) == ["omni"]  # no staging folder left behind
    assert snapshot(out_dir).keys() == {*render_files(shop_manifest()), RECORD}


def test_a_model_dropped_from_the_project_loses_its_file(out_dir, tmp_path):
    run_export(shop_manifest(), out_dir, tmp_path)
    assert run_export(shop_manifest(), out_dir, tmp_path, exclude=["regions"]).written
    assert not (out_dir / "analytics/regions.view.yaml").exists()


def test_summary_counts_read_as_english(tmp_path):
    result = ExportResult(tmp_path, written=True, counts={"views": 1, "dimensions": 2, "relationships": 1})
    assert result.summary() == f"dbt-omni: wrote Omni model to {tmp_path} (1 view, 2 dimensions, 1 relationship)"


def test_use_catalog_false_skips_catalog_json_but_not_columns_asked_of_the_warehouse(out_dir, tmp_path):
    """from_warehouse: true hands export() the warehouse's columns; use_catalog is about catalog.json."""
    manifest = make_manifest([model("orders", columns=["id"])])
    columns = {"model.shop.orders": {"columns": {n: {"name": n, "type": "integer", "index": i}
                                                 for i, n in enumerate(["id", "amount"])}}}
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps({"nodes": {"model.shop.orders": {"columns": {
        "note": {"name": "note", "type": "text", "index": 0}}}}}))
    for given, expected in (({"catalog": {"nodes": columns}}, {"id", "amount"}), ({"catalog_path": catalog_path}, {"id"})):
        export(lambda catalog: from_manifest_dict(manifest, catalog),
               settings(output_dir=str(out_dir), use_catalog=False), ExportContext(project_dir=tmp_path), force=True, **given)
        assert set(yaml.safe_load((out_dir / "analytics/orders.view.yaml").read_text())["dimensions"]) == expected


# ---- where the output may go ------------------------------------------------------------------------
@pytest.mark.parametrize("project_yml, output", [
    ("name: shop\n", "models/omni"),
    ("name: shop\nmodel-paths: [src]\n", "src/omni"),
    ("name: shop\n", "seeds"),
    ("name: shop\n", "functions/omni"),  # dbt 1.11's function-paths: a later parse failed on relationships.yaml
])
def test_an_output_folder_among_the_projects_own_files_is_refused_before_writing(tmp_path, project_yml, output):
    """dbt reads every YAML under its model, seed, ... paths: models/omni broke every later dbt command."""
    (tmp_path / "dbt_project.yml").write_text(project_yml)
    with pytest.raises(OmniExportError) as info:
        run_export(shop_manifest(), tmp_path / output, tmp_path)
    [problem] = info.value.problems
    assert problem.key == "vars.dbt_omni.output_dir" and "is inside the dbt project's" in problem.message
    assert not (tmp_path / output / "model.yaml").exists()
    run_export(shop_manifest(), tmp_path / "target" / "omni", tmp_path)  # the default is fine


def test_model_paths_of_the_project_root_do_not_refuse_every_folder(tmp_path):
    """model-paths: ["."] works in dbt with a .dbtignore that leaves target/ out."""
    (tmp_path / "dbt_project.yml").write_text("name: shop\nmodel-paths: ['.']\n")
    assert run_export(shop_manifest(), tmp_path / "target" / "omni", tmp_path).written


def test_a_home_relative_output_folder_is_the_home_folders(tmp_path, monkeypatch):
    from dbt_omni.config import resolve_output_dir

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_output_dir(settings(output_dir="~/omni_models"), tmp_path / "project", None) == \
        tmp_path / "home" / "omni_models"


def test_a_symlink_loop_as_output_folder_is_a_clear_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OmniExportError) as info:
        write_atomically(tmp_path / "a", {"model.yaml": "x: 1\n"})
    assert "cannot write the Omni model to" in str(info.value)


@pytest.mark.parametrize("failing_call", [1, 2])  # moving the old output away; moving the new one in
def test_a_failed_swap_leaves_the_earlier_output_in_place_and_no_folder_behind(out_dir, tmp_path, monkeypatch,
                                                                                failing_call):
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    monkeypatch.setattr(output, "_exchange", lambda first, second: False)  # a system that swaps by two renames
    real_rename, calls = os.rename, []

    def rename(source, target):
        calls.append(source)
        if len(calls) == failing_call:
            raise PermissionError(13, "Permission denied", str(source))
        return real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OmniExportError):
        write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    monkeypatch.undo()
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


@pytest.mark.skipif(output._renameat2() is None, reason="no renameat2: not Linux, or a glibc older than 2.28")
def test_on_linux_the_new_output_takes_the_old_ones_place_in_one_step(out_dir, tmp_path, monkeypatch):
    """No instant without the folder: os.rename, which the two-rename swap needs, is never called."""
    run_export(shop_manifest(), out_dir, tmp_path)

    def rename(source, target):
        raise AssertionError(f"renamed {source} to {target}: the output folder was missing for an instant")

    monkeypatch.setattr(os, "rename", rename)
    write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    monkeypatch.undo()
    assert snapshot(out_dir) == {"model.yaml": b"changed: 1\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


@pytest.mark.parametrize("code", [errno.EINVAL, errno.EPERM])  # no RENAME_EXCHANGE there; a seccomp filter
def test_a_file_system_that_cannot_swap_in_one_step_gets_two_renames(out_dir, tmp_path, monkeypatch, code):
    import ctypes

    def unsupported(*args):
        ctypes.set_errno(code)
        return -1

    run_export(shop_manifest(), out_dir, tmp_path)
    monkeypatch.setattr(output, "_renameat2", lambda: unsupported)
    write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    assert snapshot(out_dir) == {"model.yaml": b"changed: 1\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def test_a_failed_one_step_swap_leaves_the_earlier_output_in_place_and_no_folder_behind(out_dir, tmp_path, monkeypatch):
    import ctypes

    def refused(*args):
        ctypes.set_errno(errno.EACCES)
        return -1

    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    monkeypatch.setattr(output, "_renameat2", lambda: refused)
    with pytest.raises(OmniExportError) as info:
        write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    assert "Permission denied" in str(info.value)
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def _file_system(monkeypatch, out_dir, code: int) -> None:
    """A file system on which neither one-step exchange nor a rename of the output folder works, failing
    with code, as overlayfs (EXDEV) or a mount point (EBUSY) fail; other renames work."""
    import ctypes

    def refused(*args):
        ctypes.set_errno(code)
        return -1

    real_rename = os.rename

    def rename(source, target):
        if Path(source) == out_dir.resolve():
            raise OSError(code, os.strerror(code), str(source))
        return real_rename(source, target)

    monkeypatch.setattr(output, "_renameat2", lambda: refused)
    monkeypatch.setattr(os, "rename", rename)


def test_an_output_folder_in_a_lower_overlayfs_layer_is_replaced(out_dir, tmp_path, monkeypatch):
    """Docker's overlayfs cannot move a folder an image's build wrote (EXDEV): every export failed, forever."""
    run_export(shop_manifest(), out_dir, tmp_path)
    _file_system(monkeypatch, out_dir, errno.EXDEV)
    write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    monkeypatch.undo()
    assert snapshot(out_dir) == {"model.yaml": b"changed: 1\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def test_an_output_folder_that_is_a_mount_point_is_a_clear_error(out_dir, tmp_path, monkeypatch):
    """A mounted folder cannot be replaced (EBUSY): said so, with the way out (it read 'Device or resource busy')."""
    run_export(shop_manifest(), out_dir, tmp_path)
    before = snapshot(out_dir)
    _file_system(monkeypatch, out_dir, errno.EBUSY)
    with pytest.raises(OmniExportError) as info:
        write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    monkeypatch.undo()
    assert "it is a mount point" in str(info.value) and "an output_dir inside the mount" in str(info.value)
    assert info.value.problems[0].key == "vars.dbt_omni.output_dir"
    assert snapshot(out_dir) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


@pytest.mark.parametrize("one_step", [True, False])
def test_an_earlier_output_that_cannot_be_deleted_is_a_warning(out_dir, tmp_path, monkeypatch, one_step):
    """A read-only earlier output moved aside stayed beside the new one, unsaid, through every later export;
    the next export that writes tries again."""
    run_export(shop_manifest(), out_dir, tmp_path)
    if not one_step:
        monkeypatch.setattr(output, "_exchange", lambda first, second: False)
    real_rmtree = shutil.rmtree

    def rmtree(path, *args, **kwargs):  # as for a folder the user made read-only (root would delete it anyway)
        if ".omni." in str(path) and not kwargs.get("ignore_errors"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    result = run_export(shop_manifest(), out_dir, tmp_path, force=True)
    [left] = [p for p in tmp_path.iterdir() if p.name != "omni"]
    assert result.written and result.warnings[-1] == (f"could not delete {left}, an earlier output moved aside "
                                                      "(Permission denied): delete it yourself (nothing reads it)")
    monkeypatch.undo()
    again = run_export(shop_manifest(), out_dir, tmp_path, force=True)
    assert not left.exists() and not any("could not delete" in w for w in again.warnings)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["omni"]


def test_the_plugins_code_stamp_follows_any_change_of_the_installed_code(tmp_path):
    """A reinstall or a `git pull` under `pip install -e` changes the export's code but not __version__:
    the plugin's skip key must change with it, or the output stays as the old code wrote it."""
    from dbt_omni.plugin import _code_stamp

    (tmp_path / "schema").mkdir()
    (tmp_path / "dump.py").write_text("A = 1\n")
    (tmp_path / "schema" / "meta_omni.schema.json").write_text("{}\n")
    os.utime(tmp_path / "dump.py", (OLD, OLD))
    stamp = _code_stamp(tmp_path)
    assert _code_stamp(tmp_path) == stamp and len(_code_stamp()) == 16  # the installed package's too
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "dump.cpython-311.pyc").write_bytes(b"x")  # Python's own cache: no change of code
    assert _code_stamp(tmp_path) == stamp
    (tmp_path / "dump.py").write_text("A = 2\n")  # same size, new time
    assert _code_stamp(tmp_path) != stamp
    stamp = _code_stamp(tmp_path)
    (tmp_path / "schema" / "meta_omni.schema.json").write_text('{"type": "object"}\n')
    assert _code_stamp(tmp_path) != stamp
    stamp = _code_stamp(tmp_path)
    (tmp_path / "macros.sha256").write_text("0" * 64 + "\n")  # the macros it was made with: the drift check
    assert _code_stamp(tmp_path) != stamp


def test_what_the_plugin_imports_before_its_skip_test_leaves_the_pipeline_unloaded():
    """The plugin runs on every dbt command; on an unchanged project it needs only its skip test, and
    importing the mapping, the YAML writer and the manifest reader cost about 0.1 s (most of the hook)."""
    import subprocess
    import sys

    code = ("import sys, dbt.plugins.manager, dbt_omni.plugin, dbt_omni.export, dbt_omni.config, dbt_omni.output\n"
            "print(sorted(m for m in ('dbt_omni.mapping', 'dbt_omni.dump', 'dbt_omni.manifests', 'dbt_omni.project')"
            " if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_an_export_on_demand_into_the_plugins_folder_with_other_settings_is_told_the_plugin_rewrites_it(tmp_path):
    from dbt_omni.export import plugin_rewrite_warning

    context = ExportContext(project_dir=tmp_path, target_path="target")
    project = settings(select=["marts"])
    warning = plugin_rewrite_warning(settings(select=["staging"], exclude=["x"]), context, lambda: project, context)
    assert warning.startswith(f"select, exclude given here differ from the project's vars.dbt_omni, and {tmp_path / 'target' / 'omni'} "
                              "is the dbt plugin's folder: the next dbt command")
    assert warning.endswith("Give this export its own output_dir, put these settings in vars.dbt_omni, or turn the "
                            "plugin off (write_on_parse: false)")
    warehouse = plugin_rewrite_warning(project, context, lambda: project, context, from_warehouse=True)
    assert warehouse.startswith("from_warehouse given here differs")  # no setting: vars.dbt_omni refuses it
    assert warehouse.endswith("Give this export its own output_dir, or turn the plugin off (write_on_parse: false)")
    both = plugin_rewrite_warning(settings(select=["staging"]), context, lambda: project, context, from_warehouse=True)
    assert both.startswith("select, from_warehouse given here differ") and "put select in vars.dbt_omni, or" in both
    assert plugin_rewrite_warning(project, context, lambda: project, context) is None  # the same export as the plugin's
    own_folder = settings(select=["staging"], output_dir=str(tmp_path / "elsewhere"))
    assert plugin_rewrite_warning(own_folder, context, lambda: project, context) is None
    plugin_off = settings(select=["marts"], write_on_parse=False)
    assert plugin_rewrite_warning(settings(select=["staging"]), context, lambda: plugin_off, context) is None
    # The same folder spelt through a link (a symlinked target/): still the plugin's.
    (tmp_path / "build").mkdir()
    (tmp_path / "target").symlink_to(tmp_path / "build")
    linked = ExportContext(project_dir=tmp_path, target_path=str(tmp_path / "build"))
    assert plugin_rewrite_warning(settings(select=["staging"]), linked, lambda: project, context) is not None

    def unreadable():  # the project's settings alone fail (an env_var only --vars gave): advice only, no error
        raise OmniExportError("dbt-omni: env var OMNI_CONN is not set")

    assert plugin_rewrite_warning(settings(select=["staging"]), context, unreadable, context) is None


def test_a_plugin_state_file_that_is_not_text_is_read_as_no_state(tmp_path):
    """It is only the plugin's shortcut: garbage there means export again, not an internal error on every command."""
    from dbt_omni.plugin import _read

    state = tmp_path / "dbt_omni_plugin_state.txt"
    state.write_bytes(b"\xff\xfe garbage")
    assert _read(state) == ""
    state.write_text("key\n", "utf-8")
    assert _read(state) == "key\n"


def test_the_folders_of_an_export_killed_midway_are_removed_by_the_next(out_dir, tmp_path):
    """kill -9 (or a CI timeout) between writing and cleaning up leaves .omni.new-* / .omni.old-* behind."""
    run_export(shop_manifest(), out_dir, tmp_path)
    leftovers = [".omni.new-0123abcd", ".omni.old-89abcdef", ".omni.old-k3j_x9a2"]  # the last: tempfile's, earlier
    kept = [".omni.new-notours", ".other.new-01234567", "omni_new"]  # not names an export of this folder gives
    for name in leftovers + kept:
        (tmp_path / name / "analytics").mkdir(parents=True)
    write_atomically(out_dir, {"model.yaml": "changed: 1\n"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["omni", *kept])


def test_the_record_holds_a_lone_surrogate_from_a_manifest_as_json_escapes():
    """A manifest's `"alias": "a\\ud800"` reaches the record's warnings: UTF-8 cannot hold it (found by fuzzing)."""
    from dbt_omni.output import record_text

    text = record_text({"warnings": ["view a\ud800"]})
    assert json.loads(text.encode("utf-8")) == {"warnings": ["view a\ud800"]}
    assert "größe" in record_text({"warnings": ["größe"]})  # readable where it can be


def test_the_record_names_dbts_version_and_the_projects_git_branch_and_commit(out_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # a checkout around the tmp folder is not ours
    project = tmp_path / "project"
    project.mkdir()
    git = ["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "feature/omni"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "one"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    run_export(shop_manifest(), out_dir, project)
    record = json.loads((out_dir / RECORD).read_text())
    assert record["git"] == {"branch": "feature/omni", "commit": head}
    assert record["dbt_version"] == "1.10.0"  # the manifest's metadata (testkit)
    outside = tmp_path / "not_a_checkout"
    outside.mkdir()
    run_export(shop_manifest(), out_dir, outside, force=True)
    assert json.loads((out_dir / RECORD).read_text())["git"] is None


def test_the_plugin_records_the_output_its_export_wrote_not_what_another_writer_wrote_after(tmp_path, monkeypatch):
    """Two writers of one folder (a dbt command, and the CLI with another selection): the plugin's state file
    must stand for the output as the plugin's own export left it. It took the folder as it was when the
    state was written, after the write lock was released, so its next command skipped and left the other
    writer's files in place."""
    from types import SimpleNamespace

    import dbt_omni.export
    import dbt_omni.manifests
    from dbt_omni import shims
    from dbt_omni.plugin import OmniPlugin

    project = tmp_path / "shop"
    (project / "target").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: shop\n", "utf-8")
    facts = {"project_dir": project, "cli_vars": {}, "target_path": "target", "target_name": "dev", "selectors": {},
             "warn_error": False}
    monkeypatch.setattr(shims, "invocation", lambda adapter_type: facts)
    monkeypatch.setattr(shims, "unchanged_key", lambda manifest, extra, selectors=None: "the same project")
    monkeypatch.setattr(dbt_omni.manifests, "from_live_manifest",
                        lambda manifest, name, catalog, selectors: from_manifest_dict(shop_manifest(), catalog))
    out = project / "target" / "omni"
    write = dbt_omni.export.write_atomically
    other = "included_schemas:\n  - another_selection\n"

    def and_another_writer_after(output_dir, files, key, **kwargs):
        written = write(output_dir, files, key, **kwargs)
        write(output_dir, {**files, "model.yaml": other}, key)  # once the lock is released
        return written

    manifest = SimpleNamespace(metadata=SimpleNamespace(adapter_type="duckdb"),
                               macros={"macro.dbt_omni.omni_export": None})
    with monkeypatch.context() as patched:
        patched.setattr(dbt_omni.export, "write_atomically", and_another_writer_after)
        OmniPlugin("shop").get_manifest_artifacts(manifest)
    assert (out / "model.yaml").read_text("utf-8") == other
    OmniPlugin("shop").get_manifest_artifacts(manifest)  # the next dbt command: the project is unchanged
    assert (out / "model.yaml").read_text("utf-8") != other
    assert files_intact(out, json.loads((out / RECORD).read_text("utf-8"))["files"])
    state = (project / "target" / "dbt_omni_plugin_state.txt").read_text("utf-8")
    assert state.startswith(f"the same project\n{out}\n{record_digest(out)}\n")

    def unread(*args):
        raise AssertionError("the nodes were read: the shortcut did not hold")

    monkeypatch.setattr(dbt_omni.manifests, "from_live_manifest", unread)
    OmniPlugin("shop").get_manifest_artifacts(manifest)  # and now the shortcut holds


def test_warnings_warn_error_makes_errors_are_not_excused_by_on_error_warn(out_dir, tmp_path):
    """dbt --warn-error with on_error: warn exited 0 and left the output stale: the command line asked to fail."""
    from dbt_omni.errors import WarningsAsErrors
    from dbt_omni.export import tolerated

    manifest = make_manifest([model("orders", columns=["id"], omni={"joins": [{"to": "customers"}]}),
                              model("customers", columns=["id"])])
    with pytest.raises(WarningsAsErrors) as info:
        export(lambda catalog: from_manifest_dict(manifest, catalog),
               settings(output_dir=str(out_dir), select=["orders"], on_error="warn"), ExportContext(project_dir=tmp_path),
               warn_error=True)
    assert "(an error under --warn-error)" in str(info.value) and not out_dir.exists()
    assert tolerated(info.value, settings(on_error="warn"), out_dir) is None
    assert tolerated(OmniExportError("a bad meta.omni block"), settings(on_error="warn"), out_dir) is not None


def test_another_projects_output_replaced_is_said(out_dir, tmp_path):
    """Two projects with one target-path: each export silently replaced the other's Omni model."""
    run_export(make_manifest([model("orders", columns=["id"])], project_name="shop"), out_dir, tmp_path)
    other = make_manifest([model("visits", columns=["id"], package="web")], project_name="web")
    result = run_export(other, out_dir, tmp_path)
    assert result.written and [w for w in result.warnings if "held the Omni model" in w] == [
        f"{out_dir} held the Omni model of dbt project shop, now replaced by web's: two projects give each their own "
        "output_dir (or target-path); after renaming the project, nothing to do"]
    assert [w for w in run_export(other, out_dir, tmp_path, force=True).warnings if "held the Omni model" in w] == []
    run_export(make_manifest([model("orders", columns=["id"])], project_name="shop"), out_dir, tmp_path)
    before = snapshot(out_dir)
    with pytest.raises(OmniExportError, match="held the Omni model of dbt project shop"):  # before writing
        export(lambda catalog: from_manifest_dict(other, catalog), settings(output_dir=str(out_dir)),
               ExportContext(project_dir=tmp_path), warn_error=True)
    assert snapshot(out_dir) == before


def test_a_model_file_saved_after_the_catalog_is_said_but_not_recorded(out_dir, tmp_path):
    """A column renamed in the SQL and built: catalog.json still lists the old name, which stays a field
    (the YAML documents neither), until `dbt docs generate`; nothing else would tell."""
    manifest = make_manifest([model("orders", columns=["id"]), model("customers", columns=["id"])])
    catalog = warehouse_catalog(manifest)
    catalog["nodes"]["model.shop.orders"]["columns"]["units_ordered"] = {"name": "units_ordered", "type": "integer",
                                                                         "index": 2}
    (tmp_path / "catalog.json").write_text(json.dumps(catalog))
    made = (tmp_path / "catalog.json").stat().st_mtime
    for name in ("orders", "customers"):
        (tmp_path / "models").mkdir(exist_ok=True)
        (tmp_path / "models" / f"{name}.sql").write_text("select 1 as id\n")
        os.utime(tmp_path / "models" / f"{name}.sql", (made - 60, made - 60))

    def run(**values):
        return export(lambda catalog: from_manifest_dict(manifest, catalog), settings(output_dir=str(out_dir), **values),
                      ExportContext(project_dir=tmp_path), catalog_path=tmp_path / "catalog.json", force=True)

    assert [w for w in run().warnings if "is older than" in w] == []
    os.utime(tmp_path / "models" / "orders.sql", (made + 60, made + 60))  # units_ordered renamed units_sold
    result = run()
    older = (f"{tmp_path / 'catalog.json'} is older than models/orders.sql: the columns it lists for those relations "
             "may not be theirs any more (a column renamed in the SQL stays a field by its old name); run `dbt docs "
             "generate` after building them")
    assert [w for w in result.warnings if "is older than" in w] == [older]
    assert older not in (out_dir / RECORD).read_text()  # its text follows file times: the record must not
    assert [w for w in run(select=["customers"]).warnings if "is older than" in w] == []  # orders is not exported
    downloaded = export(lambda catalog: from_manifest_dict(manifest, catalog), settings(output_dir=str(out_dir)),
                        ExportContext(project_dir=tmp_path, own_artifacts=False), catalog_path=tmp_path / "catalog.json")
    assert [w for w in downloaded.warnings if "is older than" in w] == []  # a job's artifacts: times say nothing


def test_the_plugin_says_output_dir_changed_only_for_another_folder(tmp_path):
    """A project copied with its target/ (or a CI cache of target/ restored into another checkout) names its
    old place's folder: that is no changed output_dir, and "delete it" would be advice against the copy."""
    from dbt_omni.plugin import _another_folder

    old, new = tmp_path / "p10", tmp_path / "copy"
    assert not _another_folder(str(old / "target/omni"), new / "target/omni", new)
    assert not _another_folder(str(new / "target/../target/omni"), new / "target/omni", new)  # spelt otherwise
    assert _another_folder(str(new / "target/omni_before"), new / "target/omni", new)
    assert _another_folder(str(old / "target/omni_before"), new / "target/omni", new)
    assert _another_folder(str(tmp_path / "omni-repo"), new / "target/omni", new)  # a folder outside, before
    assert _another_folder(str(new / "target/omni"), tmp_path / "omni-repo", new)
    assert _another_folder(str(new / "sub/target/omni"), new / "target/omni", new)  # moved within the project


def test_the_plugin_exports_nothing_while_suspended_and_nesting_keeps_it_so():
    """verify's own dbt command must not rewrite the Omni files; the manifest here would fail if it were read."""
    from dbt_omni.plugin import OmniPlugin, suspended

    hook = OmniPlugin("shop").get_manifest_artifacts
    with suspended():
        with suspended():
            assert hook(object()) == {}
        assert hook(object()) == {}  # the inner block's end leaves the outer one's suspension
    from dbt_common.exceptions import DbtRuntimeError

    with pytest.raises(DbtRuntimeError, match="has no attribute 'metadata'"):  # not suspended: it reads it
        hook(object())


def test_dbt_1_12s_warn_error_of_every_warning_leaves_ours_warnings(monkeypatch):
    """dbt 1.12 raises EventCompilationError for a warn-level event under --warn-error; the warnings the export
    left are warnings by design, said at info level. Any other failure of dbt's logger is not hidden."""
    import dbt_common.events.functions as events
    from dbt_common.events.base_types import EventLevel

    from dbt_omni import shims

    class EventCompilationError(Exception):
        pass

    fired = []

    def fire_event(event, level=None):
        if level == EventLevel.WARN:
            raise EventCompilationError(event.msg)
        fired.append((level, event.msg))

    monkeypatch.setattr(events, "fire_event", fire_event)
    monkeypatch.setattr(shims, "_invocation_id", lambda: None)
    shims.log("dbt-omni warning: stale", "warn")
    assert fired == [(EventLevel.INFO, "dbt-omni warning: stale")]

    def broken(event, level=None):
        raise RuntimeError("a logger failed")

    monkeypatch.setattr(events, "fire_event", broken)
    with pytest.raises(RuntimeError):
        shims.log("dbt-omni warning: stale", "warn")


def test_a_warning_is_said_once_per_dbt_command_and_the_last_commands_are_forgotten(monkeypatch):
    """A long-lived process running dbt in-process kept every command's warnings."""
    import dbt_common.events.functions as events

    from dbt_omni import shims

    fired, command = [], ["one"]
    monkeypatch.setattr(events, "fire_event", lambda event, level=None: fired.append(event.msg))
    monkeypatch.setattr(shims, "_invocation_id", lambda: command[0])
    monkeypatch.setattr(shims, "_SAID_WARNINGS", set())
    for name in ("one", "one", "two", "two", "three"):
        command[0] = name
        shims.log("dbt-omni warning: w", "warn")
    assert fired == ["dbt-omni warning: w"] * 3 and shims._SAID_WARNINGS == {("three", "dbt-omni warning: w")}
