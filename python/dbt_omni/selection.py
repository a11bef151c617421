"""Which dbt models (seeds, snapshots) become Omni views: a small subset of dbt's node selection syntax.

With no `select`, the root project's models; a selector, as in dbt, also picks seeds and snapshots,
`+` before or after it adds the parents or children (`+fct_orders`, `stg_orders+`, `2+fct_orders`), and
a comma intersects (`tag:finance,path:models/marts`)."""
from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import defaultdict
from typing import Iterable, Optional

from dbt_omni.config import Settings
from dbt_omni.errors import OmniExportError, Problem, closest
from dbt_omni.project import RELATION_TYPES, DbtProject, Model

METHODS = ("tag", "path", "package", "resource_type")
GRAPH_RE = re.compile(r"(?:(\d*)\+)?(.+?)(?:\+(\d*))?")  # [n]+selector+[n]


def _split(selector: str) -> tuple:
    """(method, value): `tag:finance` -> ("tag", "finance"); a bare model name has no method."""
    method, _, value = selector.partition(":") if ":" in selector else ("", "", selector)
    return method, value


def _matches(model: Model, selector: str, key: str) -> bool:
    method, value = _split(selector)
    if method == "tag":
        return value in model.tags
    if method == "path":
        wanted = posixpath.normpath(value.strip("/"))
        return model.path == wanted or model.path.startswith(wanted + "/")
    if method == "package":
        return model.package_name == value
    if method == "resource_type":
        return model.resource_type == value
    if method:
        raise OmniExportError(
            Problem(
                f"unknown selector method '{method}:'",
                key=key,
                expected="a model name, or one of " + ", ".join(f"{m}:" for m in METHODS),
                suggestion=(closest(method, METHODS) or "") + ":" if closest(method, METHODS) else None,
            )
        )
    return fnmatch.fnmatchcase(model.name, value)


def _graph(selector: str) -> tuple:
    """(selector, parents' depth, children's depth) of dbt's graph operators; a depth is None where no
    `+` asks for that side, and 0 for all generations: `+a` (0, None), `2+a` (2, None), `a+1` (None, 1)."""
    match = GRAPH_RE.fullmatch(selector)
    if match is None:  # the empty selector
        return selector, None, None
    up, base, down = match.groups()
    return base, None if up is None else int(up or 0), None if down is None else int(down or 0)


def _walk(start: set, edges: dict, depth: int) -> set:
    """Every node reachable from start along edges in at most depth steps (0: any number)."""
    found, frontier, step = set(), set(start), 0
    while frontier and (depth == 0 or step < depth):
        frontier = {n for node in frontier for n in edges.get(node, ())} - found
        found |= frontier
        step += 1
    return found


def _edges(project: DbtProject) -> tuple:
    """(parents, children) of every node, through ephemeral models too, as dbt walks its graph."""
    parents = {m.unique_id: m.depends_on for m in project.models.values()}
    parents.update({uid: deps for uid, (_, deps) in project.ephemeral_models.items()})
    children: dict = defaultdict(list)
    for node, deps in parents.items():
        for dep in deps:
            children[dep].append(node)
    return parents, children


def _chosen(project: DbtProject, selectors: Iterable[str], key: str) -> set:
    """The unique ids the selectors pick (a union; a comma inside one intersects), with parents and
    children where `+` asks for them."""
    edges: Optional[tuple] = None  # made on the first `+`

    def pick(selector: str) -> set:
        nonlocal edges
        base, up, down = _graph(selector)
        found = {m.unique_id for m in project.models.values() if _matches(m, base, key)}
        if up is None and down is None:
            return found
        edges = edges or _edges(project)
        parents, children = edges
        walked = set(found)  # both walks start at what the selector names: +a+ is not the children of a's parents
        if up is not None:
            walked |= _walk(found, parents, up)
        if down is not None:
            walked |= _walk(found, children, down)
        return walked

    chosen: set = set()
    for selector in selectors:
        chosen |= set.intersection(*map(pick, selector.split(",")))
    return chosen


def select_models(project: DbtProject, settings: Settings) -> list:
    """Selected, not excluded, not `ignore: true` models (seeds, snapshots), in unique_id order."""
    models = sorted(project.models.values(), key=lambda m: m.unique_id)
    if settings.select:
        chosen = _chosen(project, settings.select, "vars.dbt_omni.select")
        models = [m for m in models if m.unique_id in chosen]
    else:
        models = [m for m in models if m.package_name == project.project_name and m.resource_type == "model"]
    if settings.exclude:
        excluded = _chosen(project, settings.exclude, "vars.dbt_omni.exclude")
        models = [m for m in models if m.unique_id not in excluded]
    models = [m for m in models if not m.omni.get("ignore")]
    if settings.only_with_meta:
        models = [m for m in models if m.omni or any(c.omni for c in m.columns.values())]
    return models


def unmatched_selectors(project: DbtProject, settings: Settings) -> list:
    """A warning for each `select` entry that matches no model, with the closest spelling, as dbt warns
    for its own selectors: a typo in one of them should not pass unnoticed."""
    models = list(project.models.values())
    spellings = {  # the valid spellings by method, gathered only for a selector that matched nothing
        "": lambda: {m.name for m in models},
        "tag": lambda: {t for m in models for t in m.tags},
        "package": lambda: {m.package_name for m in models},
        "resource_type": lambda: RELATION_TYPES,
        "path": set,
    }
    warnings = []
    for selector in settings.select:
        if _chosen(project, [selector], "vars.dbt_omni.select"):
            continue
        hint = ""
        for part in selector.split(","):  # the closest spelling of a part that matches nothing by itself
            base = _graph(part)[0]
            if not any(_matches(m, base, "vars.dbt_omni.select") for m in models):
                method, value = _split(base)
                suggestion = closest(value, spellings[method]())
                hint = f"; did you mean '{method + ':' if method else ''}{suggestion}'?" if suggestion else ""
                break
        warnings.append(f"select '{selector}' matches no exportable model{hint}")
    return warnings


def under_paths(model: Model, paths) -> bool:
    return any(_matches(model, f"path:{p}", "vars.dbt_omni.topics_from_paths") for p in paths)
