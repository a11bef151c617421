"""Proof that Omni and dbt agree: run each shared-metric measure as Omni would, and as dbt does.

For every measure the export rendered from a metric macro, two queries run on the model's relation,
in total and grouped by a few of its dimensions:
- dbt's: the metric macro in 'dbt' mode, over the relation's columns (what a dbt model computes);
- Omni's: the measure as written in the exported view file, ${} resolved to the relation's columns
  and component measures expanded; so a wrongly rendered file shows up as a mismatch (a hand-edited
  one too, unless the plugin rewrote it first: dbt run-operation parses, and so runs the plugin).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import yaml

from dbt_omni.errors import OmniExportError, Problem, closest
from dbt_omni.macro_renderer import MacroError
from dbt_omni.mapping import EXCEL_DATE_CODE_RE, NAMED_FORMAT_RE, is_named_format
from dbt_omni.metrics import PACKAGE, renderer, split_metric_name
from dbt_omni.names import QUOTES_RESERVED, RESERVED_WORDS, column_field
from dbt_omni.output import RECORD
from dbt_omni.project import DbtProject
from dbt_omni.selection import selected_ids

RELATION = "__DBT_OMNI_RELATION__"
# Types a warehouse cannot group by (PostgreSQL's json, xml and geometric types) or that make no category
# (structs, maps, arrays): never a default grain.
NOT_A_GRAIN_RE = re.compile(r"^(jsonb?|xml|point|line|lseg|box|path|polygon|circle|struct|map|array|variant|object"
                            r"|geometry|geography)\b|\[", re.IGNORECASE)
# A column named as an amount (bank_transfer_amount, unit_price) is none either, without a money format
AMOUNT_NAME_RE = re.compile(r"(^|_)(amount|price|revenue|cost)$")
# A metric's own arguments that name an id or an amount (mrr_column): no default grain, whatever their format
NOT_A_GRAIN_ARGUMENT = ("_id_column", "amount_column", "mrr_column")
FIELD_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_GRAINS = 3
MAX_FAILURES_SHOWN = 5


@dataclass
class Check:
    measure: str  # view.measure
    grain: Optional[str]  # a dimension, or None for the total
    database: Optional[str]
    schema: str
    identifier: str
    dbt_sql: str
    omni_sql: str
    filtered: bool = False  # the metric has filters: groups they leave empty are the dbt side's absent rows
    # The report names the group its values are of: a date's or an accepted_values column's, or one --by asked
    # for; any other column may hold personal data (an email), and CI logs are often public.
    shows_group: bool = True
    # Omni's own aggregates (aggregate_type: median) in the measure, run on Omni's side with dbt's SQL for them:
    # Omni does not publish the SQL it writes for one, so the check covers its column and filters, not it.
    stand_ins: tuple = ()


class _View:
    """One exported view file, able to turn its fields into plain SQL over the relation."""

    def __init__(self, path: Path, dbt_mode, name: str, adapter_type: str = ""):
        self.path, self.name = path, name
        self.stand_ins: set = set()  # the aggregate types measure_sql wrote dbt's SQL for (Check.stand_ins)
        self.quotes_reserved = adapter_type in QUOTES_RESERVED
        try:
            data = yaml.safe_load(path.read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise self._error(f"cannot read the exported view: {exc}") from None
        if not isinstance(data, dict) or not all(isinstance(data.get(k) or {}, dict) for k in ("dimensions", "measures")):
            raise self._error("the exported view is not a mapping with dimensions and measures mappings")
        self.dimensions = {name: d for name, d in (data.get("dimensions") or {}).items()
                           if not (isinstance(d, dict) and d.get("ignored"))}  # a column meta.omni ignores
        self.measures = data.get("measures") or {}
        self.dbt_mode = dbt_mode

    def dimension_sql(self, name: str, depth: int = 0) -> str:
        if depth > 20:
            raise self._error(f"dimension {name} refers to itself")
        if name not in self.dimensions:
            raise self._error(f"${{{name}}} is not a dimension of the view")
        sql = (self.dimensions[name] or {}).get("sql")
        if sql:
            return f"({self.resolve(sql, depth + 1)})"
        return f'"{name}"' if self.quotes_reserved and name in RESERVED_WORDS else name

    def resolve(self, sql: str, depth: int = 0) -> str:
        resolved = FIELD_RE.sub(lambda m: self.dimension_sql(m.group(1), depth), sql)
        if "${" in resolved:  # ${other_view.field}: a join away, which verify's one-table queries lack
            other = resolved[resolved.index("${"):].partition("}")[0] + "}"
            raise self._error(f"verify cannot evaluate {other}: it runs each view's SQL on its own table, "
                              "without the views Omni would join")
        return resolved

    def _local(self, name: str) -> bool:
        """A dimension verify can compute from its own table."""
        try:
            self.dimension_sql(name)
        except OmniExportError:
            return False
        return True

    def measure_sql(self, name: str, depth: int = 0) -> str:
        if depth > 20 or name not in self.measures:
            raise self._error(f"measure {name} is missing or refers to itself")
        measure = self.measures[name] or {}
        kind, sql = measure.get("aggregate_type"), measure.get("sql")
        if kind is None:  # an expression over other measures
            return FIELD_RE.sub(lambda m: f"({self.measure_sql(m.group(1), depth + 1)})", sql)
        inner = self.resolve(sql) if sql else None
        for field, condition in sorted((measure.get("filters") or {}).items()):
            inner = f"case when {self.filter_sql(field, condition, name)} then {inner or 1} end"
        return self._aggregate(kind, inner)

    def _aggregate(self, kind: str, inner: Optional[str]) -> str:
        simple = {"sum": "sum", "average": "avg", "min": "min", "max": "max", "count": "count"}
        if kind == "count" and inner is None:
            return "count(*)"
        if kind in simple:
            return f"{simple[kind]}({inner})"
        if kind == "count_distinct":
            return f"count(distinct {inner})"
        if kind == "median":
            self.stand_ins.add(kind)
            return str(self.dbt_mode.macro(PACKAGE, "metric_median")(inner))
        raise self._error(f"verify cannot evaluate aggregate_type {kind}")

    def _literal(self, value: Any) -> str:
        """A filter value as the warehouse reads it: text quoted by the macro the metric macros use
        (BigQuery and Spark escape a quote with a backslash, where others double it)."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return repr(value)
        return str(self.dbt_mode.macro(PACKAGE, "sql_string")(str(value)))

    def filter_sql(self, field: str, condition: dict, measure: str) -> str:
        if not isinstance(condition, dict):
            raise OmniExportError(Problem(f"measure {measure}: the filter on {field} is not a mapping", file=str(self.path),
                                          key=f"measures.{measure}.filters.{field}", expected="{operator: value}"))
        where = dict(file=str(self.path), key=f"measures.{measure}.filters.{field}")
        view, dot, name = field.rpartition(".")
        if dot and view != self.name:
            raise OmniExportError(Problem(f"measure {measure}: verify cannot evaluate a filter on another view's field",
                                          expected="a filter on a field of the measure's own view", **where))
        if "[" in name:
            raise OmniExportError(Problem(f"measure {measure}: verify cannot evaluate a filter on a timeframe",
                                          expected="a filter on a dimension itself, not field[timeframe]", **where))
        column = self.dimension_sql(name)
        parts = []
        for operator, value in condition.items():
            if operator not in ("is", "not"):
                raise OmniExportError(Problem(f"measure {measure}: verify cannot evaluate filter operator '{operator}'",
                                              file=str(self.path), key=f"measures.{measure}.filters.{field}",
                                              expected="is or not, the operators verify can run"))
            values = value if isinstance(value, list) else [value]
            literal = ", ".join(self._literal(v) for v in values if v is not None)
            tests = [f"{column} {'in' if operator == 'is' else 'not in'} ({literal})"] if literal else []
            if None in values:  # `is: null`: SQL's `in (null)` matches no row
                tests.append(f"{column} is {'' if operator == 'is' else 'not '}null")
            parts.append(tests[0] if len(tests) == 1 else "(" + (" or " if operator == "is" else " and ").join(tests) + ")")
        return " and ".join(parts)

    def grains(self, ungroupable: frozenset = frozenset()) -> list:
        """A few dimensions to group by: dates first, then categories (with all_values, from an
        accepted_values test), then the others, timestamps last (often one row per group); no keys,
        no hidden fields, no ids, no amounts (grouping by a price checks one row per price), none of
        the ungroupable (json, ..., and what the metric's own arguments call an id or an amount: order_id_column,
        mrr_column)."""
        usable = [n for n, d in sorted(self.dimensions.items())
                  if not (d or {}).get("primary_key") and not (d or {}).get("hidden") and not _is_id(n, d or {})
                  and not _is_amount(d or {}) and not AMOUNT_NAME_RE.search(n) and n not in ungroupable and self._local(n)]

        def rank(name: str) -> int:
            dimension = self.dimensions[name] or {}
            if dimension.get("timeframes"):  # a date is written convert_tz: false, a timestamp is not
                return 0 if dimension.get("convert_tz") is False else 3
            return 1 if dimension.get("all_values") else 2

        return sorted(usable, key=rank)[:MAX_GRAINS]  # stable: by name within a rank

    def enumerated(self, name: str) -> bool:
        """A date, or a column whose values dbt's accepted_values test lists: its values are no one's data."""
        dimension = self.dimensions.get(name) or {}
        return bool(dimension.get("timeframes") or dimension.get("all_values"))

    def _error(self, message: str) -> OmniExportError:
        return OmniExportError(Problem(message, file=str(self.path)))


def _is_id(name: str, dimension: dict) -> bool:
    """A key column (customer_id, format: id): grouping by it checks one row per group, not the aggregation."""
    return name == "id" or name.endswith("_id") or str(dimension.get("format", "")).lower() == "id"


def _is_amount(dimension: dict) -> bool:
    """A money or number format (usdcurrency_2, percent_1, `$#,##0.00`): a measure-like column. A time
    is none, whatever its format (`hh:mm:ss.000`)."""
    if dimension.get("timeframes"):
        return False
    fmt = str(dimension.get("format") or "").lower()
    named = NAMED_FORMAT_RE.match(fmt)
    if named and not EXCEL_DATE_CODE_RE.match(fmt):
        return is_named_format(named.group(1)) and named.group(1) != "id"
    return any(c in fmt for c in "$#0")




def _unusable(record: Any) -> Optional[str]:
    """What in a record verify cannot use (a hand edit, a bad merge), or None: views and metrics are
    looked up by each other, and a view's path is read."""
    if not isinstance(record, dict) or not isinstance(record.get("views"), dict):
        return "no views"
    for name, view in record["views"].items():
        path = view.get("path") if isinstance(view, dict) else None
        if not isinstance(path, str) or not isinstance(view.get("dbt_unique_id"), str) \
                or Path(path).is_absolute() or ".." in Path(path).parts:
            return f"views.{name} is not a view's dbt_unique_id and path inside the folder"
    metrics = record.get("metrics", {})
    if not isinstance(metrics, dict):
        return "metrics is not a mapping"
    for qualified, info in metrics.items():
        if qualified.partition(".")[0] not in record["views"] or not isinstance(info, dict) \
                or not isinstance(info.get("metric"), str) or not isinstance(info.get("args"), dict) \
                or not isinstance(info.get("filters") or {}, dict):
            return f"metrics.{qualified} is not a measure of a recorded view with its metric, args and filters"
    return None


def _of_metric(problem: Problem, measure: str, model) -> Problem:
    """The problem, said of the shared metric the user declared (meta.omni.measures.<measure> of the model)."""
    message = problem.message if problem.message.startswith(f"measure {measure}:") else \
        f"shared metric {measure}: {problem.message}"
    return Problem(message, file=problem.file, model=model.shown_name, key=problem.key, expected=problem.expected,
                   suggestion=problem.suggestion)


def plan(project: DbtProject, output_dir: Path, select: Optional[list] = None, by: Optional[list] = None,
         target_name: Optional[str] = None) -> list:
    """The checks for every shared-metric measure (of the selected models), each grain a check.
    target_name: the dbt target this verify runs on, which must be the one the export was made for."""
    record_path = Path(output_dir) / RECORD
    if not record_path.is_file():
        raise OmniExportError(Problem("no export to verify", file=str(record_path),
                                      expected="an Omni model written by omni_export, the plugin or dbt-omni export"))
    try:
        record = json.loads(record_path.read_text("utf-8"))
        unusable = _unusable(record)
    except (OSError, ValueError) as exc:
        unusable = str(exc)
    if unusable:
        raise OmniExportError(Problem(f"the export's record cannot be read ({unusable})", file=str(record_path),
                                      expected="omni_export.json as dbt-omni wrote it: export again"))
    exported_for = record.get("target_name")
    if target_name and isinstance(exported_for, str) and exported_for != target_name \
            and not record.get("target_guessed"):  # its views read that target's
        raise OmniExportError(Problem(  # schemas: "all measures match" would be about other files than meant
            f"the Omni model in {output_dir} was exported for target {exported_for}, and this verify runs on target "
            f"{target_name}", file=str(record_path),
            expected=f"an export for {target_name} first (`dbt parse --target {target_name}`, or the run-operation "
                     f"with --target {target_name}), or verify with --target {exported_for}"))
    dbt_mode = renderer(project, "dbt")
    chosen = selected_ids(project, select, "select") if select else set()  # dbt's selectors, or view names
    for selector in select or ():
        if selector not in record["views"] and not selected_ids(project, [selector], "select"):
            raise OmniExportError(Problem(f"select '{selector}' matches no model and no exported view", key="select",
                                          expected="dbt's selector syntax, or an Omni view name",
                                          suggestion=closest(selector, {m.name for m in project.models.values()}
                                                             | set(record["views"]))))
    checks, dimensions = [], set()
    amounts: dict = {}  # view name -> fields its metrics take as ids or amounts: no grain of any of its checks
    for qualified, info in sorted((record.get("metrics") or {}).items()):
        view_name, _, measure = qualified.partition(".")
        unique_id = record["views"][view_name]["dbt_unique_id"]
        model = project.models.get(unique_id)
        if model is None or (select and unique_id not in chosen and view_name not in select):
            continue
        view = _View(Path(output_dir) / record["views"][view_name]["path"], dbt_mode, view_name, project.adapter_type)
        package, macro = split_metric_name(info["metric"])
        columns = {k: view.resolve(v) if isinstance(v, str) else v for k, v in info["args"].items()}
        try:
            dbt_expression = str(dbt_mode.macro(package, macro)(**columns))
        except MacroError as exc:  # the record names a macro this project lacks (a hand edit, another project's)
            raise OmniExportError(Problem(f"metrics.{qualified}: {exc}", file=str(record_path),
                                          expected="omni_export.json as dbt-omni wrote it: export again")) from None
        filters = info.get("filters") or {}
        try:
            view.stand_ins.clear()
            omni_expression = view.measure_sql(measure)
            where = " and ".join(view.filter_sql(f, c, measure) for f, c in sorted(filters.items())) or None
        except OmniExportError as exc:  # a ratio's hidden component failed: name the measure the user wrote
            raise OmniExportError([_of_metric(p, measure, model) for p in exc.problems]) from None
        dimensions |= view.dimensions.keys()
        if view_name not in amounts:
            amounts[view_name] = _amount_arguments([i for q, i in record["metrics"].items()
                                                    if q.partition(".")[0] == view_name])
        grains = [g for g in by if g in view.dimensions] if by else view.grains(amounts[view_name].union(
            column_field(c.name)[0] for c in model.columns.values() if c.data_type and NOT_A_GRAIN_RE.search(c.data_type)))
        booleans = {column_field(c.name)[0] for c in model.columns.values()
                    if c.data_type and c.data_type.strip().lower() in ("boolean", "bool")}  # true / false: no one's data
        for grain in [None, *grains]:
            checks.append(Check(
                measure=qualified, grain=grain, database=model.database,
                schema=model.schema, identifier=model.table,
                dbt_sql=_query(dbt_expression, grain and view.dimension_sql(grain), where),
                omni_sql=_query(omni_expression, grain and view.dimension_sql(grain)),
                filtered=where is not None,
                shows_group=grain is None or bool(by) or view.enumerated(grain) or grain in booleans,
                stand_ins=tuple(sorted(view.stand_ins)),
            ))
    unknown = [g for g in by or () if g not in dimensions]
    if checks and unknown and "[" in unknown[0]:
        raise OmniExportError(Problem(f"verify groups by a dimension's own values, not by a timeframe ('{unknown[0]}')",
                                      key="by", expected="a dimension name, e.g. a date column or a dbt column "
                                      "that holds the month", suggestion=closest(unknown[0].partition("[")[0], dimensions)))
    if checks and unknown:  # left out silently, the check would pass without grouping as asked
        raise OmniExportError(Problem(f"no view with shared metrics has a dimension '{unknown[0]}'", key="by",
                                      expected="dimensions of the verified views", suggestion=closest(unknown[0], dimensions)))
    return checks


def _amount_arguments(infos: list) -> frozenset:
    """The fields a view's metrics take as an id or an amount (`customer_id_column`, `mrr_column`, ...; the
    record holds each argument, defaults too, as `${field}` or an expression of them): grouping by an amount,
    or by one a sibling metric reads, is no grain a finance user reads."""
    fields = set()
    for info in infos:
        for key, value in info["args"].items():
            if key.endswith(NOT_A_GRAIN_ARGUMENT) and isinstance(value, str):
                fields.update(FIELD_RE.findall(value) or [column_field(value)[0]])
    return frozenset(fields)


def _query(expression: str, grain_sql: Optional[str], where: Optional[str] = None) -> str:
    """dbt's side of a metric with filters runs the macro over the rows they keep (Omni's measure
    filters inside its aggregate)."""
    source = f"{RELATION} where {where}" if where else RELATION
    if grain_sql is None:  # with the rows the metric saw: a match over no rows proves nothing
        return f"select {expression} as metric_value, count(*) as rows_seen from {source}"
    return f"select {grain_sql} as grain_value, {expression} as metric_value from {source} group by 1"


HALF_A_CENT = Decimal("0.005")
CLOSE = Decimal("1e-9")  # relative: two sums of the same doubles in another order differ in the last digits
# A double sum of 10 million rows is off by about 1e-12 of its value (rows x 1e-16, partly cancelling):
# past 5 billion that exceeds half a cent, which doubles then cannot tell apart at all.
DOUBLE_NOISE = Decimal("1e-12")


def _is_number(value: Any) -> bool:
    return isinstance(value, (Decimal, int, float)) and not isinstance(value, bool)


def _rows(table: Any, total: bool) -> tuple:
    """(grain value (as text) -> metric value, the rows a total saw or None), from an agate table or a
    list of rows."""
    out, seen = {}, None
    for row in getattr(table, "rows", table):
        values = list(row)
        if total:
            out[""], seen = values[0], (values[1] if len(values) > 1 else None)
        else:
            out[str(values[0])] = values[1]
    return out, seen


def _same(a: Any, b: Any) -> bool:
    """Equal to the cent: within a billionth of the value (a double's rounding, summed in another
    order) and, however large the value, within half a cent."""
    if a is None or b is None:
        return a is None and b is None
    if not (_is_number(a) and _is_number(b)):
        return a == b
    x, y = Decimal(str(a)), Decimal(str(b))  # a float's str is its shortest exact spelling
    if not (x.is_finite() and y.is_finite()):  # NaN matches nothing, as in SQL; infinities match themselves
        return x == y
    difference, size = abs(x - y), max(abs(x), abs(y))
    cent = HALF_A_CENT if not isinstance(a, float) and not isinstance(b, float) else max(HALF_A_CENT, DOUBLE_NOISE * size)
    return difference <= CLOSE or (difference <= cent and difference <= CLOSE * size)


def report(checks: list, results: list) -> tuple:
    """(all matched, a summary line and the table) from each check's (dbt rows, Omni rows), or the
    warehouse's message where it refused the query."""
    header = ("measure", "grain", "groups", "dbt value", "Omni value", "match")
    lines, ok, unseen, failures, unshown, stood_in = [], True, [], [], [], {}
    for check, (dbt_table, omni_table) in zip(checks, results, strict=True):
        failed = [t for t in (dbt_table, omni_table) if isinstance(t, str)]  # the warehouse refused the query
        if failed:
            ok = False
            failures += [f for f in failed if f not in failures]
            grain = "total" if check.grain is None else f"by {check.grain}"
            lines.append((check.measure, grain, "", "", "", "ERROR (below)"))
            continue
        (dbt_rows, seen), (omni_rows, _) = _rows(dbt_table, check.grain is None), _rows(omni_table, check.grain is None)
        if seen == 0:
            unseen.append(check.measure)
        if check.filtered:  # a group the filters empty: no row on dbt's side, nothing (null or 0) on Omni's
            omni_rows = {k: v for k, v in omni_rows.items() if k in dbt_rows or v not in (None, 0)}
        keys = sorted(set(dbt_rows) | set(omni_rows))
        bad = [k for k in keys if k not in dbt_rows or k not in omni_rows or not _same(dbt_rows[k], omni_rows[k])]
        ok = ok and not bad
        shown = bad[0] if bad else (keys[0] if keys else "")
        grain = "total" if check.grain is None else f"by {check.grain} = {shown}"  # the group the values are of
        if not check.shows_group:
            grain = f"by {check.grain} = (one of its groups)"
            unshown += [check.grain] if check.grain not in unshown else []
        match = ("yes" if seen != 0 else "yes, over no rows") if not bad else f"NO ({len(bad)} differ)"
        if check.stand_ins and not bad:
            match += "*"
            stood_in.setdefault(check.measure, check.stand_ins)
        lines.append((check.measure, grain, str(len(keys)), _show(dbt_rows.get(shown)), _show(omni_rows.get(shown)), match))
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    text = "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in [header, *lines])
    summary = ("all measures match" if ok else f"FAILED: the warehouse refused {len(failures)} of the queries" if failures
               else "MISMATCH: Omni and dbt disagree")
    text = summary + "\n" + text
    if failures:  # the first few: a table not built yet fails every query on it alike
        text += "\n" + "\n".join(failures[:MAX_FAILURES_SHOWN])
        if len(failures) > MAX_FAILURES_SHOWN:
            text += f"\n... and {len(failures) - MAX_FAILURES_SHOWN} more refused queries"
    if unshown:
        text += (f"\nThe values of {', '.join(unshown)} are not shown (neither a date, a boolean nor an accepted_values column, so "
                 f"perhaps personal data); asking for it shows them: --by {unshown[0]} (run-operation: --args "
                 f"'{{by: [{unshown[0]}]}}').")
    for measure, kinds in stood_in.items():  # a match there says less than it seems to: say what it rests on
        text += (f"\n* {measure}: aggregate_type {' and '.join(kinds)} is Omni's own, and Omni does not publish the SQL it "
                 "runs for it, so verify ran dbt's (metric_median) on both sides: it checks the column and filters, not "
                 "Omni's aggregate (on BigQuery, dbt's median is approx_quantiles, approximate).")
    if unseen:  # dbt's tests pass on an empty table too, but this one is meant as proof: say what it rests on
        text += (f"\nNo rows to compare for {', '.join(unseen)}: the table is empty, or no row passes the metric's "
                 "filters; these match over nothing (build the models with data to check them).")
    return ok, text


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, Decimal):  # as the warehouse gave it, without a float's invented digits
        return format(value.normalize(), "f")
    return "null" if value is None else str(value)
