"""Which dbt models (seeds, snapshots, source tables) become Omni views: dbt's node selection syntax, as
dbt reads it.

With no `select`, the root project's models. A selector picks models, seeds, snapshots and source tables
by the methods dbt has for them (METHODS; a bare value is a path when it has a slash, a file name when it ends in .sql /
.py / .csv, else a qualified name: a model name, a folder such as `marts`, `staging.stripe`, wildcards);
`+` before or after it adds the parents or children (`+fct_orders`, `stg_orders+`, `2+fct_orders`), `@`
the children and all their parents, and a comma intersects (`tag:finance,path:models/marts`). The rules
follow dbt-core's own (dbt/graph/selector_methods.py); tests/integration checks them against `dbt ls`."""
from __future__ import annotations

import datetime
import math
import posixpath
import re
from collections import defaultdict
from enum import Enum
from fnmatch import fnmatchcase
from typing import Any, Iterable, Optional

from dbt_omni.config import Settings
from dbt_omni.errors import OmniExportError, Problem, closest
from dbt_omni.project import RELATION_TYPES, DbtProject, Model, lookup

METHODS = ("fqn", "tag", "path", "file", "package", "resource_type", "config", "group", "access", "version",
           "source", "selector")
NOT_SUPPORTED = ("state", "result", "source_status", "exposure", "metric", "semantic_model", "saved_query",
                 "test_name", "test_type", "unit_test")
VERSION_KINDS = ("latest", "prerelease", "old", "none")
# dbt's NodeType values: `resource_type:` takes only these (dbt stops on another); those not in RELATION_TYPES
# and `source` pick nothing to export.
DBT_RESOURCE_TYPES = ("model", "seed", "snapshot", "source", "analysis", "test", "unit_test", "operation",
                      "sql_operation", "rpc", "doc", "macro", "exposure", "metric", "semantic_model", "saved_query",
                      "group", "fixture", "function")
ALL_GENERATIONS = math.inf  # `+a`, or parents_depth: 0 in selectors.yml
GRAPH_RE = re.compile(r"(@)?(?:(\d*)\+)?(.+?)(?:\+(\d*))?")  # [@][n+]selector[+n]
WILDCARDS = ("*", "?", "[", "]")
# The keys of one criterion in selectors.yml; any other single key is the short form {method: value}.
CRITERIA_KEYS = {"method", "value", "parents", "parents_depth", "children", "children_depth", "childrens_parents",
                 "indirect_selection", "exclude"}


def _split(selector: str) -> tuple:
    """(method, arguments, value): `tag:finance` -> ("tag", [], "finance"), `config.materialized:table`
    -> ("config", ["materialized"], "table"); without a method, dbt's default for the value."""
    if ":" in selector:
        method, _, value = selector.partition(":")
        name, *arguments = method.split(".")
        return name, arguments, value
    if "/" in selector:
        return "path", [], selector
    if selector.lower().endswith((".sql", ".py", ".csv")):
        return "file", [], selector
    return "fqn", [], selector


def _matches(model: Model, selector: str, key: str, root: str, value: Any = None) -> bool:
    """Whether the selector (no graph operators) picks the model; root: the root project's name; value:
    a selectors.yml value as YAML gave it (`value: 1` is the number, as dbt compares it), else the text's."""
    method, arguments, text = _split(selector)
    value = text if value is None else value
    if method == "fqn":  # as in dbt, never a source table (`source:` names those)
        fqn = model.fqn or (model.package_name, model.name)
        return model.resource_type != "source" and _fqn_matches(fqn, value, model.version is not None)
    if method == "tag":
        return any(fnmatchcase(tag, value) for tag in model.tags)
    if method == "path":
        return _path_matches(model, value)
    if method == "file":
        name = posixpath.basename(model.path)
        return fnmatchcase(name, value) or fnmatchcase(posixpath.splitext(name)[0], value)
    if method == "package":
        return fnmatchcase(model.package_name, root if value == "this" else value)
    if method == "resource_type":
        if value not in DBT_RESOURCE_TYPES:  # dbt stops on it too
            raise OmniExportError(Problem(f"invalid selector 'resource_type:{value}'", key=key,
                                          expected="resource_type: model, seed, snapshot or source (dbt's "
                                          "other resource types have no table or view for Omni)",
                                          suggestion=(found := closest(str(value), DBT_RESOURCE_TYPES))
                                          and f"resource_type:{found}"))
        return model.resource_type == value
    if method == "config":  # `config:table` (no key) compares dbt's whole config: it picks nothing, as in dbt
        return bool(arguments) and _config_matches(model.config, arguments, value)
    if method == "group":
        group = _config_value(model.config, "group")
        return bool(group) and fnmatchcase(group, value)
    if method == "access":
        return model.resource_type == "model" and model.access == value
    if method == "version":
        return model.resource_type == "model" and _version_matches(model, value, key)
    if method in ("source", "selector"):
        return False  # _Selection looks these up: source tables (also those only read), named selectors
    not_supported = method in NOT_SUPPORTED  # dbt's run state, test or semantic-layer nodes: nothing to export
    written = ".".join((method, *arguments))  # `confg.materialized`: the suggestion keeps the key typed
    near = closest(method, METHODS)
    raise OmniExportError(
        Problem(
            f"selector method '{written}:' is not supported by dbt-omni" if not_supported
            else f"unknown selector method '{written}:'",
            key=key,
            expected="a model name, folder or path, or one of "
            + ", ".join(f"{m}:" if m != "config" else "config.<key>:" for m in METHODS),
            suggestion=".".join((near, *arguments)) + ":" if near else None,
        )
    )


def _fqn_matches(fqn: tuple, value: str, versioned: bool) -> bool:
    """dbt's qualified-name rule: the name itself, or the fqn's leading parts (with or without the package),
    dots splitting names, a wildcard matching the rest; a bare wildcard also matches the name alone."""
    return any(_fqn_part_matches(names, value, versioned) for names in (fqn, fqn[1:]) if len(names) > versioned)


def _fqn_part_matches(fqn: tuple, value: str, versioned: bool) -> bool:
    leaf = fqn[-2] if versioned else fqn[-1]
    if value == leaf or (versioned and "_".join(fqn[-2:]) == "_".join(value.split(".")[-2:])):
        return True  # a versioned model: `dim_customers`, `dim_customers.v2` or `dim_customers_v2`
    flat = [part for name in fqn for part in name.split(".")]
    wanted = value.split(".")
    if len(flat) < len(wanted):
        return False
    for index, part in enumerate(wanted):
        if any(w in part for w in WILDCARDS):
            if fnmatchcase(".".join(flat[index:]), ".".join(wanted[index:])):
                return True
            return "." not in value and fnmatchcase(leaf, value)
        if flat[index] != part:
            return False
    return True


def _path_matches(model: Model, pattern: str) -> bool:
    """dbt globs the pattern in the project and picks a node whose file, YAML file or any folder above
    its file is among the matches."""
    wanted = posixpath.normpath(pattern.strip("/")).split("/")
    parts = model.path.split("/")
    if not any(c in pattern for c in "*?["):  # no wildcard: _glob is equality, so a leading folder (or the file)
        return parts[:len(wanted)] == wanted or bool(model.yaml_path) and model.yaml_path.split("/") == wanted
    if any(_glob(wanted, parts[:end]) for end in range(1, len(parts) + 1)):
        return True
    return bool(model.yaml_path) and _glob(wanted, model.yaml_path.split("/"))


def _glob(pattern: list, parts: list) -> bool:
    """Path.glob's rule for one path: `*` within a name, `**` any number of folders."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_glob(pattern[1:], parts[start:]) for start in range(len(parts) + 1))
    return bool(parts) and fnmatchcase(parts[0], pattern[0]) and _glob(pattern[1:], parts[1:])


def _config_matches(config: Any, keys: list, value: Any) -> bool:
    """dbt's config.<key>:<value>: the configured value equals it (true / false for booleans), or a
    configured list holds it (value: text, or from selectors.yml any YAML scalar)."""
    found = config
    for key in keys:
        found = _config_value(found, key)
        if found is None:
            return False
    flag = {"true": True, "false": False}.get(str(value).lower())
    if isinstance(found, list):
        return value in found or (flag is not None and flag in found)
    return found == value or (flag is not None and found is flag)


def _version_matches(model: Model, kind: str, key: str) -> bool:
    """dbt's version:latest / prerelease / old / none (versions compare as numbers where they are)."""
    if kind not in VERSION_KINDS:
        raise OmniExportError(Problem(f"invalid selector 'version:{kind}'", key=key,
                                      expected="version:" + ", version:".join(VERSION_KINDS),
                                      suggestion=(found := closest(kind, VERSION_KINDS)) and f"version:{found}"))
    version, latest = model.version, model.latest_version
    if kind == "none" or version is None or latest is None:
        return kind == "none" and version is None
    if kind == "latest":
        return version == latest
    if "0" in (version, latest):  # dbt asks `node.version and node.latest_version`: version 0 is neither old nor new
        return False
    try:
        older = float(version) < float(latest)
    except ValueError:
        older = version < latest
    return older if kind == "old" else version != latest and not older


def _config_value(config: Any, key: str) -> Any:
    """config[key] of a manifest dict, or of dbt's config object: an attribute, else (a key that is not
    one of dbt's own, e.g. `owner`) an item."""
    if isinstance(config, dict):
        return config.get(key)
    value = getattr(config, key, None)
    if value is None and hasattr(config, "get"):
        value = config.get(key)
    return _as_written(value)


def _as_written(value: Any) -> Any:
    """A value of dbt's config object as manifest.json writes it, so the plugin (which reads the objects)
    selects as the other triggers do: dbt keeps some values as a plain Enum (1.12's on_error, a freshness'
    updates_on) or a datetime (a microbatch model's begin)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, list):
        return [_as_written(item) for item in value]
    return value


def _source_ids(project: DbtProject, value: str, key: str) -> set:
    """The source tables (`source.<package>.<source>.<table>`) that `source:<value>` names: those the
    project declares, and those models read (in case a manifest lacks its sources)."""
    wanted = value.split(".")
    if not 1 <= len(wanted) <= 3:
        raise OmniExportError(Problem(f"invalid source selector 'source:{value}'", key=key,
                                      expected="source:<source>, source:<source>.<table> or "
                                      "source:<package>.<source>.<table>"))
    if len(wanted) == 1:
        wanted = ["*", wanted[0], "*"]  # every table of the source, in any package
    elif len(wanted) == 2:
        wanted = ["*", *wanted]
    found = set()
    parents = [m.depends_on for m in (*project.models.values(), *project.ephemeral_models.values())]
    declared = {m.unique_id for m in project.models.values() if m.resource_type == "source"}
    for uid in declared | {uid for deps in parents for uid in deps if uid.startswith("source.")}:
        names = uid.split(".", 3)[1:]
        if len(names) == 3 and all(map(fnmatchcase, names, wanted)):
            found.add(uid)
    return found


def _graph(selector: str) -> tuple:
    """(selector, parents' depth, children's depth, @) of dbt's graph operators; a depth is None where no
    `+` asks for that side: `+a` (ALL_GENERATIONS, None), `2+a` (2, None), `a+1` (None, 1), `0+a` (0, None)."""
    match = GRAPH_RE.fullmatch(selector)
    if match is None:  # the empty selector
        return selector, None, None, False
    at, up, base, down = match.groups()
    return base, _depth(up), _depth(down), bool(at)


def _depth(digits: Optional[str]) -> Optional[float]:
    """`+`'s depth as dbt reads it: none written, all generations; 0, none (`0+a` is `a`)."""
    if digits is None:
        return None
    return int(digits) if digits else ALL_GENERATIONS


def _walk(start: set, edges: dict, depth: float) -> set:
    """Every node reachable from start along edges in at most depth steps."""
    found, frontier, step = set(), set(start), 0
    while frontier and step < depth:
        frontier = {n for node in frontier for n in edges.get(node, ())} - found
        found |= frontier
        step += 1
    return found


def _edges(project: DbtProject) -> tuple:
    """(parents, children) of every node, as dbt walks its graph: through ephemeral models, from sources and
    functions, and to tests, exposures and the rest (dependents), whose other parents `@` takes along."""
    parents = {m.unique_id: m.depends_on for m in (*project.models.values(), *project.ephemeral_models.values(),
                                                   *project.functions.values())}
    for node in project.dependents:
        parents[lookup(node, "unique_id")] = tuple(lookup(lookup(node, "depends_on"), "nodes", ()))
    children: dict = defaultdict(list)
    for node, deps in parents.items():
        for dep in deps:
            children[dep].append(node)
    return parents, children


def selected_ids(project: DbtProject, selectors: Iterable[str], key: str) -> set:
    """The unique ids the selectors pick (a union; a comma inside one intersects), with parents and
    children where `+` or `@` ask for them (source tables too: ids of relations, exported or not)."""
    return _Selection(project, key).union(selectors)


def _is_exclusion(part: Any) -> bool:
    """An `exclude:` entry of a selectors.yml union or intersection."""
    return isinstance(part, dict) and "exclude" in part


class _Selection:
    """Selectors evaluated over one project: the graph's edges are made once, on the first `+` or `@`."""

    def __init__(self, project: DbtProject, key: str):
        self.project, self.key = project, key
        self.edges: Optional[tuple] = None
        self.named_open: tuple = ()  # the YAML selectors being evaluated: a cycle is an error, not a recursion

    def union(self, selectors: Iterable[str]) -> set:
        chosen: set = set()
        for selector in selectors:
            chosen |= set.intersection(*map(self.spec, selector.split(",")))
        return chosen

    def spec(self, selector: str) -> set:
        """One selector of the command-line syntax, without commas: [@][n+]method:value[+n]."""
        base, up, down, at = _graph(selector)
        return self.walk(selector, self.base(base), up, down, at)

    def base(self, base: str, value: Any = None) -> set:
        """The nodes one selector without graph operators picks (value: as in _matches); ephemeral models
        and functions too, which have no view, but from which `+` walks on."""
        method, _, text = _split(base)
        if method == "source":
            return _source_ids(self.project, text, self.key)
        if method == "selector":
            return self.named(text)
        root, project = self.project.project_name, self.project
        return {m.unique_id for nodes in (project.models, project.ephemeral_models, project.functions)
                for m in nodes.values() if _matches(m, base, self.key, root, value)}

    def walk(self, selector: str, found: set, up: Optional[int], down: Optional[int], at: bool) -> set:
        if at and down is not None:
            raise OmniExportError(Problem(f"invalid selector '{selector}': the @ prefix and a + suffix cannot be "
                                          "used together", key=self.key, expected="@model, or model+"))
        if up is None and down is None and not at:
            return found
        self.edges = self.edges or _edges(self.project)
        parents, children = self.edges
        walked = set(found)  # both walks start at what the selector names: +a+ is not the children of a's parents
        if up is not None:
            walked |= _walk(found, parents, up)
        if down is not None:
            walked |= _walk(found, children, down)
        if at:  # the children, and every parent of each (what building the children needs)
            descendants = found | _walk(found, children, ALL_GENERATIONS)
            walked |= descendants | _walk(descendants, parents, ALL_GENERATIONS)
        return walked

    def named(self, name: str) -> set:
        """`selector:<name>`: a selector of the project's selectors.yml, as dbt keeps it in the manifest."""
        selectors = self.project.selectors
        if name not in selectors:
            raise OmniExportError(Problem(f"no selector '{name}' in selectors.yml", key=self.key,
                                          expected="one of " + ", ".join(sorted(selectors)) if selectors else
                                          "a selector of the project's selectors.yml (this project defines none)",
                                          suggestion=closest(name, selectors)))
        if name in self.named_open:
            raise OmniExportError(Problem(f"selector '{name}' refers to itself", key=self.key,
                                          expected="selectors.yml without a cycle"))
        self.named_open += (name,)
        outer, self.key = self.key, f"selectors.yml: {name}.definition"  # errors below point into selectors.yml
        try:
            return self.definition(selectors[name].get("definition"), name)
        finally:
            self.named_open, self.key = self.named_open[:-1], outer

    def definition(self, definition: Any, name: str) -> set:
        """dbt's YAML selector grammar: a selector string; {method, value, parents, children, ...} or the
        short {method: value}; union / intersection lists, where an `exclude` entry is taken away."""
        if isinstance(definition, str):
            return self.union([definition])
        if not isinstance(definition, dict) or not definition:
            raise self.malformed(name, definition)
        for operator in ("union", "intersection"):
            if operator in definition:
                parts = definition[operator] or []
                excluded = [p for p in parts if _is_exclusion(p)]
                found = [self.definition(p, name) for p in parts if not _is_exclusion(p)]
                chosen = (set.union if operator == "union" else set.intersection)(*found) if found else set()
                return chosen - self.excluded(excluded, name)
        if "method" in definition and "value" in definition:
            method, value = definition["method"], definition["value"]
        elif len(definition) == 1 and not CRITERIA_KEYS.intersection(definition):
            (method, value), = definition.items()
        else:
            raise self.malformed(name, definition)

        def depth(flag: str, key: str) -> Optional[float]:  # here 0, as no depth, is all generations (dbt's _match_to_int)
            return (int(definition[key]) if definition.get(key) else ALL_GENERATIONS) if definition.get(flag) else None

        base = f"{method}:{str(value).lower() if isinstance(value, bool) else value}"
        typed = value if str(method).partition(".")[0] == "config" else None  # dbt compares only config values as given
        found = self.walk(base, self.base(base, typed), depth("parents", "parents_depth"),
                          depth("children", "children_depth"), bool(definition.get("childrens_parents")))
        return found - self.excluded([definition] if "exclude" in definition else [], name)

    def excluded(self, entries: list, name: str) -> set:
        return set().union(*(self.definition(d, name) for entry in entries for d in entry["exclude"] or []))

    def malformed(self, name: str, definition: Any) -> OmniExportError:
        return OmniExportError(Problem(f"selector '{name}' has a definition dbt-omni cannot read: {definition!r}",
                                       key=self.key, expected="dbt's selectors.yml syntax (method/value, union, "
                                       "intersection, exclude)"))


def select_models(project: DbtProject, settings: Settings, among: Optional[Iterable[Model]] = None) -> list:
    """The root project's models, or what `select` picks (seeds, snapshots and sources too); minus
    `exclude` and `ignore: true`; with only_with_meta, only those with a meta.omni block (on the model or a
    column); in unique_id order. among: other candidates than the project's relations (its ephemeral
    models, to tell which of them the selection means)."""
    models = sorted(project.models.values() if among is None else among, key=lambda m: m.unique_id)
    if settings.select:
        chosen = selected_ids(project, settings.select, settings.key("select"))
        models = [m for m in models if m.unique_id in chosen]
    else:
        models = [m for m in models if m.package_name == project.project_name and m.resource_type == "model"]
    if settings.exclude:
        excluded = selected_ids(project, settings.exclude, settings.key("exclude"))
        models = [m for m in models if m.unique_id not in excluded]
    models = [m for m in models if m.omni.get("ignore") is not True]  # "false" (text): checked, not skipped
    if settings.only_with_meta:
        models = [m for m in models if m.omni or any(c.omni for c in m.columns.values())]
    return models


PACKAGE_FOLDERS = ("dbt_packages", "dbt_modules")  # where `dbt deps` installs packages (the latter before dbt 1.0)


def unmatched_selectors(project: DbtProject, settings: Settings) -> list:
    """A warning for each `select` or `exclude` entry that matches no model, with the closest spelling,
    as dbt warns for its own selectors: a typo in one of them should not pass unnoticed (a misspelt
    exclude exports what it was meant to keep out)."""
    models = list(project.models.values())
    root = project.project_name
    spellings = {  # the valid spellings by method, gathered only for a selector that matched nothing
        "fqn": lambda: {m.name for m in models} | {part for m in models for part in m.fqn[1:-1]},
        "tag": lambda: {t for m in models for t in m.tags},
        "group": lambda: {g for m in models if (g := _config_value(m.config, "group"))},
        "access": lambda: {"private", "protected", "public"},
        "package": lambda: {m.package_name for m in models},
        "resource_type": lambda: (*RELATION_TYPES, "source"),
        "file": lambda: {posixpath.basename(m.path) for m in models},
        "path": lambda: {folder for m in models for folder in _folders(m.path)} | {m.path for m in models},  # see _closest
        "source": lambda: {name for m in models for uid in (*m.depends_on, m.unique_id) if uid.startswith("source.")
                           for name in (uid.split(".")[2], ".".join(uid.split(".", 3)[2:]))},  # source, source.table
    }
    ephemeral = {m.name for m in project.ephemeral_models.values()}
    functions = {m.name for m in project.functions.values()}
    unexported = [*project.ephemeral_models.values(), *project.functions.values()]
    warnings = []
    for setting, selector in [*(("select", s) for s in settings.select), *(("exclude", s) for s in settings.exclude)]:
        if selected_ids(project, [selector], settings.key(setting)) & project.models.keys():
            continue
        hint = ""
        for part in selector.split(","):  # the closest spelling of a part that matches nothing by itself
            base = _graph(part)[0]
            method, arguments, value = _split(base)
            if not any(_matches(m, base, settings.key(setting), root) for m in models):
                if method == "fqn" and value in ephemeral:
                    hint = f"; {value} is ephemeral: no table or view for Omni to read"
                    break
                if method == "fqn" and value in functions:
                    hint = f"; {value} is a function (a UDF): no table or view for Omni to read ({value}+ selects what uses it)"
                    break
                if method == "fqn" and value in project.disabled_models:
                    hint = f"; {value} is disabled (enabled: false): dbt builds no table or view for it"
                    break
                if method == "fqn" and (kind := _other_node_kinds(project).get(value)):
                    hint = f"; {value} is {'an' if kind[0] in 'aeiou' else 'a'} {kind.replace('_', ' ')}, which dbt builds no table or view for"
                    break
                if any(_matches(m, base, settings.key(setting), root) for m in unexported):
                    hint = (f"; it picks only ephemeral models or functions: no table or view for Omni to read "
                            f"({base}+ selects what uses them)")
                    break
                if method == "config" and not arguments:
                    hint = "; config: takes the key to compare, as in config.materialized:table"
                    break
                suggestion = _closest(method, value, spellings.get(method, set)())
                prefix = base.partition(":")[0] + ":" if ":" in base else ""
                hint = f"; did you mean '{prefix}{suggestion}'?" if suggestion and suggestion != value else ""
                break
        warnings.append(f"{setting} '{selector}' matches no exportable model{hint}")
    for folder in settings.topics_from_paths:  # a typo here gives no topic, and nothing else would say so
        if not any(under_paths(m, [folder]) for m in models):
            suggestion = _closest("path", folder.partition(":")[2] if ":" in folder else folder, spellings["path"]())
            hint = f"; did you mean '{suggestion}'?" if suggestion and suggestion != folder else ""
            if ":" in folder:
                hint = "; it takes folders (models/marts), not selectors" + (f": '{suggestion}'?" if suggestion else "")
            parts = folder.removeprefix("./").strip("/").split("/")
            if len(parts) > 1 and parts[0] in PACKAGE_FOLDERS and parts[1] in {m.package_name for m in models} - {root}:
                hint = (f"; a package's paths are its own, as dbt's path: selector reads them: "
                        f"'{'/'.join(parts[2:]) or 'models'}' (which is that folder in every project)")
            warnings.append(f"topics_from_paths '{folder}' holds no model{hint}")
    return warnings


def _other_node_kinds(project: DbtProject) -> dict:
    """name -> resource type of the nodes no selector of ours exports (analyses, exposures, metrics, ...)."""
    kinds = {}
    for node in project.dependents:
        name, kind = lookup(node, "name"), lookup(node, "resource_type")
        kind = str(getattr(kind, "value", kind) or "")  # dbt's objects hold a NodeType
        if isinstance(name, str) and kind and kind not in ("test", "unit_test"):
            kinds.setdefault(name, kind)
    return kinds


def _closest(method: str, value: str, spellings: set) -> Optional[str]:
    """A path is compared by its last part among the paths beside it: the shared `models/` of any two
    paths would otherwise make every path look like a typo of every other."""
    if method != "path":
        return closest(value, spellings)
    parent, _, leaf = value.strip("/").rpartition("/")
    found = closest(leaf, {s.rpartition("/")[2] for s in spellings if s.rpartition("/")[0] == parent})
    return found and posixpath.join(parent, found)


def _folders(path: str) -> list:
    """models/marts/core/x.sql -> models, models/marts, models/marts/core."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def under_paths(model: Model, paths) -> bool:
    return any(_matches(model, f"path:{p}", "vars.dbt_omni.topics_from_paths", "") for p in paths)
