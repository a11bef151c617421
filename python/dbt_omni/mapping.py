"""dbt project -> Omni model: views and their fields here, relationships in relationships.py, topics
in topics.py, shared-metric measures in metrics.py; the Mapper resolves names for all of them."""
from __future__ import annotations

import operator
import re
from collections import Counter
from typing import Callable, Optional

from dbt_omni.config import Settings
from dbt_omni.errors import OmniExportError, Problem, closest, collecting, first_few, raise_collected
from dbt_omni.names import (
    MAX_FILE_NAME,
    VERSION_RE,
    column_field,
    field_name,
    field_view,
    safe_component,
    spelt_otherwise,
    too_long,
    windows_device,
)
from dbt_omni.omni_model import Dimension, Measure, ModelFile, OmniModel, View, text_or_none
from dbt_omni.project import (
    DBT_REF_RE,
    SOURCE_REF_RE,
    Column,
    DbtProject,
    Model,
    contract_problems,
    ephemeral_blocks,
    is_number,
    left_out_problems,
    lookup,
    time_kind,
)
from dbt_omni.references import SQL_REF_RE, check_references, references
from dbt_omni.relationships import build_relationships, warn_keyless_repeated
from dbt_omni.selection import select_models, unmatched_selectors
from dbt_omni.topics import build_topics

NAMED_FORMATS = (
    "number", "percent", "id", "billions", "millions", "thousands", "big", "currency",
    "usdcurrency", "eurcurrency", "gbpcurrency", "accounting", "usdaccounting", "euraccounting",
    "gbpaccounting", "financial", "bigcurrency", "bigusdcurrency", "bigeurcurrency", "biggbpcurrency",
)
# Lightdash's currency formats; its compact trillions has no named format of Omni's (closest() would say
# millions): no suggestion, the expected text names D3 / Excel format strings
FORMAT_ALIASES = {"usd": "usdcurrency", "eur": "eurcurrency", "gbp": "gbpcurrency", "trillions": None}
# Omni's currency formats take any currency's code as a prefix (Omni's format docs: "a currency prefix like usd,
# gbp, or jpy"): currency, accounting and bigcurrency, as usdcurrency, jpyaccounting, bigchfcurrency. ISO 4217's codes.
CURRENCY_CODES = frozenset("""
    aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd btn bwp byn bzd cad cdf chf
    clp cny cop crc cup cve czk djf dkk dop dzd egp ern etb eur fjd fkp gbp gel ghs gip gmd gnf gtq gyd hkd hnl htg
    huf idr ils inr iqd irr isk jmd jod jpy kes kgs khr kmf kpw krw kwd kyd kzt lak lbp lkr lrd lsl lyd mad mdl mga
    mkd mmk mnt mop mru mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd
    rub rwf sar sbd scr sdg sek sgd shp sle sos srd ssp stn svc syp szl thb tjs tmt tnd top try ttd twd tzs uah ugx
    usd uyu uzs ves vnd vuv wst xaf xcd xof xpf yer zar zmw zwl""".split())
CURRENCY_FORMAT_RE = re.compile(r"(big)?([a-z]{3})(currency)|([a-z]{3})(accounting)")
MAX_FORMAT_DECIMALS = 4  # `_N` of a named format: Omni's format docs say "up to 4"
# A format made only of letters, digits and underscores means a named one (no D3 or Excel format
# looks like that, but Excel's date codes: yyyy, mmm, dd, ...).
NAMED_FORMAT_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_]*?)(_\d+)?$")
EXCEL_DATE_CODE_RE = re.compile(r"^[ymdhsYMDHS]+$")


def is_named_format(name: str) -> bool:
    """name: a named format in lowercase, without its `_N` decimals."""
    if name in NAMED_FORMATS:
        return True
    match = CURRENCY_FORMAT_RE.fullmatch(name)
    return match is not None and (match[2] or match[4]) in CURRENCY_CODES


DEFAULT_TIMEFRAMES = {
    "date": ["date", "week", "month", "quarter", "year"],
    "timestamp": ["raw", "date", "week", "month", "quarter", "year"],
}
# An aggregate in a measure's own SQL (sum(...), count(distinct ...)), as opposed to a row-level expression;
# a miss is only a warning.
AGGREGATE_CALL_RE = re.compile(
    r"\b(sum\w*|count\w*|avg|average|min|max|min_by|max_by|arg_min|arg_max|median|mode|percentile\w*|approx_\w+|"
    r"stddev\w*|var_\w+|variance|covar_\w+|corr|array_agg|string_agg|listagg|group_concat|json\w*_agg|collect_\w+|"
    r"any_value|bool_and|bool_or|logical_and|logical_or|every|hll_\w+|quantile\w*|first|last|kurtosis|skewness|"
    r"bit_and|bit_or|bit_xor|regr_\w+)\s*\(",
    re.IGNORECASE)
# The aggregates SQL engines share, by their exact names (unlike AGGREGATE_CALL_RE's families, which
# would also take a function such as summary_score(...)): inside a measure with aggregate_type, each
# makes an aggregate of an aggregate, which the warehouse refuses.
PLAIN_AGGREGATE_RE = re.compile(
    r"\b(sum|count|avg|min|max|median|stddev|stddev_pop|stddev_samp|variance|var_pop|var_samp|array_agg|string_agg|"
    r"listagg|percentile_cont|percentile_disc|approx_count_distinct|any_value|bool_and|bool_or)\s*\(", re.IGNORECASE)
SQL_STRING_RE = re.compile(r"'(?:[^']|'')*'")  # a quoted literal: 'count(' there is text, not a call
WINDOW_RE = re.compile(r"\)\s*over\b", re.IGNORECASE)  # sum(x) over (...): a window, computed per row
GRANT_SPLIT_RE = re.compile(r"[|&()]")  # required_access_grants entries may combine grants: finance|sales&emea
QUOTE = {"bigquery": "`", "databricks": "`", "spark": "`", "mysql": "`"}
MAX_MODELS_SHOWN = 5  # in one warning about a relation many models name


def sorted_maps(value):
    """Every mapping inside value with its keys sorted (lists keep their order): a filter's operators or a
    model file's access grants as written in YAML would move in the output when only reordered there."""
    if isinstance(value, dict):
        return {k: sorted_maps(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [sorted_maps(item) for item in value]
    return value


def _ignored(column: Column) -> bool:
    return bool(column.omni) and column.omni.get("ignore") is True


class Mapper:
    """One export's state: the selected models, their views (by every name a reference may use), the
    warnings so far, and the rules that turn a name written in meta.omni into the one Omni reads."""

    def __init__(self, project: DbtProject, settings: Settings):
        self.project = project
        self.settings = settings
        self.models = select_models(project, settings)
        # Said with the mistakes of the other models' fields (build); a model with one is not mapped.
        self.contract_problems, self.invalid = contract_problems(self.models)
        self.warnings: list = unmatched_selectors(project, settings)
        self.drift: list = []  # of the warnings, those no error under --warn-error (_drift): OmniModel.drift
        self.warn_only_keyless: list = []  # model.column of keys that tests of severity warn would make (_warn_only_key)
        self.warn_only_valueless: list = []  # model.column whose accepted_values test only warns: no all_values
        self.countless: list = []  # models whose column `count` leaves their view without a row count
        exported = {m.unique_id for m in self.models}
        self.warnings += [f"{problem} (in a model the selection leaves out: a warning until it is exported)"
                          for problem in left_out_problems(project, exported)]
        self.warnings += [notice for unique_id, notice in project.notices if unique_id in exported]
        self._warn_ephemeral_blocks()
        self._warn_other_tools_meta()
        elsewhere = [m for m in self.models if m.unique_id in project.other_relations]
        uncatalogued = [m.shown_name for m in self.models if m.resource_type == "model" and not m.in_catalog
                        and m.unique_id not in project.other_relations]
        if project.foreign_catalog:
            self._drift(
                f"catalog.json is of another dbt project ({', '.join(project.foreign_catalog[:3])}), not of "
                f"{project.project_name}: its unique ids match none of this manifest's, so it is not read and only "
                "documented columns are fields (pass this project's: `dbt docs generate` writes it)")
        if project.has_catalog and uncatalogued:
            listed = f"{len(uncatalogued)} exported model(s) ({first_few(uncatalogued)})"
            self._drift(
                f"the warehouse lists no columns of {listed}: dbt's adapter.get_columns_in_relation "
                + ("(and pg_catalog) returned none, so only their documented columns are fields" if project.adapter_type
                   == "postgres" else "returned none, so only their documented columns are fields (check that this "
                   "target's user may read the relation)") if project.columns_from_warehouse else
                f"catalog.json lists no columns of {listed}: built or renamed since the last `dbt docs generate`, "
                "or left out by its --select? Only their documented columns are fields until it runs again")
        if elsewhere:
            shown = first_few(["{} as {}, not {}".format(m.shown_name, *project.other_relations[m.unique_id])
                               for m in elsewhere], 3)
            self._drift(
                f"catalog.json describes {len(elsewhere)} exported model(s) as other relations ({shown}): written for another target, or before a schema or alias "
                "change; their columns are not read from it, so only documented ones are fields (run `dbt docs "
                "generate` for this target)")
        self.views: dict = {}  # unique_id -> View
        self.default_database: Optional[str] = None  # set by _register_views
        self._unexported_views: Optional[dict] = None  # Omni view name -> dbt name (unexported_view_name)
        self.view_by_model_name: dict = {}
        self.view_by_name: dict = {}  # Omni view name -> View, for refs already written Omni's way
        self.view_by_version: dict = {}  # "name.v1" (as dbt's selectors write a version) -> View
        self.aliases: dict = {}  # a join's join_to_view_as -> the View it stands for
        self.topic_scope: Optional[Callable] = None  # while a topic is made: its name for a view name
        self.resource_types = {m.name: m.resource_type for m in project.models.values()}  # exported or not
        for m in project.models.values():  # and each version by the names it may be written with
            if m.version is not None:
                self.resource_types.setdefault(f"{m.name}.v{m.version}", m.resource_type)
                self.resource_types.setdefault(f"{m.name}_v{m.version}", m.resource_type)
        self.metric_renderers = None  # (omni mode, dbt mode), made on the first shared metric
        self.metric_records: dict = {}  # "view.measure" -> the metric macro and its arguments
        # (model name, relation left out) -> what of it was dropped: one warning per relation, at the end
        self.dropped: dict = {}
        # A field's own timeframes override the model file's default_timeframes: with one set, columns
        # get none of ours (meta.omni timeframes still win).
        self.default_timeframes = {} if "default_timeframes" in settings.model_file else DEFAULT_TIMEFRAMES
        formats = settings.model_file.get("custom_formats")
        self.custom_formats = sorted(map(str, formats)) if isinstance(formats, dict) else []

    def _warn_other_tools_meta(self) -> None:
        """A project that has no meta.omni yet but Lightdash's, dbt2looker's or dbt-metabase's meta: their blocks are
        left alone (a project may feed both tools), which a team migrating took for lost; said until its first
        meta.omni block, and no error under --warn-error."""
        if any(m.omni or any(c.omni for c in m.columns.values()) for m in self.models):
            return
        theirs = [m.shown_name for m in self.models if any(
            key in OTHER_TOOLS_META or str(key).startswith("metabase") for key in lookup(m.config, "meta", {}) or ())
            or any(key in OTHER_TOOLS_COLUMN_META or str(key).startswith("metabase.")
                   for meta in m.plain_column_meta if isinstance(meta, dict) for key in meta)]
        if theirs:
            self._drift(f"no exported model has meta.omni, and {len(theirs)} carry another tool's meta (Lightdash, "
                        f"dbt2looker or dbt-metabase: {first_few(sorted(theirs))}), "
                        "which dbt-omni leaves alone: README's 'Coming from another tool' says what each key is in meta.omni")

    def _warn_ephemeral_blocks(self) -> None:
        """In one line, and no error under --warn-error: a folder's +meta in dbt_project.yml gives its ephemeral
        models the block too, which nothing but the models' own YAML could move. The blocks' mistakes as warnings."""
        ephemeral, problems = ephemeral_blocks(self.project)
        meant = select_models(self.project, self.settings, among=ephemeral) if ephemeral else []  # (not ignore: true)
        if named := [m.shown_name for m in meant]:
            unexported = (f"the meta.omni of {len(named)} ephemeral model(s) is not exported, as no relation is there "
                          f"for Omni to read: {first_few(sorted(named))} "
                          "(materialize one as a view or table, or move its block to a model built from it; a block "
                          "from a folder's +meta in dbt_project.yml: +meta: {omni: {ignore: true}} on a folder of "
                          "ephemeral models only, or meta.omni: {ignore: true} on each)")
            self.warnings.append(unexported)
            self.drift.append(unexported)
        self.warnings += [f"{problem} (in an ephemeral model: a warning, as it is not exported)" for problem in problems]

    # -- names -------------------------------------------------------------------------------------

    def _default_database(self) -> Optional[str]:
        """The database most of the project's own models are built in: the connection's, as far as the
        manifest can tell (the same answer for every trigger, unlike the target each one sees)."""
        counts = Counter(_database(m) for m in self.project.models.values()
                         if m.resource_type == "model" and m.package_name == self.project.project_name and m.database)
        return min(counts, key=lambda db: (-counts[db], db)) if counts else None

    def _in_other_database(self, model: Model) -> bool:
        """As the warehouse spells the databases: on Snowflake a source's `database: RAW` and the models' `raw`
        are one database."""
        return bool(model.database and self.default_database and _database(model) != self.default_database)

    def _view_prefix(self, model: Model) -> str:
        """What Omni puts before <schema>__<table> in a view's name: its database, for a relation in
        another database than the connection's (a source in RAW, a +database model; Omni reads it by
        `catalog`: docs.omni.co/connect-data/view-name-generation) or on a connection that scopes every
        view name so."""
        if model.database and (self.settings.scope_view_names or self._in_other_database(model)):
            return f"{model.database}_"
        return ""

    def unexported_view_name(self, name: str) -> Optional[str]:
        """The dbt name of a relation the export leaves out, for a name that is its Omni view name (a
        join's `to: raw_stripe__charges`): said to be left out, as its dbt name is, not unknown."""
        if self._unexported_views is None:
            self._unexported_views = {}
            for m in self.project.models.values():
                if m.unique_id not in self.views:
                    view_name = f"{safe_component(self._view_prefix(m) + m.schema)}__{safe_component(m.table)}"
                    # a version by its own name (`customers.v1`): the bare name may be another, exported version
                    self._unexported_views.setdefault(view_name, m.name if m.version is None else f"{m.name}.v{m.version}")
        return self._unexported_views.get(name)

    @staticmethod
    def _name_problems(model: Model, schema: str, table: str, prefix: str) -> list:
        """A file or folder name too long for a file system, naming the setting that makes it so."""
        source = model.resource_type == "source"
        folder_key = "schema" if source else "config.schema"
        if prefix and len(safe_component(model.schema)) <= MAX_FILE_NAME:
            folder_key = "database"  # the prefix did: another database than the connection's, or scope_view_names
        where = dict(file=model.meta_file if source else model.path, model=model.shown_name,
                     expected=f"at most {MAX_FILE_NAME} characters, a file system's limit")
        return [Problem(message, key=key, **where) for name, suffix, what, key in (
            (schema, "", "view's folder", folder_key), (table, ".view.yaml", "view's file", "identifier" if source
                                                                                     else "config.alias"))
                if (message := too_long(name, suffix, what))]

    def _register_views(self) -> None:
        too_long_names: list = []  # said all at once, before any other view's mistakes
        taken: dict = {}
        folders: dict = {}  # a view folder's lowercase -> (its spelling, the model that wrote it first)
        by_name: dict = {}  # model name -> [(model, view)]: versions and packages can share a name
        self.default_database = self._default_database()
        for model in self.models:
            view = View(schema=model.stored_schema or model.schema, table_name=model.stored_table or model.table,
                        dbt_unique_id=model.unique_id, dbt_path=model.path)
            prefix = self._view_prefix(model)
            if self._in_other_database(model):
                view.catalog = _database(model)
            schema, table = safe_component(prefix + model.schema), safe_component(model.table)
            too_long_names += self._name_problems(model, schema, table, prefix)
            if (schema, table) != (view.schema, view.table_name):  # the file's name, not the relation Omni reads
                view.file_schema, view.file_table = schema, table
                if (schema, table) != (model.schema, model.table) and (
                        not prefix or (schema, table) != (prefix + model.schema, model.table)):
                    self.warnings.append(
                        f"{model.resource_type} {model.name}: relation {model.schema}.{model.table} is the Omni view "
                        f"{view.name} ({view.path}), as a view's name holds only letters, digits and underscores: "
                        "refer to it by that name in Omni"
                    )
            if view.name.lower() in taken:  # in any case: one file on macOS's and Windows' file systems
                other = self.project.models[taken[view.name.lower()]]
                same = (other.database, other.schema, other.table) == (model.database, model.schema, model.table)
                kinds = (f"two {model.resource_type}s" if other.resource_type == model.resource_type
                         else f"a {other.resource_type} and a {model.resource_type}")
                raise OmniExportError(
                    Problem(
                        f"{kinds} write the same Omni view {view.name} ({other.unique_id} and {model.unique_id})"
                        + (f": both are the relation {model.schema}.{model.table}" if same else ""),
                        file=model.path,
                        model=model.name,
                        expected="one of them in the selection (a seed and a source over one table: select one)"
                        if same else "distinct schema/alias per exported model",
                    )
                )
            taken[view.name.lower()] = model.unique_id
            folder = view.file_schema or view.schema  # as View.path
            first, other = folders.setdefault(folder.lower(), (folder, model))
            if first != folder:
                raise self._folder_case_error(other, model, first, folder, prefix)
            if devices := [part for part in (folder, view.file_table or view.table_name)
                           if len(part) <= 4 and windows_device(part)]:  # (a file's name is one part: no dot)
                self.warnings.append(f"model {model.shown_name}: the Omni view file {view.path}: {devices[0]} is a name "
                                     "Windows keeps for a device, so Windows cannot write the file nor Git for Windows "
                                     "check it out (another schema or alias avoids it)")
            self.views[model.unique_id] = view
            self.view_by_name[view.name] = view
            by_name.setdefault(model.name, []).append((model, view))
            if model.version is not None:
                self.view_by_version[f"{model.name}.v{model.version}"] = view
                if re.fullmatch(r"\w+", model.version):  # `name_v1`, dbt's own alias of a version: ${name_v1.x}
                    self.view_by_version[f"{model.name}_v{model.version}"] = view
        raise_collected(too_long_names)
        # ${name.x} means what an unpinned ref('name') means in dbt: the root project's model before a
        # package's, the latest version of a versioned one (an older one: `name.v1` or `name_v1` in a join's
        # `to` or a topic's joins, `name_v1` in ${...} and field names, `name.v1.field` in a topic's too).
        root = self.project.project_name
        for name, entries in by_name.items():
            entries.sort(key=lambda entry: entry[0].package_name != root)  # stable
            current = [view for model, view in entries if not model.is_old_version] or [entries[0][1]]
            self.view_by_model_name[name] = current[0]
            if len(current) > 1:
                self.warnings.append(
                    f"model name {name} is used by two packages; ${{{name}.x}} means {current[0].name}"
                )

    @staticmethod
    def _folder_case_error(other: Model, model: Model, first: str, folder: str, prefix: str) -> OmniExportError:
        """Folders named alike but for case are one folder on macOS's and Windows' file systems (and in a
        git checkout there): the second model's view would be read from the first one's folder, under
        another name than every reference to it gives."""
        source = model.resource_type == "source"
        key = "database" if prefix and folder[:len(prefix)] != first[:len(prefix)] else "schema" if source else "config.schema"
        return OmniExportError(Problem(
            f"its Omni view folder {folder} differs only in case from {first}, the folder of {other.unique_id}: "
            "one folder on macOS and Windows, where the view would be named after the other folder",
            file=model.meta_file if source else model.path, model=model.shown_name, key=key,
            expected=f"one spelling of a schema (and database) for all its relations: {first}"))

    def _register_join_aliases(self) -> None:
        """A join's join_to_view_as, before any SQL or field list is translated: Omni lets a view's
        measures, a join's SQL and a topic name the alias as a view."""
        declared: dict = {}  # alias -> (model, key) that declared it first
        for model in self.models:
            joins = model.omni.get("joins") or ()
            if model.unique_id in self.invalid and not _well_formed_joins(joins):
                continue  # a model whose block breaks the contract elsewhere still names its aliases, or
                # every reference to one would be a second, false error in the same round
            for index, join in enumerate(joins):
                alias, target = join.get("join_to_view_as"), self.own_version(model, join["to"]) or self.find_view(join["to"])
                if not alias or target is None:
                    continue
                if alias in self.aliases and self.aliases[alias] is not target:
                    first, first_key = declared[alias]
                    raise model.error(
                        f"join_to_view_as {alias} names {target.name} here, and {self.aliases[alias].name} in "
                        f"model {first.name} ({first_key})", key=f"meta.omni.joins[{index}].join_to_view_as",
                        expected="one view per alias: another name for one of the two")
                self.aliases[alias] = target
                declared.setdefault(alias, (model, f"meta.omni.joins[{index}]"))

    def _valid_models(self) -> list:
        """The exported models whose meta.omni blocks keep the contract: only they are read further."""
        return [m for m in self.models if m.unique_id not in self.invalid] if self.invalid else self.models

    def not_exported(self, name: str, view_name: Optional[str] = None) -> str:
        """Why a relation is no view, and how to select it; view_name: the Omni view name it was named by."""
        kind = self.resource_types[name]
        named = f"{kind} '{name}'" + (f" (the Omni view {view_name})" if view_name else "")
        if kind == "model":
            return f"{named} is not exported (not selected, or ignore: true)"
        selector = f"source:{name}" if kind == "source" else name
        if self.settings.select:
            how = f"add '{selector}' to {self.settings.key('select')}"  # where the selection came from: --select
        else:  # select: [x] alone would select x alone, where the default is every model of the project
            how = f"select it beside your models: vars.dbt_omni.select: ['package:this,resource_type:model', '{selector}']"
        return f"{named} is not exported ({how})"

    def left_out(self, name: str, model: Model, key: str, what: str) -> bool:
        """True for a relation the project has but this export leaves out: a join, a topic entry, a drill
        field or a default filter naming it is dropped (a partial selection stays exportable); SQL or a
        filter that changes what a measure or a topic counts is an error. Said once per relation
        (dropped_warnings), where a join to it may be declared, tested and in a topic alike."""
        if name not in self.resource_types and name not in self.view_by_name:
            name = self.unexported_view_name(name) or name
        if name not in self.resource_types or name in self.view_by_model_name or name in self.view_by_version:
            return False
        self.note_dropped(model, name, f"{what} ({key})")
        return True

    def note_dropped(self, model: Model, name: str, entry: str) -> None:
        self.dropped.setdefault((model.name, name), []).append(entry)

    def dropped_warnings(self) -> list:
        """One warning per relation left out: staging models that all test against a raw source not exported
        would otherwise give one line each, on every dbt command that exports."""
        by_relation: dict = {}
        for (model, name), whats in self.dropped.items():
            by_relation.setdefault(name, []).append((model, ", ".join(dict.fromkeys(whats))))
        warnings = []
        for name, entries in by_relation.items():
            if len(entries) == 1:
                warnings.append(f"model {entries[0][0]}: {self.not_exported(name)}; left out: {entries[0][1]}")
                continue
            shown = "; ".join(f"in {model}, {what}" for model, what in entries[:MAX_MODELS_SHOWN])
            more = len(entries) - MAX_MODELS_SHOWN
            warnings.append(f"{self.not_exported(name)}; left out: {shown}"
                            + (f"; and in {more} more model{'s' if more > 1 else ''}" if more > 0 else ""))
        return warnings

    def find_view(self, name: str) -> Optional[View]:
        """The exported view a name means: a dbt model's name, an Omni view name, or `name.v1`."""
        return self.view_by_model_name.get(name) or self.view_by_name.get(name) or self.view_by_version.get(name)

    def own_version(self, model: Model, name: str) -> Optional[View]:
        """dbt copies a versioned model's meta into every version: its own name there means that version."""
        return self.views.get(model.unique_id) if model.version is not None and name == model.name else None

    def view_for(self, name: str, model: Model, key: str) -> View:
        """The exported view for a dbt model name (or an Omni view name), or a clear error."""
        view = self.own_version(model, name) or self.find_view(name)
        if view is not None:
            return view
        suggestion = None
        ref, source = DBT_REF_RE.fullmatch(name.strip()), SOURCE_REF_RE.fullmatch(name.strip())
        if name in self.resource_types:
            message = self.not_exported(name)
        elif dbt_name := self.unexported_view_name(name):
            message = self.not_exported(dbt_name, view_name=name)
        elif any(name == ephemeral.name for ephemeral in self.project.ephemeral_models.values()):
            message = f"model '{name}' is ephemeral: no table or view for Omni to read"
        elif name in self.project.disabled_models:
            message = f"model '{name}' is disabled (enabled: false): no table or view for Omni to read"
        elif ref or source:  # ref('customers') / source('shop', 'customers'): dbt's Jinja, where a name is meant
            if ref:  # ref('package', 'model', v=2)
                suggestion = (ref[2] or ref[1]) + (f".v{ref[3]}" if ref[3] else "")
            else:
                suggestion = f"{source[1]}.{source[2]}"
            message = f"'{name}' is dbt's Jinja: here the {'model' if ref else 'source table'} is named as text"
        else:
            message = f"unknown model '{name}'"
            suggestion = closest(name, [*self.view_by_model_name, *self.view_by_version])
        raise model.error(message, key=key, expected="the name of an exported dbt model (a source table: "
                          "source_name.table_name)", suggestion=suggestion)

    def translate(self, text: Optional[str], model: Model, key: str, own: Optional[View] = None) -> Optional[str]:
        """Rewrite ${model_name.field} to ${schema__table.field}; ${field} (a dbt column name becomes its
        field's) stays in the view in a view's own SQL, and becomes ${own.field} in SQL outside any view
        (a relationship's, a topic's)."""
        if text is None:
            return None
        if text.count("${") != len(SQL_REF_RE.findall(text)):  # one not closed, or no name inside
            start = next(i for i in range(len(text)) if text.startswith("${", i) and not SQL_REF_RE.match(text, i))
            end = text.find("}", start)  # the bad reference alone, not the text after it
            bad = text[start:end + 1] if 0 <= end < start + 40 else text[start:start + 40]
            raise model.error(f"'{bad}' is not a field reference", key,
                              expected="${field}, ${model.field} or ${field[timeframe]}, closed by }",
                              suggestion=self._ref_suggestion(bad, model))

        def replace(match: re.Match) -> str:
            first, second, timeframe = match.groups()
            if second is None:  # ${field}: of the model the SQL belongs to
                return "${" + (own.name + "." if own is not None else "") + self._field_of(model, first) + (timeframe or "") + "}"
            written, target = self.ref_view(first, model, key)
            return "${" + written + "." + self._field_of(target, second) + (timeframe or "") + "}"

        return SQL_REF_RE.sub(replace, text)

    def _ref_suggestion(self, bad: str, model: Model) -> Optional[str]:
        """${erp.invoices.total} or ${customers.v1.name}, a source table's or a version's dbt name in ${...}, where
        a view is named in one word: as the view's name (a topic's fields take the dbt name, as in erp.invoices.total);
        ${orders."Order Date"} or ${Order Date}, a column by its warehouse name: as its field's (order_date)."""
        if (found := DOTTED_REF_RE.fullmatch(bad)) and (view := self.find_view(f"{found[1]}.{found[2]}")) is not None:
            return "${" + view.name + "." + found[3] + "}"
        if found := COLUMN_REF_RE.fullmatch(bad):
            prefix, name = found[1], found[2]
            target = model if prefix is None else self._model_of(view) if (view := self.find_view(prefix)) else None
            if target is not None and (column := target.find_column(name)) is not None:
                return "${" + (f"{prefix}." if prefix else "") + column_field(column.name)[0] + "}"
        return None

    def _model_of(self, view: View) -> Optional[Model]:
        return self.project.models.get(view.dbt_unique_id)

    def ref_view(self, name: str, model: Model, key: str, warn: bool = True) -> tuple:
        """(the view name a reference writes, the model whose fields it names). A join's alias
        (join_to_view_as) is written as itself; in a topic, a model the topic joins only under an alias
        is written as that alias, the name Omni gives it there."""
        if name in self.aliases and name not in self.view_by_model_name and name not in self.view_by_name:
            written = self.topic_scope(name, model, key, warn) if self.topic_scope is not None else name
            return written, self._model_of(self.aliases[name])
        view = self.view_for(name, model, key)
        written = self.topic_scope(view.name, model, key, warn) if self.topic_scope is not None else view.name
        return written, self._model_of(view)

    @staticmethod
    def _field_of(model: Optional[Model], name: str) -> str:
        """A dbt column's name where a field's is expected (`CrmId`, quoted in dbt) -> its field (`crmid`),
        as primary_key and metric arguments read it; any other name as written."""
        if model is not None and name in model.columns:
            return field_name(name)
        return name

    def translate_field_ref(self, ref: str, model: Model, key: str, own: Optional[View] = None) -> str:
        """`model.field`, `-model.field`, `model.*` -> the same with the view name; a bare `field` (a dbt
        column name becomes its field's) stays bare in a measure's filter, in its view, or, outside any
        view (a topic's), becomes `own.field`."""
        sign = "-" if ref.startswith("-") else ""
        body = ref[len(sign):]
        if body.startswith(("all_views.", "tag:")):
            return ref
        if "." not in body:
            body = self._field_with_timeframe(model, body)
            return f"{sign}{own.name}.{body}" if own is not None else sign + body
        prefix, _, rest = body.partition(".")
        version, dot, field = rest.partition(".")
        if dot and (VERSION_RE.fullmatch(version) or f"{prefix}.{version}" in self.view_by_version
                    or f"{prefix}.{version}" in self.resource_types):  # customers.v1.name, erp.invoices.total
            prefix, rest = f"{prefix}.{version}", field
        written, target = self.ref_view(prefix, model, key, warn=not sign)
        return f"{sign}{written}.{self._field_with_timeframe(target, rest)}"

    def _field_with_timeframe(self, model: Optional[Model], ref: str) -> str:
        name, bracket, timeframe = ref.partition("[")  # created_at[month]
        return self._field_of(model, name) + bracket + timeframe

    def translate_field_refs(self, refs: Optional[list], model: Model, key: str) -> Optional[list]:
        """Drill fields: each as translate_field_ref, but those of a view left out (dropped, warned;
        none left is unset, not Omni's `[]`, no drill); [] (no drill) stays [], as unset stays None. Omni's
        drill fields name fields and tags: no exclusion (`-x`) or wildcard (`view.*`), as a topic's fields may."""
        if refs is None:
            return None
        for ref in refs:
            if ref.startswith("-") or "*" in ref:
                raise model.error(f"'{ref}' in drill fields: a drill shows the fields listed, and takes no exclusion "
                                  "or wildcard", key, expected="field, model.field, field[timeframe] or tag:name")
        kept = [self.translate_field_ref(ref, model, key) for ref in refs
                if not self.left_out(field_view(ref, self.resource_types), model, key, f"field {ref}")]
        return kept if kept or not refs else None

    def translate_filters(self, filters: Optional[dict], model: Model, key: str,
                          own: Optional[View] = None, droppable: bool = False) -> Optional[dict]:
        """droppable: a filter on a view left out is dropped with a warning (a topic's default filters,
        which a user may change); otherwise it is an error, since the filter changes what is counted."""
        if not filters:
            return None
        return {self.translate_field_ref(k, model, f"{key}.{k}", own): sorted_maps(v) for k, v in sorted(filters.items())
                if not (droppable and self.left_out(field_view(k, self.resource_types), model, key, f"filter on {k}"))} or None

    # -- fields ------------------------------------------------------------------------------------

    def check_format(self, value: Optional[str], model: Model, key: str, where: str = "") -> Optional[str]:
        """where: whence the format came, where not from the key itself (a metric macro's properties)."""
        if value is None or value in self.custom_formats:  # the model file's own: Omni takes `format: <its name>`
            return value
        match = NAMED_FORMAT_RE.match(value)
        if match and is_named_format(match.group(1).lower()) and match.group(2) \
                and int(match.group(2)[1:]) > MAX_FORMAT_DECIMALS:
            raise model.error(f"format '{value}' has {int(match.group(2)[1:])} decimals" + (f" ({where})" if where else ""), key=key,
                              expected=f"_0 to _{MAX_FORMAT_DECIMALS} decimals, as Omni's named formats take (or a "
                                       "D3 / Excel format string such as 0.000000)",
                              suggestion=f"{match.group(1)}_{MAX_FORMAT_DECIMALS}")
        if match and not is_named_format(match.group(1).lower()) and not EXCEL_DATE_CODE_RE.match(value):
            name = match.group(1).lower()
            found = closest(value, self.custom_formats) or (
                FORMAT_ALIASES[name] if name in FORMAT_ALIASES else _currency_format(name)
                or closest(name.replace("_", ""), NAMED_FORMATS))
            raise model.error(
                f"unknown format '{value}'" + (f" ({where})" if where else ""),
                key=key,
                expected="an Omni named format (" + ", ".join(NAMED_FORMATS) + ", a currency format with another "
                "currency's code: jpycurrency, chfaccounting, ...; optionally _0 to _4 decimals), "
                + (f"a custom format of vars.dbt_omni.model_file ({', '.join(self.custom_formats)}), "
                   if self.custom_formats else "")
                + "or a D3 / Excel format string",
                suggestion=found if found in self.custom_formats else found and found + (
                    f"_{min(int(match.group(2)[1:]), MAX_FORMAT_DECIMALS)}" if match.group(2) else ""),
            )
        return value

    def _primary_key(self, model: Model) -> list:
        """Columns of the primary key: meta.omni, then constraints, then unique + not_null tests, then
        a unique_combination_of_columns test (the grain of a model keyed by several columns). A meta.omni
        dimension may be the key too: named by meta.omni.primary_key, or with its own `primary_key: true`."""
        declared = model.omni.get("primary_key")
        dimensions = model.omni.get("dimensions") or {}
        flagged_dimensions = sorted(name for name, block in dimensions.items() if block.get("primary_key"))
        if declared:
            keys = [declared] if isinstance(declared, str) else list(declared)
            by_field = {field_name(name): name for name in model.columns}  # `crmid` for the column "CrmId"
            keys = [key if key in model.columns or key in dimensions else by_field.get(key, key) for key in keys]
            if twice := next((key for key in keys if keys.count(key) > 1), None):
                raise model.error(f"primary key column '{twice}' is named twice", key="meta.omni.primary_key",
                                  expected="each column of the key once (a compound key of distinct columns)")
            if unnamed := [name for name in flagged_dimensions if name not in keys]:
                raise model.error(
                    f"meta.omni.dimensions.{unnamed[0]} says primary_key: true, but meta.omni.primary_key names "
                    f"{', '.join(keys)}", key="meta.omni.primary_key",
                    expected="one place for the key: meta.omni.primary_key (which may name a meta.omni dimension) "
                             "or the dimension's primary_key: true")
            if unnamed := [c.name for c in model.columns.values() if c.omni and c.omni.get("primary_key") is True
                           and c.name not in keys]:  # (was ignored silently: found by an audit of messages)
                raise model.error(
                    f"columns.{unnamed[0]}.meta.omni says primary_key: true, but meta.omni.primary_key names "
                    f"{', '.join(keys)}", key="meta.omni.primary_key",
                    expected="one place for the key: meta.omni.primary_key, or the column's primary_key: true")
            for key in keys:
                if key in dimensions:
                    continue
                if key not in model.columns and not model.columns_known:  # a fresh clone or CI: no catalog.json yet
                    near = closest(key, model.columns)
                    self.warnings.append(
                        f"model {model.shown_name}: meta.omni.primary_key: column {key} is not documented in {model.meta_file}"
                        f"{f' (did you mean {near}?)' if near else ''}, and without catalog.json its columns are unknown: "
                        "written as a plain dimension (document it)")
                    continue
                if key not in model.columns:
                    raise model.error(
                        f"primary key column '{key}' is not a column of the model",
                        key="meta.omni.primary_key",
                        expected="a documented column (or one in catalog.json)",
                        suggestion=closest(key, model.columns),
                    )
                if _ignored(model.columns[key]):
                    raise model.error(f"primary key column '{key}' has meta.omni ignore: true, so it is no field",
                                      key="meta.omni.primary_key", expected="a column that is exported")
            return keys
        flagged, constrained, tested = [], [], []  # one pass: a model can have hundreds of columns
        refused = set()  # `primary_key: false`: the user's word against a test or constraint
        for column in model.columns.values():
            if column.omni and _ignored(column):
                continue
            if column.omni and column.omni.get("primary_key") is not None:
                if not column.omni["primary_key"]:
                    refused.add(column.name)
                    continue
                flagged.append(column.name)
            if column.constraints and "primary_key" in column.constraints:
                constrained.append(column.name)
            if (column.tests or column.constraints) and {"unique", "not_null"} <= {*column.tests, *column.constraints}:
                tested.append(column.name)
        if flagged or flagged_dimensions:
            return flagged + flagged_dimensions
        if model.pk_constraint:
            columns = [model.find_column(name) for name in model.pk_constraint]
            if any(c is not None and c.name in refused for c in columns):
                return []
            if None not in columns and not any(_ignored(c) for c in columns):
                return [c.name for c in columns]
            unknown = next(name for name, c in zip(model.pk_constraint, columns, strict=True) if c is None or _ignored(c))
            self.warnings.append(f"model {model.shown_name}: its primary_key constraint names {unknown}, which is no field "
                                 f"(not documented in {model.meta_file}, nor in catalog.json, or ignored): no primary key")
            return []
        if constrained:
            return constrained
        if len(tested) > 1:
            self.warnings.append(
                f"model {model.shown_name}: several unique + not_null columns ({', '.join(tested)}); "
                f"{tested[0]} is the primary key (set meta.omni.primary_key to choose)"
            )
        if tested or not model.unique_combination:
            return tested[:1]
        columns = [model.find_column(name) for name in model.unique_combination]
        if None in columns or any(_ignored(c) or c.name in refused for c in columns):  # an expression, a column
            # that is no field or is said to be no key
            return []
        return [c.name for c in columns]

    def quoted(self, column: str) -> str:
        """The column's name as the warehouse's SQL quotes an identifier (a quote inside it escaped:
        doubled, or in BigQuery with a backslash)."""
        quote = QUOTE.get(self.project.adapter_type, '"')
        escaped = ("\\" if self.project.adapter_type == "bigquery" else quote) + quote
        return f"{quote}{column.replace(quote, escaped)}{quote}"

    def _dimension(self, model: Model, column: Column, is_pk: bool) -> Dimension:
        """Runs for every column (200,000 at 10,000 models): the common case first and cheap."""
        name, needs_sql = column_field(column.name)
        kind = time_kind(column.data_type) if column.data_type else None
        if column.catalog_type:
            self._warn_type(model, column, kind)
        # Only the set keys are passed, and the rare ones assigned after: each keyword argument costs
        # Dimension's generated __init__ about as much as the assignment does.
        dimension = Dimension(name, description=column.description.strip() or None)
        if is_pk:
            dimension.primary_key = True
        if kind:
            dimension.timeframes = self.default_timeframes.get(kind)
            if kind == "date":
                dimension.convert_tz = False  # a date has no time zone to convert from
        if column.accepted_values:
            dimension.all_values = list(column.accepted_values)
        if column.tags:
            dimension.tags = list(column.tags)
        if needs_sql or column.quoted:
            dimension.sql = self.quoted(column.stored_name or column.name)
            if needs_sql and spelt_otherwise(column.name, name):  # größe is gr_e: Omni would show "Gr E"
                dimension.label = column.name
        meta = column.omni
        if meta:
            dimension.dbt_key = f"columns.{column.name}.meta.omni"  # the dbt name (`CrmId`), not the field's
            if "description" in meta:  # "": none, not the dbt description
                dimension.description = meta["description"].strip() or None
            if meta.get("timeframes") is not None:
                dimension.timeframes = list(meta["timeframes"]) or None
                if dimension.timeframes and column.data_type and kind is None:
                    self.warnings.append(f"model {model.shown_name}: columns.{column.name}.meta.omni.timeframes: the column is "
                                         f"{column.data_type}, not a date or timestamp; Omni would truncate it as one")
                elif kind == "date" and (times := [t for t in dimension.timeframes or () if t in TIMES_OF_DAY]):
                    self.warnings.append(f"model {model.shown_name}: columns.{column.name}.meta.omni.timeframes: "
                                         f"{', '.join(times)}: the column is {column.data_type}, a date, so they are always 0")
            if meta.get("convert_tz") is not None:
                dimension.convert_tz = meta["convert_tz"]
                if column.data_type and kind is None:
                    self.warnings.append(f"model {model.shown_name}: columns.{column.name}.meta.omni.convert_tz: the column is "
                                         f"{column.data_type}, not a date or timestamp; only a time has a zone to convert")
            if meta.get("label") is not None:
                dimension.label = meta["label"]
            dimension.hidden = meta.get("hidden")
            if meta.get("format") is not None:  # (the key's text is made only for a format to check)
                dimension.format = self.check_format(meta["format"], model, f"columns.{column.name}.meta.omni.format")
            dimension.group_label = meta.get("group_label")
            if meta.get("tags"):
                dimension.tags = sorted({*column.tags, *meta["tags"]})
            dimension.synonyms = meta.get("synonyms")
            dimension.aliases = meta.get("aliases")
            dimension.ai_context = text_or_none(meta.get("ai_context"))
            dimension.required_access_grants = meta.get("required_access_grants")
            if meta.get("all_values") is not None:
                dimension.all_values = list(meta["all_values"]) or None
            dimension.sample_values = meta.get("sample_values") or None
        return dimension

    def _declared_dimension(self, model: Model, name: str, block: dict, is_pk: bool) -> Dimension:
        key = f"meta.omni.dimensions.{name}"
        code = SQL_STRING_RE.sub("''", str(block["sql"]))
        if (call := PLAIN_AGGREGATE_RE.search(code)) and not WINDOW_RE.search(code):
            self.warnings.append(f"model {model.shown_name}: {key}.sql calls {call.group(1)}(...), an aggregate: a "
                                 "dimension is computed row by row (make it a measure)")
        return Dimension(
            name=name,
            sql=self.translate(block["sql"], model, f"{key}.sql"),
            label=block.get("label"),
            description=block.get("description") or None,
            primary_key=is_pk or None,  # one of several: custom_compound_primary_key_sql
            hidden=block.get("hidden"),
            format=self.check_format(block.get("format"), model, f"{key}.format"),
            group_label=block.get("group_label"),
            timeframes=block.get("timeframes"),
            convert_tz=block.get("convert_tz"),
            tags=sorted(set(block["tags"])) if block.get("tags") else None,
            synonyms=block.get("synonyms"),
            aliases=block.get("aliases"),
            ai_context=text_or_none(block.get("ai_context")),
            all_values=block.get("all_values"),
            sample_values=block.get("sample_values") or None,
            required_access_grants=block.get("required_access_grants"),
            dbt_key=key,
        )

    def _column_measures(self, model: Model, name: str, block: dict, column: Column, dimension: Dimension) -> list:
        """A measure under a column: of the column's own field, unless its sql or metric says otherwise."""
        made = self._measures(model, name, block, f"columns.{column.name}.meta.omni.measures.{name}",
                              f"${{{dimension.name}}}")
        if block.get("sql") is None and not block.get("metric"):  # an aggregate of the column itself
            for measure in made:  # the sum of an amount in dollars is in dollars; a count is not
                if not self._takes(measure.aggregate_type, column.data_type):
                    self._warn_not_a_number(model, column, f"columns.{column.name}.meta.omni.measures.{name}",
                                            measure.aggregate_type)
                if measure.format is None and measure.aggregate_type in KEEPS_UNIT:
                    measure.format = dimension.format
                if "description" not in block:  # what is aggregated: "excludes shipping" holds for both
                    measure.description = dimension.description
                if "ai_context" not in block:  # and so does what the column's ai_context tells Omni's AI
                    measure.ai_context = dimension.ai_context
        return made

    def _takes(self, aggregate_type: Optional[str], data_type: Optional[str]) -> bool:
        """Whether the warehouse aggregates a column of the type so: PostgreSQL has no sum(boolean) nor avg(uuid),
        and sums money but takes no average or median of it (DuckDB alone sums booleans)."""
        if aggregate_type not in NEEDS_NUMBER or not data_type:
            return True
        kind = data_type.strip().lower()
        if kind == "money" and self.project.adapter_type in ("postgres", "redshift"):
            return aggregate_type in ("sum", "sum_distinct_on")
        return is_number(data_type) or (aggregate_type == "sum" and self.project.adapter_type == "duckdb"
                                        and kind in ("boolean", "bool"))

    def _warn_not_a_number(self, model: Model, column: Column, key: str, aggregate_type: str) -> None:
        """Omni's query would fail, not the export."""
        kind, field = column.data_type.strip().lower(), field_name(column.name)
        said = "warehouses take a number there"
        if kind in ("boolean", "bool"):
            said += f" (to count the true rows: sql: CASE WHEN ${{{field}}} THEN 1 ELSE 0 END)"
        elif kind == "money":
            said = f"PostgreSQL sums money but takes no {aggregate_type} of it (sql: ${{{field}}}::numeric)"
        self.warnings.append(f"model {model.shown_name}: {key}: aggregate_type {aggregate_type} of a column of type "
                             f"{column.data_type}; {said}")

    def _warn_type(self, model: Model, column: Column, kind: Optional[str]) -> None:
        """The YAML's data_type decides the timeframes (so an export without a catalog agrees), but the relation
        has another kind of column: the YAML is wrong, or (under an enforced contract) the catalog is stale."""
        warning = (f"model {model.shown_name}: columns.{column.name}.data_type is {column.data_type} in {model.meta_file}, "
                   f"but the relation's column is {column.catalog_type} (per the catalog); the field is made "
                   f"{'a ' + kind if kind else 'no date or timestamp'} by data_type, so correct it")
        if model.contract_enforced:  # dbt checked the types at the last build: the catalog predates it
            self._drift(warning + " or run `dbt docs generate`")
        else:
            self.warnings.append(warning)

    def _measure(self, model: Model, name: str, block: dict, key: str, column_sql: Optional[str]) -> Measure:
        aggregate_type = block.get("aggregate_type")
        sql = self.translate(block.get("sql"), model, f"{key}.sql") or column_sql
        problem = None  # (the message, the key it is about, what to write)
        if aggregate_type is None and column_sql is not None and block.get("sql") is None:
            problem = ("a column's measure needs aggregate_type: it aggregates the column", "aggregate_type",
                       "aggregate_type: sum (or count_distinct, average, max, ...)")
        elif sql is None and aggregate_type not in (None, "count"):
            problem = (f"aggregate_type {aggregate_type} needs sql", "sql",
                       "sql: ${column} (or the measure under that column's meta.omni measures)")
        elif sql is None and aggregate_type is None:
            problem = ("a measure needs sql, aggregate_type, or metric", None,
                       "aggregate_type: count, or sql: ${a} / ${b} over other measures, or metric: <a shared metric>")
        elif aggregate_type in ("percentile", "percentile_distinct_on") and block.get("percentile") is None:
            problem = (f"aggregate_type {aggregate_type} needs percentile", "percentile",
                       "percentile: N, a number from 0 to 100 (90: the 90th percentile)")
        elif aggregate_type and aggregate_type.endswith("_distinct_on") and not block.get("custom_primary_key_sql"):
            problem = (f"aggregate_type {aggregate_type} needs custom_primary_key_sql", "custom_primary_key_sql",
                       "custom_primary_key_sql: the field(s) whose distinct values it aggregates over, e.g. ${order_id}")
        elif block.get("percentile") is not None and aggregate_type not in ("percentile", "percentile_distinct_on"):
            problem = (f"percentile is for aggregate_type percentile or percentile_distinct_on, not {aggregate_type}",
                       "percentile", "no percentile, or aggregate_type: percentile")
        elif block.get("custom_primary_key_sql") and not (aggregate_type or "").endswith("_distinct_on"):
            problem = (f"custom_primary_key_sql is for the *_distinct_on aggregate types, not {aggregate_type}",
                       "custom_primary_key_sql", "no custom_primary_key_sql, or aggregate_type: sum_distinct_on (or "
                       "another *_distinct_on)")
        if problem:
            message, part, expected = problem
            raise model.error(message, f"{key}.{part}" if part else key, expected=expected)
        return Measure(
            name=name,
            sql=sql,
            aggregate_type=aggregate_type,
            percentile=block.get("percentile"),
            custom_primary_key_sql=self.translate(block.get("custom_primary_key_sql"), model, f"{key}.custom_primary_key_sql"),
            label=block.get("label"),
            description=block.get("description") or None,  # "": none (a column measure: not the column's)
            format=self.check_format(block.get("format"), model, f"{key}.format"),
            group_label=block.get("group_label"),
            hidden=block.get("hidden"),
            filters=self.translate_filters(block.get("filters"), model, f"{key}.filters"),
            drill_fields=self.translate_field_refs(block.get("drill_fields"), model, f"{key}.drill_fields"),
            tags=sorted(set(block["tags"])) if block.get("tags") else None,
            synonyms=block.get("synonyms"),
            aliases=block.get("aliases"),
            ai_context=text_or_none(block.get("ai_context")),
            required_access_grants=block.get("required_access_grants"),
            sample_values=block.get("sample_values") or None,
            dbt_key=key,
        )

    def _warn_missing(self, model: Model, column: Column) -> None:
        """Kept as a field (a stale catalog must not break an export), but Omni cannot read it."""
        if renamed := _renamed_from(model, column):
            self._drift(f"model {model.shown_name}: column {column.name} is documented ({model.meta_file}), but catalog.json "
                        f"lists the relation without it and with {renamed[0]}, its old name (aliases): a catalog from "
                        "before the rename, so the old column is left out (build the model, then run `dbt docs generate`)")
            return
        present = [c.name for c in model.columns.values() if not c.missing]
        field = column_field(column.name)[0]
        found = closest(column.name, present)
        hint = f"; did you mean {found}?" if found else ""
        if spelt := next((name for name in present if column_field(name)[0] == field), None):  # "Order Date"
            hint = (f"; the relation's column is spelt {spelt!r}, which the field {field} reads: document that name "
                    "instead")
        elif found and not model.columns[found].documented:  # as likely its old name: the catalog predates a rename
            hint = (f"; did you mean {found}? (If {column.name} is {found}'s new name, catalog.json predates the build: "
                    f"until `dbt docs generate`, both are fields, {found} one the relation no longer has)")
        self._drift(f"model {model.shown_name}: column {column.name} is documented ({model.meta_file}), but the relation has "
                    f"no such column (per the catalog: a typo, a dropped column, or a catalog older than the last run){hint}")

    def _warn_only_key(self, model: Model) -> None:
        """Collected for one warning (build): a project-wide `+severity: warn` (development's, often) takes every
        key made of tests away, and only views that something joins onto were said to lack one."""
        columns = [name for name in self.project.warn_only_keys[model.unique_id]
                   if (model.columns[name].omni or {}).get("primary_key") is not False and not _ignored(model.columns[name])]
        if columns:
            self.warn_only_keyless.append(f"{model.shown_name}.{columns[0]}")

    def _warn_only_values(self, model: Model) -> None:
        """As _warn_only_key, for the all_values an accepted_values test of severity warn does not give (unless
        another test or the column's meta.omni gives them, or the column is ignored)."""
        for name in self.project.warn_only_values[model.unique_id]:
            column = model.columns[name]
            if not column.accepted_values and not _ignored(column) and "all_values" not in (column.omni or {}):
                self.warn_only_valueless.append(f"{model.shown_name}.{name}")

    def _warn_schemas_left_out(self, views: list) -> None:
        """A view in a schema included_schemas does not list is in no schema Omni reads: a misspelt entry
        (`analytcs`) hid every view, unsaid (found by an audit of messages)."""
        included = {schema.lower() for schema in self.settings.included_schemas}
        left = sorted({v.schema for v in views if str(v.schema).lower() not in included})
        if left:
            counts = Counter(v.schema for v in views)
            near = next((found for schema in self.settings.included_schemas
                         if (found := closest(schema, left)) is not None), None)
            self.warnings.append(
                f"{self.settings.key('included_schemas')}: it lists none of the schemas of some exported views "
                f"({first_few([f'{s}: {counts[s]} view(s)' for s in left])}), whose "
                "tables Omni then may not offer, as it reads the schemas the model file includes (list these too, or "
                f"leave it unset: the exported views' schemas){f'; did you mean {near}?' if near else ''}")

    def _drift(self, warning: str) -> None:
        """A warning about a stale catalog, or about a setting of the project rather than a mistake
        (severity: warn, another tool's meta; OmniModel.drift): said, but no error under --warn-error."""
        self.warnings.append(warning)
        self.drift.append(warning)

    def _fill_view(self, model: Model) -> None:
        """The view's own fields; relationships.py may add an undocumented join key later."""
        view = self.views[model.unique_id]
        meta = model.omni
        view.label = meta.get("label")
        view.description = (meta["description"] if "description" in meta else model.description or "").strip() or None
        view.hidden = meta.get("hidden", False)
        tags = set(model.tags) | set(meta.get("tags") or ())
        view.tags = sorted(tags) or None
        view.ai_context = text_or_none(meta.get("ai_context"))
        view.aliases = meta.get("aliases")
        view.default_drill_fields = self.translate_field_refs(meta.get("default_drill_fields"), model,
                                                              "meta.omni.default_drill_fields")
        view.required_access_grants = meta.get("required_access_grants")
        view.upstream = tuple(sorted(model.depends_on))

        pk = self._primary_key(model)
        if not pk and model.unique_id in self.project.warn_only_keys:
            self._warn_only_key(model)
        if model.unique_id in self.project.warn_only_values:
            self._warn_only_values(model)
        dimensions, measures = view.dimensions, []
        problems: list = []  # each field's mistake, all said at once (as build() does for the models)
        pk_column = pk[0] if len(pk) == 1 else None
        ignored = []
        for column in model.columns.values():
            omni = column.omni
            if omni and _ignored(column):
                if not column.missing:
                    ignored.append(field_name(column.name))
                continue
            if column.missing:
                self._warn_missing(model, column)
            try:  # not `collecting`, which would cost ~0.15 s at 200,000 columns
                dimension = self._dimension(model, column, column.name == pk_column)
            except OmniExportError as error:
                problems += error.problems
                if not (omni and omni.get("measures")):
                    continue
                dimension = Dimension(column_field(column.name)[0])  # a stand-in: its measures' mistakes are said too
            else:
                dimensions.append(dimension)
            if omni and omni.get("measures"):
                for name, block in sorted(omni["measures"].items()):
                    with collecting(problems):
                        measures.extend(self._column_measures(model, name, block, column, dimension))
        for key in pk:  # declared, undocumented, and no catalog to say otherwise
            if key not in model.columns and key not in (meta.get("dimensions") or {}):
                name, needs_sql = column_field(key)
                dimensions.append(Dimension(name, sql=self.quoted(key) if needs_sql else None,
                                            primary_key=True if len(pk) == 1 else None))
        if len(pk) > 1:
            view.custom_compound_primary_key_sql = [field_name(c) for c in pk]
        for name, block in sorted((meta.get("dimensions") or {}).items()):
            with collecting(problems):
                dimensions.append(self._declared_dimension(model, name, block, name == pk_column))
        for name, block in sorted((meta.get("measures") or {}).items()):
            with collecting(problems):
                measures.extend(made := self._measures(model, name, block, f"meta.omni.measures.{name}", None))
                if (plain := PLAIN_FIELD_RE.fullmatch(str(block.get("sql") or "").strip())) and (
                        column := model.find_column(plain[1])) and column.data_type \
                        and not self._takes(made[0].aggregate_type, column.data_type):  # sql: ${flag}, as a column's own
                    self._warn_not_a_number(model, column, f"meta.omni.measures.{name}", made[0].aggregate_type)
        raise_collected(problems)  # before the checks below, which read all of the view's fields
        if not any(m.name == "count" for m in measures):
            if any(d.name == "count" for d in dimensions) or "count" in ignored:  # (`count: {ignored: true}`)
                if not _counts_rows(measures, pk, view.name):
                    self.countless.append(model.shown_name)
            else:  # hidden where a measure of the view's own counts the rows already (order_count, "Orders"): two
                # fields of one number in the field picker, as Omni's own files hide it
                measures.append(Measure(name="count", aggregate_type="count",
                                        hidden=_counts_rows(measures, pk, view.name) or None))
        names = {d.name for d in dimensions}
        names.update(m.name for m in measures)
        if len(names) < len(dimensions) + len(measures):
            dimensions[:] = self._without_catalog_clashes(model, dimensions, measures)
            if len({d.name for d in dimensions} | {m.name for m in measures}) < len(dimensions) + len(measures):
                _report_clash(model, measures)
        if (cased := [n for n in meta.get("dimensions") or () if not n.islower()]) and (
                lowered := {n.lower(): n for n in names if n not in cased}):
            for name in cased:  # CustomerID beside the column customerid: Omni's own field names are lowercase
                if name.lower() in lowered:
                    self.warnings.append(f"model {model.shown_name}: meta.omni.dimensions.{name}: {name} differs only in case "
                                         f"from the field {lowered[name.lower()]}; a reference may find the other "
                                         "(give it a lowercase name of its own)")
        dimensions.sort(key=_by_name)
        view.measures = sorted(measures, key=_by_name)
        self._check_aggregation(model, view.measures)
        for kind, fields in (("dimensions", dimensions), ("measures", view.measures)):
            self._warn_same_labels(model, kind, fields)
        if ignored:  # Omni's schema layer has the column too: `ignored: true` hides it there (not when
            # another field took its name: `status` and the ignored "Status")
            names = {d.name for d in dimensions} | {m.name for m in measures}
            view.ignored_fields = tuple(sorted({name for name in ignored if name not in names}))
        if any(map(_aliases_of, dimensions)) or any(map(_aliases_of, view.measures)):
            self._drop_renamed_catalog_columns(model, dimensions)
            fields = [*dimensions, *view.measures]
            _check_old_names([(f.name, f.aliases, model, f"{f.dbt_key or f'columns.{f.name}.meta.omni'}.aliases")
                              for f in fields],
                             {f.name for f in fields} | set(view.ignored_fields), "field")

    def _drop_renamed_catalog_columns(self, model: Model, dimensions: list) -> None:
        """A documented column the catalog lacks, whose aliases name a column only the catalog lists: the
        column before its rename, in a catalog made before the build that renames it (dbt parses first).
        That old column is left out (_warn_missing said why), or the alias would stop every dbt command
        until the catalog is remade after a build the error itself prevents."""
        stale = {old for c in model.columns.values() if c.missing for old in _renamed_from(model, c)}
        if stale:
            dimensions[:] = [d for d in dimensions if d.name not in stale or d.dbt_key]

    def _warn_same_labels(self, model: Model, kind: str, fields: list) -> None:
        """Two shown fields of one kind with one label look alike in Omni's field picker: the same shared
        metric used twice (`aov`, and `aov_big` with filters) gives both the macro's label."""
        by_label: dict = {}
        for item in fields:
            if item.label and not item.hidden:
                by_label.setdefault(item.label.strip().lower(), []).append(item)
        for same in by_label.values():
            if len(same) > 1:
                self.warnings.append(f"model {model.shown_name}: {kind} {' and '.join(f.name for f in same)} have the same "
                                     f"label, {same[0].label}, so Omni lists them alike (give each a label of its own)")

    def _check_aggregation(self, model: Model, measures: list) -> None:
        """Omni's measure is sql + aggregate_type over dimensions, or sql alone that aggregates or
        combines measures: `sum` over a measure is an aggregate of an aggregate, and sql alone over
        dimensions (`${customer_id}`) is no measure at all."""
        tokens = {f"${{{m.name}}}": m.name for m in measures}  # `${total}`: a measure of this view
        for measure in measures:
            sql = measure.sql
            if sql and measure.aggregate_type and (call := PLAIN_AGGREGATE_RE.search(SQL_STRING_RE.sub("''", sql))):
                self.warnings.append(
                    f"model {model.shown_name}: {measure.dbt_key or f'measure {measure.name}'}.sql: aggregate_type "
                    f"{measure.aggregate_type} over {call.group(1)}(...): an aggregate of an aggregate, which the "
                    f"warehouse refuses (drop aggregate_type to keep the sql's own aggregate, or drop {call.group(1)}(...))")
            if not sql or (measure.aggregate_type and "${" not in sql):
                continue
            over = [name for token, name in tokens.items() if token in sql]
            if measure.aggregate_type and over:
                raise model.error(f"aggregate_type {measure.aggregate_type} over the measure ${{{over[0]}}}: an aggregate "
                                  "of an aggregate", key=f"{measure.dbt_key or f'measure {measure.name}'}.sql",
                                  expected="sql over columns or dimensions with aggregate_type, or sql alone combining "
                                  "measures (${revenue} / ${order_count})")
            if (not measure.aggregate_type and not over and not AGGREGATE_CALL_RE.search(sql)
                    and all(not view for view, _ in references(sql))):  # `${customers.count}`: perhaps a measure
                self.warnings.append(f"model {model.shown_name}: {measure.dbt_key or f'measure {measure.name}'}.sql: {sql} has "
                                     "no aggregate_type, no aggregate (sum(...), count(...)) and no measure in it: Omni "
                                     "takes it for no measure (add aggregate_type)")

    def _without_catalog_clashes(self, model: Model, dimensions: list, measures: list) -> list:
        """A column only the warehouse has, whose field name another field has (`größe` and `grüße` are
        both gr_e), is left out with a warning: nobody wrote it, so it must not fail every dbt command. But
        where that field is a documented column the relation lacks (`sku_short_name.` in the YAML, the
        relation's sku_short_name; `Order Date` and order_date), the field reads the relation's column:
        _warn_missing said which spelling to document."""
        columns = [c for c in model.columns.values() if not _ignored(c)]  # one dimension each, in order; meta.omni dimensions follow
        paired = list(zip(columns, dimensions, strict=False))
        undocumented = {id(d): c for c, d in paired if not c.documented}
        misspelt = {d.name: (c, d) for c, d in paired if c.documented and c.missing}
        taken = {d.name for d in dimensions if id(d) not in undocumented} | {m.name for m in measures}
        kept = []
        for dimension in dimensions:
            column = undocumented.get(id(dimension))
            if column is not None and dimension.name in misspelt:
                _read_from(*misspelt.pop(dimension.name), dimension)
                continue
            if column is not None and dimension.name in taken:
                self.warnings.append(
                    f"model {model.shown_name}: the warehouse's column {column.name} is left out: its field name "
                    f"{dimension.name} is another field's (to keep it, give it a meta.omni dimension of another name "
                    f"whose sql names it; to leave it out unsaid, document it under columns: in {model.meta_file} with "
                    "meta.omni: {ignore: true})")
                continue
            taken.add(dimension.name)
            kept.append(dimension)
        return kept

    def _measures(self, model: Model, name: str, block: dict, key: str, column_sql: Optional[str]) -> list:
        """One measure, or for a shared metric the measures it is composed of."""
        if block.get("metric"):
            from dbt_omni.metrics import metric_measures

            return metric_measures(self, model, name, block, key)
        return [self._measure(model, name, block, key, column_sql)]

    def _check_grants(self, views: list, topics: list) -> None:
        """Every grant a required_access_grants entry names (`finance`, or an expression such as
        `finance|sales&emea`) is one the model file defines: ours is the whole model file."""
        defined = self.settings.model_file.get("access_grants")
        names = sorted(defined) if isinstance(defined, dict) else []
        problems = []

        def check(grants, model, key):
            for grant in {part.strip() for entry in grants for part in GRANT_SPLIT_RE.split(str(entry)) if part.strip()}:
                if grant not in names:
                    problems.append(Problem(
                        f"access grant '{grant}' is not defined", file=model.meta_file if model else None,
                        model=model.name if model else None, key=key,
                        expected="a grant of vars.dbt_omni.model_file.access_grants"
                        + (f" ({', '.join(names)})" if names else " (none is defined)"),
                        suggestion=closest(grant, names)))

        setting = "default_topic_required_access_grants"
        if isinstance(self.settings.model_file.get(setting), list):
            check(self.settings.model_file[setting], None, f"vars.dbt_omni.model_file.{setting}")
        by_name = {view.name: view for view in views}
        for topic in topics:
            if topic.required_access_grants:
                check(topic.required_access_grants, self._model_of(by_name[topic.base_view]),
                      "meta.omni.topic.required_access_grants")
        for view in views:  # 200,000 fields at 10,000 models: looked at in C, unless one has grants
            if view.required_access_grants:
                check(view.required_access_grants, self._model_of(view), "meta.omni.required_access_grants")
            for items in (view.dimensions, view.measures):
                if any(map(_grants_of, items)):
                    for item in items:
                        if item.required_access_grants:
                            where = item.dbt_key or f"columns.{item.name}.meta.omni"
                            check(item.required_access_grants, self._model_of(view), f"{where}.required_access_grants")
        raise_collected(problems)  # a shared metric's components carry its grants alike: one message each

    def _warn_without_fields(self) -> None:
        """Real projects' marts often document no columns: without a catalog their views have no dimensions, and
        nothing else said why. A stale catalog's kind of warning: no error under --warn-error."""
        if self.project.has_catalog or self.project.foreign_catalog:
            return
        bare = sorted(self._model_of(v).shown_name for v in self.views.values() if not v.dimensions and not v.ignored_fields)
        if bare:
            remedy = ("`dbt docs generate` lists every column of their relations" if self.settings.use_catalog else
                      "use_catalog: true and `dbt docs generate` list every column of their relations")
            self._drift(f"{len(bare)} view(s) have no dimensions, as their YAML documents no columns and no catalog.json "
                        f"was read ({first_few(bare)}): {remedy}; or document "
                        "them under columns:")

    # -- the whole model ---------------------------------------------------------------------------

    def build(self) -> OmniModel:
        self._register_views()
        self._register_join_aliases()
        problems: list = list(self.contract_problems)
        for model in self._valid_models():
            with collecting(problems):
                self._fill_view(model)
        raise_collected(problems)  # before relationships and topics, which read the views
        # Said while true, and no error under --warn-error (as _drift): a project's setting, not a mistake
        if keyless := self.warn_only_keyless:
            self._drift(
                f"{len(keyless)} model(s) get no primary key, as their unique + not_null tests say severity: warn, so "
                f"dbt lets them fail ({first_few(keyless)}): to keep a key "
                "whatever the severity, declare it (a primary_key constraint, or meta.omni primary_key: true on the column)")
        if valueless := self.warn_only_valueless:
            self._drift(
                f"{len(valueless)} column(s) get no all_values, as their accepted_values tests say severity: warn, so dbt "
                f"lets them fail ({first_few(valueless)}): filter values on "
                "them are not checked either; to keep them whatever the severity, list them in the column's meta.omni "
                "all_values")
        if countless := self.countless:
            self._drift(f"{len(countless)} model(s) have a column named count, which takes the name of the view's row "
                        f"count, so their views have none ({first_few(countless)}): "
                        "a meta.omni measure of another name, aggregate_type: count, counts the rows")
        self._warn_without_fields()
        relationships = build_relationships(self)
        topics = build_topics(self, relationships)
        self.warnings += self.dropped_warnings()
        views = sorted(self.views.values(), key=lambda v: v.name)
        warn_keyless_repeated(self, views, relationships)

        self.warnings += check_references(views, relationships, topics, {m.unique_id: m for m in self.models},
                                          {alias: view.name for alias, view in self.aliases.items()},
                                          self.project.has_catalog)
        self._check_grants(views, topics)
        _check_old_names([(v.name, v.aliases, self._model_of(v), "meta.omni.aliases") for v in views if v.aliases],
                         {v.name for v in views} | set(self.aliases), "view")  # a join's alias names a view too
        schemas = list(self.settings.included_schemas) or sorted({v.schema for v in views})
        if self.settings.included_schemas:
            self._warn_schemas_left_out(views)
        return OmniModel(
            model_file=ModelFile(included_schemas=schemas, extra=sorted_maps(dict(self.settings.model_file))),
            views=views,
            relationships=relationships,
            topics=topics,
            warnings=self.warnings,
            drift=self.drift,
            extra={"metrics": dict(sorted(self.metric_records.items()))},
        )


def _read_from(documented: Column, field: Dimension, found: Dimension) -> None:
    """The field of a documented column the relation lacks reads the relation's column of that field name
    (found, made from the catalog): its SQL, and its label and time settings where meta.omni sets none."""
    meta = documented.omni or {}
    field.sql = found.sql
    for key in ("label", "timeframes", "convert_tz"):
        if meta.get(key) is None:
            setattr(field, key, getattr(found, key))
    field.description = field.description or found.description  # the warehouse's comment


TIMES_OF_DAY = frozenset({"hour", "minute", "second", "millisecond", "hour_of_day"})  # timeframes a date lacks
# Aggregates of numbers: of a boolean, text or date column, the warehouse refuses the query.
# Model-level meta keys of Lightdash (metrics, joins, ...), dbt2looker (joins, looker) and dbt-metabase (metabase.*)
OTHER_TOOLS_META = frozenset(("metrics", "joins", "looker", "required_attributes", "default_time_dimension",
                              "sql_filter", "sql_where", "group_details", "explores", "spotlight"))
COLUMN_REF_RE = re.compile(r'\$\{(?:(\w+)\.)?"?([^"{}.]+?)"?\}')  # ${orders."Order Date"}: _ref_suggestion
# A column's meta keys of Lightdash (dimension, metrics, additional_dimensions), dbt2looker (dimension, measures) and
# dbt-metabase (semantic_type, display_name, ..., or flat `metabase.<key>`)
OTHER_TOOLS_COLUMN_META = frozenset(("dimension", "metrics", "additional_dimensions", "measures", "semantic_type",
                                     "display_name", "visibility_type", "fk_target_table", "fk_target_field"))
DOTTED_REF_RE = re.compile(r"\$\{(\w+)\.(\w+)\.(\w+(?:\[[a-z_]+\])?)\}")  # ${source.table.field}: _dotted_ref
PLAIN_FIELD_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")  # a measure's sql that is one field of its view
NEEDS_NUMBER = frozenset({"sum", "average", "median", "percentile", "sum_distinct_on", "average_distinct_on",
                          "median_distinct_on", "percentile_distinct_on"})
# Aggregates whose result is in the column's unit: a column's measure of these takes its format.
KEEPS_UNIT = frozenset({"sum", "min", "max", "average", "median", "percentile", "sum_distinct_on",
                        "average_distinct_on", "median_distinct_on", "percentile_distinct_on"})
_by_name = operator.attrgetter("name")
_grants_of = operator.attrgetter("required_access_grants")
_aliases_of = operator.attrgetter("aliases")


def _database(model: Model) -> Optional[str]:
    """The model's database as the warehouse spells it (Snowflake: upper case, where dbt writes it unquoted)."""
    return model.stored_database or model.database


def _counts_rows(measures: list, pk: tuple, view_name: str) -> bool:
    """Whether a shown, unfiltered measure counts the view's rows: count, or count_distinct of its one key."""
    keys = {f"${{{field_name(pk[0])}}}", f"${{{view_name}.{field_name(pk[0])}}}"} if len(pk) == 1 else set()
    return any(not m.hidden and not m.filters and (
        (m.aggregate_type == "count" and m.sql in (None, "*")) or (m.aggregate_type == "count_distinct" and m.sql in keys))
        for m in measures)


def _well_formed_joins(joins) -> bool:
    """meta.omni.joins shaped as _register_join_aliases reads it (a list of joins whose `to` and alias are text)."""
    return isinstance(joins, list) and all(
        isinstance(j, dict) and isinstance(j.get("to"), str) and isinstance(j.get("join_to_view_as"), (str, type(None)))
        for j in joins)


def _renamed_from(model: Model, column: Column) -> list:
    """The field names among a column's aliases that only the catalog lists as columns (its old names)."""
    aliases = (column.omni or {}).get("aliases")
    if not aliases:
        return []
    catalog_only = {field_name(c.name) for c in model.columns.values() if not c.documented}
    return [old for old in aliases if old in catalog_only]


def _check_old_names(entries: list, taken: set, what: str) -> None:
    """Omni resolves an alias to its field (or view): one that another has as its name now, or that two
    claim, would make saved content mean something else. entries: (name, aliases, model, key)."""
    claimed: dict = {}
    for name, aliases, model, key in entries:
        for old in aliases or ():
            problem = None
            if old == name:
                problem = f"alias '{old}' is the {what}'s own name"
            elif old in taken:
                problem = f"alias '{old}' is the name of another {what}"
            elif claimed.setdefault(old, name) != name:
                problem = f"alias '{old}' is claimed by two {what}s, {claimed[old]} and {name}"
            if problem:
                raise model.error(problem, key=key, expected=f"a name the {what} had before a rename, which no {what} "
                                  f"has now and no other {what} claims")


def _report_clash(model: Model, measures: list) -> None:
    """The first field name used twice, in the order fields are made, and where both came from."""
    sources = [(field_name(c.name), f"columns.{c.name}") for c in model.columns.values()
               if c.documented and not _ignored(c)]
    dimensions = model.omni.get("dimensions") or {}
    declared = model.omni.get("primary_key") or ()
    sources += [(field_name(key), "meta.omni.primary_key")  # an undocumented key column, written as a dimension
                for key in ([declared] if isinstance(declared, str) else declared)
                if key not in model.columns and key not in dimensions]
    sources += [(name, f"meta.omni.dimensions.{name}") for name in sorted(dimensions)]
    sources += [(m.name, m.dbt_key or f"measure {m.name}") for m in measures]
    seen: dict = {}
    for name, where in sources:
        if name in seen:
            expected = "unique dimension and measure names in a view"
            if where.startswith(("meta.omni.measures.", "measure ")) or ".meta.omni.measures." in where:
                expected += f": another name for the measure (total_{name}, {name}_count, ...)"
            elif all(w.startswith("columns.") for w in (seen[name], where)):  # `order_date` and "Order Date"
                expected = (f"one of the two columns left out: meta.omni: {{ignore: true}} under {where} (a "
                            "meta.omni.dimensions entry of another name whose sql names the column keeps it in Omni)")
            raise model.error(f"field '{name}' is defined twice ({seen[name]} and {where})", key=where, expected=expected)
        seen[name] = where


def _currency_format(name: str) -> Optional[str]:
    """`audcurency` is AUD's currency format misspelt, not usdcurrency (closest() knows only the named formats)."""
    name = name.replace("_", "")  # big_usd, usd_currency
    big = "big" if name.startswith("big") else ""
    code, rest = name[len(big):len(big) + 3], name[len(big) + 3:]
    if code not in CURRENCY_CODES:
        return None
    if not rest:  # Lightdash's jpy, or bigusd
        return f"{big}{code}currency"
    kind = closest(rest, ["currency", "accounting"] if not big else ["currency"])
    return f"{big}{code}{kind}" if kind else None


def build_omni_model(project: DbtProject, settings: Settings) -> OmniModel:
    return Mapper(project, settings).build()

