"""Every ${field} and ${view.field} we write must name a field that exists, or Omni breaks later."""
from __future__ import annotations

import re

from dbt_omni.errors import Problem, closest, raise_collected
from dbt_omni.names import column_field
from dbt_omni.project import time_kind

# Omni's ${field}, ${view.field} and ${field[timeframe]} in SQL (not dbt's ref(): project.DBT_REF_RE).
SQL_REF_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*))?(\[[a-z_]+\])?\}")
# A topic's `view.field` (fields, filters, access filters); `view.*`, `all_views.*` and `tag:x` name no one field.
FIELD_REF_RE = re.compile(r"-?([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)(\[[a-z_]+\])?")
TIMEFRAMES = (  # ../shared/omni-format.md, "Dimensions"
    "raw", "date", "week", "month", "quarter", "year", "hour", "minute", "second", "millisecond", "day_of_week_name",
    "day_of_week_num", "day_of_month", "day_of_quarter", "day_of_year", "hour_of_day", "month_name", "month_num",
    "quarter_of_year", "fiscal_quarter", "fiscal_year",
)
# What a filter key or topic entry can be at all (view names may hold $ and -): anything else, `statsu `
# with a space, is no reference Omni can resolve, and none the checks below would look at.
REF_SHAPE_RE = re.compile(r"-?(?:all_views\.\*|tag:\S+|(?:[\w$-]+\.)?(?:[\w$]+|\*)(?:\[[a-z_]+\])?)")


# A filter value in another tool's syntax, which Omni compares as text: Lightdash's ">5", "<=10", "!null", and
# LookML's (dbt2looker's) "%blog%", "-cancelled", "NULL", "-EMPTY"
# (not negative numbers as text, '-5', nor a share, '50%')
OTHER_FILTER_SYNTAX_RE = re.compile(r"(!=?|[<>]=?)\s*\S|-[A-Za-z_]|%[A-Za-z_]|.*[A-Za-z_/]%$|-?(NULL|EMPTY)$")


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def references(sql: str) -> list:
    """(view or None, field) for each ${...} in sql."""
    return [(b and a, b or a) for a, b, _ in SQL_REF_RE.findall(sql or "")]


def check_references(views: list, relationships: list, topics: list, models_by_id: dict, aliases: dict,
                     has_catalog: bool = False) -> list:
    """Raises for a reference to a field the export does not write; returns warnings for the field names
    of filters and topics that a model without catalog.json may still have as undocumented columns (a
    plugin export during the first `dbt build` has no catalog yet). aliases: a join's join_to_view_as ->
    the name of the view it stands for."""
    by_name = {v.name: v for v in views}
    by_name.update({alias: by_name[view_name] for alias, view_name in aliases.items() if alias not in by_name})
    fields: dict = {}  # view name -> its field names, made when a reference first needs them
    measures: dict = {}  # view name -> its measure names, likewise
    catalog_fields: dict = {}  # view name -> its fields from columns only catalog.json (or the warehouse) lists
    problems, warnings = [], []

    def only_in_catalog(view_name) -> set:
        if view_name not in catalog_fields:
            view = by_name[view_name]
            model = models_by_id.get(view.dbt_unique_id)
            own = {d.name for d in view.dimensions if d.dbt_key}  # a meta.omni dimension of that name is documented
            catalog_fields[view_name] = set() if model is None else {
                column_field(c.name)[0] for c in model.columns.values() if not c.documented} - own
        return catalog_fields[view_name]

    def offered(view_name, field):
        """The timeframes the field lists, or None (not written: Omni's default, or no time field)."""
        view = by_name.get(view_name)
        return next((d.timeframes for d in view.dimensions if d.name == field), None) if view else None

    def column_type(view_name, field):
        """The data type of the column behind a plain dimension, where dbt or the catalog gives one."""
        model = models_by_id.get(by_name[view_name].dbt_unique_id) if view_name in by_name else None
        return next((c.data_type for c in model.columns.values() if column_field(c.name)[0] == field), None) if model else None

    def known_fields(view_name):
        if view_name not in fields:
            view = by_name.get(view_name)
            fields[view_name] = None if view is None else {f.name for f in view.dimensions} | {m.name for m in view.measures}
        return fields[view_name]

    def shape(ref: str, source_view, key: str) -> None:
        if not REF_SHAPE_RE.fullmatch(str(ref)):
            model = models_by_id.get(source_view.dbt_unique_id) if source_view else None
            problems.append(Problem(f"'{ref}' is not a field reference", file=model.meta_file if model else None,
                                    model=model.shown_name if model else None, key=key,
                                    expected="field, model.field, field[timeframe], model.*, all_views.* or tag:name"))

    def measure_names(view_name):
        if view_name not in measures:
            measures[view_name] = {m.name for m in by_name[view_name].measures}
        return measures[view_name]

    def check(sql: str, own_view, source_view, key: str, bare: bool = False, row_level: bool = False,
              written: bool = True) -> None:
        """bare: the reference is a filter key or a topic entry, not ${...} in SQL (an unknown one is a
        warning where the catalog cannot tell). row_level: SQL evaluated per row (a dimension's, a
        join's), where a measure, an aggregate, cannot stand. written: SQL a user wrote (a test's or a
        constraint's join is made only where its columns are known: no error without the catalog)."""
        if written and not bare and sql and sql.rstrip().endswith(";"):
            model = models_by_id.get(source_view.dbt_unique_id) if source_view else None
            problems.append(Problem(f"{sql.strip()[-20:]!r} ends in ';'", file=model.meta_file if model else None,
                                    model=model.shown_name if model else None, key=key,
                                    expected="SQL without a terminator: Omni puts it inside a query of its own "
                                             "(LookML's ;; ends a parameter there, not here)"))
        for first, second, timeframe in SQL_REF_RE.findall(sql or ""):
            view_name, field = (first, second) if second else (own_view.name if own_view else None, first)
            known = known_fields(view_name)
            model = models_by_id.get(source_view.dbt_unique_id) if source_view else None
            if timeframe:
                check_timeframe(timeframe[1:-1], view_name, field, known, model, key)
            if known is None:
                continue
            if field in known:
                if row_level and field in measure_names(view_name):
                    problems.append(Problem(
                        f"${{{field}}} is a measure of {view_name}: this SQL is evaluated row by row, and a measure "
                        "aggregates rows", file=model.meta_file if model else None, model=model.shown_name if model else None,
                        key=key, expected="a column or dimension (or make this a measure: sql alone may combine measures)"))
                elif written and not bare and field in only_in_catalog(view_name):  # an error where there is no catalog
                    target = models_by_id[by_name[view_name].dbt_unique_id]
                    warnings.append(f"model {model.shown_name if model else view_name}: {key}: ${{{field}}} is a column only "
                                    f"catalog.json lists (of {view_name}): where there is none (a fresh clone, a CI "
                                    "run before `dbt docs generate`) this is an error; document it under columns: in "
                                    f"{target.meta_file}")
                continue
            target = models_by_id.get(by_name[view_name].dbt_unique_id)
            if bare and target is not None and not target.columns_known:
                near = closest(field, known)
                where = f" ({model.meta_file})" if model is not None and model.meta_file else ""
                unknown = ("catalog.json lists none of its columns (built or renamed since the last `dbt docs generate`?)"
                           if has_catalog else "without catalog.json (dbt docs generate) its columns are unknown")
                warnings.append(f"model {model.shown_name if model else view_name}{where}: {key}: {field} is not a documented "
                                f"column of {view_name}{f' (did you mean {near}?)' if near else ''}, and {unknown}")
                continue
            if field == "TABLE" and not second and not bare:  # LookML's, in a block moved from dbt2looker
                problems.append(Problem("${TABLE} is LookML's, not Omni's", file=model.meta_file if model else None,
                                        model=model.shown_name if model else None, key=key,
                                        expected="${column}: Omni reads a field of this view by its name "
                                                 "(LookML's ${TABLE}.amount is ${amount})"))
                continue
            problems.append(
                Problem(
                    f"{field if bare else '${%s}' % field} is not a field of {view_name}",
                    file=model.meta_file if model else None,
                    model=model.shown_name if model else None,
                    key=key,
                    expected="a column, dimension or measure of that view" + _new_column_hint(target),
                    suggestion=closest(field, known),
                )
            )

    def check_timeframe(timeframe: str, view_name, field: str, known, model, key: str) -> None:
        where = dict(file=model.meta_file if model else None, model=model.shown_name if model else None, key=key)
        if timeframe not in TIMEFRAMES:
            problems.append(Problem(f"[{timeframe}] is not an Omni timeframe ({field}[{timeframe}])",
                                    expected="one of " + ", ".join(TIMEFRAMES), suggestion=closest(timeframe, TIMEFRAMES),
                                    **where))
        elif known is not None and field in known and any(m.name == field for m in by_name[view_name].measures):
            problems.append(Problem(f"{field}[{timeframe}]: {field} is a measure of {view_name}, and only a date or "
                                    "time dimension has timeframes", expected="a date or time dimension", **where))
        elif known is not None and field in known:
            listed = offered(view_name, field)
            if listed is not None and timeframe not in listed:
                warnings.append(f"model {where['model'] or view_name}: {key}: {field}[{timeframe}]: {view_name}.{field} "
                                f"lists the timeframes {', '.join(listed)}, not {timeframe}")
            elif listed is None and (data_type := column_type(view_name, field)) and time_kind(data_type) is None:
                warnings.append(f"model {where['model'] or view_name}: {key}: {field}[{timeframe}]: {view_name}.{field} "
                                f"is {data_type}, not a date or timestamp, and only a date or time dimension has "
                                "timeframes")

    def check_values(ref: str, condition, own_view, source_view, key: str) -> None:
        """A filter's `is` / `not` value that the field's all_values (its accepted_values test) lacks: no row
        has it, so an `is` filter of it alone matches no row (the measure is 0 or the topic empty, without a
        word), and a `not` excludes nothing by it."""
        view_name, _, field = ref.lstrip("-").rpartition(".")
        view = by_name.get(view_name) if view_name else own_view
        dimension = next((d for d in view.dimensions if d.name == field), None) if view else None
        if isinstance(condition, dict) and (written := next((  # a value the field has ('<18' an age band) is none
                (operator, value) for operator in ("is", "not") for value in _listed(condition.get(operator))
                if isinstance(value, str) and OTHER_FILTER_SYNTAX_RE.match(value)
                and value not in ((dimension.all_values or ()) if dimension else ())), None)):
            model = models_by_id.get(source_view.dbt_unique_id) if source_view else None
            warnings.append(f"model {model.shown_name if model else ref}: {key}.{ref}: {written[0]} {written[1]!r} is "
                            "compared as that text: another tool's filter syntax? Omni writes Lightdash's '>5' as "
                            "greater_than: 5, '!null' as not: null, LookML's '%blog%' as contains: blog, '-x' as not: x, "
                            "'NULL' as is: null")
        if not dimension or not dimension.all_values or not isinstance(condition, dict):
            return
        allowed = {str(v) for v in dimension.all_values}
        for operator in ("is", "not"):
            given = condition.get(operator)
            for value in _listed(given):
                if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value) not in allowed \
                        and value not in dimension.all_values:  # 1.0 is the value 1
                    model = models_by_id.get(source_view.dbt_unique_id) if source_view else None
                    near = closest(str(value), sorted(allowed))
                    warnings.append(f"model {model.shown_name if model else view.name}: {key}.{ref}: {operator} {value!r} is "
                                    f"none of {field}'s all_values ({', '.join(sorted(allowed))}: its accepted_values test "
                                    f"or meta.omni.all_values), so no row has it{f'; did you mean {near}?' if near else ''}")

    for view in views:
        for kind, items in (("dimension", view.dimensions), ("measure", view.measures)):
            for item in items:
                # most fields: no SQL, or none with references (nor a terminator, which check() refuses)
                if item.sql and ("${" in item.sql or item.sql.rstrip().endswith(";")):
                    check(item.sql, view, view, f"{item.dbt_key or f'{kind} {item.name}'}.sql",
                          row_level=kind == "dimension")
        for measure in view.measures:
            for ref in measure.filters or ():  # `field` (this view's) or `view.field`
                key = f"{measure.dbt_key or f'measure {measure.name}'}.filters"
                shape(ref, view, key)
                check("${%s}" % ref, view, view, key, bare=True)
                check_values(ref, measure.filters[ref], view, view, key)
            for ref in measure.drill_fields or ():  # as filters, or `tag:x`, `view.*`: no one field
                key = f"{measure.dbt_key or f'measure {measure.name}'}.drill_fields"
                shape(ref, view, key)
                check("${%s}" % ref, view, view, key, bare=True)
        for ref in view.default_drill_fields or ():
            shape(ref, view, "meta.omni.default_drill_fields")
            check("${%s}" % ref, view, view, "meta.omni.default_drill_fields", bare=True)
    for rel in relationships:
        for key in ("on_sql", "where_sql"):
            check(getattr(rel, key), None, by_name.get(rel.join_from_view),
                  f"{rel.dbt_key}.{key}" if rel.dbt_key else f"relationship {rel.join_from_view} -> {rel.join_to_view} {key}",
                  row_level=True, written=bool(rel.dbt_key))
    for topic in topics:  # every key a user sets on a topic is under the base model's meta.omni.topic
        base = by_name.get(topic.base_view)
        check(topic.always_where_sql, None, base, "meta.omni.topic.always_where_sql")
        refs = {"fields": topic.fields or [], "ai_fields": topic.ai_fields or [], "default_filters": topic.default_filters or {},
                "always_where_filters": topic.always_where_filters or {},
                "access_filters": [f.get("field", "") for f in topic.access_filters or ()]}
        for key, entries in refs.items():
            for ref in entries:
                shape(ref, base, f"meta.omni.topic.{key}")
                if (match := FIELD_REF_RE.fullmatch(ref)) is not None:
                    check("${%s.%s%s}" % (match[1], match[2], match[3] or ""), None, base, f"meta.omni.topic.{key}", bare=True)
                    if isinstance(entries, dict) and not match[3]:
                        check_values(ref, entries[ref], None, base, f"meta.omni.topic.{key}")
    raise_collected(problems)  # a shared metric's components carry its filters alike: one message each
    return list(dict.fromkeys(warnings))


def _new_column_hint(target) -> str:
    """How a column the export cannot see yet becomes a field, without waiting for a dbt command that
    this very error would stop."""
    if target is None:
        return ""
    if target.contract_enforced and not target.in_catalog:
        return f"; its enforced contract lists every column it has, under columns: in {target.meta_file}"
    if target.in_catalog:
        return (f"; a column newer than catalog.json (the last `dbt docs generate`) is a field once it is "
                f"documented under columns: in {target.meta_file}")
    return f"; an undocumented column is a field once it is documented under columns: in {target.meta_file}"
