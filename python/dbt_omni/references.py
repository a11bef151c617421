"""Every ${field} and ${view.field} we write must name a field that exists, or Omni breaks later."""
from __future__ import annotations

import re

from dbt_omni.errors import OmniExportError, Problem, closest

REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?(?:\[[a-z_]+\])?\}")


def references(sql: str) -> list:
    """(view or None, field) for each ${...} in sql."""
    return [(b and a, b or a) for a, b in REF_RE.findall(sql or "")]


def check_references(views: list, relationships: list, models_by_id: dict) -> None:
    fields = {v.name: {f.name for f in v.dimensions} | {m.name for m in v.measures} for v in views}
    problems = []

    def check(sql: str, own_view, model, key: str) -> None:
        for view_name, field in references(sql):
            view_name = view_name or (own_view.name if own_view else None)
            known = fields.get(view_name)
            if known is None or field in known:
                continue
            problems.append(
                Problem(
                    f"${{{field}}} is not a field of {view_name}",
                    file=model.meta_file if model else None,
                    model=model.name if model else None,
                    key=key,
                    expected="a column, dimension or measure of that view",
                    suggestion=closest(field, known),
                )
            )

    for view in views:
        model = models_by_id.get(view.dbt_unique_id)
        for dimension in view.dimensions:
            check(dimension.sql, view, model, f"dimension {dimension.name}.sql")
        for measure in view.measures:
            check(measure.sql, view, model, f"measure {measure.name}.sql")
    by_name = {v.name: v for v in views}
    for rel in relationships:
        source = by_name.get(rel.join_from_view)
        model = models_by_id.get(source.dbt_unique_id) if source else None
        check(rel.on_sql, None, model, f"relationship {rel.join_from_view} -> {rel.join_to_view} on_sql")
    if problems:
        raise OmniExportError(problems)
