"""`dbt-omni`: `export`, the export (and its checks) from manifest.json without running dbt; `verify`, which
runs `dbt run-operation omni_verify` through dbt's programmatic API."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional, Sequence

from dbt_omni import __version__
from dbt_omni.config import dbt_env, dbt_env_var, dbt_project_dir, yaml_kind
from dbt_omni.errors import WARNING, OmniExportError, Problem, closest, internal_error


def _parser() -> tuple:
    """The parser, and its subcommands' parsers by name."""
    # allow_abbrev=False: dbt takes no abbreviation, and `--profile` (dbt's profile name) read as --profiles-dir
    parser = argparse.ArgumentParser(prog="dbt-omni", description="Export a dbt project to an Omni model.",
                                     allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"dbt-omni {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    export = commands.add_parser("export", help="write the Omni model from a dbt manifest", allow_abbrev=False)
    export.add_argument("--project-dir", type=Path, default=None,
                        help="the dbt project (for vars: dbt_omni:); default: DBT_PROJECT_DIR, else as dbt finds it "
                        "(the current folder or the nearest above it with a dbt_project.yml), else the one whose "
                        "dbt_project.yml is above --manifest")
    export.add_argument("--manifest", type=Path, default=None,
                        help="manifest.json (relative to the current folder); default: "
                        "<project-dir>/<target-path>/manifest.json, the target path as dbt takes it "
                        "(DBT_TARGET_PATH, else dbt_project.yml's target-path, else target)")
    export.add_argument("--catalog", type=Path, default=None,
                        help="catalog.json for column types (relative to the current folder); default: beside the "
                        "manifest, if there")
    export.add_argument("--output", default=None, help="output folder (relative to the project, as output_dir); "
                        "default: vars.dbt_omni.output_dir, else <target-path>/omni")
    export.add_argument("-s", "--select", nargs="+", action="extend", default=None,
                        help="models (seeds, snapshots, sources) in dbt's selection syntax: names, folders, wildcards, "
                        "a,b (both), +parents, children+, n+, @, and the methods tag:, path:, file:, fqn:, package:, "
                        "config.K:, resource_type:, source:, access:, group:, version:, selector:")
    export.add_argument("--exclude", nargs="+", action="extend", default=None, help="models to leave out, same syntax")
    export.add_argument("--selector", default=None,
                        help="a selector of selectors.yml, as dbt's --selector (instead of --select and --exclude)")
    export.add_argument("--vars", default=None,
                        help="as dbt's --vars, a YAML mapping: '{dbt_omni: {topics_from_paths: [models/marts]}}'")
    export.add_argument("-t", "--target", default=None,
                        help="dbt target name to record; default: DBT_TARGET, else the profile's")
    export.add_argument("--profile", default=None,
                        help="the profile of profiles.yml for --target's check; default: DBT_PROFILE, else dbt_project.yml's")
    export.add_argument("--profiles-dir", type=Path, default=None,
                        help="the folder of profiles.yml, for --target's check; default: as dbt finds it "
                        "(DBT_PROFILES_DIR, the current folder, ~/.dbt)")
    export.add_argument("--force", action="store_true", help="write even when nothing changed")
    export.add_argument("--warn-error", action=argparse.BooleanOptionalAction, default=None,
                        help="as dbt's --warn-error: a warning fails the export (nothing is written); "
                             "default: as a dbt command there: DBT_WARN_ERROR or DBT_WARN_ERROR_OPTIONS that make "
                             "Note an error, else dbt_project.yml's flags: warn_error / warn_error_options")

    verify = commands.add_parser("verify", help="run shared-metric measures as Omni and as dbt; fail on a mismatch",
                                 allow_abbrev=False)
    verify.add_argument("--project-dir", type=Path, default=None,
                        help="the dbt project; passed to dbt run-operation (default: as dbt finds it)")
    verify.add_argument("--profiles-dir", type=Path, default=None,
                        help="passed to dbt run-operation (default: as dbt finds it)")
    verify.add_argument("--profile", default=None, help="passed to dbt run-operation (default: dbt_project.yml's)")
    verify.add_argument("-t", "--target", default=None,
                        help="the target whose warehouse runs the queries (default: the profile's)")
    verify.add_argument("-s", "--select", nargs="+", action="extend", default=None, help="models whose measures to check (dbt's selection syntax, or Omni view names)")
    verify.add_argument("--by", nargs="+", action="extend", default=None, help="dimensions to group by (default: a few)")
    verify.add_argument("--output", default=None, help="the exported Omni model; default: vars.dbt_omni.output_dir, else <target-path>/omni")
    return parser, commands.choices


def run_verify(args: argparse.Namespace) -> int:
    """dbt runs the queries (it holds the warehouse connection): this is `dbt run-operation omni_verify`."""
    import json

    from dbt.cli.main import dbtRunner

    options = {"select": args.select, "by": args.by, "output_dir": args.output}
    command = ["run-operation", "omni_verify", "--args", json.dumps({k: v for k, v in options.items() if v})]
    for flag, value in (("--project-dir", args.project_dir), ("--profiles-dir", args.profiles_dir),
                        ("--profile", args.profile), ("--target", args.target)):
        if value:
            command += [flag, str(value)]
    from dbt_omni.plugin import suspended

    with suspended():  # a check: the plugin's export in this dbt command would rewrite the Omni files
        result = dbtRunner().invoke(command)
    if not result.success and type(result.exception).__name__ in ("DbtUsageException", "DbtInternalException"):
        # dbt refused its own options (`--profiles-dir /nope`) before logging anything: it said nothing
        print(f"dbt-omni verify: dbt refused the command: {result.exception}", file=sys.stderr)
        return 2
    return 0 if result.success else 1


def _vars(text: Optional[str]) -> Optional[dict]:
    """--vars as dbt reads it: a YAML (or JSON) mapping."""
    if text is None:
        return None
    import yaml

    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise OmniExportError(Problem(f"cannot read --vars as YAML: {reason}", key="--vars", expected="a YAML mapping")) from None
    if not isinstance(value, dict):
        raise OmniExportError(Problem(f"--vars is {yaml_kind(value)}", key="--vars",
                                      expected="a YAML mapping, e.g. '{dbt_omni: {connection: warehouse}}'"))
    return value


def _misplaced_settings(cli_vars: Optional[dict]) -> list:
    """A warning for --vars that look like dbt-omni settings outside a dbt_omni block: the manifest is
    rendered already, so only that block counts (a var of the user's own project may share the name)."""
    from dataclasses import fields

    from dbt_omni.config import VARS_KEY, Settings

    names = {f.name for f in fields(Settings)} - {"origins"}
    if not cli_vars or VARS_KEY in cli_vars:
        return []
    return [f"--vars {key} is no dbt-omni setting here (they go under {VARS_KEY}: {{{VARS_KEY}: {{{key}: ...}}}})"
            for key in cli_vars if key in names]


def run_export(args: argparse.Namespace) -> int:
    from dbt_omni import shims
    from dbt_omni.config import (
        chose_dbt_omni,
        default_manifest_path,
        find_project_dir,
        load_settings,
        profile_targets,
        project_flags,
    )
    from dbt_omni.export import ExportContext, export, plugin_rewrite_warning
    from dbt_omni.manifests import from_manifest_dict, load_catalog, load_manifest

    cli_vars = _vars(args.vars)
    nothing = args.select is not None and not "".join(args.select).strip()  # `-s "$MODELS"`, MODELS empty
    if nothing:
        args.select = None  # said below, once the project's --warn-error is known
    if args.selector:
        if args.select or args.exclude:
            raise OmniExportError(Problem("--selector with --select or --exclude", key="--selector",
                                          expected="one or the other, as dbt takes them (a selector of selectors.yml "
                                                   "may itself exclude)"))
        args.select = [f"selector:{args.selector}"]
    given_project = args.project_dir or (Path(value) if (value := dbt_env("PROJECT_DIR")) else None)
    if args.profiles_dir is not None and not args.profiles_dir.is_dir():
        raise OmniExportError(Problem(f"{args.profiles_dir} is not a folder", key="--profiles-dir",
                                      expected="the folder holding profiles.yml"))
    manifest_path = args.manifest or default_manifest_path(given_project, cli_vars)
    if args.manifest is None and given_project is None and not _exists(manifest_path) \
            and not (dbt_project_dir() / "dbt_project.yml").is_file():
        raise OmniExportError(Problem(
            "manifest not found, and neither this folder nor any above it holds a dbt_project.yml",
            file=str(manifest_path), expected="a dbt project's folder: run there, or pass --project-dir or --manifest"))
    manifest = load_manifest(manifest_path)
    project_dir, no_project = find_project_dir(given_project, manifest_path,
                                               (manifest.get("metadata") or {}).get("project_name") or "",
                                               vars_given=isinstance(cli_vars, dict) and "dbt_omni" in cli_vars)
    overrides = {"output_dir": args.output, "select": args.select, "exclude": args.exclude}
    settings = load_settings(project_dir, cli_vars=cli_vars, overrides=overrides,
                             given_as={"output_dir": "--output", "select": "--selector" if args.selector else "--select",
                                       "exclude": "--exclude"})
    flags = project_flags(project_dir) if not no_project else {}
    if args.warn_error is None:
        args.warn_error = _dbt_warn_error(flags)
    silenced = _note_silenced(_dbt_warn_error_options(flags))  # as a dbt command there would not print them
    if nothing:
        said = "--select '' selects nothing, as in dbt (leave --select out for every model); nothing exported"
        if args.warn_error:
            raise OmniExportError(Problem(f"{said} (an error under --warn-error)"))
        if not silenced:
            print(WARNING + said, file=sys.stderr)
        return 0
    if no_project and args.warn_error:
        raise OmniExportError(Problem(f"{no_project} (an error under --warn-error)"))
    if args.catalog is not None and not args.catalog.exists():
        raise OmniExportError(Problem("catalog not found", file=str(args.catalog), key="--catalog",
                                      expected="the catalog.json that `dbt docs generate` writes"))
    given_target = args.target or dbt_env("TARGET")
    profile = profile_targets(project_dir, args.profiles_dir, args.profile or dbt_env("PROFILE"))
    unknown_target = _unknown_target(given_target, "--target" if args.target else dbt_env_var("TARGET"), profile)
    if unknown_target and args.warn_error:
        raise OmniExportError(Problem(f"{unknown_target} (an error under --warn-error)"))
    own = default_manifest_path(project_dir, cli_vars).resolve()  # where dbt writes them, not a job's downloaded artifacts
    own_artifacts = not no_project and Path(manifest_path).resolve() == own and (
        args.catalog is None or Path(args.catalog).resolve() == own.parent / "catalog.json")
    context = ExportContext(
        project_dir=project_dir,
        target_name=given_target or (profile.default if profile else None),
        target_guessed=not given_target,
        target_path=str(Path(manifest_path).resolve().parent),
        own_artifacts=own_artifacts,
    )
    # selectors.yml as a dbt command there reads it: a partial parse left manifest.json's copy as it was
    selectors, unread = shims.project_selectors(project_dir, cli_vars) \
        if not no_project and any("selector:" in value for value in (*settings.select, *settings.exclude)) \
        else (None, None)
    unread = unread and (f"selectors.yml cannot be read here as a dbt command reads it ({unread}): the selection "
                         f"uses the copy in {manifest_path}, as of the last dbt command")
    # Said with an error too: one already fixed in the YAML but not yet parsed is read again from the manifest.
    edited = _edited_since(manifest, Path(manifest_path), project_dir) if own_artifacts else None
    try:
        result = export(
            lambda catalog: from_manifest_dict(manifest, catalog, selectors),
            settings,
            context,
            catalog_path=args.catalog or Path(manifest_path).parent / "catalog.json",
            # --catalog given is read even under use_catalog: false, which is about the catalog beside the manifest
            catalog=load_catalog(args.catalog) if args.catalog is not None and not settings.use_catalog else None,
            force=args.force,
            warn_error=args.warn_error,
        )
    except OmniExportError:
        if edited and not silenced:
            print(WARNING + edited, file=sys.stderr)
        raise
    plugin_acts = chose_dbt_omni(manifest.get("macros"), project_dir)  # as in a dbt command there, without --vars
    rewrite = not result.empty and not no_project and plugin_acts and plugin_rewrite_warning(
        settings, context, lambda: load_settings(project_dir),  # a dbt command's plugin there, without --vars
        ExportContext(project_dir=project_dir, target_path=str(default_manifest_path(project_dir).parent)))
    for warning in [w for w in (no_project, unknown_target, edited, unread) if w] + _misplaced_settings(cli_vars) + \
            result.warnings + ([rewrite] if rewrite else []):
        if not silenced:
            print(WARNING + warning, file=sys.stderr)
    try:
        print(result.summary(), flush=True)
    except OSError as exc:  # standard output closed or full (`| head -0`, > /dev/full): no bug, and the export is done
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # or Python's exit flushes it again, and says so
        print(f"{result.summary()} (cannot print it to standard output: {exc.strerror})", file=sys.stderr)
        return 1
    return 0


def _exists(path: Path) -> bool:
    """Path.exists, but a folder we may not look into (permissions) counts as there: reading it then says why."""
    try:
        return path.exists()
    except OSError:
        return True


def _edited_since(manifest: dict, manifest_path: Path, project_dir: Path) -> Optional[str]:
    """The CLI reads what dbt last parsed: a file of the project saved since (a description, a meta.omni
    block) reaches the Omni files only after a dbt command, so say so, not "up to date". Seeds' data and
    singular tests are not read by the export."""
    from dbt_omni.export import saved_after

    try:
        parsed = manifest_path.stat().st_mtime
    except OSError:
        return None
    project = (manifest.get("metadata") or {}).get("project_name")
    paths = {"dbt_project.yml"}  # (selectors.yml is read as it is now, where a selector: needs it)
    for section in ("nodes", "sources", "docs", "macros"):
        for node in (manifest.get(section) or {}).values():
            if not isinstance(node, dict) or node.get("package_name") != project:
                continue
            if node.get("resource_type") not in ("seed", "analysis") and not (
                    node.get("resource_type") == "test" and node.get("test_metadata") is None):
                paths.add(node.get("original_file_path"))
            paths.add(node.get("patch_path"))  # the properties YAML, as package://path
    newer = saved_after(project_dir, (os.path.normpath(p.split("://", 1)[-1]) for p in paths if isinstance(p, str)),
                        parsed)  # normpath: an on-run-end hook's file is ./dbt_project.yml
    if not newer:
        return None
    others = f" and {len(newer) - 1} other file(s)" if len(newer) > 1 else ""
    return (f"{newer[0]}{others} changed since dbt wrote {manifest_path}, which is what this command reads: "
            "run `dbt parse` first for the change to reach the Omni files")


def _dbt_warn_error(flags: dict) -> bool:
    """What a dbt command in this project would do with our warnings (dbt `Note` events, as the plugin
    logs them). As dbt takes each flag: the environment's DBT_WARN_ERROR / DBT_WARN_ERROR_OPTIONS, else
    flags (dbt_project.yml's `flags:`) warn_error / warn_error_options. Options make Note an error by
    `error: all` (unless `warn` keeps Note) or `error: [Note]` (older dbt: include / exclude), unless
    `silence` has Note; read as YAML, as dbt reads them."""
    given = dbt_env("WARN_ERROR")  # empty is unset, as click (dbt's) reads it
    warn_error = given.strip().lower() in ("1", "true", "t", "yes", "y", "on") if given \
        else flags.get("warn_error") is True
    if warn_error:
        return True
    options = _dbt_warn_error_options(flags)
    if options is None or _note_silenced(options):  # silenced: no warning at all, so no error either
        return False
    error, warn = options.get("error", options.get("include")), options.get("warn", options.get("exclude")) or []
    if error in ("all", "*"):
        return not (isinstance(warn, list) and "Note" in warn)
    return isinstance(error, list) and "Note" in error


def _dbt_warn_error_options(flags: dict) -> Optional[dict]:
    """DBT_WARN_ERROR_OPTIONS, else flags' warn_error_options, read as YAML as dbt reads them."""
    import yaml

    given = dbt_env("WARN_ERROR_OPTIONS")
    try:
        options = yaml.safe_load(given) if given else flags.get("warn_error_options")
    except yaml.YAMLError:
        raise OmniExportError(Problem("is no YAML or JSON mapping", key=dbt_env_var("WARN_ERROR_OPTIONS"),
                                      expected='a mapping, as dbt takes it: \'{"error": "all", "warn": ["Note"]}\'')) from None
    return options if isinstance(options, dict) else None


def _note_silenced(options: Optional[dict]) -> bool:
    """`silence: [Note]`: our warnings are Note events, which a dbt command then does not print."""
    silence = (options or {}).get("silence") or []
    return isinstance(silence, list) and "Note" in silence


def _unknown_target(target: Optional[str], given_as: str, profile) -> Optional[str]:
    """The target is only recorded (omni_export.json), so a misspelt one is a warning, not the error dbt
    gives: CI may export with another profiles.yml than the one found here, or none."""
    if not target or profile is None or not profile.names or target in profile.names:
        return None
    found = closest(target, list(profile.names))
    hint = f"; did you mean {found}?" if found else ""
    return (f"{given_as} {target}: profile {profile.profile} in {profile.path} has no such target "
            f"(it has {', '.join(profile.names)}); recorded as given{hint}")


def _parse(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    """argparse's parse_args, but a mistyped option is named with the closest valid spelling, and an option
    before the command (dbt's global-flag habit) is said to go after it."""
    parser, commands = _parser()
    given = list(sys.argv[1:] if argv is None else argv)
    at = next((i for i, word in enumerate(given) if word in commands), None)
    early = [word for word in given[:at] if word.startswith("-") and word not in ("-h", "--help", "--version")]
    if at and early:  # dbt's global flags go first (`dbt --warn-error run`); ours go after the command
        moved = [given[at], *given[:at], *given[at + 1:]]
        parser.error(f"options go after the command: dbt-omni {' '.join(moved)}")
    args, unknown = parser.parse_known_args(given)
    if unknown:
        command = commands[args.command]
        valid = [option for action in command._actions for option in action.option_strings]  # no public API
        option = next((u.split("=", 1)[0] for u in unknown if u.startswith("--")), None)
        suggestion = closest(option, valid) if option else None
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        command.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The exit code, also for a usage mistake or --help (argparse's SystemExit), so that a caller in
    Python (an orchestrator) gets a code, as from dbt's dbtRunner, not an exception."""
    try:
        args = _parse(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return {"export": run_export, "verify": run_verify}[args.command](args)  # argparse allows no other
    except OmniExportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except RuntimeError as exc:  # Path.resolve() on Python 3.11 and 3.12 (3.13 raises an OSError, said as such)
        loop = str(exc).startswith("Symlink loop")
        print(f"dbt-omni: {exc}: a folder or file given links back to itself" if loop else str(internal_error(exc)),
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the output folder is as it was (output.write_atomically)
        print("dbt-omni: interrupted; the Omni model was not changed", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug of ours: one line, not a traceback
        print(str(internal_error(exc)), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
