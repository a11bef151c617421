"""The one export pipeline behind every trigger: DbtProject -> Omni model -> YAML text -> atomic write."""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional

from dbt_omni import __version__
from dbt_omni.config import Settings, check_output_dir, read_dispatch, resolve_output_dir
from dbt_omni.errors import OmniExportError, Problem, WarningsAsErrors, first_few
from dbt_omni.output import (
    RECORD,
    Replaced,
    files_intact,
    git_state,
    previous_record,
    record_text,
    sha256,
    write_atomically,
)

if TYPE_CHECKING:
    from dbt_omni.omni_model import View
    from dbt_omni.project import DbtProject


@dataclass(frozen=True)
class ExportContext:
    """What a trigger knows about the dbt invocation beyond the manifest."""

    project_dir: Optional[Path] = None
    target_name: Optional[str] = None
    target_path: Optional[str] = None  # dbt's target-path; the default output is <target-path>/omni
    target_guessed: bool = False  # the CLI's profile default, not the target dbt ran with: no reason to rewrite
    # manifest.json and catalog.json are the ones dbt wrote in this project's target folder, so their times can be
    # compared with the project's files (not a job's downloaded artifacts, older or newer than its checkout)
    own_artifacts: bool = True

    @classmethod
    def of_invocation(cls, facts: dict) -> "ExportContext":
        """From the running dbt command (shims.invocation): the plugin's and the macros' context."""
        return cls(facts["project_dir"], facts["target_name"], facts["target_path"])

    def output_dir(self, settings: Settings) -> Path:
        return resolve_output_dir(settings, self.project_dir, self.target_path)

    @property
    def catalog_path(self) -> Path:
        """Where `dbt docs generate` writes catalog.json."""
        return Path(self.project_dir or ".") / (self.target_path or "target") / "catalog.json"


@dataclass
class ExportResult:
    output_dir: Path
    written: bool
    counts: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)  # per phase (read, map, render, compare, write): for bench/
    empty: bool = False  # nothing was selected, so nothing was written
    standing: list = field(default_factory=list)  # warnings about the installation, not the project: said by
    # the plugin on every dbt command until fixed, even when its shortcut skips the export
    digest: Optional[str] = None  # with export(digest=True), of a write: output.record_digest as it left the folder

    def summary(self) -> str:
        shown = os.path.normpath(self.output_dir)  # `project/../omni_out` as the folder it is
        if self.empty:
            kept = "is as it was" if self.output_dir.exists() else "was not made"
            return f"dbt-omni: no model selected; nothing written, {shown} {kept}"
        if not self.written:
            return f"dbt-omni: Omni model in {shown} is up to date"
        counts = ", ".join(f"{n} {k[:-1] if n == 1 and k.endswith('s') else k}" for k, n in self.counts.items())
        return f"dbt-omni: wrote Omni model to {shown} ({counts})"


def export(
    load_project: Callable[[Optional[dict]], DbtProject],
    settings: Settings,
    context: ExportContext,
    *,
    catalog_path: Optional[Path] = None,
    catalog: Optional[dict] = None,
    force: bool = False,
    warn_error: bool = False,
    digest: bool = False,
) -> ExportResult:
    """Nothing is written when the files and their record would come out as they are on disk;
    warn_error (dbt's --warn-error): a warning fails the export as an error does, before writing;
    digest: see ExportResult.digest (for the plugin's state file)."""
    from dbt_omni.manifests import paused_gc

    with paused_gc():
        return _export(load_project, settings, context, catalog_path, catalog, force, warn_error, digest)


def _export(load_project, settings, context, catalog_path, catalog, force, warn_error, digest) -> ExportResult:
    # Here, not at the top: the plugin imports this module on every dbt command, and needs the pipeline
    # only when the project changed (its skip test runs first).
    from dbt_omni.dump import render
    from dbt_omni.manifests import load_catalog
    from dbt_omni.mapping import build_omni_model

    seconds: dict = {}
    lap = _stopwatch(seconds)
    output_dir = context.output_dir(settings)
    from_file = catalog is None and settings.use_catalog  # a catalog given (from_warehouse: true) is asked for by name
    if from_file:
        catalog = load_catalog(catalog_path)
    project = read_dbt_project(load_project, context, catalog)
    lap("read")
    omni = build_omni_model(project, settings)
    standing = [halves] if (halves := halves_differ(project)) else []
    omni.warnings[:0] = standing
    if from_file and catalog is not None and not project.has_catalog and not project.foreign_catalog:
        empty = (f"{_in_project(catalog_path, context.project_dir)} lists no relations (written by `dbt docs generate --empty-catalog`, or before any "
                 "model was built): read as no catalog, so only documented columns are fields, typed by their data_type "
                 "in the YAML")
        omni.warnings.insert(0, empty)
        omni.drift.append(empty)
    # Said by every export while true, but not recorded: its text follows file times, and the record must not.
    timed = []
    if from_file and project.has_catalog and context.own_artifacts and (older := catalog_older_than_models(
            [project.models[view.dbt_unique_id] for view in omni.views if view.dbt_unique_id in project.models],
            catalog_path, context)):
        timed.append(older)
    lap("map")
    previous = previous_record(output_dir)
    # Said once, by the export that makes the change (not recorded: the next export has nothing to say); known
    # before writing, so that --warn-error stops the export on them too.
    # (An empty selection writes nothing, so it renames or replaces nothing either.)
    changes = renamed_views(previous, omni.views, context, project) + _another_project(previous, project, output_dir) \
        if omni.views else []
    drift = set(omni.drift)
    if warn_error and (escalated := [w for w in omni.warnings if w not in drift] + changes):
        # a change meant (a model deleted on purpose) stops every such export until one writes it
        accept = {w: "; if it is meant, export once without --warn-error" for w in changes}
        raise WarningsAsErrors([Problem(f"{w} (an error under --warn-error{accept.get(w, '')})") for w in escalated])
    if not omni.views:  # a selection gone wrong (a typo, a tag not yet used) must not empty the output
        return ExportResult(output_dir=output_dir, written=False, warnings=omni.warnings, seconds=seconds, empty=True,
                            standing=standing)
    files = render(omni)
    record = {
        "dbt_omni_version": __version__,
        "dbt_version": project.dbt_version,
        "project_name": project.project_name,
        "adapter_type": project.adapter_type,
        "target_name": context.target_name,
        **({"target_guessed": True} if context.target_guessed else {}),  # the CLI's profile default: verify trusts no guess
        "model_name": settings.model_name or project.project_name,
        "connection": settings.connection,
        "counts": omni.counts(),
        "files": {path: sha256(text) for path, text in files.items()},
        "views": {v.name: {"dbt_unique_id": v.dbt_unique_id, "path": v.path, "upstream": list(v.upstream)}
                  for v in omni.views},
        "warnings": omni.warnings,
        "metrics": omni.extra.get("metrics", {}),
    }
    lap("render")
    unchanged = not force and _same_output(output_dir, previous, record,
                                           ignore=("target_name", "target_guessed") if context.target_guessed else ())
    lap("compare")
    if unchanged:  # the warnings still stand: a CI log of an up-to-date export must show them too
        return ExportResult(output_dir=output_dir, written=False, warnings=omni.warnings + timed, seconds=seconds,
                            standing=standing)
    record["git"] = git_state(context.project_dir)
    files[RECORD] = record_text(record)
    check_output_dir(output_dir, context.project_dir, settings.key("output_dir"))
    replaced = write_atomically(output_dir, files, settings.key("output_dir"), digest=digest)
    lap("write")
    # What the write replaced is known only under its lock: said after it, so never an error (--warn-error).
    warnings = omni.warnings + timed + changes + _replaced_warnings(replaced, output_dir)
    return ExportResult(output_dir=output_dir, written=True, counts=omni.counts(), warnings=warnings,
                        seconds=seconds, standing=standing, digest=replaced.digest)


def _another_project(previous: Optional[dict], project: DbtProject, output_dir: Path) -> list:
    if isinstance(previous, dict) and previous.get("project_name") not in (None, project.project_name):
        return [f"{output_dir} held the Omni model of dbt project {previous['project_name']}, now replaced by "
                f"{project.project_name}'s: two projects give each their own output_dir (or target-path); after "
                "renaming the project, nothing to do"]
    return []


def _replaced_warnings(replaced: Replaced, output_dir: Path) -> list:
    warnings = []
    if replaced.foreign:
        warnings.append(f"removed {len(replaced.foreign)} file(s) from {output_dir} that dbt-omni did not write "
                        f"({first_few(replaced.foreign)}): every export replaces the folder, so keep your own files elsewhere")
    for folder, why in replaced.undeleted:
        warnings.append(f"could not delete {folder}, an earlier output moved aside ({why}): delete it yourself "
                        "(nothing reads it)")
    if replaced.edited:
        warnings.append(f"replaced {len(replaced.edited)} file(s) in {output_dir} edited since the last export "
                        f"({first_few(replaced.edited)}), and the edits with them: every file is written from the dbt "
                        "project, so make the change in its meta.omni blocks")
    return warnings


def _in_project(path, project_dir) -> str:
    """A path in a recorded warning: relative to the project where it is inside (the plugin gives it
    absolute, the CLI as typed), so the record, which decides "up to date", does not follow the spelling."""
    try:
        return Path(path).resolve().relative_to(Path(project_dir).resolve()).as_posix()
    except (ValueError, TypeError, OSError):
        return str(path)


def saved_after(root: Path, paths: Iterable[str], moment: float) -> list:
    """Of the files at paths (relative to root), those saved after moment, sorted; a file gone is none."""
    newer = []
    for path in sorted(set(paths)):
        try:
            if (root / path).stat().st_mtime > moment:
                newer.append(path)
        except OSError:
            continue
    return newer


def catalog_older_than_models(models: list, catalog_path: Path, context: ExportContext) -> Optional[str]:
    """A model (or seed, snapshot) file saved after catalog.json: the relation built from it may have other
    columns than the catalog lists (a column renamed in the SQL stays a field by its old name), and nothing
    else tells, where the YAML documents neither name."""
    if context.project_dir is None:
        return None
    try:
        made = catalog_path.stat().st_mtime
    except OSError:
        return None
    newer = saved_after(context.project_dir, (m.path for m in models if m.in_catalog and not m.from_package
                                              and m.resource_type in ("model", "seed", "snapshot")), made)
    if not newer:
        return None
    return (f"{catalog_path} is older than {', '.join(newer[:3])}{f' and {len(newer) - 3} other(s)' if len(newer) > 3 else ''}: "
            "the columns it lists for those relations may not be theirs any more (a column renamed in the SQL stays a "
            "field by its old name); run `dbt docs generate` after building them")


SCHEMA_MOVE = 3  # views moved from one folder to another, said in one line: their schema changed, not each view
SHOWN_MOVES = 10  # of those, the old names said (for their aliases), then how many more


def _renamed(view: View, old: str, target_name: str, project: Optional[DbtProject]) -> str:
    model = project.models.get(view.dbt_unique_id) if project is not None else None
    where, keep = view.dbt_path, f"meta.omni: {{aliases: [{old}]}}"
    if model is not None and (config := model.project_config) is not None:  # whose files `dbt deps` puts back
        where = f"{view.dbt_path} in package {model.package_name}"
        keep = (f"in your dbt_project.yml, {config.replace('{...}', f'{{aliases: [{old}]}}')} (which replaces any block the "
                "package gives it)")
    return (f"{view.dbt_unique_id} ({where}): its Omni view is now {view.name}, was {old} at the last export "
            f"for target {target_name}; Omni content saved with {old} (workbooks, dashboards) breaks unless the view "
            f"keeps the old name: {keep}")


def renamed_views(previous: Optional[dict], views: list, context: ExportContext,
                  project: Optional[DbtProject] = None) -> list:
    """A view whose name changed since the last export for the same target (a model's schema or alias, a
    source's table moved): Omni content saved with the old name breaks unless the view keeps it as an
    alias; so does a view that is gone (a model renamed, which changes its unique id too, deleted, or
    made ephemeral or disabled: no alias helps those). Another target (dev and prod schemas) renames
    every view, and is no rename."""
    if not previous or context.target_guessed or context.target_name is None \
            or previous.get("target_name") != context.target_name or not isinstance(previous.get("views"), dict):
        return []
    was = {entry["dbt_unique_id"]: name for name, entry in previous["views"].items()
           if isinstance(entry, dict) and isinstance(entry.get("dbt_unique_id"), str)}
    old_paths = {name: entry.get("path") for name, entry in previous["views"].items() if isinstance(entry, dict)}
    names = {view.name for view in views}
    warnings = []
    moved: dict = {}  # (old folder, new folder) -> [(old name, view)] of views whose file name stayed
    for view in views:
        old = was.get(view.dbt_unique_id)
        if old is None or old == view.name or old in names or old in (view.aliases or ()):
            continue
        old_folder, _, old_file = str(old_paths.get(old) or "").rpartition("/")
        new_folder, _, new_file = view.path.rpartition("/")
        if old_file == new_file and old_folder != new_folder:
            moved.setdefault((old_folder, new_folder), []).append((old, view))
            continue
        warnings.append(_renamed(view, old, context.target_name, project))
    for (old_folder, new_folder), views_moved in sorted(moved.items()):
        if len(views_moved) < SCHEMA_MOVE:
            warnings += [_renamed(view, old, context.target_name, project) for old, view in views_moved]
            continue
        shown = ", ".join(f"{old} is now {view.name}" for old, view in views_moved[:SHOWN_MOVES])
        more = f", and {len(views_moved) - SHOWN_MOVES} more" if len(views_moved) > SHOWN_MOVES else ""
        warnings.append(f"{len(views_moved)} views moved from folder {old_folder}/ to {new_folder}/ since the last export "
                        f"for target {context.target_name} ({shown}{more}): their schema changed (a +schema, a schema "
                        "macro, or an environment variable one reads); Omni content saved with the old names breaks unless "
                        "each view keeps its old name (meta.omni: {aliases: [<old name>]}), and a schema meant for one "
                        "run only (a CI prefix) wants a target of its own")
    ids, aliases = {view.dbt_unique_id for view in views}, {a for view in views for a in view.aliases or ()}
    gone = sorted((name, unique_id) for unique_id, name in was.items()
                  if unique_id not in ids and name not in names and name not in aliases)
    unbuilt = [(name, unique_id, why) for name, unique_id in gone if (why := _unbuilt(unique_id, project))]
    if unbuilt:
        warnings.append(f"{len(unbuilt)} view(s) of the last export for target {context.target_name} are gone: "
                        + first_few([f"{name} ({unique_id} is {why} now)" for name, unique_id, why in unbuilt])
                        + "; Omni content saved with them breaks (dbt no longer "
                        "builds or declares their relations, nor drops them)")
    gone = [name for name, unique_id in gone if not _unbuilt(unique_id, project)]
    if gone:
        warnings.append(f"{len(gone)} view(s) of the last export for target {context.target_name} are gone: "
                        f"{first_few(gone)} (a model renamed or deleted, or no "
                        f"longer selected); Omni content saved with them breaks, unless a renamed model's view keeps "
                        f"the old name: meta.omni: {{aliases: [{gone[0]}]}}")
    return warnings


def _unbuilt(unique_id: str, project: Optional[DbtProject]) -> Optional[str]:
    """Why dbt no longer builds the relation of a model still in the project: "ephemeral" or "disabled"."""
    if project is None:
        return None
    if unique_id in project.ephemeral_models:
        return "ephemeral"
    if unique_id in project.disabled_sources:
        return "disabled"
    parts = unique_id.split(".")  # dbt's <type>.<package>.<name>[.v<version>]; disabled models are known by name
    return "disabled" if len(parts) >= 3 and parts[0] in ("model", "seed", "snapshot") \
        and parts[2] in project.disabled_models else None


def halves_differ(project: DbtProject) -> Optional[str]:
    """The macros (`dbt deps`) and this Python package (pip) are two installs that can drift apart; shared
    metrics are rendered from the macros, and the macros call this package."""
    from dbt_omni.project import EDITED_MACROS, shipped_macros_digest

    fix = ("shared metrics are rendered from those macros: install both from the same checkout "
           "(`pip install dbt_packages/dbt_omni` after `dbt deps`)")
    if project.dbt_package_version not in (None, __version__):
        return (f"the dbt_omni macros (dbt package, from `dbt deps`) are version {project.dbt_package_version} but "
                f"the Python package is {__version__}; {fix}")
    shipped = shipped_macros_digest()
    if shipped is not None and project.dbt_package_digest not in (None, shipped):
        return (f"the dbt_omni macros (dbt package, from `dbt deps`) are not those of the installed Python package, "
                f"though both say version {__version__} (another commit: a packages.yml revision such as main, "
                f"and pip at another); {fix} (macros you edited in a checkout of your own: {EDITED_MACROS})")
    return None


def plugin_rewrite_warning(settings: Settings, context: ExportContext, plugin_settings: Callable[[], Settings],
                           plugin_context: ExportContext, from_warehouse: bool = False) -> Optional[str]:
    """For an export on demand (run-operation, the on-run-end hook, the CLI) that wrote the folder the dbt
    plugin writes, or found it up to date (as an earlier such export left it): the plugin rewrites it on the next dbt command with its own settings (the project's),
    so arguments it does not share last only until then. Advice only: settings the plugin could not
    read (an env_var only --vars gave) give none."""
    try:
        plugin_settings = plugin_settings()
    except OmniExportError:
        return None
    output_dir = context.output_dir(settings)
    if not plugin_settings.write_on_parse or \
            os.path.realpath(output_dir) != os.path.realpath(plugin_context.output_dir(plugin_settings)):
        return None
    settable = settings.differences(plugin_settings)
    differing = settable + (["from_warehouse"] if from_warehouse else [])
    if not differing:
        return None
    # from_warehouse is no setting (the plugin runs inside dbt's parse, before any connection): only the
    # other two ways help it
    put = f"put {'these settings' if len(settable) > 1 else settable[0]} in vars.dbt_omni, " if settable else ""
    return (f"{', '.join(differing)} given here {'differs' if len(differing) == 1 else 'differ'} from the project's "
            f"vars.dbt_omni, and {output_dir} is "
            "the dbt plugin's folder: the next dbt command that writes manifest.json (parse, compile, ls, build...) "
            f"rewrites it with the project's settings. Give this export its own output_dir, {put}or turn the "
            "plugin off (write_on_parse: false)")


def read_dbt_project(load_project: Callable[[Optional[dict]], DbtProject], context: ExportContext,
                     catalog: Optional[dict] = None) -> DbtProject:
    """The typed project, with what only dbt_project.yml holds: its dispatch search orders, by which dbt
    resolves a shared metric's helper macros (the manifest does not record them)."""
    project = load_project(catalog)
    project.dispatch = read_dispatch(context.project_dir)
    return project


def tolerated(error: OmniExportError, settings: Optional[Settings], output_dir: Optional[Path]) -> Optional[str]:
    """For an automatic trigger (plugin, on-run-end) whose export failed: the line to log when the
    settings say `on_error: warn` and dbt goes on; None when the error must fail the dbt command (as
    warnings --warn-error made errors do: the stale output was kept without failing before)."""
    if settings is None or output_dir is None or settings.on_error != "warn" or isinstance(error, WarningsAsErrors):
        return None
    text = str(error).removeprefix("dbt-omni: ")
    return f"dbt-omni error (on_error: warn, so dbt goes on; the Omni model in {output_dir} was not updated): {text}"


def _stopwatch(seconds: dict) -> Callable[[str], None]:
    """lap(name) records the seconds since the previous lap under name."""
    last = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = now - last[0]
        last[0] = now

    return lap


def _same_output(output_dir: Path, previous: Optional[dict], record: dict, ignore: tuple = ()) -> bool:
    """The same record as the previous one (the git commit alone is no reason to rewrite every file, nor
    is a key in ignore), and the files on disk as recorded; they are read only when the records agree.
    (A JSON round trip makes tuples lists.)"""
    skip = ("git", *ignore)
    if previous is None or ({k: v for k, v in previous.items() if k not in skip}
                            != {k: v for k, v in json.loads(json.dumps(record)).items() if k not in skip}):
        return False
    return files_intact(output_dir, record["files"])
