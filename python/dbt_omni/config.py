"""Settings: the `vars: dbt_omni:` block of dbt_project.yml, then --vars, then a trigger's own arguments.

Every trigger reads settings through `load_settings`, so the four of them agree.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Optional

from dbt_omni.errors import OmniExportError, Problem

VARS_KEY = "dbt_omni"


@dataclass(frozen=True)
class Settings:
    output_dir: Optional[str] = None  # None: <target-path>/omni
    write_on_parse: bool = True
    on_error: str = "fail"  # the automatic triggers (plugin, on-run-end): fail the dbt command, or warn
    select: tuple = ()
    exclude: tuple = ()
    only_with_meta: bool = False
    topics_from_paths: tuple = ()
    use_catalog: bool = True
    scope_view_names: bool = False  # as Omni's connection setting "Always Scope View Names"
    connection: Optional[str] = None
    model_name: Optional[str] = None
    included_schemas: tuple = ()
    model_file: Mapping[str, Any] = field(default_factory=dict)
    # setting -> where the user gave it, when not in vars.dbt_omni: `--select`, `--args select`
    origins: Mapping[str, str] = field(default_factory=dict, compare=False)

    def key(self, name: str) -> str:
        """Where the user wrote a setting, for messages; one left unset (None: output_dir's default) is
        named as the place to set it."""
        if name in self.origins:
            return self.origins[name]
        return f"vars.{VARS_KEY}.{name}" + (" (not set: the default)" if getattr(self, name, "") is None else "")

    def fingerprint(self) -> str:
        """Every setting that shapes the files (not where they go), in a stable text."""
        return repr(sorted((name, repr(getattr(self, name))) for name in self._shaping()))

    def differences(self, other: "Settings") -> list:
        """The settings that shape the files and differ from other's."""
        return [name for name in self._shaping() if getattr(self, name) != getattr(other, name)]

    def _shaping(self) -> list:
        return [f.name for f in fields(self) if f.name not in ("output_dir", "write_on_parse", "on_error", "origins")]


def settings_from_dict(raw: Optional[Mapping[str, Any]], *, source: str, origins: Optional[Mapping[str, str]] = None) -> Settings:
    from dbt_omni import contract

    # A key with nothing after it (`model_file:` whose entries are commented out) is unset, as dbt reads one.
    raw = {key: value for key, value in (raw or {}).items() if value is not None}
    if isinstance(raw.get("model_file"), dict):  # and a model-file key so left (`access_grants:`)
        raw["model_file"] = {key: value for key, value in raw["model_file"].items() if value is not None}
    for key in ("select", "exclude", "topics_from_paths"):  # as dbt's --select: one string or several (spaces
        if isinstance(raw.get(key), str):                   # separating a union, below; not in a path)
            raw[key] = [raw[key]]
    problems = contract.check("settings", raw, file=source, model=None, key_prefix=f"vars.{VARS_KEY}")
    if problems:
        raise OmniExportError([_given_as(problem, origins or {}) for problem in problems])
    for key in ("select", "exclude"):
        if key in raw:
            raw[key] = [part for entry in raw[key] for part in entry.split(" ") if part]  # as dbt: a tab is no space
    values = {key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}
    return Settings(**values, origins=dict(origins or {}))


def _given_as(problem: Problem, origins: Mapping[str, str]) -> Problem:
    """A problem in a setting given as a trigger's argument names that argument (`--select`), not vars."""
    for name, origin in origins.items():
        prefix = f"vars.{VARS_KEY}.{name}"
        if problem.key and (problem.key == prefix or problem.key.startswith((prefix + ".", prefix + "["))):
            return replace(problem, key=origin + problem.key[len(prefix):])
    return problem


def dbt_env_var(name: str) -> Optional[str]:
    """The environment variable a dbt command takes a flag from: DBT_ENGINE_<name> (dbt-core 1.11+ reads
    it first), else DBT_<name>; None where neither is set (empty is unset, as click reads it)."""
    names = (f"DBT_ENGINE_{name}", f"DBT_{name}") if _dbt_reads_engine_vars() else (f"DBT_{name}",)
    return next((var for var in names if os.environ.get(var)), None)


@functools.lru_cache(maxsize=None)
def _dbt_reads_engine_vars() -> bool:
    """dbt-core 1.11 and later (1.10 ignores DBT_ENGINE_*); without dbt-core installed, as the latest."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(part) for part in version("dbt-core").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return True
    return (major, minor) >= (1, 11)


def dbt_env(name: str) -> Optional[str]:
    var = dbt_env_var(name)
    return os.environ[var] if var else None


def dbt_project_dir() -> Path:
    """dbt's default project folder: the nearest of the current folder and those above it that holds a
    dbt_project.yml (dbt.cli.resolvers.default_project_dir), else the current folder."""
    here = Path.cwd()
    return next((folder for folder in (here, *here.parents) if (folder / "dbt_project.yml").is_file()), here)


def _dbt_project(project_dir: Path) -> Optional[dict]:
    """project_dir's dbt_project.yml as a dict; None when there is no such file."""
    path = Path(project_dir) / "dbt_project.yml"
    if not path.is_file():
        return None
    import yaml

    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except OSError as exc:
        raise OmniExportError(Problem(f"cannot read it: {exc}", file=str(path))) from None
    except yaml.YAMLError as exc:  # one line: where, and what (PyYAML's own text spans several, with a quote of it)
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        what = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise OmniExportError(Problem(f"cannot read YAML: {where}{what}", file=str(path),
                                      expected="YAML as dbt reads it (dbt's own message says more)")) from None
    return data if isinstance(data, dict) else {}


def project_flags(project_dir: Path) -> dict:
    """dbt_project.yml's `flags:` as written (dbt reads them unrendered, before the project); {} without.
    A dbt_project.yml that is no YAML is dbt's to report: {} here too."""
    try:
        flags = (_dbt_project(project_dir) or {}).get("flags")
    except OmniExportError:
        return {}
    return flags if isinstance(flags, dict) else {}


def yaml_kind(value: Any) -> str:
    """A YAML value's kind, as a user reads it (not Python's type name)."""
    return {list: "a list", str: "text", bool: "true or false", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__)


def read_project_vars(project_dir: Path) -> tuple[dict, str]:
    """The `vars: dbt_omni:` block of dbt_project.yml, as written (load_settings renders env_var())."""
    path = Path(project_dir) / "dbt_project.yml"
    data = _dbt_project(project_dir) or {}
    project_vars = data.get("vars") or {}
    if not isinstance(project_vars, dict):
        raise OmniExportError(Problem(f"must be a mapping, not {yaml_kind(project_vars)}", file=str(path),
                                      key="vars", expected="a mapping of var names to values, as dbt takes it"))
    block = project_vars.get(VARS_KEY) or {}
    if not isinstance(block, dict):
        raise OmniExportError(Problem(f"must be a mapping, not {yaml_kind(block)}", file=str(path), key=f"vars.{VARS_KEY}",
                                      expected="settings by name, e.g. {select: [marts], topics_from_paths: "
                                               "[models/marts]}"))
    return block, str(path)


PACKAGE_EXPORT_MACRO = "macro.dbt_omni.omni_export"  # in a manifest: the project installed the dbt package


def chose_dbt_omni(macros: Any, project_dir: Path, cli_vars: Optional[Mapping[str, Any]] = None) -> bool:
    """A pip install reaches every dbt project in the environment: the plugin acts only in one that chose
    dbt-omni, by a dbt_omni block, even an empty one, in dbt_project.yml's vars or in --vars, or by
    installing its dbt package (`dbt deps`: macros holds its export macro) as a package of its own, not
    only as what another package it installs needs (_may_list_dbt_omni), or, installed either way, by an
    on-run-end hook that calls dbt_omni."""
    installed = PACKAGE_EXPORT_MACRO in (macros or {})
    # On every dbt command: packages.yml first (small), dbt_project.yml (which load_settings reads next) last.
    if VARS_KEY in (cli_vars or {}) or (installed and _may_list_dbt_omni(Path(project_dir))):
        return True
    project = _dbt_project(project_dir) or {}
    project_vars = project.get("vars")
    if isinstance(project_vars, dict) and VARS_KEY in project_vars:
        return True
    return installed and "dbt_omni." in str(project.get("on-run-end") or "")


def _may_list_dbt_omni(project_dir: Path) -> bool:
    """False only when every entry of packages.yml and dependencies.yml is known to be another package
    (`local:` a folder whose dbt_project.yml names another, `package:` / `tarball:` another name): then
    dbt_omni came with one of those. A git or private entry, or one that cannot be read, may be it."""
    import yaml

    entries: list = []
    for name in ("packages.yml", "dependencies.yml"):
        path = project_dir / name
        try:
            data = yaml.safe_load(path.read_text("utf-8")) if path.is_file() else {}
        except (OSError, yaml.YAMLError):
            return True
        listed = data.get("packages") if isinstance(data, dict) else None
        entries += listed if isinstance(listed, list) else []
    if not entries:  # no packages file: the package came another way (a copy, dbt Cloud)
        return True
    for entry in entries:
        if not isinstance(entry, dict) or "{{" in str(entry):
            return True
        if isinstance(entry.get("local"), str):
            try:
                named = _dbt_project(project_dir / entry["local"])
            except OmniExportError:  # its dbt_project.yml is no YAML: dbt deps says so
                return True
            if named is None or named.get("name") == "dbt_omni":
                return True
        elif isinstance(entry.get("package"), str) or isinstance(entry.get("tarball"), str):
            name = entry["package"].rsplit("/", 1)[-1] if "package" in entry else str(entry.get("name"))
            if name.lower().replace("-", "_") == "dbt_omni":
                return True
        else:  # git:, private:, or a kind dbt may add
            return True
    return False


def read_dispatch(project_dir: Optional[Path]) -> dict:
    """dbt_project.yml's `dispatch:` as {macro_namespace: search_order}: where dbt's adapter.dispatch
    looks for a namespace's macros (a shim package overriding dbt_omni's), so the export renders the
    metric macros as dbt runs them. dbt itself rejects a malformed block; here it is read as written."""
    data = _dbt_project(project_dir) if project_dir is not None else None
    entries = (data or {}).get("dispatch")
    orders = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and isinstance(entry.get("macro_namespace"), str) \
                and isinstance(entry.get("search_order"), list):
            orders.setdefault(entry["macro_namespace"], tuple(str(package) for package in entry["search_order"]))
    return orders


def dbt_project_name(project_dir: Path) -> Optional[str]:
    """The `name:` in project_dir's dbt_project.yml; None when there is no such file."""
    data = _dbt_project(project_dir)
    return None if data is None else str(data.get("name") or "")


def default_manifest_path(given: Optional[Path], cli_vars: Optional[dict] = None) -> Path:
    """manifest.json where dbt writes it: in the given project (the CLI's --project-dir, else
    DBT_PROJECT_DIR) or else dbt's default project folder, under DBT_TARGET_PATH or the project's
    `target-path`, rendered as dbt renders it (else target)."""
    project = Path(given).resolve() if given else dbt_project_dir()
    target = dbt_env("TARGET_PATH")
    if not target and project.is_dir():
        configured = (_dbt_project(project) or {}).get("target-path")
        if isinstance(configured, str) and "{{" in configured:  # `{{ env_var('DBT_TARGET', 'target') }}`
            from dbt_omni.shims import rendered_project_text

            configured = rendered_project_text(configured, cli_vars)  # unrendered: target, as dbt's default
        target = configured if isinstance(configured, str) else None
    return project / (target or "target") / "manifest.json"


def find_project_dir(given: Optional[Path], manifest_path: Path, manifest_project: str,
                     vars_given: bool = False) -> tuple[Path, Optional[str]]:
    """The dbt project a manifest.json is of, whose `vars: dbt_omni:` are the settings, and a warning
    when there is none. Given (--project-dir), it must be that project; else, as dbt, the current
    folder or the nearest above it with a dbt_project.yml, or else the folder above the manifest that holds
    one (a manifest passed by path from elsewhere brings its own project, not the settings of whatever
    project we stand in)."""
    if given is not None:
        candidates = [Path(given).resolve()]
    else:
        above = next((d for d in Path(manifest_path).resolve().parents if (d / "dbt_project.yml").is_file()), None)
        candidates = [dbt_project_dir().resolve(), *([above] if above else [])]  # dbt's, then the manifest's
    others = []
    for folder in candidates:
        name = dbt_project_name(folder)
        if name is None:
            continue
        if not manifest_project or name == manifest_project:
            return folder, None
        others.append(f"{folder}/dbt_project.yml is project '{name}'")
    if others:
        raise OmniExportError(Problem(
            f"the manifest is of dbt project '{manifest_project}', but {' and '.join(others)}",
            file=str(manifest_path), key="--project-dir",
            expected=f"--project-dir: the folder of project '{manifest_project}' (its vars.dbt_omni are the settings)"))
    if given is not None and not candidates[0].is_dir():  # a typo, not a project without settings
        raise OmniExportError(Problem(
            f"{candidates[0]} is not a folder", key="--project-dir",
            expected=f"the folder of dbt project '{manifest_project or '...'}', the one holding its dbt_project.yml"))
    where = f"in {candidates[0]}" + ("" if given is not None else f" or above {manifest_path}")
    unread = "only --vars' dbt_omni settings are read, not its own" if vars_given else "its vars.dbt_omni settings are not read"
    return candidates[0], f"no dbt_project.yml of project '{manifest_project}' {where}: {unread} (pass --project-dir)"


def load_settings(
    project_dir: Optional[Path],
    cli_vars: Optional[Mapping[str, Any]] = None,
    overrides: Optional[Mapping[str, Any]] = None,
    given_as: Optional[Mapping[str, str]] = None,
) -> Settings:
    """dbt_project.yml's block < `--vars '{dbt_omni: {...}}'` < the trigger's own arguments (overrides;
    given_as names each as the user wrote it, e.g. output_dir -> `--output`)."""
    merged, source = ({}, "<defaults>") if project_dir is None else read_project_vars(project_dir)
    cli_block = (cli_vars or {}).get(VARS_KEY)
    if cli_block is not None and not isinstance(cli_block, dict):
        raise OmniExportError(Problem(f"must be a mapping, not {yaml_kind(cli_block)}", key=f"--vars {VARS_KEY}",
                                      expected="{dbt_omni: {select: [...], ...}}"))
    if isinstance(cli_block, dict):
        merged, source = {**merged, **cli_block}, f"{source} + --vars"
    merged = _rendered(merged, f"vars.{VARS_KEY}", source)
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if given:
        merged, source = {**merged, **given}, f"{source} + arguments"
    origins = {k: (given_as or {}).get(k, k) for k in given}
    return settings_from_dict(merged, source=source, origins=origins)


# dbt's filters that turn a rendered var into a value of another type (text stays text otherwise):
# `{{ env_var('OMNI_ON') | as_bool }}` for a true/false setting.
AS_TYPE_RE = r"\s*\{\{.*\|\s*(as_bool|as_number|as_native|as_text)\s*\}\}\s*"
SECRET_ENV_PREFIX = "DBT_ENV_SECRET"  # dbt-core's: such a variable is for credentials, and dbt masks its value


def _as_type(text: str, filter_name: str, key: str, source: str) -> Any:
    """The rendered text as the value the filter asks for, as dbt's native rendering gives it."""
    import yaml

    if filter_name == "as_text":
        return text
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = text
    wanted = {"as_bool": (bool,), "as_number": (int, float)}.get(filter_name)
    if wanted and (not isinstance(value, wanted) or (filter_name == "as_number" and isinstance(value, bool))):
        raise OmniExportError(Problem(f"{text!r} is not {'true or false' if filter_name == 'as_bool' else 'a number'}",
                                      file=source, key=key, expected=f"a value that {filter_name} can read"))
    return value


def _rendered(value: Any, key: str, source: str) -> Any:
    """dbt leaves vars unrendered until they are used; the one Jinja that makes sense in these
    settings, env_var() (a connection per environment), is rendered here the way dbt does, with its
    as_bool / as_number / as_native / as_text filters."""
    if isinstance(value, dict):
        return {k: _rendered(v, f"{key}.{k}", source) for k, v in value.items()}
    if isinstance(value, list):
        return [_rendered(v, f"{key}[{i}]", source) for i, v in enumerate(value)]
    if not isinstance(value, str) or ("{{" not in value and "{%" not in value):
        return value
    import jinja2

    def env_var(name: str, default: Optional[str] = None) -> str:
        if str(name).startswith(SECRET_ENV_PREFIX):  # never its value in a message: dbt masks it, we do not
            raise OmniExportError(Problem(
                f"environment variable {name} is a secret: dbt allows {SECRET_ENV_PREFIX}* variables only in "
                "profiles.yml and packages.yml, and these settings are written into the Omni files and "
                "omni_export.json", file=source, key=key,
                expected=f"a variable without the {SECRET_ENV_PREFIX} prefix (a connection's name, not a credential)"))
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise OmniExportError(Problem(f"environment variable {name} is not set", file=source, key=key,
                                      expected=f"{name} set, or a default: env_var('{name}', 'value')"))

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.filters.update({name: str for name in ("as_bool", "as_number", "as_native", "as_text")})
    try:
        text = environment.from_string(value).render(env_var=env_var)
        typed = re.fullmatch(AS_TYPE_RE, value, re.DOTALL)
        return _as_type(text, typed.group(1), key, source) if typed else text
    except OmniExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - a template error, or what its expression raised ({{ 1/0 }})
        raise OmniExportError(Problem(f"cannot render {value!r}: {exc}", file=source, key=key,
                                      expected="plain text, or {{ env_var('NAME') }}: the only Jinja these settings take")
                              ) from None


def resolve_output_dir(settings: Settings, project_dir: Optional[Path], target_path: Optional[str]) -> Path:
    base = Path(project_dir or os.getcwd())
    if settings.output_dir:
        path = Path(settings.output_dir).expanduser()  # `~/omni` is the home folder's, not a folder named ~
    else:
        path = Path(target_path or "target") / "omni"
    return path if path.is_absolute() else base / path


RESOURCE_PATHS = {"model-paths": "models", "seed-paths": "seeds", "snapshot-paths": "snapshots",
                  "macro-paths": "macros", "test-paths": "tests", "analysis-paths": "analyses",
                  "function-paths": "functions"}  # dbt 1.11+ reads its YAML too


def check_output_dir(output_dir: Path, project_dir: Optional[Path], key: str) -> None:
    """An output folder among the project's own files would be read by dbt as its own YAML (`models/omni`:
    'Dictionary expected' on every later dbt command, which dbt-omni, failing before it, cannot explain)."""
    if project_dir is None or "\0" in str(output_dir):  # a NUL: write_atomically says what is wrong
        return
    project = Path(os.path.realpath(project_dir))  # realpath, unlike Path.resolve, survives a symlink loop
    configured = _dbt_project(project) or {}
    output = Path(os.path.realpath(output_dir))
    for setting, default in RESOURCE_PATHS.items():
        paths = configured.get(setting) or [default]
        for folder in paths if isinstance(paths, list) else [paths]:
            inside = Path(os.path.realpath(project / str(folder)))
            if inside == project:  # model-paths: ["."]: dbt then relies on .dbtignore, which we do not read
                continue
            if output == inside or inside in output.parents:
                raise OmniExportError(Problem(
                    f"the output folder {output} is inside the dbt project's {setting} ({folder}): dbt would read "
                    "the Omni files as its own YAML and fail on every command", key=key,
                    expected="a folder outside the project's models, seeds, snapshots, macros, tests, analyses and "
                    "functions, "
                    "e.g. target/omni (the default) or omni/"))


class ProfileTargets(NamedTuple):
    profile: str
    path: Path  # the profiles.yml it is in
    default: Optional[str]
    names: tuple  # every target under its outputs


def profile_targets(project_dir: Optional[Path], profiles_dir: Optional[Path] = None,
                    profile: Optional[str] = None) -> Optional[ProfileTargets]:
    """The dbt project's profile, read as dbt finds profiles.yml (--profiles-dir, DBT_PROFILES_DIR, the
    current folder, ~/.dbt: dbt.cli.resolvers.default_profiles_dir, not the project's folder); None if it
    cannot be known (no such file, no such profile, unreadable). profile: dbt's --profile, else the project's."""
    import yaml

    project_dir = Path(project_dir or os.getcwd())
    try:
        profile = profile or (_dbt_project(project_dir) or {}).get("profile")
    except OmniExportError:
        return None
    candidates = [profiles_dir, dbt_env("PROFILES_DIR"), Path.cwd(), Path.home() / ".dbt"]
    for folder in candidates:
        path = Path(folder) / "profiles.yml" if folder else None
        if path is None or not path.is_file():
            continue
        try:
            profiles = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, yaml.YAMLError):
            return None
        entry = profiles.get(profile) if isinstance(profiles, dict) and isinstance(profile, str) else None
        if not isinstance(entry, dict):
            return None
        target = entry.get("target")
        outputs = entry.get("outputs")
        return ProfileTargets(profile, path, target if isinstance(target, str) and "{{" not in target else None,
                              tuple(sorted(str(name) for name in outputs)) if isinstance(outputs, dict) else ())
    return None
