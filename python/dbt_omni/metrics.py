"""Shared metrics: a `metric:` measure in meta.omni is rendered from the same dbt macro that models call.

The macro is rendered in 'omni' mode with ${field} references in place of columns; it answers with a
small JSON tree of metric_aggregate / metric_ratio nodes (macros/metrics/primitives). An aggregate
becomes one measure; a ratio becomes hidden component measures plus a measure that divides them with
dbt_omni.safe_divide, rendered in 'dbt' mode, so Omni never averages ratios and the SQL text is dbt's.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from dbt_omni.errors import OmniExportError, Problem, closest
from dbt_omni.macro_renderer import COMPUTED, REQUIRED, MacroError, MacroRenderer
from dbt_omni.names import QUOTES_RESERVED, RESERVED_WORDS, field_name
from dbt_omni.omni_model import Measure, text_or_none
from dbt_omni.project import DbtProject, Model, lookup
from dbt_omni.references import references

PACKAGE = "dbt_omni"
MODE_VAR = "dbt_omni_render_mode"
AGGREGATE_TYPES = ("sum", "count", "count_distinct", "average", "min", "max", "median")  # metric_aggregate.sql's
# Words of SQL a metric's text may hold bare; any other bare word that names a column of the model is
# that column read without ${}, which Omni cannot place once a topic joins another view with it.
SQL_WORDS = frozenset("""and as asc between by case cast date day desc distinct double else end extract false filter
    from hour in interval is like minute month not null or over partition precision quarter second then
    timestamp true week when year""".split())
BARE_WORD_RE = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)\b(?!\s*\()")
PRESENTATION_KEYS = ("label", "description", "format", "group_label", "hidden", "tags", "synonyms", "aliases",
                     "ai_context", "sample_values")


def renderer(project: DbtProject, mode: str) -> MacroRenderer:
    if not project.macros:
        raise OmniExportError(
            Problem(
                "shared metrics need the manifest's macros, and none were available",
                expected="a manifest.json written by dbt parse (or the dbt plugin enabled)",
            )
        )
    return MacroRenderer(project.macros, project.adapter_type, project.project_name, {MODE_VAR: mode}, project.dispatch)


def split_metric_name(text: str) -> tuple:
    package, _, name = text.rpartition(".")
    return package or PACKAGE, name


def _resolve_args(mapper, model: Model, signature: dict, given: dict, key: str) -> dict:
    """Macro arguments: every *_column argument (given or default) becomes a ${field} of this view, or,
    written with ${...} (`${order_amount} - ${discount_amount}`), an expression over its fields."""
    unknown = sorted(set(given) - set(signature))
    if unknown:  # all at once, as the contract says every unknown key of a block
        raise OmniExportError([model.problem(f"unknown argument '{name}'", key=f"{key}.args.{name}",
                                             expected="one of " + ", ".join(signature),
                                             suggestion=closest(name, signature)) for name in unknown])
    fields = {c.lower(): field_name(c) for c in model.columns}
    fields.update({name.lower(): name for name in (model.omni.get("dimensions") or {})})
    kwargs = {}
    for argument, default in signature.items():
        value = given.get(argument, default)
        if value is COMPUTED:  # not given: the macro works out its own default, in dbt and here alike
            continue
        if value is REQUIRED:
            raise model.error(f"missing argument '{argument}'", key=f"{key}.args.{argument}",
                              expected="a value for every argument without a default")
        if argument.endswith("_column") and isinstance(value, str) and "${" in value:
            for view, field in references(value):
                if not view and field.lower() not in fields:
                    raise model.error(f"${{{field}}} is not a field of {mapper.views[model.unique_id].name}",
                                      key=f"{key}.args.{argument}",
                                      expected="a column or dimension of the model", suggestion=closest(field, fields))
            kwargs[argument] = "(" + mapper.translate(value, model, f"{key}.args.{argument}") + ")"
            continue
        if argument.endswith("_column") and value is not None:
            column = str(value)
            if column.lower() not in fields:
                default = argument not in given
                word = f" (for no column, write YAML's null, Jinja's none: `{argument}: null`)" if column.lower() in ("none", "null") else ""
                if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_ ]*", column):  # `mrr * 2`: an expression
                    word = f"; an expression names its columns as ${{column}}, e.g. ${{{closest(column, fields) or 'mrr'}}} * 2"
                raise model.error(f"the view has no column '{column}'" + (f" (the default of {argument})" if default else ""),
                                  key=f"{key}.args.{argument}",
                                  expected=(f"args: {{{argument}: <a column of the model>}}" if default else
                                            "a column of the model") + " (documented or in catalog.json)" + word,
                                  suggestion=None if default else closest(column, list(model.columns)))  # (a default
                # the user never typed, order_amount: the closest, order_id, is another kind of column)
            value = "${" + fields[column.lower()] + "}"
            if column.lower() in RESERVED_WORDS and mapper.project.adapter_type in QUOTES_RESERVED:
                mapper.warnings.append(
                    f"model {model.shown_name}: {key}.args.{argument}: {column} is a reserved word of SQL on "
                    f"{mapper.project.adapter_type}; a dbt model calling the macro must pass it quoted, {argument}="
                    f"'\"{column}\"' (bare, `user` is the login name and `order` a syntax error), or its numbers are not "
                    "these (Omni quotes the field itself)")
        kwargs[argument] = value
    return kwargs


# The names analysts use for dbt_omni's metrics, too short for closest() to find (`aov` is no typo of
# average_order_value).
METRIC_ABBREVIATIONS = {"mrr": "monthly_recurring_revenue", "arr": "annual_recurring_revenue",
                        "nrr": "net_revenue_retention", "ndr": "net_revenue_retention",
                        "arpa": "average_revenue_per_account", "arpu": "average_revenue_per_account",
                        "ltv": "customer_lifetime_value", "clv": "customer_lifetime_value",
                        "aov": "average_order_value", "churn": "customer_churn_rate"}


def metric_measures(mapper, model: Model, name: str, block: dict, key: str) -> list:
    """The measures for one `metric:` block: the metric first, then its hidden components."""
    package, macro_name = split_metric_name(block["metric"])
    overridden = sorted(k for k in ("aggregate_type", "sql", "percentile", "custom_primary_key_sql") if k in block)
    if overridden:  # the macro defines these: taking them silently would make two definitions of one metric
        raise model.error(f"'{overridden[0]}' cannot be set on a shared metric: macro {package}.{macro_name} defines it",
                          key=f"{key}.{overridden[0]}",
                          expected="metric, args, filters, required_access_grants and presentation keys ("
                          + ", ".join(PRESENTATION_KEYS) + ")")
    if mapper.metric_renderers is None:
        if not mapper.project.macros:  # the first shared metric says which, as every error of a block does
            raise model.error(f"shared metric {package}.{macro_name} needs the manifest's macros, and it has none",
                              key=f"{key}.metric", expected="a manifest.json written by dbt parse (or the dbt plugin enabled)")
        mapper.metric_renderers = (renderer(mapper.project, "omni"), renderer(mapper.project, "dbt"))
    omni_mode, dbt_mode = mapper.metric_renderers
    if package not in omni_mode.packages:
        same_name = [pkg for pkg in omni_mode.packages if omni_mode.has(pkg, macro_name)]
        if package == "dbt_omni" and not same_name:  # the usual cause: packages.yml lacks the package
            raise model.error(f"shared metric {macro_name} is a macro of the dbt_omni package, which this project does "
                              "not install", key=f"{key}.metric",
                              expected="dbt_omni in packages.yml (as the README's Install shows), then `dbt deps`")
        raise model.error(f"no package '{package}' with macros is in this project", key=f"{key}.metric",
                          expected="a macro of dbt_omni (written without a package) or of the project or a package it "
                          "installs (" + (", ".join(omni_mode.packages) or "none") + ")",
                          suggestion=f"{same_name[0]}.{macro_name}" if same_name else None)
    if not omni_mode.has(package, macro_name):
        # A macro of the user's own, written without its package (which means dbt_omni's): name it in full.
        elsewhere = [pkg for pkg in omni_mode.packages if pkg != package and omni_mode.has(pkg, macro_name)]
        metrics = [macro for macro in omni_mode.macro_names(package)
                   if _macro_meta(mapper.project, package, macro).get("kind") == "metric"]  # as _metrics.yml says
        short = METRIC_ABBREVIATIONS.get(macro_name.lower()) if package == "dbt_omni" else None
        semantic = package == "dbt_omni" and not elsewhere and any(  # dbt's semantic layer: a name, no macro
            lookup(node, "resource_type") == "metric" and lookup(node, "name") == macro_name
            for node in mapper.project.dependents)
        raise model.error(f"unknown metric macro '{package}.{macro_name}'", key=f"{key}.metric",
                          expected=f"a macro of package {package}" + (
                              " (a metric written without a package is dbt_omni's)" if elsewhere else "") + (
                              f"; its shared metrics: {', '.join(metrics)}" if metrics and not elsewhere else "") + (
                              f"; {macro_name} is a metric of dbt's semantic layer (metrics: in YAML), which "
                              "dbt-omni does not read: give this measure its aggregate_type and sql" if semantic else ""),
                          suggestion=None if semantic else f"{elsewhere[0]}.{macro_name}" if elsewhere
                          else short if short and omni_mode.has(package, short)
                          else closest(macro_name, metrics or omni_mode.macro_names(package)))
    try:
        signature = omni_mode.signature(package, macro_name)
        kwargs = _resolve_args(mapper, model, signature, dict(block.get("args") or {}), key)
        text = omni_mode.macro(package, macro_name)(**kwargs)
        tree = _tree(text)
        problem = _tree_problem(tree)
        if problem:
            raise model.error(f"macro {package}.{macro_name} is not a shared metric: {problem}", key=f"{key}.metric",
                              expected="a macro built from dbt_omni.metric_aggregate / metric_ratio")
        measures = _tree_measures(name, tree, block.get("filters"), dbt_mode, mapper, model, key)
    except MacroError as exc:
        raise model.error(f"rendering {package}.{macro_name} failed: {exc}", key=f"{key}.metric") from None
    bare = sorted({word for m in measures if m.aggregate_type for word in _bare_columns(m.sql or "", model)})
    if bare:
        mapper.warnings.append(
            f"model {model.shown_name}: {key}: macro {package}.{macro_name} writes column {', '.join(bare)} without ${{}}; "
            "Omni cannot tell whose it is in a topic that joins a view with a column of that name (take it as a "
            "*_column argument, which the export turns into ${field})")
    top = measures[0]
    for attribute in PRESENTATION_KEYS:
        if block.get(attribute) is not None:
            setattr(top, attribute, sorted(set(block[attribute])) if attribute == "tags"
                    else text_or_none(block[attribute]) if attribute == "ai_context" else block[attribute])
    top.drill_fields = mapper.translate_field_refs(block.get("drill_fields"), model, f"{key}.drill_fields")
    for measure in measures:  # a hidden component is still queryable: it needs the grants as much
        measure.required_access_grants = block.get("required_access_grants")
    if top.description is None:
        defaults = omni_mode.signature(package, macro_name)
        top.description = _macro_description(mapper.project, package, macro_name, {
            k: v for k, v in (block.get("args") or {}).items() if k not in defaults or defaults[k] != v}, defaults)
    documented = _macro_meta(mapper.project, package, macro_name)  # _metrics.yml: e.g. label MRR, format percent_2
    if top.label is None:
        top.label = documented.get("label")
    if top.format is None and documented.get("format") is not None:
        written, file = documented["format"], _macro_file(mapper.project, package, macro_name)
        where = (f"from macro {package}.{macro_name}'s properties, its meta.dbt_omni.format{f' in {file}' if file else ''}"
                 f"; {key}.format overrides it")
        if not isinstance(written, str):
            raise model.error(f"format {written!r} is not text ({where})", key=f"{key}.format",
                              expected="a named format or a D3 / Excel format string")
        top.format = mapper.check_format(written, model, f"{key}.format", where=where)
    else:  # as any measure's (a metric measure's was written unchecked)
        top.format = mapper.check_format(top.format, model, f"{key}.format")
    view = mapper.views[model.unique_id].name
    record = {"metric": f"{package}.{macro_name}", "args": dict(sorted(kwargs.items()))}
    filters = next((m.filters for m in measures if m.filters), None)
    if filters:  # verify runs the dbt side over the same rows
        record["filters"] = filters
    mapper.metric_records[f"{view}.{name}"] = record
    return measures


def _bare_columns(sql: str, model: Model) -> list:
    """Columns of the model an aggregate's SQL names as bare words (not as ${field}, in quotes, or as a
    function)."""
    text = re.sub(r"\$\{[^}]*\}|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", " ", sql)
    columns = {name.lower(): name for name in model.columns}
    return [columns[word.lower()] for word in BARE_WORD_RE.findall(text)
            if word.lower() in columns and word.lower() not in SQL_WORDS]


def _tree(text) -> Optional[dict]:
    """The JSON tree a metric macro answers with in omni mode (None: it answered something else)."""
    if not isinstance(text, str) or not text.strip().startswith("{"):
        return None
    try:
        tree = json.loads(text)
    except ValueError:
        return None
    return tree if isinstance(tree, dict) else None


def _tree_problem(node, path: str = "its answer") -> Optional[str]:
    """What is wrong with a metric tree (a user's macro may build one by hand), or None."""
    if not isinstance(node, dict) or node.get("omni_metric") not in ("aggregate", "ratio"):
        return f"{path} is not a metric_aggregate or metric_ratio tree"
    if node["omni_metric"] == "ratio":
        return _tree_problem(node.get("numerator"), "its numerator") or _tree_problem(node.get("denominator"),
                                                                                      "its denominator")
    if node.get("aggregate_type") not in AGGREGATE_TYPES:
        return (f"{path} has aggregate_type {node.get('aggregate_type')!r}, not one of metric_aggregate's "
                f"({', '.join(AGGREGATE_TYPES)})")
    if not isinstance(node.get("sql"), str) or not node["sql"].strip():
        return f"{path} has no sql text"
    return None


def _tree_measures(name, node, filters, dbt_mode, mapper, model, key) -> list:
    if node["omni_metric"] == "aggregate":
        return [Measure(
            name=name,
            sql=node["sql"],
            aggregate_type=node["aggregate_type"],
            filters=mapper.translate_filters(filters, model, f"{key}.filters"),
            dbt_key=key,
        )]
    numerator = _tree_measures(f"{name}_numerator", node["numerator"], filters, dbt_mode, mapper, model, key)
    denominator = _tree_measures(f"{name}_denominator", node["denominator"], filters, dbt_mode, mapper, model, key)
    for component in (numerator[0], denominator[0]):
        component.hidden = True
        component.description = f"Component of {name}."
    sql = dbt_mode.macro(PACKAGE, "safe_divide")("${" + numerator[0].name + "}", "${" + denominator[0].name + "}")
    return [Measure(name=name, sql=str(sql), dbt_key=key), *numerator, *denominator]


def _macro_description(project: DbtProject, package: str, name: str, args: Optional[dict] = None,
                       defaults: Optional[dict] = None) -> Optional[str]:
    """The definition (first paragraph) and, where given, the additivity: an Omni user must see that
    MRR is not to be summed across months. The definition is written over the macro's default columns
    (`sum(order_amount) / count(distinct order_id)`), so the arguments given otherwise follow it."""
    macro = (project.macros or {}).get(f"macro.{package}.{name}")
    text = (lookup(macro, "description", "") or "").strip()
    if not text:
        return None
    paragraphs = [p.replace("\n", " ").strip() for p in text.split("\n\n")]
    given = [f"{key} = `{_jinja_text(value)}`" + (f" (in place of `{default}`)" if isinstance(
        default := (defaults or {}).get(key), str) and re.search(rf"\b{re.escape(default)}\b", paragraphs[0]) else "")
             for key, value in sorted((args or {}).items())]
    return " ".join([paragraphs[0], *([f"Here: {', '.join(given)}."] if given else []),
                     *[p for p in paragraphs[1:] if p.startswith("Additivity:")]])


def _jinja_text(value) -> str:
    """An argument as the user wrote it in YAML, on one line: none, true, 12, monthly, ${a} - ${b}."""
    if value is None or isinstance(value, bool):
        return str(value).lower()
    return " ".join(str(value).split()).replace("`", "'")


def _macro_file(project: DbtProject, package: str, name: str) -> Optional[str]:
    """The properties file (YAML) that documents a macro, as dbt records it."""
    patch = lookup((project.macros or {}).get(f"macro.{package}.{name}"), "patch_path")
    return patch.split("://", 1)[-1] if isinstance(patch, str) else None


def _macro_meta(project: DbtProject, package: str, name: str) -> dict:
    """The macro's `meta: dbt_omni:` block from its properties file (dbt keeps it as meta or config.meta)."""
    macro = (project.macros or {}).get(f"macro.{package}.{name}")
    for meta in (lookup(macro, "meta"), lookup(lookup(macro, "config"), "meta")):
        block = meta.get("dbt_omni") if isinstance(meta, dict) else None
        if isinstance(block, dict):
            return block
    return {}
