"""Which dbt models (seeds, snapshots) become Omni views: a small subset of dbt's node selection syntax.

With no `select`, the root project's models; a selector, as in dbt, also picks seeds and snapshots."""
from __future__ import annotations

import fnmatch
import posixpath

from dbt_omni.config import Settings
from dbt_omni.errors import OmniExportError, Problem, closest
from dbt_omni.project import RELATION_TYPES, DbtProject, Model

METHODS = ("tag", "path", "package", "resource_type")


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


def select_models(project: DbtProject, settings: Settings) -> list:
    """Selected, not excluded, not `ignore: true` models (seeds, snapshots), in unique_id order."""
    models = sorted(project.models.values(), key=lambda m: m.unique_id)
    if settings.select:
        models = [m for m in models if any(_matches(m, s, "vars.dbt_omni.select") for s in settings.select)]
    else:
        models = [m for m in models if m.package_name == project.project_name and m.resource_type == "model"]
    models = [m for m in models if not any(_matches(m, s, "vars.dbt_omni.exclude") for s in settings.exclude)]
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
        if any(_matches(m, selector, "vars.dbt_omni.select") for m in models):
            continue
        method, value = _split(selector)
        suggestion = closest(value, spellings[method]())
        hint = f"; did you mean '{method + ':' if method else ''}{suggestion}'?" if suggestion else ""
        warnings.append(f"select '{selector}' matches no exportable model{hint}")
    return warnings


def under_paths(model: Model, paths) -> bool:
    return any(_matches(model, f"path:{p}", "vars.dbt_omni.topics_from_paths") for p in paths)
