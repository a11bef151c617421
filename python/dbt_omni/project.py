"""Our typed model of the dbt project: the few facts about models, columns and tests that the export uses.

`read_project` accepts manifest.json's node dicts (CLI, macros) and dbt's live node objects (plugin
hook) alike, reading both through `lookup`, so there is one reader for every trigger and the plugin
never pays for serialising the manifest.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any, Callable, Iterable, Mapping, Optional

from dbt_omni import contract
from dbt_omni.errors import OmniExportError, Problem, closest

PACKAGE_MACRO_PREFIX = "macro.dbt_omni."
PACKAGE_VERSION_MACRO = PACKAGE_MACRO_PREFIX + "_omni_package_version"
PACKAGE_VERSION_RE = re.compile(r"""return\(\s*['"]([^'"]+)['"]\s*\)""")
DBT_REF_RE = re.compile(r"""ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?"""
                    r"""(?:,\s*v(?:ersion)?\s*=\s*['"]?([^'"\s)]+)['"]?\s*)?\)""")


def lookup(obj: Any, key: str, default: Any = None) -> Any:
    """obj[key] for manifest dicts, obj.key for dbt's objects; None and missing both give default.

    On dbt's hot path (the plugin reads every node on every parse): `dict`, not typing.Mapping,
    keeps the isinstance check cheap."""
    if obj is None:
        return default
    value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    return default if value is None else value


def _version(value: Any) -> Optional[str]:
    """A model version as text: dbt writes 2, 2.0 or "2" for the same version."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _text(value: Any) -> str:
    """Enum members (NodeType, ConstraintType) and strings alike, as plain text."""
    return str(getattr(value, "value", value) or "")


# Whole type names, with the suffixes warehouses give them (timestamp_ns, TIMESTAMP_NTZ, datetime2,
# ClickHouse's Date32, timestamp(3) with time zone): a user-defined type named date_grain is no date.
TIME_TYPE_RE = re.compile(r"(date(?:32)?|datetime(?:2|64|offset)?|timestamp(?:tz|_(?:s|ms|ns|tz|ltz|ntz))?)\b")
NOT_A_TIME = ("[", "range", "array")  # date[], daterange, tstzmultirange, ARRAY (information_schema's name)


NUMBER_TYPE_RE = re.compile(r"int|numeric|decimal|float|double|real|money|number|interval")
NOT_A_NUMBER = ("[", "array", "struct", "map", "json", "range", "point")


@functools.lru_cache(maxsize=256)
def is_number(data_type: str) -> bool:
    """Whether sum and average take the type: numbers and intervals (DuckDB alone also sums booleans)."""
    kind = data_type.lower()
    return not any(part in kind for part in NOT_A_NUMBER) and NUMBER_TYPE_RE.search(kind) is not None


@functools.lru_cache(maxsize=256)
def time_kind(data_type: str) -> Optional[str]:
    """'date', 'timestamp' or None for a warehouse type name; a project has only a few of them.
    Arrays and ranges of dates (PostgreSQL's date[], daterange) are no dates: Omni cannot truncate them."""
    kind = data_type.lower()
    if any(part in kind for part in NOT_A_TIME) or not (match := TIME_TYPE_RE.match(kind)):
        return None
    return "date" if match.group(1) in ("date", "date32") else "timestamp"


@dataclass(slots=True)
class Column:
    name: str
    description: str = ""
    data_type: Optional[str] = None
    omni: dict = field(default_factory=dict)  # the merged meta.omni block
    constraints: tuple = ()  # constraint type names: primary_key, unique, not_null, foreign_key
    tests: tuple = ()  # generic tests on this column (unique, not_null, ...), sorted
    quoted: bool = False  # the name must be quoted to reach the column: dbt's `quote: true`, or the catalog's case
    stored_name: Optional[str] = None  # the catalog's spelling, where it differs from the YAML's: what a quote reaches
    documented: bool = True  # False: only the catalog (or the warehouse) lists it
    missing: bool = False  # documented, but the catalog lists the relation without it
    accepted_values: Optional[tuple] = None  # from an accepted_values test that applies to every row
    catalog_type: Optional[str] = None  # the catalog's type, where it is another kind (date, timestamp, neither) than data_type's
    tags: tuple = ()  # the column's dbt tags (dbt 1.10+ copies `config: tags:` here too)


@dataclass
class ForeignKey:
    """A many-to-one link from a dbt relationships test or a foreign_key constraint."""

    from_id: str
    from_column: str
    to_id: str
    to_column: str
    origin: str  # "relationships test" | "foreign_key constraint"


@dataclass
class Model:
    """A dbt model, seed, snapshot or source table: each is a relation in the warehouse that Omni can read.

    A source table's name is `<source>.<table>`, as dbt's source('<source>', '<table>') names it."""

    unique_id: str
    name: str
    package_name: str
    schema: str
    table: str
    database: Optional[str] = None
    description: str = ""
    path: str = ""  # the .sql file
    yaml_path: Optional[str] = None  # the properties file, where meta.omni usually lives
    tags: tuple = ()
    omni: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)  # name -> Column, in dbt's order
    pk_constraint: tuple = ()  # columns of a model-level primary_key constraint
    unique_combination: tuple = ()  # columns of a unique_combination_of_columns test (dbt_utils)
    depends_on: tuple = ()
    version: Optional[str] = None  # dbt model versions: one node per version, all with the same name
    latest_version: Optional[str] = None
    resource_type: str = "model"  # or "seed", "snapshot", "source"
    fqn: tuple = ()  # dbt's fully qualified name: package, folders, name (and version); for selectors
    config: Any = None  # the node's config as dbt holds it (a dict or dbt's object); for config. selectors
    access: Optional[str] = None  # a model's access: private, protected or public
    in_catalog: bool = False  # the catalog (or the warehouse) listed its columns: a column not among them does not exist
    relation_name: Optional[str] = None  # as dbt renders it ("db"."schema"."table"): a compiled foreign key's `to`
    contract_enforced: bool = False  # dbt fails the build unless the YAML lists exactly the columns the SQL makes
    # The relation as the warehouse spells it where that is not how dbt writes it and the view's name keeps
    # dbt's (Snowflake: ANALYTICS.FCT_ORDERS of the view analytics__fct_orders, as Omni's own files have it)
    stored_database: Optional[str] = None
    stored_schema: Optional[str] = None
    stored_table: Optional[str] = None
    # its columns' meta without an omni block, as dbt holds them: read only where no model has meta.omni, to tell
    # whether another tool's meta is there (mapping's _warn_other_tools_meta)
    plain_column_meta: list = field(default_factory=list)
    from_package: bool = False  # an installed package's: its file paths are relative to that package

    @property
    def columns_known(self) -> bool:
        """Its column list is complete (the catalog's, or the YAML's under an enforced contract): a column
        not in it does not exist, rather than being merely undocumented."""
        return self.in_catalog or self.contract_enforced

    @property
    def meta_file(self) -> str:
        """The file a user edits for this model's meta.omni, as messages name it."""
        file = self.yaml_path or self.path
        if not file:  # a node of another project (dbt-loom, dbt's cross-project ref): no file of ours
            return f"the YAML of project {self.package_name}, not in this one"
        return f"{file} (package {self.package_name})" if self.from_package else file

    @property
    def project_config(self) -> Optional[str]:
        """Where the root dbt_project.yml configures this node of an installed package (its files are the
        package's, which `dbt deps` puts back): dbt matches the path folder by folder, as the node's fqn
        holds it. None for a node without files (dbt-loom's, a cross-project ref's), which it does not configure."""
        if not self.from_package or not (self.yaml_path or self.path) or not self.fqn:
            return None
        key = {"source": "sources", "seed": "seeds", "snapshot": "snapshots"}.get(self.resource_type, "models")
        return f"{key}: {': '.join(self.fqn)}: +meta: {{omni: {{...}}}}"

    @property
    def shown_name(self) -> str:
        """The name messages give: a versioned model's versions share one name."""
        return self.name if self.version is None else f"{self.name} v{self.version}"

    @property
    def is_old_version(self) -> bool:
        """A version other than the latest: an unpinned ref('name') does not mean it."""
        return self.version is not None and self.latest_version is not None and self.version != self.latest_version

    def find_column(self, name: str) -> Optional[Column]:
        """A column by name as tests write it: exact, else case-insensitive (warehouses fold case)."""
        if name in self.columns:
            return self.columns[name]
        lowered = name.lower()
        return next((c for c in self.columns.values() if c.name.lower() == lowered), None)

    def problem(self, message: str, key: Optional[str] = None, **extra) -> Problem:
        """A problem in this model's YAML: the file and the model named for the user."""
        return Problem(message, file=self.meta_file, model=self.shown_name, key=key, **extra)

    def error(self, message: str, key: Optional[str] = None, **extra) -> OmniExportError:
        return OmniExportError(self.problem(message, key, **extra))


@dataclass
class DbtProject:
    project_name: str
    adapter_type: str
    dbt_version: str
    models: dict  # unique_id -> Model
    foreign_keys: list
    macros: Optional[Any] = None  # unique_id -> macro (dict or object); for shared metrics
    dbt_package_version: Optional[str] = None  # of the dbt_omni macros in the project, if there
    dbt_package_digest: Optional[str] = None  # of their code (package_macros_digest), if there
    # Ephemeral models and dbt 1.11+ functions (UDFs), unique_id -> Model: never exported, but a reference to
    # one deserves its own message, and dbt's selectors pick them (`tag:x+` walks on from them).
    ephemeral_models: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    # Nodes no selector of ours picks (tests, analyses, exposures, metrics, semantic models, saved queries,
    # unit tests), as dbt gave them: only dbt's `@` needs them, for their other parents (selection._edges).
    dependents: list = field(default_factory=list)
    selectors: dict = field(default_factory=dict)  # selectors.yml as dbt keeps it: name -> {definition, ...}
    notices: list = field(default_factory=list)  # (unique_id, warning): said when that model is exported
    has_catalog: bool = False  # catalog.json (or the warehouse's columns) was read, and lists relations
    columns_from_warehouse: bool = False  # that catalog is the warehouse's columns (from_warehouse), not catalog.json
    foreign_catalog: tuple = ()  # the projects a catalog.json of none of this manifest's packages is of
    # unique_id -> (the relation catalog.json describes for it, the one it builds), where they differ (a catalog
    # of another target, or from before a schema or alias change): its columns are not this relation's
    other_relations: dict = field(default_factory=dict)
    dispatch: dict = field(default_factory=dict)  # dbt_project.yml's dispatch: macro_namespace -> search_order
    disabled_models: frozenset = frozenset()  # names of models, seeds and snapshots with enabled: false
    disabled_sources: frozenset = frozenset()  # unique ids of source tables with enabled: false
    # (unique id, column in lower case) whose relationships test says meta.omni: {join: false}: no join from the
    # column, a foreign_key constraint's neither
    joins_turned_off: set = field(default_factory=set)
    # unique_id -> columns whose unique + not_null tests make no key only because one says `severity: warn` (often
    # warn in development, error in production): said where the model gets no key otherwise
    warn_only_keys: dict = field(default_factory=dict)
    warn_only_values: dict = field(default_factory=dict)  # likewise: columns whose accepted_values test only warns

    def models_by_name(self) -> dict:
        by_name: dict = {}
        for model in self.models.values():
            by_name.setdefault(model.name, []).append(model)
        return by_name


FROM_WAREHOUSE = "dbt_omni_from_warehouse"  # a catalog's key: its columns were read from the warehouse
RELATION_TYPES = ("model", "seed", "snapshot")  # dbt nodes that are tables or views Omni can read (and sources)
SOURCE_REF_RE = re.compile(r"""source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)""")
COLUMN_KEYS = ("description", "data_type", "constraints", "meta", "config", "quote", "tags", "omni")
# How a warehouse stores a name written unquoted: a catalog name in any other case was created quoted
# (Postgres "Order Date", Snowflake "order_id") and must be quoted to be read. Warehouses left out
# here match names case-insensitively.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _ascii_lower(name: str) -> str:
    """PostgreSQL folds only A-Z of a name given unquoted (in a UTF-8 database `Ärger` stays `Ärger`)."""
    return name.translate(_ASCII_LOWER)


UNQUOTED_CASE = {"postgres": _ascii_lower, "redshift": _ascii_lower, "duckdb": str.lower, "snowflake": str.upper}
# Warehouses that store a relation's name given unquoted in lower case (DuckDB keeps the case it was given),
# which is the view's name too; and Snowflake, which stores it in upper case, where Omni's own view files
# keep the name in lower case and write `schema: ANALYTICS`, `table_name: FCT_ORDERS`, `catalog: DB`.
FOLDS_RELATION_NAMES = {"postgres": _ascii_lower, "redshift": _ascii_lower}
STORED_SPELLING = {"snowflake": str.upper}
RELATION_PART_RE = re.compile(r'"(?:[^"]|"")*"|[^."]+')  # one part of dbt's relation_name: quoted, or bare


def _values(obj: Any, keys: tuple) -> tuple:
    """lookup for several keys in one call (None where missing): the reader's hot path, 200,000 columns
    at 10,000 models, stays in C."""
    if isinstance(obj, dict):
        return tuple(map(obj.get, keys))
    return tuple(map(getattr, repeat(obj, len(keys)), keys, repeat(None, len(keys))))


def _merged_omni(meta: Any, config: Any, misspelt: list) -> dict:
    """meta.omni and config.meta.omni (dbt 1.10+ keeps meta under config); config wins key by key.
    Where neither has an `omni` key, one that is nearly `omni` (Omni, omnii) is appended to misspelt."""
    config_meta = lookup(config, "meta")
    if not meta and not config_meta:
        return {}
    merged: dict = {}
    for outer in (meta, config_meta):
        if not isinstance(outer, dict):
            continue
        block = outer.get("omni")
        if block is None or len(outer) > 1:  # (`omni` alone: most blocks) flat `omni.label` keys, beside a block too
            misspelt += [flat for key in outer if isinstance(key, str) and key.lower().startswith("omni.")
                         and (flat := f'"{key}"') not in misspelt]
        if block is None:
            continue
        if not isinstance(block, dict):
            return {"__invalid__": block}
        merged.update(block)
    if not merged and not any(isinstance(block, dict) and "omni" in block for block in (meta, config_meta)):
        misspelt += sorted({key for block in (meta, config_meta) if isinstance(block, dict)
                            for key in block if isinstance(key, str) and _nearly_omni(key)})
    return merged


def _stray_omni(obj: Any) -> bool:
    """An `omni` key where dbt keeps it but dbt-omni does not look: `config: omni:` (dbt 1.10+ puts most
    things under config, and a folder's `+omni:` in dbt_project.yml lands there too) or `omni:` right under
    a column. dbt keeps unknown keys in a manifest dict as given and in its objects' `_extra`."""
    if isinstance(obj, dict):
        return obj.get("omni") is not None
    extra = getattr(obj, "_extra", None)
    return isinstance(extra, dict) and extra.get("omni") is not None


def _nearly_omni(key: str) -> bool:
    """`omni` in another case, or one letter added, left out, changed or swapped: surely meant for us.
    (difflib's closest would also take `domain` or `common`, keys other tools may own.)"""
    key = key.lower()
    if key.startswith("omni."):  # flat, as dbt-metabase's `metabase.display_name`: said by _merged_omni itself
        return False
    if key == "omni" or abs(len(key) - 4) > 1:
        return key == "omni"
    if len(key) == 4:
        diff = [i for i in range(4) if key[i] != "omni"[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and key[diff[0]] == "omni"[diff[1]] and key[diff[1]] == "omni"[diff[0]])
    longer, shorter = (key, "omni") if len(key) == 5 else ("omni", key)
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def _same_relation(node: Any, catalog_node: Any, other_relations: dict) -> Any:
    """The catalog entry, if it describes the relation the node builds now; else None, and the relation it
    describes noted in other_relations. Only where the catalog names one (the warehouse's live columns,
    from_warehouse, are the relation's by definition); warehouses fold case, so case does not count."""
    metadata = lookup(catalog_node, "metadata")
    schema, name = lookup(metadata, "schema"), lookup(metadata, "name")
    if not isinstance(schema, str) or not isinstance(name, str):
        return catalog_node
    table = _own_quotes_off(lookup(node, "alias") or lookup(node, "identifier") or lookup(node, "name"))
    our_schema = _own_quotes_off(lookup(node, "schema", ""))
    ours, theirs = f"{our_schema}.{table}", f"{schema}.{name}"
    database, our_database = lookup(metadata, "database"), _own_quotes_off(lookup(node, "database"))
    if isinstance(database, str) and isinstance(our_database, str) and database.lower() != our_database.lower():
        ours, theirs = f"{our_database}.{ours}", f"{database}.{theirs}"  # dev and prod databases, same schemas
    elif (schema.lower(), name.lower()) == (str(our_schema).lower(), str(table).lower()):
        return catalog_node
    other_relations[lookup(node, "unique_id")] = (theirs, ours)
    return None


def _lf(text: Any) -> Any:
    """A doc block of a checkout with Windows line ends (git's autocrlf) keeps them in the rendered
    description, which Omni's files would then quote as one line; YAML's own texts have \n already."""
    return text.replace("\r\n", "\n") if isinstance(text, str) else text


def _posix(path: Any) -> Any:
    return path.replace("\\", "/") if isinstance(path, str) else path  # another type: a shape error, said later


def _yaml_path(node: Any) -> Optional[str]:
    patch = lookup(node, "patch_path")
    return _posix(patch.split("://", 1)[-1]) if patch else None


def _read_model(node: Any, catalog_node: Any, foreign_keys: list, misspelt_meta: list,
                unquoted_case: Optional[Callable[[str], str]] = None) -> Model:
    """The model (with what its catalog entry adds), its foreign_key constraints appended to
    foreign_keys as (model, columns, constraint), and meta keys that are nearly `omni` to misspelt_meta
    as (model, key path)."""
    unique_id = lookup(node, "unique_id")
    misspelt: list = []  # meta keys nearly `omni`: the model's own, then `columns.<name>.meta.<key>`
    model = Model(
        unique_id=unique_id,
        name=lookup(node, "name"),
        package_name=lookup(node, "package_name", ""),
        database=lookup(node, "database"),
        schema=lookup(node, "schema", ""),
        table=lookup(node, "alias") or lookup(node, "name"),
        description=_lf(lookup(node, "description", "")),
        # dbt on Windows joins with a backslash: one spelling, so output and path: selection are the same there
        path=_posix(lookup(node, "original_file_path", "")),
        yaml_path=_yaml_path(node),
        tags=tuple(lookup(node, "tags", ())),
        omni=_merged_omni(*_values(node, ("meta", "config")), misspelt),
        depends_on=tuple(lookup(lookup(node, "depends_on"), "nodes", ())),
        version=_version(lookup(node, "version")),
        latest_version=_version(lookup(node, "latest_version")),
        resource_type=_text(lookup(node, "resource_type")),
        fqn=tuple(lookup(node, "fqn", ())),
        config=lookup(node, "config"),
        access=_text(lookup(node, "access")) or None,
        relation_name=lookup(node, "relation_name"),
        contract_enforced=lookup(lookup(lookup(node, "config"), "contract"), "enforced") is True,
    )
    if _stray_omni(model.config):
        misspelt.append("config.omni")
    for constraint in lookup(node, "constraints", ()):
        kind = _text(lookup(constraint, "type"))
        if kind == "primary_key":
            model.pk_constraint = tuple(lookup(constraint, "columns", ()))
        elif kind == "foreign_key":
            foreign_keys.append((model, list(lookup(constraint, "columns", ())), constraint))

    if catalog_node is not None and not (model.description.strip() if isinstance(model.description, str)
                                         else model.description):
        comment = lookup(lookup(catalog_node, "metadata"), "comment")  # the warehouse's table comment
        model.description = _lf(comment) if isinstance(comment, str) else ""
    # The catalog's columns, emptied as documented ones are found in it: by exact name first, since
    # PostgreSQL can hold both "status" and "Status"; else case-insensitively (dbt YAML rarely matches
    # Snowflake's upper case).
    undocumented = dict(lookup(catalog_node, "columns") or {})
    by_lower = {name.lower(): name for name in undocumented}
    in_catalog = model.in_catalog = bool(undocumented)
    columns = lookup(node, "columns", {})
    if not isinstance(columns, dict):  # dbt's live nodes hold a dict too
        raise ShapeError("columns", "a mapping of column names")
    # A seed's columns, which dbt creates quoted unless its quote_columns is false (dbt-snowflake: unless it is
    # true), or a source's quoting: {column: true}: "CustomerID" is reached only quoted, as a column's own
    # quote: true says. (A model's quote_columns is no dbt setting: dbt keeps it, and ignores it.)
    seed_quotes = lookup(model.config, "quote_columns")
    node_quotes = unquoted_case is not None and (
        (model.resource_type == "seed" and (seed_quotes is True or (seed_quotes is None and unquoted_case is not str.upper)))
        or lookup(lookup(node, "quoting"), "column") is True)
    for name, info in columns.items():
        description, data_type, constraints, meta, config, quote, tags, stray = _values(info, COLUMN_KEYS)
        quoted = quote is True or (quote is None and node_quotes and unquoted_case(name) != name)
        missing, stored, wrong_kind = False, None, None
        if in_catalog:
            stored = name if name in undocumented else by_lower.get(name.lower(), "")
            catalog_info = undocumented.pop(stored, None)
            missing = catalog_info is None
            if not missing and not (description.strip() if type(description) is str else description):
                # dbt-osmosis and codegen list every column with description: "": the warehouse's comment then
                comment = lookup(catalog_info, "comment")
                description = comment if isinstance(comment, str) else description
            stored_type = lookup(catalog_info, "type")
            if data_type and isinstance(data_type, str) and isinstance(stored_type, str) \
                    and time_kind(data_type) != time_kind(stored_type):
                wrong_kind = stored_type  # the YAML's type still decides (so an export without a catalog agrees)
            data_type = data_type or stored_type
            # As for the catalog's own columns below: "ORDER_ID" on PostgreSQL was created quoted, so it is
            # reached only quoted, and as stored, however the YAML spells it.
            stored = stored if catalog_info is not None and stored != name else None
            quoted = quoted or (unquoted_case is not None and not missing
                                and unquoted_case(stored or name) != (stored or name))
        if data_type is not None and not isinstance(data_type, str):  # `data_type: 5` in YAML: no type we know
            data_type = str(data_type)
        kinds = tuple(_text(lookup(c, "type")) for c in constraints) if constraints else ()
        before = len(misspelt)
        omni = _merged_omni(meta, config, misspelt)
        if meta and not omni:
            model.plain_column_meta.append(meta)
        if len(misspelt) > before:
            misspelt[before:] = [f"columns.{name}.meta.{key}" for key in misspelt[before:]]
        if stray is not None or (not isinstance(info, dict) and _stray_omni(info)):
            misspelt.append(f"columns.{name}.omni")
        if config is not None and _stray_omni(config):
            misspelt.append(f"columns.{name}.config.omni")
        if type(description) is str and "\r" in description:  # another type: the shape error names it
            description = _lf(description)
        model.columns[name] = Column(name, description or "", data_type, omni, kinds,
                                     quoted=quoted, missing=missing, tags=tuple(sorted(tags)) if tags else (),
                                     stored_name=stored, catalog_type=wrong_kind)
        if "foreign_key" in kinds:
            foreign_keys += [(model, [name], c) for c in constraints if _text(lookup(c, "type")) == "foreign_key"]
    misspelt_meta += [(model, key if key.startswith(("columns.", "config.")) else f"meta.{key}") for key in misspelt]
    # Columns the relation has but the YAML does not document, in the warehouse's order.
    for info in sorted(undocumented.values(), key=lambda c: (lookup(c, "index", 0), lookup(c, "name", ""))):
        name = lookup(info, "name")
        quoted = unquoted_case is not None and unquoted_case(name) != name
        comment = lookup(info, "comment")  # the warehouse's own column comment, where dbt documents nothing
        model.columns[name] = Column(name=name, description=_lf(comment) if isinstance(comment, str) else "",
                                     data_type=lookup(info, "type"), quoted=quoted, documented=False)
    return model


def _own_quotes_off(name: Any) -> Any:
    """A name the YAML quotes itself (`schema: '"ACORN"'`, which dbt writes into its SQL as given) as the
    warehouse stores it: ACORN, case kept; a doubled quote inside is one."""
    if isinstance(name, str) and len(name) > 2 and name[0] == name[-1] == '"' and '"' not in name[1:-1].replace('""', ""):
        return name[1:-1].replace('""', '"')
    return name


def _as_stored(model: Model, adapter_type: str) -> Model:
    """The schema and table as the warehouse stores them: with `quoting: false` (a project's, a source's;
    dbt-snowflake's default), dbt writes `MartB.OrderFactsB` unquoted, which PostgreSQL keeps as
    martb.orderfactsb and Snowflake as MARTB.ORDERFACTSB; Omni, reading "MartB"."OrderFactsB", would find no
    such relation. dbt's relation_name quotes exactly the parts its quoting policy quotes (and a part the
    YAML quotes itself, which keeps its case)."""
    model.database, model.schema, model.table = map(_own_quotes_off, (model.database, model.schema, model.table))
    fold, spell = FOLDS_RELATION_NAMES.get(adapter_type), STORED_SPELLING.get(adapter_type)
    if (fold is None and spell is None) or not isinstance(model.relation_name, str):
        return model
    bare = [not part.startswith('"') for part in RELATION_PART_RE.findall(model.relation_name)]
    if len(bare) < 2 or not all(isinstance(v, str) for v in (model.schema, model.table)):
        return model  # (another type: _checked names it)
    if fold is not None:
        model.schema = fold(model.schema) if bare[-2] else model.schema
        model.table = fold(model.table) if bare[-1] else model.table
    else:
        model.stored_schema = spell(model.schema) if bare[-2] else None
        model.stored_table = spell(model.table) if bare[-1] else None
        model.stored_database = spell(model.database) if len(bare) >= 3 and bare[-3] \
            and isinstance(model.database, str) else None
    return model


# What the export reads of a node, by the key manifest.json has it under; each is text, or a list of texts.
TEXT_KEYS = (("unique_id", "unique_id"), ("name", "name"), ("package_name", "package_name"), ("schema", "schema"),
             ("table", "alias"), ("description", "description"), ("path", "original_file_path"))
TEXT_LIST_KEYS = (("tags", "tags"), ("fqn", "fqn"), ("depends_on", "depends_on.nodes"))


class ShapeError(TypeError):
    """A node's value of a type dbt never writes there; key: its path in the node."""

    def __init__(self, key: str, wanted: str):
        super().__init__(f"{key} is not {wanted}, as dbt writes it")
        self.key = key


def _checked(model: Model) -> Model:
    """The model, if what the export reads of it has the types dbt writes: a hand-made or damaged
    manifest.json fails here, naming the key, not deep in the export. Cheap: 200,000 columns at 10,000 models."""
    for attribute, key in TEXT_KEYS:  # isinstance: dbt's own objects hold str subclasses (ValidatedStringMixin)
        if not isinstance(getattr(model, attribute), str):
            raise ShapeError(key, "text")
    if model.database is not None and not isinstance(model.database, str):
        raise ShapeError("database", "text")
    for attribute, key in TEXT_LIST_KEYS:
        if not all(isinstance(v, str) for v in getattr(model, attribute)):
            raise ShapeError(key, "a list of texts")
    for name, column in model.columns.items():
        if not isinstance(column.description, str):
            raise ShapeError(f"columns.{name}.description", "text")
    return model


def contract_problems(models: Iterable[Model]) -> tuple:
    """(every problem of the exported models' meta.omni blocks with the contract, said as one; the unique
    ids of the models that have one): the others are mapped on, so their own mistakes come in the same
    round (Mapper.build). Not part of reading: selection comes first (left_out_problems checks the rest)."""
    problems, invalid = [], set()
    for model in models:
        if found := _problems([model]):
            problems += found
            invalid.add(model.unique_id)
    return _merged(problems), invalid


def left_out_problems(project: DbtProject, exported: set) -> list:
    """The mistakes in the meta.omni blocks of the root project's models that the selection leaves out:
    warnings, not errors (nothing is written from them), shown before such a model is selected."""
    left_out = [m for m in _with_blocks(project, project.models.values()) if m.unique_id not in exported]
    return _merged(_problems(left_out)) if left_out else []


def ephemeral_blocks(project: DbtProject) -> tuple:
    """(the root project's ephemeral models with meta.omni blocks, the blocks' mistakes): never exported,
    as no relation is there for Omni to read, which their authors are told rather than left to wonder."""
    models = _with_blocks(project, project.ephemeral_models.values())
    return models, _merged(_problems(models)) if models else []


def _with_blocks(project: DbtProject, models: Iterable[Model]) -> list:
    return [m for m in models if m.package_name == project.project_name
            and (m.omni or any(c.omni for c in m.columns.values()))]


def _problems(models: Iterable[Model]) -> list:
    problems: list = []
    for model in models:
        _check(model.omni, "model", model, "meta.omni", problems)
        for name, column in model.columns.items():
            if column.omni:
                _check(column.omni, "column", model, f"columns.{name}.meta.omni", problems)
    return problems


def _merged(problems: list) -> list:
    """The same mistake in several models, one line: a folder's `+meta` in dbt_project.yml gives every
    model of the folder the same block, and the manifest names only each model's own YAML file."""
    groups: dict = {}
    for problem in problems:
        groups.setdefault((problem.key, problem.message, problem.expected, problem.suggestion), []).append(problem)
    merged = []
    for (key, message, expected, suggestion), group in groups.items():
        if len(group) == 1:
            merged.append(group[0])
            continue
        models = [p.model for p in group]
        shown = ", ".join(models[:5]) + (f" and {len(models) - 5} more" if len(models) > 5 else "")
        merged.append(Problem(
            f"{message} (the same in {len(models)} models: if they share it through +meta in dbt_project.yml, fix it there)",
            file=", ".join(sorted({p.file for p in group if p.file})[:5]) or None, model=shown, key=key,
            expected=expected, suggestion=suggestion))
    return merged


def _check(block: dict, kind: str, model: Model, key: str, problems: list) -> None:
    if not block:
        return
    if "__invalid__" in block:
        problems.append(
            model.problem("is not a mapping", key, expected="a mapping of its keys, as the README's meta.omni reference lists them")
        )
        return
    found = contract.check(kind, block, file=model.meta_file, model=model.shown_name, key_prefix=key)
    found = [_column_hint(p, model, f"{key}.dimensions.") for p in found] if kind == "model" else found
    if (config := model.project_config) is not None:  # its files are not the user's to edit: `dbt deps` puts them back
        way_out = (f"your dbt_project.yml can give it a block of its own ({config}), which replaces the package's, or "
                   "exclude it") if kind == "model" else "a column's meta is the package's YAML alone: exclude the model"
        found = [replace(p, expected=f"{p.expected}; {model.package_name} is an installed package: {way_out}") for p in found]
    problems.extend(found)


def _column_hint(problem: Problem, model: Model, dimensions: str) -> Problem:
    """Omni's own way, `dimensions: {status: {label: ...}}` for a column, is "sql is missing" in the contract:
    a meta.omni dimension is a new field, and a column's settings go under the column."""
    name = problem.key[len(dimensions):] if problem.key and problem.key.startswith(dimensions) else None
    if problem.message != "required key 'sql' is missing" or not name or model.find_column(name) is None:
        return problem
    return replace(problem, expected=f"sql, for a new field; {name} is a column, whose own label, format, ... go "
                                     f"under it (columns: - name: {name}, config: meta: omni: {{...}})")


def resolve_ref(text: str, models_by_name: Mapping[str, list], package: str) -> Optional[Any]:
    """The model a `ref('name')` / `ref('package', 'name')` string points at, if it is a model: the
    version given by `v=`, else, as in dbt, the latest one."""
    match = DBT_REF_RE.search(text or "")
    if not match:
        return None
    first, second, version = match.groups()
    pkg, name = (first, second) if second else (None, first)
    candidates = [m for m in models_by_name.get(name, []) if pkg in (None, m.package_name)]
    if version is not None:
        candidates = [m for m in candidates if m.version == _version(version)]
    else:
        candidates.sort(key=lambda m: m.is_old_version)  # stable: the latest first, else as they were
    same_package = [m for m in candidates if m.package_name == package]
    return (same_package or candidates or [None])[0]


def dbt_package_version(macros: Any) -> Optional[str]:
    """The version the project's dbt_omni macros declare (`dbt deps` installs them, pip the Python
    package: they can drift apart). Only a dict is looked into: a lazy mapping is not loaded for this."""
    macro = macros.get(PACKAGE_VERSION_MACRO) if isinstance(macros, dict) else None
    match = PACKAGE_VERSION_RE.search(lookup(macro, "macro_sql", ""))
    return match.group(1) if match else None


def package_macros_digest(macros: Any) -> Optional[str]:
    """Stands for the code of the project's dbt_omni macros: two installs of one version number differ
    when packages.yml follows a branch (`revision: main`) and pip installed another commit. Over each
    macro's text as dbt keeps it (line endings as on Linux: a Windows checkout is the same code); only
    a dict is looked into, as for the version."""
    if not isinstance(macros, dict):
        return None
    texts = sorted((unique_id, lookup(macro, "macro_sql", "").replace("\r\n", "\n"))
                   for unique_id, macro in macros.items() if unique_id.startswith(PACKAGE_MACRO_PREFIX))
    if not texts:
        return None
    digest = hashlib.sha256()
    for unique_id, text in texts:
        digest.update(f"{unique_id}\0{text}\0".encode())
    return digest.hexdigest()


# How a contributor who edited the macros of a checkout makes its Python package know them again.
EDITED_MACROS = ("refresh its python/dbt_omni/macros.sha256 with `DBT_OMNI_UPDATE_GOLDEN=1 pytest "
                 "tests/unit/test_package_version.py` there, then pip install it again")


def shipped_macros_digest() -> Optional[str]:
    """package_macros_digest of the macros this Python package was made with (tests/unit/test_package_version.py
    keeps macros.sha256 in step with macros/); None, and no check, where an install lost the file."""
    from importlib import resources

    try:
        return resources.files("dbt_omni").joinpath("macros.sha256").read_text("utf-8").strip() or None
    except OSError:
        return None


def read_project(
    nodes: Iterable[Any],
    *,
    project_name: str,
    adapter_type: str,
    dbt_version: str,
    catalog: Optional[Mapping[str, Any]] = None,
    macros: Optional[Any] = None,
    selectors: Optional[Mapping[str, Any]] = None,
    sources: Iterable[Any] = (),
    disabled: frozenset = frozenset(),
    disabled_sources: frozenset = frozenset(),
    functions: Iterable[Any] = (),
    dependents: Iterable[Any] = (),
) -> DbtProject:
    """Models (with columns, keys, meta.omni as written) and foreign keys; see `contract_problems`.
    dependents: the manifest's exposures, metrics, semantic models, saved queries and unit tests."""
    catalog_nodes = (catalog or {}).get("nodes") or {}
    # catalog.json keeps source tables apart; columns read from the warehouse (macros) come all under nodes
    catalog_sources = (catalog or {}).get("sources") or catalog_nodes
    models: dict = {}
    tests: list = []
    column_constraints: list = []
    unquoted_case = UNQUOTED_CASE.get(adapter_type)
    ephemeral: dict = {}
    misspelt_meta: list = []  # (model, key path) of meta keys nearly `omni`
    other_relations: dict = {}  # unique_id -> the other relation its catalog entry describes
    others = list(dependents)
    for node in nodes:
        try:
            resource_type = _text(lookup(node, "resource_type"))
            if resource_type in RELATION_TYPES:
                if _text(lookup(lookup(node, "config"), "materialized")) == "ephemeral":
                    # no relation in the warehouse, so nothing for Omni to read
                    ephemeral[lookup(node, "unique_id")] = _checked(_read_model(node, None, [], []))
                    continue
                unique_id = lookup(node, "unique_id")
                catalog_node = _same_relation(node, catalog_nodes.get(unique_id), other_relations)
                models[unique_id] = _checked(_as_stored(_read_model(node, catalog_node, column_constraints,
                                                                    misspelt_meta, unquoted_case), adapter_type))
            else:
                others.append(node)
                if resource_type == "test" and lookup(node, "test_metadata") is not None:
                    tests.append(node)
        except Exception as exc:
            exc.add_note(f"nodes.{lookup(node, 'unique_id')}")  # for the message of a hand-made manifest.json
            raise
    read_functions = {}
    for node in functions:
        try:
            read_functions[lookup(node, "unique_id")] = _checked(_read_model(node, None, [], []))
        except Exception as exc:
            exc.add_note(f"functions.{lookup(node, 'unique_id')}")
            raise
    for node in sources:
        try:
            unique_id = lookup(node, "unique_id")
            catalog_node = _same_relation(node, catalog_sources.get(unique_id), other_relations)
            source = _read_model(node, catalog_node, column_constraints, misspelt_meta, unquoted_case)
            source.name = f"{lookup(node, 'source_name')}.{lookup(node, 'name')}"
            source.table = lookup(node, "identifier") or lookup(node, "name")
            models[unique_id] = _checked(_as_stored(source, adapter_type))
        except Exception as exc:
            exc.add_note(f"sources.{lookup(node, 'unique_id')}")
            raise

    foreign = _foreign_catalog(catalog_nodes, {m.package_name for m in (*models.values(), *ephemeral.values())})
    project = DbtProject(
        project_name=project_name,
        adapter_type=adapter_type,
        dbt_version=dbt_version,
        models=models,
        foreign_keys=[],
        macros=macros,
        dbt_package_version=dbt_package_version(macros),
        dbt_package_digest=package_macros_digest(macros),
        ephemeral_models=ephemeral,
        functions=read_functions,
        dependents=others,
        selectors=dict(selectors or {}),
        # an empty one tells nothing; nor does one of another project (its unique ids match none of ours)
        has_catalog=bool(catalog and (catalog.get("nodes") or catalog.get("sources"))) and not foreign,
        columns_from_warehouse=bool((catalog or {}).get(FROM_WAREHOUSE)),
        foreign_catalog=foreign,
        disabled_models=disabled,
        disabled_sources=disabled_sources,
        other_relations=other_relations,
    )
    for model in models.values():
        model.from_package = model.package_name != project_name
    project.notices += [(model.unique_id, f"model {model.shown_name}: {key} {_block_place(model, key)}: " + (
        "dbt-omni reads `omni` under meta (`meta: omni:`, `config: meta: omni:`, or in dbt_project.yml `+meta: "
        "{omni: ...}`), so this block is ignored" if key.endswith(".omni") else
        f"dbt-omni reads one block, `omni: {{{flat[1] or '<key>'}: ...}}`, not flat `omni.<key>` keys (as dbt-metabase's "
        "`metabase.<key>`), so this is ignored" if (flat := FLAT_OMNI_KEY_RE.search(key)) else
        "did you mean meta.omni? dbt-omni reads only `omni` (lower case), so this block is ignored"))
        for model, key in misspelt_meta]
    _attach_tests(project, tests)
    _attach_foreign_key_constraints(project, column_constraints)
    return project


FLAT_OMNI_KEY_RE = re.compile(r'"omni\.([^"]*)"$', re.IGNORECASE)  # a misspelt key as _merged_omni quotes it


def _block_place(model: Model, key: str) -> str:
    """Where a misplaced block may be: a model's `config.omni` comes from its YAML's config:, its SQL's
    config() or a folder's +omni: in dbt_project.yml, which dbt merges without saying which."""
    if key == "config.omni":
        sql = f", config() in {model.path}" if model.path else ""
        return f"(from config: in {model.meta_file}{sql}, or +omni: in dbt_project.yml)"
    return f"in {model.meta_file}"


def _foreign_catalog(catalog_nodes: Mapping[str, Any], packages: set) -> tuple:
    """The packages a catalog's nodes are of (`model.<package>.<name>`), where none is this manifest's:
    a catalog.json of another project, passed by mistake, matches no model and would be said per model."""
    theirs = {unique_id.split(".")[1] for unique_id in catalog_nodes if unique_id.count(".") >= 2}
    return tuple(sorted(theirs)) if theirs and packages and not theirs & packages else ()


# dbt's error_if thresholds under which a test fails on its first failing row (dbt's default is != 0)
ANY_ROW_FAILS = ("!=0", "<>0", ">0", ">=1")
IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Packages' tests read as dbt's own (_as_core_test); the one that says both unique and not_null
EXPECTATIONS = {"expect_column_values_to_be_unique": "unique", "expect_column_values_to_not_be_null": "not_null"}
UNIQUE_AND_NOT_NULL = "dbt_constraints.primary_key"
READ_TESTS = ("unique", "not_null", UNIQUE_AND_NOT_NULL, "accepted_values", "relationships", "unique_combination_of_columns")
JINJA_READ_ARGUMENTS = ("column_name", "combination_of_columns", "field", "to", "values")  # in the order said


def _attach_tests(project: DbtProject, tests: list) -> None:
    warned: dict = {}  # (model, column name) -> (column, its unique / not_null tests that only warn: no key)
    for test in tests:
        metadata = lookup(test, "test_metadata")
        test_name, kwargs = lookup(metadata, "name", ""), lookup(metadata, "kwargs", {})
        if namespace := lookup(metadata, "namespace"):  # dbt's own tests have none (40,000 tests at 10,000 models)
            test_name, kwargs = _as_core_test(namespace, test_name, kwargs)
        column_name = _test_column(lookup(test, "column_name") or kwargs.get("column_name"))
        attached = lookup(test, "attached_node") or _tested_source(test, kwargs)
        model = project.models.get(attached)
        if model is None:
            continue
        # A test with `where:` holds for some rows only, and one with `severity: warn` or an error_if
        # threshold (`>100`) is let fail: none makes a primary key or a list of every value.
        config = lookup(test, "config")
        error_if = lookup(config, "error_if")  # dbt writes its default, "!= 0", into every test's config
        warns = str(lookup(config, "severity") or "").lower() == "warn"
        # every row but for its severity: what a project-wide `+severity: warn` takes away (said, see warn_only_keys)
        but_warns = not lookup(config, "where") and not kwargs.get("row_condition") \
            and (error_if in (None, "!= 0") or str(error_if).replace(" ", "") in ANY_ROW_FAILS)
        every_row = but_warns and not warns
        if test_name in READ_TESTS and (rendered_later := [
                k for k in JINJA_READ_ARGUMENTS if _has_jinja(kwargs.get(k))]):
            project.notices.append((model.unique_id, f"model {model.shown_name}: the {test_name} test"
                                    f"{f' on {column_name}' if column_name else ''} has Jinja in {', '.join(rendered_later)}, "
                                    "which dbt renders only when the test runs: not read (write the value itself)"))
            continue
        if test_name == "unique_combination_of_columns" and not column_name:
            if every_row:
                _keep_combination(project, model, tuple(map(_test_column, kwargs.get("combination_of_columns") or ())))
            continue
        if not column_name:
            continue
        column = model.find_column(column_name)
        if column is None and not model.columns_known and isinstance(column_name, str) \
                and IDENTIFIER_RE.fullmatch(column_name):
            # a model-level test's column the YAML does not list: the test proves it exists, as a catalog
            # would (`lower(email)`, an expression, is no column)
            column = model.columns[column_name] = Column(column_name, "", documented=False)
        if column is not None:
            names = {"unique", "not_null"} if test_name == UNIQUE_AND_NOT_NULL else {test_name}
            if every_row or test_name not in ("unique", "not_null", UNIQUE_AND_NOT_NULL):
                column.tests = tuple(sorted(set(column.tests) | names))
            elif but_warns:
                warned.setdefault((model.unique_id, column.name), (column, set()))[1].update(names)
            values = kwargs.get("values")
            if test_name == "accepted_values" and but_warns and warns \
                    and column.name not in project.warn_only_values.get(model.unique_id, ()):
                project.warn_only_values.setdefault(model.unique_id, []).append(column.name)
            if test_name == "accepted_values" and isinstance(values, list) and every_row:
                # `null` in the list (a common way to say "or empty") changes nothing in dbt's test, whose `not in`
                # never fails a NULL row: no value to offer either
                given = values = [v for v in values if v is not None]
                if kwargs.get("quote") is False:  # SQL literals: 'a', 1, true
                    values = [_sql_literal(v) for v in values]
                if all(isinstance(v, (str, int, float, bool)) for v in values):
                    column.accepted_values = tuple(values)
                else:
                    unread = next(written for written, v in zip(given, values, strict=True)
                                  if not isinstance(v, (str, int, float, bool)))
                    project.notices.append((model.unique_id, f"model {model.shown_name}: the accepted_values test on "
                                            f"{column_name} lists a value that is not one text or number ({unread!r}"
                                            f"{', quote: false' if kwargs.get('quote') is False else ''}): "
                                            "its values are not written as all_values"))
        test_meta = lookup(config, "meta")  # dbt keeps a test's meta under its config, however the YAML writes it
        if test_name != "relationships":
            if test_meta and _merged_omni(None, config, []):
                project.notices.append((model.unique_id, f"model {model.shown_name}: the {test_name} test"
                                        f"{f' on {column_name}' if column_name else ''} ({_test_file(project, test, model)}) has "
                                        "meta.omni, which only a relationships test reads (join: false): not read"))
        elif test_meta and _join_turned_off(project, test, config, model, column_name):
            project.joins_turned_off.add((model.unique_id, str(column_name).lower()))
        else:
            to_id = _relationship_target(project, test, kwargs, model, attached, column_name)
            to_field = _test_column(kwargs.get("field"))
            if to_id in project.models and to_field and column is not None:
                project.foreign_keys.append(
                    ForeignKey(model.unique_id, column.name, to_id, to_field, "relationships test")
                )
    for (unique_id, name), (column, names) in warned.items():
        if {"unique", "not_null"} <= {*names, *column.tests}:
            project.warn_only_keys.setdefault(unique_id, []).append(name)


def _test_file(project: DbtProject, test: Any, model: Model) -> str:
    """The YAML file a test is written in, as messages name files: a package's with its package."""
    path, package = lookup(test, "original_file_path"), lookup(test, "package_name")
    if not path:
        return model.meta_file
    return f"{path} (package {package})" if package and package != project.project_name else path


def _join_turned_off(project: DbtProject, test: Any, config: Any, model: Model, column_name: Any) -> bool:
    """`config: {meta: {omni: {join: false}}}` on a relationships test: dbt still runs it, and no join is made of
    it (an integrity test from a mart to its staging model is no path for people exploring in Omni)."""
    omni = _merged_omni(None, config, [])
    if not omni:
        return False
    unread = sorted(str(key) for key in omni if key != "join")
    if unread or not isinstance(omni.get("join", False), bool):
        said = ("is not a mapping" if "__invalid__" in omni else
                f"join: {omni['join']!r} is not true or false" if not unread else
                f"{', '.join(unread)} {'is' if len(unread) == 1 else 'are'} not read"
                + (" (did you mean join?)" if closest(unread[0], ["join"]) else ""))
        project.notices.append((model.unique_id, f"model {model.shown_name}: the relationships test on {column_name} "
                                f"({_test_file(project, test, model)}): its meta.omni {said}; a "
                                "test's meta.omni takes only join: false (no relationship made of the test)"))
    return omni.get("join") is False


def _has_jinja(value: Any) -> bool:
    """A test argument dbt keeps unrendered until the test runs: `{{ var('statuses') }}`, or a list holding one."""
    if isinstance(value, str):
        return "{{" in value
    return isinstance(value, list) and any(isinstance(v, str) and "{{" in v for v in value)


def _keep_combination(project: DbtProject, model: Model, combination: tuple) -> None:
    """Of several unique_combination_of_columns tests, the one of the fewest columns is the grain (either
    holds); of as many, the first by name, as manifest.json's node order is not the YAML's."""
    kept = model.unique_combination
    if not combination or set(combination) == set(kept):
        return
    if not kept or (len(combination), sorted(map(str, combination))) < (len(kept), sorted(map(str, kept))):
        model.unique_combination = combination
    if kept:
        other = combination if model.unique_combination == kept else kept
        project.notices.append((model.unique_id, f"model {model.shown_name}: two unique_combination_of_columns tests; the "
                                f"one over {', '.join(model.unique_combination)} is the key, not {', '.join(other)}"))


def _relationship_target(project: DbtProject, test: Any, kwargs: Mapping, model: Model, attached: str,
                         column_name: Any) -> Optional[str]:
    """The unique id a relationships test joins to: the node dbt lists beside the tested one; where it lists
    none, the model itself (employees.manager_id; source('hr', 'employees') too), or, for a ref to a
    disabled model, which dbt leaves out, none (said)."""
    others = [n for n in lookup(lookup(test, "depends_on"), "nodes", ()) if n != attached]
    if others:
        return others[0]
    to = str(kwargs.get("to") or "")
    target = resolve_ref(to, project.models_by_name(), model.package_name)
    if target is not None:
        return target.unique_id
    if (ref := DBT_REF_RE.search(to)) and (name := ref.group(2) or ref.group(1)) in project.disabled_models:
        project.notices.append((model.unique_id, f"model {model.shown_name}: the relationships test on {column_name} is to "
                                f"{name}, which is disabled (enabled: false): no relationship"))
        return None
    return attached


def _as_core_test(namespace: str, name: str, kwargs: Mapping) -> tuple:
    """(the dbt test name, its arguments) of a package's test that says the same: dbt_constraints' keys
    (its whole purpose), dbt_expectations' unique / not null (row_condition kept, read as a where), and
    dbt_utils.relationships_where, whose join holds for the rows it joins. `primary_key`: unique + not_null."""
    if namespace == "dbt_constraints" and name in ("primary_key", "unique_key"):
        if isinstance(kwargs.get("column_names"), list) and not kwargs.get("column_name"):
            return ("unique_combination_of_columns" if name == "primary_key" else "unique_key"), \
                {"combination_of_columns": kwargs["column_names"]}
        return (UNIQUE_AND_NOT_NULL if name == "primary_key" else "unique"), kwargs
    if namespace == "dbt_constraints" and name == "foreign_key":
        return "relationships", {**kwargs, "column_name": kwargs.get("column_name") or kwargs.get("fk_column_name"),
                                 "to": kwargs.get("pk_table_name"), "field": kwargs.get("pk_column_name")}
    if namespace == "dbt_expectations" and name in EXPECTATIONS:
        return EXPECTATIONS[name], kwargs
    if namespace == "dbt_utils" and name == "relationships_where":
        return "relationships", kwargs
    return name, kwargs


def _sql_literal(value: Any) -> Any:
    """A value of `accepted_values` with `quote: false`, as SQL reads it: 'a' is a, 1 and true as such;
    None for an expression (no value a filter can offer)."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if quoted := re.fullmatch(r"'((?:[^']|'')*)'", text):  # one literal, not 'a' || 'b'
        return quoted.group(1).replace("''", "'")
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"-?[0-9]*\.[0-9]+", text):
        return float(text)
    return None


def _test_column(name: Any) -> Any:
    """A column as a test names it: dbt writes a `quote: true` column (or a source's with `quoting:
    column: true`) with its quotes, `"Parent Key"`, and a field: may be written so too."""
    if isinstance(name, str) and len(name) >= 2 and name[0] == name[-1] and name[0] in '"`':
        return name[1:-1].replace(name[0] * 2, name[0])
    return name


def _tested_source(test: Any, kwargs: Mapping) -> Optional[str]:
    """The source table a test is on (dbt sets no attached_node for those): source('s', 't') in its `model`."""
    match = SOURCE_REF_RE.search(str(kwargs.get("model") or ""))
    if match is None:
        return None
    suffix = ".{}.{}".format(*match.groups())
    return next((n for n in lookup(lookup(test, "depends_on"), "nodes", ()) if n.startswith("source.") and n.endswith(suffix)),
                None)


def _foreign_key_target(project: DbtProject, model: Model, to: str, by_name: Mapping[str, list]) -> Optional[Model]:
    """The relation a foreign_key constraint's `to` names: `ref('x')` or `source('a', 'b')` as written,
    or the relation name ("db"."schema"."table") dbt puts there once it has compiled the model (compile,
    run, build, docs generate all rewrite manifest.json so)."""
    target = resolve_ref(to, by_name, model.package_name)
    if target is not None:
        return target
    upstream = [project.models[n] for n in model.depends_on if n in project.models]  # dbt adds `to` to depends_on
    if (match := SOURCE_REF_RE.search(to)) is not None:
        suffix = ".{}.{}".format(*match.groups())
        return next((m for m in upstream if m.unique_id.startswith("source.") and m.unique_id.endswith(suffix)), None)
    rendered = _unquoted(to)
    return next((m for m in upstream if m.relation_name and _unquoted(m.relation_name) == rendered), None)


def _unquoted(relation_name: str) -> str:
    return re.sub(r"[\"`\[\]]", "", relation_name).lower()


EXPRESSION_TARGET_RE = re.compile(r"""\s*([A-Za-z_][\w."]*)\s*\(""")  # an old constraint's `customers (id)`


def _joined_by_meta(project: DbtProject, model: Model, to: str, expression: Any, by_name: Mapping[str, list]) -> bool:
    """Whether the model's meta.omni.joins has a join to the table a constraint names: its `to` resolved as the
    constraint's own (ref, source, or the relation name dbt compiles it to), an old expression's by its name."""
    joins = model.omni.get("joins")
    if not joins or not isinstance(joins, list):
        return False
    if to:
        target = _foreign_key_target(project, model, to, by_name)
        names = {target.name.lower(), str(target.table).lower()} if target is not None else set()
    else:
        found = EXPRESSION_TARGET_RE.match(str(expression or ""))
        names = {found[1].replace('"', "").rpartition(".")[2].lower()} if found else set()
    written = [str(j.get("to", "")).lower() for j in joins if isinstance(j, dict)]
    return any(name in names or name.partition(".v")[0] in names for name in written)  # customers, customers.v2


def _attach_foreign_key_constraints(project: DbtProject, constraints: list) -> None:
    by_name = project.models_by_name()
    for model, columns, constraint in constraints:
        to = lookup(constraint, "to", "")
        to_columns = list(lookup(constraint, "to_columns", ()))
        if not to or len(columns) != 1 or len(to_columns) != 1:  # expression-only (before dbt 1.9) or compound
            if _joined_by_meta(project, model, to, lookup(constraint, "expression", ""), by_name):
                continue  # written as the notice says: a meta.omni join to that table
            written = f"on ({', '.join(columns)})" if columns else "on the model"
            project.notices.append((model.unique_id, f"model {model.shown_name}: foreign_key constraint {written}"
                                    f"{f' to {to}' if to else ''} gives no relationship: only one column to one "
                                    "column (to: and to_columns:) is joined by itself; write the join as "
                                    "meta.omni.joins with on_sql"))
            continue
        if (model.unique_id, columns[0].lower()) in project.joins_turned_off:
            continue
        target = _foreign_key_target(project, model, to, by_name)
        if target is None:
            project.notices.append((model.unique_id, f"model {model.shown_name}: foreign_key constraint on {columns[0]}: "
                                                     f"to: {to} names no model, seed, snapshot or source; no relationship"))
            continue
        project.foreign_keys.append(
            ForeignKey(model.unique_id, columns[0], target.unique_id, to_columns[0], "foreign_key constraint")
        )
