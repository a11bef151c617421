"""Omni model -> YAML text, laid out like the files Omni writes to git: one blank line between blocks.

Key order is fixed and maps are sorted, so the same project always gives the same bytes. The emitter
is our own because PyYAML's Python-level representer dominated export time on large projects; it
handles only the shapes we write (maps, lists, strings, numbers, booleans) and quotes any string
YAML could read as something else. tests/unit/test_yaml_text.py reads everything back with PyYAML.
"""
from __future__ import annotations

import functools
import operator
import re
from itertools import compress, repeat
from json.encoder import encode_basestring
from operator import is_not
from typing import Any, Optional

import yaml

from dbt_omni.omni_model import Dimension, OmniModel, Relationship, Topic, View

PLAIN_RE = re.compile(r"[A-Za-z0-9_$(][A-Za-z0-9_$ .,;/()*+=<>'!?&%@|{}\[\]^~-]*")
INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
# Omni's YAML loader is not known: these are text to PyYAML (YAML 1.1) but numbers, dates or booleans to
# YAML 1.2 loaders or to the 1.1 spec's own lists (go-yaml takes 0X1F and 1e_3; the spec's booleans y and n), so
# they are quoted too (found by fuzzing the writer against six loaders).
TYPED_TO_OTHER_LOADERS_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9_]*)?|0[oObBxX][0-9A-Fa-f_]*"
                              r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[yYnN]")
_resolver = yaml.resolver.Resolver()
MAX_IMPLICIT_KEY = 1024  # YAML's limit on a `key:` written without `?` (PyYAML refuses a longer one)
_NONES = repeat(None)  # map(is_not, values, _NONES): which values are set
SHORT_TEXT = 40  # at most this long: a name, key, label or format, which recur (cached); longer: a description


def _scalar(value: Any) -> str:
    """One scalar as YAML that reads back as the same value: plain where that is safe, else quoted."""
    if isinstance(value, str):
        return _string(value)
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, int):
        return repr(value)
    return _string(str(value))


def _float(value: float) -> str:
    """A float as YAML 1.1 (PyYAML) and 1.2 both read one: Python's `inf` and `1e-05` would be text there."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text


def _comment(text: str) -> str:
    """Text for a `#` comment line: a line break (or any other unprintable character) in a dbt name or
    path would end the comment and start YAML."""
    return text if text.isprintable() else "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _string(text: str) -> str:
    """Names, keys and formats repeat across a project, so each is decided once; descriptions rarely
    repeat, and caching them would only evict the names."""
    return _short_string(text) if len(text) <= SHORT_TEXT else _quoted_if_needed(text)


@functools.lru_cache(maxsize=1 << 14)
def _short_string(text: str) -> str:
    return _quoted_if_needed(text)


@functools.lru_cache(maxsize=1 << 14)
def _field_line(key: str, text: str) -> str:
    """A field's `key: value` line for a short text (labels, formats, group labels): the same few
    lines recur in thousands of fields; longer texts, descriptions, are rarely repeated (see _string).
    Texts only (the caller checks type(value) is str): as for _string_list, a cache key 1 equals True."""
    return f"    {key}: {_quoted_if_needed(text)}"


def _quoted_if_needed(text: str) -> str:
    if (  # the cheap checks first
        ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
        and not text.startswith(INDICATORS)
        and PLAIN_RE.fullmatch(text)
        and not TYPED_TO_OTHER_LOADERS_RE.fullmatch(text)
        and _resolver.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    ):
        return text
    quoted = encode_basestring(text)  # a JSON string is a valid YAML double-quoted scalar
    if quoted.isprintable():
        return quoted
    # YAML takes U+2028, U+0085... as line breaks where JSON keeps them raw: escape every non-printable.
    return "".join(c if c.isprintable() else f"\\U{ord(c):08x}" for c in quoted)


def _block_text(text: str, indent: str) -> Optional[str]:
    """Multi-line text as a `|` block (as Omni writes descriptions), when YAML can keep it exactly."""
    if text.endswith("\n\n") or text.startswith((" ", "\n")) or any(
        line != line.rstrip() or not line.isprintable() for line in text.split("\n")
    ):
        return None
    header = "|" if text.endswith("\n") else "|-"
    body = "".join(f"{indent}{line}\n" if line else "\n" for line in text.rstrip("\n").split("\n"))
    return header + "\n" + body


def _lead(key: Any, indent: str) -> str:
    """`key:`, or for a key longer than YAML lets a plain or quoted key be (1,024 characters) the
    explicit form, `? key` and `:` on a line of its own."""
    text = _scalar(key)
    return f"{indent}{text}:" if len(text) <= MAX_IMPLICIT_KEY else f"{indent}? {text}\n{indent}:"


def _emit(value: Any, indent: str, out: list) -> None:
    """Append the lines of a block mapping or sequence (value is a non-empty dict or list)."""
    items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
    for key, item in items:
        _item(key, item, indent, out)


def _item(key: Any, item: Any, indent: str, out: list) -> None:
    """Append one `key: value` (key None: one `- value` of a list)."""
    if type(item) is str and "\n" not in item:  # most values: one line, no recursion
        if key is None:
            out.append(f"{indent}- {_string(item)}")
        else:
            text = _scalar(key)
            out.append(f"{indent}{text}: {_string(item)}" if len(text) <= MAX_IMPLICIT_KEY
                       else f"{_lead(key, indent)} {_string(item)}")
        return
    child = indent + "  "
    lead = _lead(key, indent) if key is not None else f"{indent}-"
    if isinstance(item, (dict, list)) and item:
        if key is None and isinstance(item, dict):  # a mapping in a list: first key on the dash line
            nested: list = []
            _emit(item, child, nested)
            out.append(f"{indent}- " + nested[0][len(child):])
            out.extend(nested[1:])
        elif isinstance(item, list) and all(type(v) is str and "\n" not in v for v in item):
            out.append(lead)
            out.extend(_string_list(tuple(item), child))
        else:
            out.append(lead)
            _emit(item, child, out)
    elif isinstance(item, (dict, list)):
        out.append(f"{lead} {'{}' if isinstance(item, dict) else '[]'}")
    elif isinstance(item, str) and (block := _block_text(item, child)) is not None:
        out.append(f"{lead} {block}".rstrip("\n"))
    else:
        out.append(f"{lead} {_scalar(item)}")


def _one_line_texts(values: list) -> bool:
    try:
        return "\n" not in "".join(values)
    except TypeError:  # a number or a boolean among them
        return False


@functools.lru_cache(maxsize=1024)
def _string_list(items: tuple, indent: str) -> tuple:
    """The lines of a list of one-line texts (timeframes, tags: the same few lists in thousands of
    fields). Texts only: a cache key (1, 0) is equal to (True, False), and would give its lines."""
    return tuple(f"{indent}- {_string(v)}" for v in items)


VIEW_KEYS = ("schema", "table_name", "catalog", "label", "description", "hidden", "tags", "ai_context", "aliases",
             "required_access_grants", "custom_compound_primary_key_sql", "default_drill_fields")
DIMENSION_KEYS = ("sql", "label", "description", "primary_key", "hidden", "ignored", "format", "group_label",
                  "timeframes", "convert_tz", "tags", "synonyms", "aliases", "ai_context", "all_values",
                  "sample_values", "required_access_grants")
MEASURE_KEYS = ("sql", "aggregate_type", "percentile", "custom_primary_key_sql", "label", "description",
                "format", "group_label", "hidden", "filters", "drill_fields", "tags", "synonyms", "aliases",
                "ai_context", "sample_values", "required_access_grants")
# In the order Omni writes them (alphabetical: omni-examples/*/relationships.yaml), so a join saved from
# Omni's IDE changes no other entry's lines.
RELATIONSHIP_KEYS = ("join_from_view", "join_to_view", "join_to_view_as", "join_to_view_as_label", "join_type",
                     "on_sql", "relationship_type", "reversible", "where_sql")
EMPTY_WRITTEN = ("drill_fields", "default_drill_fields")  # [] is Omni's "no drill", not "unset"
# [] is a topic's way out of the model file's default_topic_access_filters / _required_access_grants
TOPIC_EMPTY_WRITTEN = ("access_filters", "required_access_grants")
TOPIC_KEYS = ("base_view", "label", "description", "group_label", "hidden", "fields", "joins",  # fields before joins, as Omni
              "default_filters", "always_where_sql", "always_where_filters", "access_filters", "ai_context", "ai_fields",
              "required_access_grants")


def _pick(obj: Any, keys: tuple, empty_written: tuple = EMPTY_WRITTEN) -> dict:
    """The set keys of obj in Omni's order; unset (None, False, empty but for empty_written) is left out."""
    out = {}
    for key in keys:
        value = getattr(obj, key)
        if value is None or value is False or ((value == [] or value == {}) and key not in empty_written):
            continue
        out[key] = value
    return out


def _yaml(data: Any) -> str:
    """A mapping or list as block YAML text, ending in a newline."""
    if not data:
        return ("{}" if isinstance(data, dict) else "[]") + "\n"
    out: list = []
    _emit(data, "", out)
    return "\n".join(out) + "\n"


def _fields_block(key: str, fields: list, keys: tuple) -> str:
    """Dimensions or measures: one map entry per field, a blank line between fields.

    200,000 fields at 10,000 models: the values come in one C call, unset (None) ones are dropped in
    C (compress), and the common one-line string value skips `_item`."""
    values_of = operator.attrgetter(*keys)
    out = [f"{key}:"]
    for field in fields:
        values = values_of(field)
        name = _string(field.name)
        out.append(f"  {name}:" if len(name) <= MAX_IMPLICIT_KEY else _lead(field.name, "  "))
        start = len(out)
        for name, value in compress(zip(keys, values, strict=True), map(is_not, values, _NONES)):
            if type(value) is str and "\n" not in value:  # the keys are plain words
                out.append(_field_line(name, value) if len(value) <= SHORT_TEXT
                           else f"    {name}: {_quoted_if_needed(value)}")
            elif type(value) is list and value and _one_line_texts(value):
                out.append(f"    {name}:")
                out.extend(_string_list(tuple(value), "      "))
            elif value is False:  # unset, but for Omni's one default-true key we write
                if name == "convert_tz":
                    out.append("    convert_tz: false")
            elif value == [] and name in EMPTY_WRITTEN:
                out.append(f"    {name}: []")
            elif value != {} and value != []:
                _item(name, value, "    ", out)
        if len(out) == start:
            out[-1] += " {}"
        out.append("")  # a blank line between fields; after the last, the final newline
    return "\n".join(out)


def view_text(view: View) -> str:
    lines = [f"# Reference this view as {view.name}",
             f"# Written by dbt-omni from {_comment(view.dbt_unique_id)}"
             f"{f' ({_comment(view.dbt_path)})' if view.dbt_path else ''}: "
             "change the dbt project, not this file."]
    if view.upstream:
        lines.append("# dbt upstream: " + _comment(", ".join(view.upstream)))
    blocks = [_yaml(_pick(view, VIEW_KEYS))]
    dimensions = view.dimensions
    if view.ignored_fields:
        dimensions = sorted([*dimensions, *(Dimension(name, ignored=True) for name in view.ignored_fields)],
                            key=operator.attrgetter("name"))
    if dimensions:
        blocks.append(_fields_block("dimensions", dimensions, DIMENSION_KEYS))
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
    data = _pick(topic, TOPIC_KEYS, TOPIC_EMPTY_WRITTEN)
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
