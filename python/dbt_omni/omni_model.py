"""The Omni model we write: views, fields, relationships, topics and the model file.

Plain data with Omni's own parameter names (../shared/omni-format.md); `dump.py` decides the text.
None means "not written" (so do False, [] and {}, but for `convert_tz` and `reversible`, whose
False is written: Omni's default is true for the one, and Omni itself writes the other's; and for the
drill fields, whose [] means no drill, and a topic's access_filters and required_access_grants, whose
[] opts out of the model file's defaults); fields keep None as their default because the
writer drops None values fastest, and a project has hundreds of thousands of fields.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


def text_or_none(value):
    """A text the user may leave empty for none ("" or spaces: Omni's format has no empty one), as description."""
    return (value.strip() or None) if isinstance(value, str) else value


@dataclass(slots=True)
class Dimension:
    name: str
    sql: Optional[str] = None
    label: Optional[str] = None
    description: Optional[str] = None
    primary_key: Optional[bool] = None
    hidden: Optional[bool] = None
    ignored: Optional[bool] = None  # a column meta.omni ignores: Omni's schema layer has it, this hides it;
    # set only by dump.view_text, from View.ignored_fields (kept out of dimensions, so no reference finds it)
    format: Optional[str] = None
    group_label: Optional[str] = None
    timeframes: Optional[list] = None
    convert_tz: Optional[bool] = None  # written when False (Omni's default is true)
    tags: Optional[list] = None
    synonyms: Optional[list] = None
    aliases: Optional[list] = None  # names it had before a rename: saved Omni content using them keeps working
    ai_context: Optional[str] = None
    required_access_grants: Optional[list] = None
    all_values: Optional[list] = None  # every value the column can hold (dbt's accepted_values test)
    sample_values: Optional[list] = None  # examples for Omni's AI
    dbt_key: str = ""  # not written: the meta.omni key it was declared under, for messages


@dataclass(slots=True)
class Measure:
    name: str
    sql: Optional[str] = None
    aggregate_type: Optional[str] = None
    percentile: Optional[float] = None
    custom_primary_key_sql: Optional[str] = None
    label: Optional[str] = None
    description: Optional[str] = None
    format: Optional[str] = None
    group_label: Optional[str] = None
    hidden: Optional[bool] = None
    filters: Optional[dict] = None
    drill_fields: Optional[list] = None  # [] is written: no drill
    tags: Optional[list] = None
    synonyms: Optional[list] = None
    aliases: Optional[list] = None
    ai_context: Optional[str] = None
    required_access_grants: Optional[list] = None
    sample_values: Optional[list] = None  # examples for Omni's AI
    dbt_key: str = ""  # not written: the meta.omni key it was declared under, for messages


@dataclass(slots=True)
class View:
    schema: str
    table_name: str
    catalog: Optional[str] = None  # the database, when not the one most of the project's models are in
    label: Optional[str] = None
    description: Optional[str] = None
    hidden: bool = False
    tags: Optional[list] = None
    ai_context: Optional[str] = None
    aliases: Optional[list] = None  # view names it had before (another schema or table name)
    required_access_grants: Optional[list] = None
    custom_compound_primary_key_sql: Optional[list] = None
    default_drill_fields: Optional[list] = None  # [] is written: no drill
    dimensions: list = field(default_factory=list)
    measures: list = field(default_factory=list)
    ignored_fields: tuple = ()  # written as `name: {ignored: true}` among the dimensions, and nothing else
    # Where the view came from in dbt: written as comments, the only place Omni's format allows it.
    dbt_unique_id: str = ""
    dbt_path: str = ""
    upstream: tuple = ()
    # Not written: the relation's schema and table as file names (safe_component), where they differ.
    # The name and path use them; `schema` and `table_name` stay the relation's, which Omni queries.
    file_schema: str = ""
    file_table: str = ""

    @property
    def name(self) -> str:
        return f"{self.file_schema or self.schema}__{self.file_table or self.table_name}"

    @property
    def path(self) -> str:
        return f"{self.file_schema or self.schema}/{self.file_table or self.table_name}.view.yaml"


@dataclass(slots=True)
class Relationship:
    join_from_view: str
    join_to_view: str
    on_sql: str
    relationship_type: str = "many_to_one"
    join_type: str = "always_left"
    join_to_view_as: Optional[str] = None
    join_to_view_as_label: Optional[str] = None
    reversible: Optional[bool] = None  # False is written (dump._relationship)
    where_sql: Optional[str] = None
    dbt_key: str = ""  # not written: the meta.omni join it was declared as (none for a test's or constraint's)

    def key(self) -> tuple:
        return (self.join_from_view, self.join_to_view, self.join_to_view_as or "")


@dataclass(slots=True)
class Topic:
    file_name: str
    base_view: str
    label: Optional[str] = None
    description: Optional[str] = None
    group_label: Optional[str] = None
    hidden: bool = False
    joins: dict = field(default_factory=dict)
    fields: Optional[list] = None
    ai_fields: Optional[list] = None  # the fields Omni's AI may use, named as in fields
    default_filters: Optional[dict] = None
    always_where_sql: Optional[str] = None
    always_where_filters: Optional[dict] = None
    access_filters: Optional[list] = None
    ai_context: Optional[str] = None
    required_access_grants: Optional[list] = None

    @property
    def path(self) -> str:
        return f"{self.file_name}.topic.yaml"


@dataclass(slots=True)
class ModelFile:
    included_schemas: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # further model-file keys from settings, as given


@dataclass(slots=True)
class OmniModel:
    model_file: ModelFile
    views: list  # sorted by name
    relationships: list  # sorted by key
    topics: list  # sorted by file name
    warnings: list = field(default_factory=list)
    # Those of the warnings that dbt's --warn-error does not fail on: about the warehouse as catalog.json last
    # saw it (a documented column the relation lacks), which before the build that adds a column is always
    # stale, and ephemeral models' blocks, which a folder's +meta gives them with no way to take it back.
    drift: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # anything else omni_export.json should record

    def counts(self) -> dict:
        return {
            "views": len(self.views),
            "dimensions": sum(len(v.dimensions) for v in self.views),
            "measures": sum(len(v.measures) for v in self.views),
            "relationships": len(self.relationships),
            "topics": len(self.topics),
        }

