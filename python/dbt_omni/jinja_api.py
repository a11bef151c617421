"""What macros reach as `modules.dbt_omni`: thin adapters from the Jinja context to the export.

Errors come back as a result (ok, message) so the macro raises them as a clean dbt compilation error
instead of a Python traceback.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, NamedTuple, Optional

from dbt_omni import __version__
from dbt_omni.errors import WARNING, OmniExportError, Problem, as_export_error, closest, internal_error

VERSION = __version__  # the macros compare it with their own (_omni_package_version); Jinja cannot read dunders


@dataclass
class MacroResult:
    ok: bool
    message: str
    warnings: list = field(default_factory=list)
    data: Any = None
    level: str = "info"  # of message, when the macro logs it: "error" for a failure on_error: warn tolerates


def say(message: str, level: str = "info") -> str:
    """A line in dbt's log at dbt's level (Jinja's log() has info and debug only); returns "" for `{{ }}`."""
    from dbt_omni import shims

    shims.log(message, level)
    return ""


def _as_list(value: Any) -> Optional[list]:
    """A string or a list of them, split on spaces as dbt reads `--select "a b"` (a union), for every macro alike."""
    if value is None or value == "":
        return None
    return [part for entry in ([value] if isinstance(value, str) else value) for part in str(entry).split()]


class _MacrosFromDisk(Mapping):
    """manifest.json's macros, read only if a shared metric needs them and the running dbt's adapter
    holds no parsed manifest (shims.live_macros: a dbt version that keeps it elsewhere)."""

    def __init__(self, target_path: Path):
        self._path = target_path / "manifest.json"
        self._macros: Optional[dict] = None

    def _load(self) -> dict:
        if self._macros is None:
            from dbt_omni.manifests import load_json

            manifest = load_json(self._path, "manifest", "the manifest.json of this dbt project")
            self._macros = manifest.get("macros") or {}
        return self._macros

    def __getitem__(self, key):
        return self._load()[key]

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())


def macros_differ(adapter_type: str) -> str:
    """The error for macros of another commit than this Python package, though of its version ('' when
    they agree, or when this dbt keeps its parsed macros where we cannot look): _omni_python raises it
    before any macro calls a function that may take other arguments here, or not be here at all."""
    from dbt_omni import shims
    from dbt_omni.project import EDITED_MACROS, package_macros_digest, shipped_macros_digest

    digest, shipped = package_macros_digest(shims.live_macros(adapter_type)), shipped_macros_digest()
    if digest is None or shipped is None or digest == shipped:
        return ""
    return (f"dbt-omni: the dbt package (macros, from `dbt deps`) is not the commit of the dbt_omni Python package, "
            f"though both say version {VERSION} (a packages.yml revision such as main, and pip at another). Install "
            "both from the same checkout: `pip install dbt_packages/dbt_omni` after `dbt deps`. (Macros you edited in a "
            f"checkout of your own: {EDITED_MACROS})")


ARGUMENT_KINDS = {  # what each macro argument takes: YAML in --args gives "no" or 5 as easily as false
    "select": "selectors", "exclude": "selectors", "by": "dimensions", "output_dir": "text",
    "from_warehouse": "boolean", "force": "boolean",
}
EXPECTED = {"selectors": "a selector string or a list of them", "dimensions": "a dimension name or a list of them",
            "text": "a folder path (a string)", "boolean": "true or false"}


def tolerates_errors(adapter_type: str) -> bool:
    """on_error: warn in this command's settings (dbt_project.yml's block, --vars over it, env_var()
    rendered), for the on-run-end hook when it cannot export: the macros are of another version than
    this package, which may then read the settings otherwise. Settings that cannot be read do not
    tolerate: the hook fails, as the export would."""
    from dbt_omni import shims
    from dbt_omni.config import load_settings

    try:
        facts = shims.invocation(adapter_type)
        return load_settings(facts["project_dir"], facts["cli_vars"]).on_error == "warn"
    except Exception:  # noqa: BLE001 - a bad block: the hook goes on to fail with the install's message
        return False


def argument_problems(where: str, given: Mapping, arguments: Mapping) -> str:
    """The error for arguments a macro does not take or of the wrong type ('' when all are fine): Jinja's
    own names neither the valid arguments nor the closest one. where: how the user called the macro;
    given: its kwargs (the unknown ones); arguments: its own arguments and their values."""
    valid = list(arguments)
    problems = [
        Problem(f"{where}: no argument '{name}'", expected="one of " + ", ".join(valid), suggestion=closest(name, valid))
        for name in sorted(given)
    ]
    for name, value in arguments.items():
        kind = ARGUMENT_KINDS[name]
        fits = (isinstance(value, bool) if kind == "boolean"
                else value is None or isinstance(value, str) or (
                    kind in ("selectors", "dimensions") and isinstance(value, (list, tuple))
                    and all(isinstance(v, str) for v in value)))
        if not fits:
            problems.append(Problem(f"{where}: {name} is {json.dumps(value, default=str)}", expected=EXPECTED[kind]))
    return str(OmniExportError(problems)) if problems else ""


class _Call(NamedTuple):
    """What every macro entry point needs from its call: settings (with the macro's arguments laid
    over vars.dbt_omni), the invocation, the typed project's loader (catalog -> DbtProject), dbt's
    invocation facts (shims.invocation) and the macro's options."""
    settings: Any
    context: Any
    load: Callable
    facts: dict
    options: dict


def _setup(graph: Any, project_name: str, adapter_type: str, dbt_version: str, options: Optional[dict],
           arguments: str = "--args") -> _Call:
    """arguments: how messages name the macro's arguments: `--args` of run-operation, or the hook's call."""
    from dbt_omni import shims
    from dbt_omni.config import load_settings
    from dbt_omni.export import ExportContext
    from dbt_omni.manifests import from_manifest_dict

    options = dict(options or {})
    facts = shims.invocation(adapter_type)
    overrides = {
        "output_dir": options.get("output_dir"),
        "select": _as_list(options.get("select")),
        "exclude": _as_list(options.get("exclude")),
    }
    settings = load_settings(facts["project_dir"], facts["cli_vars"], overrides,
                             given_as={key: f"{arguments} {key}" for key in overrides})
    live = shims.live_manifest(adapter_type)
    manifest = {
        "nodes": dict(graph.get("nodes", {})),
        "sources": dict(graph.get("sources", {})),
        "macros": getattr(live, "macros", None) or _MacrosFromDisk(Path(facts["project_dir"]) / facts["target_path"]),
        "selectors": facts["selectors"],  # Jinja's graph has none
        "metadata": {"project_name": project_name, "adapter_type": adapter_type, "dbt_version": dbt_version},
    }
    for section in ("disabled", "functions"):  # nor disabled models (a join to one says so) nor functions (graph
        if isinstance(getattr(live, section, None), Mapping):  # selectors walk through them)
            manifest[section] = getattr(live, section)
    context = ExportContext.of_invocation(facts)
    return _Call(settings, context, lambda catalog: from_manifest_dict(manifest, catalog), facts, options)


def export_graph(graph, project_name, adapter_type, dbt_version, options=None, columns_from_warehouse=None,
                 automatic=False) -> MacroResult:
    """The omni_export macro and (automatic) the on-run-end hook: export from dbt's `graph`."""
    from dbt_omni.config import load_settings
    from dbt_omni.export import export, plugin_rewrite_warning, tolerated
    from dbt_omni.project import FROM_WAREHOUSE

    settings = output_dir = None
    try:
        settings, context, load, facts, options = _setup(graph, project_name, adapter_type, dbt_version, options,
                                                         "omni_on_run_end() argument" if automatic else "--args")
        output_dir = context.output_dir(settings)
        catalog = {"nodes": columns_from_warehouse, FROM_WAREHOUSE: True} if columns_from_warehouse is not None else None
        result = export(
            load,
            settings,
            context,
            catalog_path=context.catalog_path,
            catalog=catalog,
            force=bool(options.get("force")),
            warn_error=facts["warn_error"],
        )
        rewrite = not result.empty and plugin_rewrite_warning(
            settings, context, lambda: load_settings(facts["project_dir"], facts["cli_vars"]), context,
            from_warehouse=columns_from_warehouse is not None)
    except Exception as exc:  # noqa: BLE001 - a bug of ours too is one message, not a traceback
        exc = as_export_error(exc)
        message = tolerated(exc, settings, output_dir) if automatic else None
        if message:
            return MacroResult(ok=True, message=message, level="error")
        return MacroResult(ok=False, message=str(exc))
    return MacroResult(ok=True, message=result.summary(),
                       warnings=[WARNING + w for w in result.warnings + ([rewrite] if rewrite else [])])


def warehouse_columns(adapter, graph, project_name, adapter_type, dbt_version, options=None,
                      automatic=False) -> MacroResult:
    """from_warehouse: the columns of every exported relation, in catalog.json's shape, read through dbt's
    adapter here rather than in Jinja, so that a failing lookup is one dbt-omni message naming the relation
    (a warehouse that cannot be reached at all stops run-operation before this runs, with dbt's message).
    automatic (on-run-end): with on_error: warn a failure is data None and the message to log."""
    from dbt_omni.export import tolerated
    from dbt_omni.selection import select_models

    settings = output_dir = None
    try:
        call = _setup(graph, project_name, adapter_type, dbt_version, options,
                      "omni_on_run_end() argument" if automatic else "--args")
        settings = call.settings
        output_dir = call.context.output_dir(settings)
        models = select_models(call.load(None), settings)
        nodes = {}
        for model in models:
            where = f"{model.schema}.{model.table}"
            relation = _on_warehouse(f"looking up {where}", adapter.get_relation,
                                     database=model.database, schema=model.schema, identifier=model.table)
            if relation is None:
                raise OmniExportError(Problem(f"model {model.unique_id} has no relation {where} in the warehouse",
                                              key="from_warehouse", expected="dbt run before from_warehouse=true"))
            columns = _on_warehouse(f"reading the columns of {where}", adapter.get_columns_in_relation, relation)
            if not columns and adapter_type == "postgres":  # information_schema leaves materialized views out
                columns = _on_warehouse(f"reading the columns of {where} from pg_catalog", _pg_catalog_columns,
                                        adapter, relation)
            nodes[model.unique_id] = {"columns": {c.name: {"name": c.name, "type": c.data_type, "index": i}
                                                  for i, c in enumerate(columns, 1)}}
    except Exception as exc:  # noqa: BLE001 - a bug of ours too is one message, not a traceback
        exc = as_export_error(exc)
        message = tolerated(exc, settings, output_dir) if automatic else None
        if message:
            return MacroResult(ok=True, message=message, data=None, level="error")
        return MacroResult(ok=False, message=str(exc))
    return MacroResult(ok=True, message="", data=nodes)


class _CatalogColumn(NamedTuple):
    name: str
    data_type: str


# As dbt-postgres's catalog (dbt docs generate) reads columns: from pg_attribute, which has them for every kind
# of relation. The names are the relation's as get_relation found them (stored), as literals.
PG_CATALOG_COLUMNS_SQL = """select a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
from pg_catalog.pg_attribute a
join pg_catalog.pg_class c on c.oid = a.attrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = {schema} and c.relname = {table} and a.attnum > 0 and not a.attisdropped
order by a.attnum"""


def _pg_catalog_columns(adapter, relation) -> list:
    """A PostgreSQL relation's columns where information_schema.columns, which dbt-postgres's
    get_columns_in_relation reads, lists none: it leaves materialized views out."""
    def literal(text: str) -> str:
        return "'" + str(text).replace("'", "''") + "'"

    sql = PG_CATALOG_COLUMNS_SQL.format(schema=literal(relation.schema), table=literal(relation.identifier))
    _, table = adapter.execute(sql, auto_begin=False, fetch=True)
    return [_CatalogColumn(name, data_type) for name, data_type in table.rows]


def run_queries(adapter, checks: list, queries: list) -> MacroResult:
    """omni_verify: for each check, [dbt's SQL, Omni's SQL] -> [rows, rows], as run_query gives them; a
    query the warehouse refuses gives its message instead of rows, and the other checks still run (as
    dbt's run_query, without a transaction: on PostgreSQL a refused query fails no later one, tested)."""
    data = []
    try:
        for check, pair in zip(checks, queries, strict=True):
            grain = f"by {check['grain']}" if check["grain"] else "total"
            sides = []
            for side, sql in zip(("dbt's", "Omni's"), pair, strict=True):
                try:
                    sides.append(_on_warehouse(f"running {side} query of {check['measure']} ({grain})", adapter.execute,
                                               sql, auto_begin=False, fetch=True, expected=QUERY_REFUSED)[1])
                except OmniExportError as exc:
                    sides.append(str(exc))
            data.append(sides)
    except Exception as exc:  # noqa: BLE001 - a bug of ours too is one message, not a traceback
        return MacroResult(ok=False, message=str(internal_error(exc)))
    return MacroResult(ok=True, message="", data=data)


# What a refused verify query most often means: the relation is not as the export describes it.
QUERY_REFUSED = ("the relation as the export describes it: a column or table it lacks means a model changed or was "
                 "not built since the export (build it, export again), or the SQL is not this warehouse's; a lost "
                 "connection: check profiles.yml and that the database is up")


def _on_warehouse(what: str, call, *args, expected: str = "", **kwargs):
    """call(*args, **kwargs), with the warehouse's failure (no permission, a bad query) as one dbt-omni
    problem; any other exception is a bug of ours and is not dressed up as the warehouse's."""
    from dbt_omni import shims

    try:
        return call(*args, **kwargs)
    except shims.warehouse_errors() as exc:
        lines = [line.strip() for line in str(exc).splitlines()]  # dbt's "Database Error", then the reason
        reason = next((line for line in lines if line and not line.startswith(("Database Error", "Runtime Error"))),
                      type(exc).__name__)
        raise OmniExportError(Problem(f"the warehouse failed {what}: {reason}", key=None if expected else "target",
                                      expected=expected or "a warehouse this dbt target can reach (check profiles.yml "
                                      "and that the database is up), and SQL it accepts")) from None


def verify_plan(graph, project_name, adapter_type, dbt_version, options=None) -> MacroResult:
    """omni_verify: the pairs of queries (dbt's, Omni's) for every shared-metric measure."""
    from dbt_omni import verify
    from dbt_omni.export import read_dbt_project

    try:
        call = _setup(graph, project_name, adapter_type, dbt_version, options)
        options = call.options
        output_dir = call.context.output_dir(call.settings)
        project = read_dbt_project(call.load, call.context)
        checks = verify.plan(project, output_dir, _as_list(options.get("select")), _as_list(options.get("by")),
                             call.context.target_name)
    except Exception as exc:  # noqa: BLE001 - a bug of ours too is one message, not a traceback
        exc = as_export_error(exc)
        return MacroResult(ok=False, message=str(exc))
    if not checks:
        chosen = _as_list(options.get("select"))
        among = f" among the models selected by {', '.join(chosen)}" if chosen else ""
        return MacroResult(ok=False, message=f"dbt-omni verify: no shared-metric measures in {output_dir}{among}")
    return MacroResult(ok=True, message="", data=[vars(c) | {"relation_token": verify.RELATION} for c in checks])


def verify_report(checks, results) -> MacroResult:
    """omni_verify: compare the query results and format the table."""
    from dbt_omni import verify

    try:
        ok, text = verify.report([verify.Check(**{k: v for k, v in c.items() if k != "relation_token"}) for c in checks],
                                  results)
    except Exception as exc:  # noqa: BLE001 - a bug of ours too is one message, not a traceback
        return MacroResult(ok=False, message=str(internal_error(exc)))
    return MacroResult(ok=ok, message=f"dbt-omni verify: {text}")
