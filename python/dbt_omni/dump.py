"""Omni model -> YAML text, laid out like the files Omni writes to git: one blank line between blocks.

Key order is fixed and maps are sorted, so the same project always gives the same bytes.
"""
from __future__ import annotations

from typing import Any

import yaml

from dbt_omni.omni_model import OmniModel, Relationship, Topic, View

try:  # libyaml's emitter is ~6x faster on large projects (dbt-integration-notes.md)
    _Base = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeDumper


class _Dumper(_Base):
    """Multi-line text (descriptions, SQL) as `|` blocks, as Omni writes it."""


def _represent_str(dumper, text: str):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)

VIEW_KEYS = ("schema", "table_name", "label", "description", "hidden", "tags", "ai_context",
             "custom_compound_primary_key_sql")
DIMENSION_KEYS = ("sql", "label", "description", "primary_key", "hidden", "format", "group_label",
                  "timeframes", "tags", "synonyms", "ai_context")
MEASURE_KEYS = ("sql", "aggregate_type", "percentile", "custom_primary_key_sql", "label", "description",
                "format", "group_label", "hidden", "filters", "tags", "synonyms", "ai_context")
RELATIONSHIP_KEYS = ("join_from_view", "join_to_view", "join_to_view_as", "join_to_view_as_label",
                     "on_sql", "relationship_type", "join_type", "reversible", "where_sql")
TOPIC_KEYS = ("base_view", "label", "description", "group_label", "hidden", "joins", "fields",
              "default_filters", "always_where_sql", "always_where_filters", "access_filters", "ai_context")


def _pick(obj: Any, keys: tuple) -> dict:
    """The set keys of obj in Omni's order; unset (None, False, empty) is left out."""
    out = {}
    for key in keys:
        value = getattr(obj, key)
        if value is None or value is False or value == [] or value == {}:
            continue
        out[key] = value
    return out


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def _indent(text: str, spaces: int = 2) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def _fields_block(key: str, fields: list, keys: tuple) -> str:
    entries = [_yaml({f.name: _pick(f, keys) or {}}) for f in fields]
    return f"{key}:\n" + "\n".join(_indent(entry) for entry in entries)


def view_text(view: View) -> str:
    lines = [f"# Reference this view as {view.name}",
             f"# Written by dbt-omni from {view.dbt_unique_id} ({view.dbt_path}): change the dbt project, not this file."]
    if view.upstream:
        lines.append("# dbt upstream: " + ", ".join(view.upstream))
    blocks = [_yaml(_pick(view, VIEW_KEYS))]
    if view.dimensions:
        blocks.append(_fields_block("dimensions", view.dimensions, DIMENSION_KEYS))
    if view.measures:
        blocks.append(_fields_block("measures", view.measures, MEASURE_KEYS))
    return "\n".join(lines) + "\n" + "\n".join(blocks)


def relationships_text(relationships: list) -> str:
    if not relationships:
        return "[]\n"
    return "\n".join(_yaml([_relationship(r)]) for r in relationships)


def _relationship(rel: Relationship) -> dict:
    out = _pick(rel, RELATIONSHIP_KEYS)
    if rel.reversible is False:
        out["reversible"] = False
    return out


def topic_text(topic: Topic) -> str:
    data = _pick(topic, TOPIC_KEYS)
    return "\n".join(_yaml({key: value}) for key, value in data.items())


def model_text(model: OmniModel) -> str:
    data = {"included_schemas": model.model_file.included_schemas} if model.model_file.included_schemas else {}
    data.update({k: model.model_file.extra[k] for k in sorted(model.model_file.extra)})
    return "\n".join(_yaml({key: value}) for key, value in data.items()) if data else "{}\n"


def render(model: OmniModel) -> dict:
    """Relative path -> file text, for every file of the Omni model."""
    files = {"model.yaml": model_text(model), "relationships.yaml": relationships_text(model.relationships)}
    for view in model.views:
        files[view.path] = view_text(view)
    for topic in model.topics:
        files[topic.path] = topic_text(topic)
    return dict(sorted(files.items()))
