"""Shared metric macros rendered into Omni measures (issue 3; in progress)."""
from __future__ import annotations

from dbt_omni.errors import OmniExportError, Problem


def uses_metrics(project) -> bool:
    for model in project.models.values():
        blocks = list((model.omni.get("measures") or {}).values())
        for column in model.columns.values():
            blocks += list((column.omni.get("measures") or {}).values())
        if any(isinstance(b, dict) and b.get("metric") for b in blocks):
            return True
    return False


def macros_fingerprint(project) -> str:
    return ""


def metric_measures(mapper, model, name, block, key):
    raise OmniExportError(Problem("shared metrics are not supported yet", file=model.meta_file, model=model.name, key=key))
