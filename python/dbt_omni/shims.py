"""Every use of dbt-core internals, in one place, tolerant of the differences between 1.10 and 1.12.

None of this is public dbt API (../shared/dbt-integration-notes.md): keep it small and tested on every
supported version.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

JINJA_NAME = "dbt_omni"


def install_jinja_module() -> None:
    """Make `modules.dbt_omni` reachable from every macro by wrapping dbt's `modules` builder."""
    import dbt.context.base as base

    original = base.get_context_modules
    if getattr(original, "_dbt_omni", False):
        return

    def get_context_modules():
        from dbt_omni import jinja_api

        modules = original()
        modules[JINJA_NAME] = jinja_api
        return modules

    get_context_modules._dbt_omni = True
    base.get_context_modules = get_context_modules


def plugin_hook(func):
    """dbt's @dbt_hook, but a dbt error raised by the hook keeps its message: dbt_hook puts the hook's
    name before every message ("get_manifest_artifacts: dbt-omni: file ..."). dbt finds a hook by the
    marks dbt_hook sets (is_dbt_hook, 1.10 to 1.12), copied here whatever they are."""
    import functools

    from dbt.plugins.manager import dbt_hook
    from dbt_common.exceptions import DbtRuntimeError

    @functools.wraps(func)
    def hook(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DbtRuntimeError:
            raise
        except Exception as exc:  # noqa: BLE001 - as dbt_hook does
            raise DbtRuntimeError(f"{func.__name__}: {exc}") from exc

    hook.__dict__.update(vars(dbt_hook(func)))
    return hook


def live_manifest(adapter_type: str) -> Optional[Any]:
    """The Manifest this dbt command parsed, for the macros' exports (Jinja's graph lacks its macros, for
    shared metrics, and its disabled models): dbt hands it to the adapter as its macro resolver
    (ManifestLoader.save_macros_to_adapter, or setup_manifest for a manifest it was given; 1.10 to 1.12),
    also under --no-write-json, when no plugin is called and manifest.json may be missing or old. None
    outside a dbt command."""
    try:
        from dbt.adapters.factory import get_adapter_by_type

        return get_adapter_by_type(adapter_type).get_macro_resolver()
    except Exception:  # no adapter registered, or another dbt's shape: jinja_api reads manifest.json
        return None


def live_macros(adapter_type: str) -> Optional[Any]:
    return getattr(live_manifest(adapter_type), "macros", None) or None


def invocation(adapter_type: str) -> dict:
    """Project folder, target name, target path, --vars, selectors and --warn-error of the running dbt command."""
    config = None
    try:
        from dbt.adapters.factory import get_adapter_by_type

        config = get_adapter_by_type(adapter_type).config
    except Exception:  # no adapter registered (e.g. called outside dbt): fall back to flags
        config = None
    flags = _flags()
    project_dir = getattr(config, "project_root", None) or getattr(flags, "PROJECT_DIR", None) or "."
    return {
        "project_dir": Path(project_dir).resolve(),
        "target_name": getattr(config, "target_name", None) or getattr(flags, "TARGET", None),
        "target_path": getattr(config, "target_path", None) or getattr(flags, "TARGET_PATH", None) or "target",
        "cli_vars": getattr(config, "cli_vars", None) or getattr(flags, "VARS", None) or {},
        # selectors.yml as this command read it (a partial parse leaves the manifest's copy stale), in the
        # shape the manifest keeps it
        "selectors": getattr(config, "manifest_selectors", None),  # None: unknown; {}: no selectors.yml
        "warn_error": _warn_error(flags),
        # --no-partial-parse: what the user runs when a partial parse missed a change, so the plugin's own
        # shortcut (built on what a partial parse tracks) must not skip it either
        "partial_parse": getattr(flags, "PARTIAL_PARSE", True) is not False,
    }


def project_selectors(project_dir: Path, cli_vars: dict) -> tuple:
    """(selectors.yml as a dbt command in project_dir reads it, rendered, in the manifest's shape; or None,
    and why), for the CLI: a partial parse keeps manifest.json's copy as it was, also of a selectors.yml
    deleted since ({} then). None where it cannot be read here (`{{ target.name }}` needs a dbt command's
    profile; dbt itself says what else is wrong): manifest.json's copy is used then."""
    import os

    try:
        from dbt.config.renderer import DbtProjectYamlRenderer
        from dbt.config.selectors import SelectorDict, selector_data_from_root
        from dbt_common.context import set_invocation_context

        data = selector_data_from_root(str(project_dir))
        if not isinstance(data, dict) or not data.get("selectors"):
            return {}, None
        set_invocation_context(os.environ)  # what env_var() reads; a dbt command sets it as it starts
        rendered = DbtProjectYamlRenderer(None, cli_vars).render_selectors(data)
        return SelectorDict.parse_from_selectors_list(rendered["selectors"]), None
    except Exception as exc:  # noqa: BLE001 - any failure means: use the manifest's copy, and say so
        reason = " ".join(str(exc).split())
        return None, reason[:200] or type(exc).__name__


def rendered_project_text(text: str, cli_vars: Optional[dict] = None) -> Optional[str]:
    """A value of dbt_project.yml (target-path) as a dbt command with these --vars renders it (env_var(),
    var()), for the CLI; None where it cannot be rendered here (the caller then takes dbt's default)."""
    import os

    try:
        from dbt.config.renderer import DbtProjectYamlRenderer
        from dbt_common.context import set_invocation_context

        set_invocation_context(os.environ)
        value = DbtProjectYamlRenderer(None, cli_vars or {}).render_value(text)
    except Exception:  # noqa: BLE001 - any failure: not rendered (a var() this command lacks, ...)
        return None
    return value if isinstance(value, str) else None


def _warn_error(flags) -> bool:
    """dbt's --warn-error, or --warn-error-options that make our warnings errors: `error: all` (unless
    `warn: [Note]` keeps them warnings) or `error: [Note]`. Our warnings are dbt `Note` events at warn
    level (log), and dbt accepts only its own event names there."""
    if getattr(flags, "WARN_ERROR", False):
        return True
    options = getattr(flags, "WARN_ERROR_OPTIONS", None)
    check = getattr(options, "errors", None) or getattr(options, "includes", None)
    try:
        return bool(check("Note")) if check is not None else False
    except (TypeError, AttributeError, ValueError):  # a shape of the options another dbt version may have
        return False


def _flags():
    try:
        from dbt.flags import get_flags

        return get_flags()
    except Exception:
        return None


_SAID_WARNINGS: set = set()  # (dbt's invocation id, warning) of the running command: see log


def log(message: str, level: str = "info") -> None:
    """A line in dbt's own log and console, at dbt's level (info, warn, error), so that `--log-level warn`
    and a JSON log's level show warnings and tolerated errors as such. A warning (or an error on_error:
    warn tolerates) is said once per dbt command: `run-operation omni_export` and an on-run-end hook
    export after the plugin's export at parse, and would say it again."""
    try:
        from dbt_common.events.base_types import EventLevel
        from dbt_common.events.functions import fire_event
        from dbt_common.events.types import Note
    except ImportError:
        print(message)
        return
    if level in ("warn", "error") and (invocation := _invocation_id()) is not None:
        if (invocation, message) in _SAID_WARNINGS:
            return
        if any(said != invocation for said, _ in _SAID_WARNINGS):  # a new command: forget the last one's
            # (a long-lived process, an orchestrator running dbt in-process, would keep them all)
            _SAID_WARNINGS.clear()
        _SAID_WARNINGS.add((invocation, message))
    if level == "warn" and _silenced(_flags()):  # as dbt 1.12 does; 1.10 and 1.11 printed a silenced Note
        return
    try:
        fire_event(Note(msg=message), level=EventLevel(level))
    except Exception as exc:
        # dbt 1.12 (require_all_warnings_handled_by_warn_error, its default) makes every warn-level event an
        # error under --warn-error. The export has made errors of the warnings that are to be, before writing;
        # those left stay warnings by design (a stale catalog, which a build must first refresh; what the write
        # replaced, known only as it wrote), so they are said as info, still starting "dbt-omni warning:".
        if level != "warn" or type(exc).__name__ != "EventCompilationError":
            raise
        fire_event(Note(msg=message), level=EventLevel.INFO)


def _silenced(flags) -> bool:
    """--warn-error-options '{"silence": ["Note"]}': our warnings are Note events."""
    check = getattr(getattr(flags, "WARN_ERROR_OPTIONS", None), "silenced", None)
    try:
        return bool(check("Note")) if check is not None else False
    except (TypeError, AttributeError, ValueError):  # a shape of the options another dbt version may have
        return False


def _invocation_id() -> Optional[str]:
    """dbt's id of the running command, new for each one even in one process (dbtRunner)."""
    try:
        from dbt_common.invocation import get_invocation_id

        return get_invocation_id()
    except Exception:  # noqa: BLE001 - a dbt without it: every warning is said
        return None


def unchanged_key(manifest: Any, extra: str, selectors: Optional[dict] = None) -> Optional[str]:
    """A digest of everything dbt parsed (file checksums, env vars, vars, profile, dbt_project.yml).

    Equal digests mean an equal project, so the plugin can skip even reading the nodes; None when
    this dbt does not keep these (the plugin then exports, which writes only when the output changes)."""
    import hashlib
    import json

    try:
        digest = hashlib.sha256(extra.encode())
        files = manifest.files
        for file_id in sorted(files):
            digest.update(f"{file_id}\0{files[file_id].checksum.checksum}\0".encode())
        for name, value in sorted((manifest.env_vars or {}).items()):
            digest.update(f"{name}={value}\0".encode())
        state = manifest.state_check
        digest.update(repr((state.vars_hash, state.profile_hash, state.project_env_vars_hash,
                            sorted((state.project_hashes or {}).items()))).encode())
        # selectors.yml is in none of those (a `selector:` in vars.dbt_omni.select reads it), and a partial
        # parse keeps the manifest's copy stale: the one this command read is passed in
        digest.update(json.dumps(selectors if selectors is not None else getattr(manifest, "selectors", None) or {},
                                 sort_keys=True,
                                 default=str).encode())
    except Exception:
        return None
    return digest.hexdigest() if files else None


def warehouse_errors() -> tuple:
    """What dbt's adapters raise for a failed connection or query: DbtDatabaseError (PostgreSQL),
    DbtRuntimeError (DuckDB) and FailedToConnectError all derive from dbt_common's DbtRuntimeError."""
    from dbt_common.exceptions import DbtRuntimeError

    return (DbtRuntimeError,)
