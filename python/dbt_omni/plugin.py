"""The dbt-core plugin: the Omni model is written whenever dbt writes manifest.json."""
from __future__ import annotations

import hashlib
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

from dbt.plugins.manager import dbtPlugin
from dbt_common.exceptions import DbtRuntimeError

from dbt_omni import shims

shims.install_jinja_module()
STATE_FILE = "dbt_omni_plugin_state.txt"  # in dbt's target folder: what the last export was made from
_SUSPENDED = threading.local()  # .on inside suspended(): `dbt-omni verify`'s own dbt command, a check, writes nothing


@contextmanager
def suspended():
    """No export by the plugin in dbt commands run in this block (in this thread, which runs their parse:
    another thread's dbt command in the same process exports as ever): verify's parse with another
    warehouse (a dead one, another target's database) rewrote the Omni files without its columns."""
    before = getattr(_SUSPENDED, "on", False)
    _SUSPENDED.on = True
    try:
        yield
    finally:
        _SUSPENDED.on = before


class OmniPlugin(dbtPlugin):
    @shims.plugin_hook
    def get_manifest_artifacts(self, manifest):
        """Export, or do nothing when nothing changed; returns no artifact for dbt to write."""
        if getattr(_SUSPENDED, "on", False):
            return {}
        from dbt_omni import __version__
        from dbt_omni.config import chose_dbt_omni, load_settings
        from dbt_omni.errors import WARNING, WarningsAsErrors, as_export_error
        from dbt_omni.export import ExportContext, export, tolerated
        from dbt_omni.output import RECORD, record_digest

        facts = shims.invocation(manifest.metadata.adapter_type)
        settings = output_dir = None
        try:
            if not chose_dbt_omni(getattr(manifest, "macros", None), facts["project_dir"], facts["cli_vars"]):
                return {}
            settings = load_settings(facts["project_dir"], facts["cli_vars"])
            if not settings.write_on_parse:
                return {}
            context = ExportContext.of_invocation(facts)
            output_dir, catalog_path = context.output_dir(settings), context.catalog_path
            key = shims.unchanged_key(manifest, f"{__version__}|{_code_stamp()}|{output_dir}|{context.target_name}|"
                                      f"{settings.fingerprint()}|{_stat(catalog_path)}|{facts['warn_error']}",
                                      facts["selectors"]) if facts.get("partial_parse", True) else None
            # The everyday case: nothing dbt parsed changed since this plugin wrote the output (and no
            # other trigger rewrote it since): skip even reading the nodes. The state is kept in dbt's
            # target folder, beside manifest.json, never beside an output folder the user chose.
            state_file = facts["project_dir"] / facts["target_path"] / STATE_FILE
            state, saved = _state(key, output_dir, record_digest(output_dir)), _read(state_file)
            if key and saved.startswith(state):
                for line in saved[len(state):].splitlines():  # an empty selection's lines, standing warnings
                    shims.log(line, "warn" if line.startswith(WARNING) else "info")
                return {}
            from dbt_omni.manifests import from_live_manifest  # only now: the skip above is the everyday case

            result = export(
                lambda catalog: from_live_manifest(manifest, self.project_name, catalog, facts["selectors"]),
                settings,
                context,
                catalog_path=catalog_path,
                warn_error=facts["warn_error"],
                digest=True,
            )
            for warning in result.warnings:  # not on the everyday no-op above: only when the project changed
                shims.log(WARNING + warning, "warn")
            if result.written or result.empty:
                shims.log(result.summary())
            moved_from = saved.split("\n")[1] if saved.count("\n") >= 2 else ""
            if result.written and moved_from and _another_folder(moved_from, output_dir, facts["project_dir"]) \
                    and (Path(moved_from) / RECORD).is_file():
                shims.log(f"dbt-omni: output_dir changed; {moved_from}, where the Omni model was written before, is "
                          "left as it was: delete it if nothing reads it any more")
            if key:  # a selection that matches nothing is kept too (its lines with it), or every command maps it;
                # so are the warnings that stand until the installation is fixed
                said = ([WARNING + w for w in result.warnings] + [result.summary()]) if result.empty \
                    else [WARNING + w for w in result.standing]
                # The output as this export left it (taken under its write lock) or found it (taken before the
                # compare): not as it is now, which another dbt command or the CLI may have rewritten since.
                head = _state(key, output_dir, result.digest) if result.written else state
                _write(state_file, head + "".join(f"{line}\n" for line in said))
        except Exception as exc:  # noqa: BLE001 - ours or a bug of ours: one message, never a traceback
            error = as_export_error(exc)
            message = tolerated(error, settings, output_dir)
            if message:
                shims.log(message, "error")
                return {}
            # The whole message: it names file, model and key.
            if settings is None:  # the settings themselves are wrong: no on_error in them can excuse that
                hint = "fix the dbt_omni block of vars above; dbt stops here until it reads"
            elif isinstance(error, WarningsAsErrors):  # the command line asked for it: on_error does not excuse it
                hint = ("fix the above, or keep dbt-omni's warnings warnings under --warn-error: "
                        "--warn-error-options '{\"error\": \"all\", \"warn\": [\"Note\"]}'")
            else:
                hint = ("fix the above; meanwhile vars: {dbt_omni: {on_error: warn}} lets dbt go on with the earlier "
                        "Omni model, and write_on_parse: false turns the plugin off")
            raise DbtRuntimeError(f"{error}\n({hint})") from None
        return {}


def _another_folder(before: str, output_dir, project_dir: Path) -> bool:
    """Whether the plugin wrote to another folder before than now: not the same one spelt otherwise, nor the
    same folder of a project that moved with its target/ (a copy, or a CI cache of target/ restored into
    another checkout), where the folder it names belongs to the project in its old place."""
    before, now = Path(before).resolve(), Path(output_dir).resolve()
    if before == now:
        return False
    if now.is_relative_to(project_dir) and not before.is_relative_to(project_dir):
        inside = now.relative_to(project_dir).parts
        return before.parts[len(before.parts) - len(inside):] != inside
    return True


def _state(key: str, output_dir, digest: Optional[str]) -> str:
    """The state file's head: what the output was made from, and the output's record_digest."""
    return f"{key}\n{output_dir}\n{digest}\n"


def _code_stamp(package_dir: Optional[Path] = None) -> str:
    """Size and modification time of every file of this package: a reinstall or `git pull` of an editable
    install changes the export's code without changing __version__, and must not leave the output as the
    old code wrote it. About 25 stat calls."""
    package_dir = package_dir or Path(__file__).parent
    stamps = []
    for folder in (package_dir, package_dir / "schema"):
        try:
            with os.scandir(folder) as entries:
                stamps += [f"{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in entries
                           if e.name.endswith((".py", ".json", ".sha256")) and e.is_file()]
        except OSError:
            stamps.append(f"{folder.name}:-")
    return hashlib.sha256("|".join(sorted(stamps)).encode()).hexdigest()[:16]


def _stat(path) -> str:
    try:
        stat = path.stat()
    except OSError:
        return "-"
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _write(path, text: str) -> None:
    """Only a shortcut for the next command: when it cannot be kept, that command exports again."""
    try:
        path.write_text(text, "utf-8")
    except (OSError, ValueError):
        pass


def _read(path) -> str:
    """'' (export again) for a state file that is missing, unreadable or not text (a stray write)."""
    try:
        return path.read_text("utf-8")
    except (OSError, ValueError):
        return ""
