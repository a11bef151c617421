"""The meta.omni contract: a JSON Schema shipped in the package, and errors a user can act on."""
from __future__ import annotations

import functools
import json
import math
import re
from importlib import resources
from typing import Any, Optional

from dbt_omni.errors import Problem, closest

# Names other tools give an enum value, for a suggestion too far from Omni's spelling for closest().
ALIASES = {"left": "always_left", "left_outer": "always_left", "left_join": "always_left", "full": "full_outer",
           "inner_join": "inner", "avg": "average", "mean": "average", "distinct_count": "count_distinct",
           "countd": "count_distinct", "count_unique": "count_distinct", "many-to-one": "many_to_one",
           "one-to-many": "one_to_many", "one-to-one": "one_to_one", "many-to-many": "many_to_many",
           "day": "date",  # Lightdash's time interval DAY is Omni's timeframe date, and its numbered parts:
           "day_of_week_index": "day_of_week_num", "quarter_num": "quarter_of_year", "day_of_month_num": "day_of_month",
           "day_of_year_num": "day_of_year", "hour_of_day_num": "hour_of_day", "year_num": "year",
           "has_many": "one_to_many", "hasmany": "one_to_many", "belongs_to": "many_to_one",  # Cube's, Rails'
           "belongsto": "many_to_one", "has_one": "one_to_one", "hasone": "one_to_one"}
# Values of other tools where the closest spelling would mislead: what to write instead.
VALUE_HINTS = {"percent_of_total": " (LookML's percent_of_total is no Omni aggregate: Omni computes a percent of "
                                   "total in a query)",
               "number": " (LookML's type: number is a measure with sql alone, over other measures, and no "
                         "aggregate_type)",
               "week_num": " (Omni has no week-of-year timeframe: week is the week's first day)"}
# Keys other tools' meta blocks use (Lightdash, dbt2looker, dbt-metabase, LookML), for a suggestion closest() cannot make:
# the first of Omni's keys that is valid at that place (its first part, for `topic.x`), else none: the
# closest spelling would mislead (Lightdash's column `dimension:` is not `description`).
KEY_ALIASES = {"sql_on": ("on_sql",), "join": ("to", "joins"), "relationship": ("relationship_type",),
               "type": ("aggregate_type", "join_type"), "metrics": ("measures",), "time_intervals": ("timeframes",),
               "ai_hint": ("ai_context",), "value_format_name": ("format",), "groups": ("group_label",),
               "sql_where": ("always_where_sql", "topic.always_where_sql"),
               "sql_filter": ("always_where_sql", "topic.always_where_sql"), "primary_keys": ("primary_key",),
               "explore": ("topic",), "alias": ("aliases",), "dimension": ("dimensions",),
               "additional_dimensions": ("dimensions",),
               "show_underlying_values": ("drill_fields", "default_drill_fields"),
               "round": ("format",), "compact": ("format",), "display_name": ("label",),
               "visibility_type": ("hidden",), "join_to_view": ("to",), "ignored": ("ignore",),
               "drill_fields": ("default_drill_fields",),  # a measure's, which a model has as default_drill_fields
               "required_attributes": ("required_access_grants",)}  # Lightdash's: Omni's grants, defined in the model file
# Omni's own parameters that the contract does not take (../shared/omni-format.md lists them): the closest
# spelling would be another parameter (groups is not group_label, suggestion_list not all_values), so say so.
OMNI_ONLY = frozenset((
    "always_having_filters", "always_having_sql", "base_view_label", "bin_boundaries", "cache_policy",
    "custom_compound_primary_key_sql",
    "colors", "custom_primary_key_sql_for_quick_aggs", "display_order", "drill_queries", "duration",
    "dynamic_top_n", "filter_single_select_only", "folder", "groups", "ignore_from_extended", "join_from_view",
    "join_from_view_as", "join_from_view_as_label", "level_of_detail", "links", "order_by_field", "owners",
    "relationships", "sample_queries", "skip_parent_label", "suggest_from_field",
    "suggest_from_topic", "suggestion_list", "timeframe_metadata", "view_label", "views", "warehouse_override"))
# Omni parameters of topics (and the model file) that the contract takes in the model file only.
MODEL_FILE_ONLY = frozenset(("auto_run", "default_row_limit", "extends", "template"))
# Other tools' keys with a suggestion that needs a word beside it
KEY_ALIAS_HINTS = {"visibility_type": " (Metabase's hidden is hidden: true; its sensitive, a field no one should see, "
                                      "is ignore: true on the column, which leaves it out)",
                   "custom_compound_primary_key_sql": " (a key of several columns is the model's meta.omni.primary_key: "
                                                      "[a, b], which dbt-omni writes as Omni's custom_compound_primary_key_sql)"}
OMNI_ONLY_HINTS = {"join_from_view": ": a join is from the model whose meta.omni it is in",
                   "join_from_view_as": ": a join is from the model whose meta.omni it is in",
                   "groups": "; Lightdash's groups is group_label",
                   "relationships": "; a topic joins along the model's joins and relationships tests"}
# Omni's parameters that the contract takes at other places only, and where (the closest spelling gives nothing).
OMNI_OTHER_PLACES = {
    "ignored": "dbt-omni writes Omni's ignored from a column's ignore: true; a meta.omni dimension or measure you do "
               "not want is one to leave out",
    "all_values": "dbt-omni writes Omni's all_values for dimensions only: a column's, or a meta.omni dimension's",
    "drill_fields": "dbt-omni writes Omni's drill_fields for measures only; a model's default_drill_fields is for "
                    "all of its measures",
    "ai_fields": "dbt-omni writes Omni's ai_fields for topics only: meta.omni.topic.ai_fields",
    "base_view": "dbt-omni writes Omni's base_view itself: a topic's base view is the model whose meta.omni it is in",
    "sample_values": "dbt-omni writes Omni's sample_values for fields only: a column's, or a meta.omni dimension's or "
                     "measure's"}
# Keys that belong elsewhere, where the closest spelling would mislead: (mapping, key) -> where they go.
ELSEWHERE = {("vars.dbt_omni.model_file", "included_schemas"): "vars.dbt_omni.included_schemas, beside model_file",
             ("vars.dbt_omni.model_file", "ignored_schemas"): "vars.dbt_omni.included_schemas, beside model_file (Omni's "
             "ignored_schemas is not written: the export names the schemas its views are in)",
             ("vars.dbt_omni.model_file", "topics"): "a topic from meta.omni.topic or vars.dbt_omni.topics_from_paths "
             "(Omni's model file no longer takes topics: it fails)",
             ("vars.dbt_omni", "from_warehouse"): "it as an argument of one export, not a setting: dbt run-operation "
             "omni_export --args '{from_warehouse: true}', or on-run-end: dbt_omni.omni_on_run_end(from_warehouse=true)",
             ("vars.dbt_omni", "force"): "it as an argument of one export, not a setting: dbt run-operation "
             "omni_export --args '{force: true}', or dbt-omni export --force"}
EMPTY_LIST_HINTS = {"timeframes": " (Omni's format defines no empty list of timeframes: a field without its own gets "
                                  "the model's default_timeframes, else Omni's raw, date, week, month, quarter, year)"}
EMPTY_TEXT_HINTS = {"label": " (leave label out for Omni's own, made from the name)",
                    "group_label": " (leave group_label out for no group)",
                    "join_to_view_as_label": " (leave it out for a label made from join_to_view_as)"}
# A mapping where the contract takes text: what to do instead.
OBJECT_HINTS = {"format": " (Omni's conditional format, depends_on/conditions/else, is one dbt-omni takes in "
                          "vars.dbt_omni.model_file.custom_formats only: define it there under a name, and write "
                          "that name here)"}
EXPECTED_TEXT = {
    "boolean": "true or false",
    "integer": "a whole number",
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "number": "a number",
}


@functools.lru_cache(maxsize=None)
def schema() -> dict:
    text = resources.files("dbt_omni").joinpath("schema/meta_omni.schema.json").read_text("utf-8")
    return json.loads(text)


@functools.lru_cache(maxsize=None)
def _validator(kind: str):
    import jsonschema  # imported only when a block needs checking

    full = schema()
    sub = {"$defs": full["$defs"], **full["properties"][kind]}
    # JSON Schema's `$` ends the text (as jsonschema-rs reads it); Python's `$` also matches before a final
    # line break, which would let "total\n" pass as a name here after the fast validator refused it.
    strict = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _pattern})
    return strict(sub)


def _pattern(validator, pattern: str, instance: Any, schema: dict):
    import jsonschema

    if validator.is_type(instance, "string"):
        anchored = pattern[:-1] + r"\Z" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern
        if not re.search(anchored, instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=None)
def _fast_validator(kind: str):
    """jsonschema-rs (compiled) only tells valid from invalid, fast: on the 14,000 blocks of the bench's
    2,000-model project 25 ms, where fastjsonschema took 86 ms. jsonschema writes the error messages."""
    import jsonschema_rs

    full = schema()
    return jsonschema_rs.validator_for({"$defs": full["$defs"], **full["properties"][kind]}).is_valid


def check(kind: str, block: Any, *, file: Optional[str], model: Optional[str], key_prefix: str) -> list:
    """Problems in one block ('model', 'column' or 'settings'), sorted by key path; [] if valid."""
    try:
        if _fast_validator(kind)(block):
            return []
    except (ValueError, TypeError):  # a value JSON has no type for (a YAML date, an integer key)
        pass
    problems = []
    for error in sorted(_validator(kind).iter_errors(block), key=_path_order):
        problems.extend(_problems(error, file=file, model=model, key_prefix=key_prefix))
    # `join: customers` is "unknown key join, did you mean to?"; "required key 'to' is missing" says it again
    suggested = {(p.key.rpartition(".")[0], p.suggestion) for p in problems if p.key and p.suggestion}
    problems = [p for p in problems if not (p.message.startswith("required key '")
                                            and (p.key, p.message.split("'")[1]) in suggested)]
    if not problems and (where := _non_finite(block, [])) is not None:  # jsonschema takes .inf, jsonschema-rs not
        path, value = where
        problems = [Problem(f"{value} is no number JSON can hold (YAML's .inf or .nan)", file=file, model=model,
                            key=_path(key_prefix, path), expected="a finite number, or the text quoted ('.inf')")]
    # The two validators must agree; if they ever do not, the block is still refused, not passed.
    return problems or [Problem("is refused by dbt_omni's JSON Schema (schema/meta_omni.schema.json)", file=file,
                                model=model, key=key_prefix, expected="a block as the README describes")]


def _non_finite(value: Any, path: list) -> Optional[tuple]:
    """(key path, value) of the first infinite or NaN number in a block, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if (found := _non_finite(item, [*path, key])) is not None:
            return found
    return None


def _path_order(error) -> list:
    """Sorts by key path; a YAML key may be a number (`2024: x`), which does not compare with text."""
    return [(isinstance(part, str), str(part) if isinstance(part, str) else part) for part in error.absolute_path]


def _path(prefix: str, parts) -> str:
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _problems(error, *, file, model, key_prefix) -> list:
    """One problem per mistake: a mapping with three unknown keys gives three (jsonschema: one error)."""
    # For a oneOf (e.g. `topic: true | {...}`), report the branch that fits the value's type: all its errors.
    fitting = _fitting_branch(error) if error.validator in ("oneOf", "anyOf") and error.context else None
    if fitting:
        return [problem for sub in sorted(fitting, key=_path_order)
                for problem in _problems(sub, file=file, model=model, key_prefix=key_prefix)]
    branches = ()
    while error.validator in ("oneOf", "anyOf") and error.context:
        top = list(error.absolute_path)
        branches = error.context
        error = _best_branch(error)
        if list(error.absolute_path) != top:  # a value inside the branch that fits: its own error, not the branches'
            branches = ()
    key = _path(key_prefix, error.absolute_path)
    if "propertyNames" in error.absolute_schema_path:  # a bad key: jsonschema's path stops at its mapping
        key = _path(key, [str(error.instance)])
    where = dict(file=file, model=model)
    validator, schema_part, value = error.validator, error.schema, error.instance
    if validator == "additionalProperties" and isinstance(value, dict) and schema_part.get("properties"):
        allowed = sorted(schema_part["properties"])
        extras = sorted((k for k in value if k not in allowed), key=str) or ["?"]
        return [Problem(f"unknown key '{extra}'", key=_path(key, [str(extra)]),
                        expected=_elsewhere(key, extra) or "one of " + ", ".join(allowed) + _omni_only(extra),
                        suggestion=None if _elsewhere(key, extra) else _suggested_key(extra, allowed, key), **where)
                for extra in extras]
    return [_problem(error, key, where, branches)]


# Keys a column's block does not take, which a model's does (Lightdash documents additional_dimensions per column)
COLUMN_ELSEWHERE = {"dimensions": "meta.omni.dimensions at model level (a new field, whose sql may read this column)",
                    "additional_dimensions": "meta.omni.dimensions at model level (a new field, whose sql may read "
                                             "this column)",
                    "dimension": "the column's own keys (label, hidden, group_label, timeframes, ...) straight under "
                                 "its meta.omni, as dbt2looker's and Lightdash's dimension: holds them",
                    "sql": "nothing: a column's field reads the column itself; other SQL is a new field, under "
                           "meta.omni.dimensions at model level and of another name"}
# dbt-metabase's keys, whose meaning Omni spreads over several of its own (no one key to suggest)
OTHER_TOOL_HINTS = {
    "semantic_type": "Metabase's semantic types: type/PK is primary_key: true, type/FK a relationships test (or the "
                     "model's joins), type/Currency a currency format (usdcurrency_2), type/Category all_values or "
                     "nothing; the others have no Omni counterpart",
    "fk_target_table": "a relationships test on the column (to: ref('...'), field: ...), which makes the join, or the "
                       "model's meta.omni.joins",
    "fk_target_field": "a relationships test on the column (to: ref('...'), field: ...), which makes the join, or the "
                       "model's meta.omni.joins",
    "points_of_interest": "ai_context (what Omni's AI should know) or description",
    "caveats": "ai_context (what Omni's AI should know) or description"}
# What a required key holds, for a block that lacks it (naming the key alone said the message again)
REQUIRED_HINTS = {"sql": "sql: the field's SQL over this view's fields, e.g. sql: ${amount} * 1.2",
                  "to": "to: the model joined, e.g. to: customers (a source table: source_name.table_name)"}
FILTER_KEYS = frozenset(("filters", "default_filters", "always_where_filters"))  # field -> condition mappings
COLUMN_BLOCK_RE = re.compile(r"columns\.[^.]+(\.[^.]+)*\.meta\.omni$")


def _elsewhere(key: str, extra: Any) -> Optional[str]:
    if (key, extra) in ELSEWHERE:
        return ELSEWHERE[(key, extra)]
    if extra in OTHER_TOOL_HINTS:
        return OTHER_TOOL_HINTS[extra]
    return COLUMN_ELSEWHERE.get(extra) if COLUMN_BLOCK_RE.fullmatch(key) else None


def _suggested_key(extra: Any, allowed: list, key: str = "") -> Optional[str]:
    if extra == "custom_compound_primary_key_sql":  # Omni's, which the model's primary_key: [a, b] writes
        return "primary_key" if key == "meta.omni" else None
    if extra in KEY_ALIASES:
        return next((key for key in KEY_ALIASES[extra] if key.partition(".")[0] in allowed), None)
    if extra in OMNI_ONLY or extra in MODEL_FILE_ONLY or extra in OMNI_OTHER_PLACES:
        return None  # the closest spelling is another parameter (all_values is not sample_values)
    return closest(extra, allowed)


def _omni_only(extra: Any) -> str:
    if extra in KEY_ALIAS_HINTS:
        return KEY_ALIAS_HINTS[extra]
    if extra in MODEL_FILE_ONLY:
        return f" (dbt-omni takes Omni's {extra} in vars.dbt_omni.model_file only)"
    if extra in OMNI_OTHER_PLACES:
        return f" ({OMNI_OTHER_PLACES[extra]})"
    return f" (Omni's {extra} is not one dbt-omni writes{OMNI_ONLY_HINTS.get(extra, '')})" if extra in OMNI_ONLY else ""


def _problem(error, key: str, where: dict, branches) -> Problem:
    validator, schema_part, value = error.validator, error.schema, error.instance
    if type(value).__name__.endswith("Undefined"):  # Jinja's, from a `{{ name }}` dbt rendered, whatever the check
        return Problem("is Jinja's undefined: dbt rendered a {{ ... }} here that names nothing it knows", key=key,
                       expected="the text as Omni should read it; Omni's own {{ ... }} templating goes inside "
                                "{% raw %}...{% endraw %}", **where)
    if validator == "enum":
        options = [str(o) for o in schema_part["enum"]]
        hint = VALUE_HINTS.get(str(value).lower(), "")
        return Problem(
            f"'{value}' is not allowed",
            key=key,
            expected="one of " + ", ".join(options) + hint,
            suggestion=None if hint else _suggested_value(str(value), options),
            **where,
        )
    if validator == "type":
        if branches and all(b.validator == "type" for b in branches):  # no branch takes this type: name them all
            wanted = [t for b in branches for t in ([b.schema["type"]] if isinstance(b.schema["type"], str) else b.schema["type"])]
        else:
            wanted = schema_part["type"]
        wanted = list(dict.fromkeys([wanted] if isinstance(wanted, str) else wanted))
        typed = {"boolean": "as_bool", "integer": "as_number", "number": "as_number"}
        hint = next((f"; text from env_var() becomes one with dbt's filter: {{{{ env_var('NAME') | {typed[w]} }}}}"
                     for w in wanted if w in typed), "") if isinstance(value, str) and key.startswith("vars.") else ""
        if isinstance(value, dict):
            hint = OBJECT_HINTS.get(key.rpartition(".")[2], hint)
        elif isinstance(value, list) and key.rpartition(".")[2] in FILTER_KEYS:  # Lightdash's [{status: completed}]
            hint = ": one entry per field, {status: {is: completed}, tier: {not: free}} (Lightdash's list of filters is one mapping here)"
        return Problem(
            f"{json.dumps(value, default=str)} has the wrong type",
            key=key,
            expected=_either([EXPECTED_TEXT.get(w, w) for w in wanted]) + hint,
            **where,
        )
    if validator == "pattern":
        return Problem(
            f"'{value}' is not a valid name",
            key=key,
            expected=("a letter (after any underscores, as a column's name may begin), then letters, digits or "
                      "underscores, all ASCII" if schema_part["pattern"].startswith("^_*") else
                      "a letter, then letters, digits or underscores, all ASCII")
            + (" (lowercase)" if "a-z][a-z0-9_]" in schema_part["pattern"] else "")
            + ("; the text Omni shows goes in label:" if not str(value).isascii() or " " in str(value) else ""),
            **where,
        )
    if validator == "minItems":
        return Problem("is an empty list", key=key, expected=f"at least {error.validator_value} item(s)"
                       + EMPTY_LIST_HINTS.get(key.rpartition(".")[2], ""), **where)
    if validator == "minLength":
        return Problem("is empty", key=key, expected=f"at least {error.validator_value} character(s)"
                       + EMPTY_TEXT_HINTS.get(key.rpartition(".")[2], ""), **where)
    if validator == "maxLength":  # jsonschema's message would quote the whole text
        return Problem(f"{str(value)[:40]}... is {len(value)} characters long", key=key,
                       expected=f"at most {error.validator_value} characters", **where)
    if validator == "not" and "required" in error.validator_value:  # keys that exclude each other
        return Problem(
            " and ".join(error.validator_value["required"]) + " are both set",
            key=key,
            expected=error.validator_value.get("description", "not all of them"),
            **where,
        )
    if validator == "required":
        missing = [name for name in error.validator_value if not isinstance(value, dict) or name not in value]
        required = ", ".join(f"'{name}'" for name in error.validator_value)
        name = missing[0] if missing else "?"
        return Problem(f"required key '{name}' is missing", key=key,
                       expected=REQUIRED_HINTS.get(name) or
                       f"the required key{'s' if len(error.validator_value) > 1 else ''} {required}", **where)
    return Problem(error.message, key=key, **where)


def _suggested_value(value: str, options: list) -> Optional[str]:
    """Omni's values are lowercase; other tools write WEEK or Left."""
    lowered = value.lower()
    joined = "_".join(lowered.replace("-", " ").split())  # `left outer`, `LEFT JOIN`: SQL's words, spaced
    for spelling in (lowered, joined, joined.removesuffix("_join")):
        if ALIASES.get(spelling) in options:
            return ALIASES[spelling]
        if spelling in options:
            return spelling
    return closest(lowered, options)


def _either(texts: list) -> str:
    """'a string or a list'; 'true or false, or a mapping'."""
    return (", or " if any(" or " in t for t in texts) else " or ").join(texts)


def _fitting_branch(error) -> Optional[list]:
    """The errors of the alternative that takes the value's type (`topic: {hidden: "yes"}` is the mapping
    alternative's `hidden`, not "expected true or false" for the whole block); None when none takes it."""
    wanted = {dict: "object", list: "array", bool: "boolean", str: "string", int: "number", float: "number"}.get(
        type(error.instance))
    by_branch: dict = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    alternatives = error.schema.get(error.validator, [])
    for index, subs in sorted(by_branch.items()):
        if index < len(alternatives) and wanted in _types(alternatives[index]):
            return subs
    return None


def _best_branch(error):
    """The one error to report of a oneOf that no alternative's type takes."""
    non_type = [sub for sub in error.context if sub.validator != "type"]
    return (non_type or list(error.context))[0]


def _types(alternative: dict) -> list:
    """The JSON types an alternative of a oneOf takes (following a $ref into $defs)."""
    if "$ref" in alternative:
        alternative = schema()["$defs"].get(alternative["$ref"].rpartition("/")[2], {})
    kind = alternative.get("type")
    if kind is None and ("properties" in alternative or "additionalProperties" in alternative):
        kind = "object"
    types = [kind] if isinstance(kind, str) else list(kind or [])
    return types + (["number"] if "integer" in types else [])
