"""Relationships: from dbt's relationships tests and foreign_key constraints (many_to_one, left
join), and from meta.omni.joins, which replace an inferred join between the same two views."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from dbt_omni.errors import closest, collecting, raise_collected
from dbt_omni.names import column_field, field_name
from dbt_omni.omni_model import Dimension, Relationship, View
from dbt_omni.project import ForeignKey, Model
from dbt_omni.references import references

if TYPE_CHECKING:
    from dbt_omni.mapping import Mapper

SIMPLE_ON_RE = re.compile(r"\s*\$\{(\w+)\.(\w+)\}\s*=\s*\$\{(\w+)\.(\w+)\}\s*")  # ${a.x} = ${b.y}


def build_relationships(mapper: Mapper) -> list:
    found: dict = {}
    dimension_names: dict = {}
    candidates: dict = {}  # Relationship.key() -> [(relationship, its foreign key, whether it joins on a key)]
    # (from view, to view, the from field, warning): a join Omni takes only under an alias, said unless a
    # meta.omni join with one reads that field (as each warning advises)
    aliased_only: list = []
    for fk in sorted(mapper.project.foreign_keys, key=lambda f: (f.from_id, f.from_column, f.to_id, f.to_column)):
        source, target = mapper.views.get(fk.from_id), mapper.views.get(fk.to_id)
        if source is None or target is None:
            if source is not None:
                mapper.note_dropped(mapper.project.models[fk.from_id], mapper.project.models[fk.to_id].name,
                                    f"relationship ({fk.origin} on {fk.from_column})")
            continue
        if source is target:  # employees.manager_id -> employees.id: Omni joins a view to itself only by an alias
            aliased_only.append((source.name, target.name, column_field(fk.from_column)[0],
                                 f"{fk.origin} {fk.from_id}.{fk.from_column} -> {fk.to_id}.{fk.to_column}: a join of "
                                 f"{source.name} to itself needs an alias; declare it in meta.omni.joins with "
                                 "join_to_view_as"))
            continue
        keys = (_key_field(mapper, source, fk.from_id, fk.from_column, fk, dimension_names),
                _key_field(mapper, target, fk.to_id, fk.to_column, fk, dimension_names))
        if None in keys:
            continue
        rel = Relationship(
            join_from_view=source.name,
            join_to_view=target.name,
            on_sql=f"${{{source.name}.{keys[0]}}} = ${{{target.name}.{keys[1]}}}",
        )
        on_key = _is_key(mapper, target, keys[1], fk.to_id, fk.to_column)
        if on_key and _is_key(mapper, source, keys[0], fk.from_id, fk.from_column):
            rel.relationship_type = "one_to_one"  # a key to a key (orders to their one invoice): no fan-out either way
        candidates.setdefault(rel.key(), []).append((rel, fk, on_key))
    declared = _declared_joins(mapper)  # Relationship.key() -> a meta.omni join, which replaces one inferred
    aliased = [rel for rel in declared.values() if rel.join_to_view_as]
    not_on_a_key = []
    for key, options in candidates.items():
        # a test's join that a declared alias makes, the same columns and nothing more, is the alias's (order_dates
        # for the order_date test): kept too, a topic would join the view twice, by two names
        if aliased:
            options = [option for option in options if not any(_same_join(option[0], alias) for alias in aliased)]
        if not options:
            continue
        rel, fk, on_key = next((option for option in options if option[2]), options[0])
        found[key] = rel
        for other, other_fk, _ in options:
            if other.on_sql != rel.on_sql:
                aliased_only.append((rel.join_from_view, rel.join_to_view, column_field(other_fk.from_column)[0],
                    f"{rel.join_from_view} -> {rel.join_to_view}: second join ({other.on_sql}) left out, as Omni joins "
                    f"two views once ({rel.on_sql} kept{', on the key' if on_key else ''}); declare it in "
                    "meta.omni.joins with join_to_view_as"))
        if on_key is False:
            not_on_a_key.append((rel, fk))
    found.update(declared)
    mapper.warnings += [warning for source, target, field, warning in aliased_only
                        if not any(rel.join_from_view == source and rel.join_to_view == target
                                   and f"${{{source}.{field}}}" in rel.on_sql for rel in aliased)]
    for rel, fk in not_on_a_key:
        if rel.key() not in declared:  # declared in meta.omni.joins: its relationship_type is the user's word
            _warn_not_a_key(mapper, rel, fk)
    return [found[k] for k in sorted(found)]


def _declared_joins(mapper: Mapper) -> dict:
    """Relationship.key() -> the meta.omni join of the exported models (each one's dbt_key says where)."""
    problems: list = []
    declared: dict = {}
    for model in mapper.models:
        for index, join in enumerate(model.omni.get("joins") or ()):
            key = f"meta.omni.joins[{index}]"
            with collecting(problems):
                rel = _declared_join(mapper, model, join, key)
                if rel is None:
                    continue
                if rel.key() in declared:
                    raise model.error(
                        f"a second join of {rel.join_from_view} to {rel.join_to_view}: {declared[rel.key()].dbt_key} "
                        "joins it already", key=f"{key}.join_to_view_as",
                        expected="a join_to_view_as name for one of them: Omni joins a view twice only under an alias")
                declared[rel.key()] = rel
                if "relationship_type" not in join:
                    _warn_default_type(mapper, model, rel, key)
    raise_collected(problems)
    return declared


def _same_join(inferred: Relationship, alias: Relationship) -> bool:
    """Whether a declared alias join joins exactly as a test's join does: its on_sql the same two columns, the
    alias standing for the test's target view, and no where_sql."""
    if alias.join_from_view != inferred.join_from_view or alias.join_to_view != inferred.join_to_view \
            or alias.where_sql or not (test := SIMPLE_ON_RE.fullmatch(inferred.on_sql)) \
            or not (declared := SIMPLE_ON_RE.fullmatch(alias.on_sql)):
        return False
    sides = {(test[1], test[2]), (alias.join_to_view_as, test[4])}
    return {(declared[1], declared[2]), (declared[3], declared[4])} == sides


def _declared_join(mapper: Mapper, model: Model, join: dict, key: str) -> Optional[Relationship]:
    """One meta.omni.joins entry; None for a join to a model the export leaves out (said by left_out)."""
    source = mapper.views[model.unique_id]
    if mapper.left_out(join["to"], model, key, "join"):
        return None
    target = mapper.view_for(join["to"], model, f"{key}.to")
    if target is source and not join.get("join_to_view_as"):
        raise model.error(f"a join of {source.name} to itself needs an alias", key=f"{key}.join_to_view_as",
                          expected="a name for the joined copy, e.g. parent_" + model.name)
    joined = join.get("join_to_view_as") or target.name
    on_sql = mapper.translate(join.get("on_sql"), model, f"{key}.on_sql", source) \
        or _default_on_sql(model, source, target, key, joined)
    where_sql = mapper.translate(join.get("where_sql"), model, f"{key}.where_sql", source)
    for part, sql in (("on_sql", on_sql), ("where_sql", where_sql)):
        others = sorted({view for view, _ in references(sql) if view and view not in (source.name, joined)})
        if target.name in others:  # the model named where its alias is meant
            others.remove(target.name)
            mapper.warnings.append(
                f"{model.resource_type} {model.shown_name}: {key}.{part} reads {target.name}, which this join names "
                f"{joined}: write ${{{joined}.<field>}} (a topic that joins it as {joined} has no {target.name})")
        if others:  # Lightdash's joins belong to an explore and chain (payments to customers on orders.customer_id)
            mapper.warnings.append(
                f"{model.resource_type} {model.shown_name}: {key}.{part} reads {', '.join(others)}, neither side of this "
                f"join ({source.name} to {joined}): Omni's relationship joins those two views, and a topic without "
                f"{others[0]} cannot run it (join {join['to']} from the model of {others[0]} instead, and list both in "
                "the topic's joins)")
    return Relationship(
        join_from_view=source.name,
        join_to_view=target.name,
        on_sql=on_sql,
        relationship_type=join.get("relationship_type", "many_to_one"),
        join_type=join.get("join_type", "always_left"),
        join_to_view_as=join.get("join_to_view_as"),
        join_to_view_as_label=join.get("join_to_view_as_label"),
        reversible=join.get("reversible"),
        where_sql=where_sql,
        dbt_key=key,
    )


def warn_keyless_repeated(mapper: Mapper, views: list, relationships: list) -> None:
    """A view whose rows a join repeats (the `one` side of many_to_one) needs a primary key: Omni
    keeps its measures right across the join by aggregating over distinct keys."""
    repeated: dict = {}  # view name -> a view whose join repeats its rows
    for rel in relationships:
        if rel.relationship_type in ("many_to_one", "many_to_many"):
            repeated.setdefault(rel.join_to_view, rel.join_from_view)
        if rel.relationship_type in ("one_to_many", "many_to_many"):
            repeated.setdefault(rel.join_from_view, rel.join_to_view)
    for view in views:
        if (view.name in repeated and not view.custom_compound_primary_key_sql
                and not any(d.primary_key for d in view.dimensions)):
            model = mapper.project.models[view.dbt_unique_id]
            mapper.warnings.append(
                f"{model.resource_type} {model.shown_name} ({model.meta_file}): no primary key, and its join with "
                f"{repeated[view.name]} "
                "repeats its rows, so Omni cannot keep its measures right there (set meta.omni.primary_key, a "
                "primary_key constraint, or unique + not_null tests on a column)")


def _is_key(mapper: Mapper, view: View, field: str, unique_id: str, column_name: str) -> Optional[bool]:
    """Whether a join column is a key of its view (the primary key, or tested or constrained unique);
    None where the view has no primary key to compare with (warn_keyless_repeated speaks of that)."""
    pk = [d.name for d in view.dimensions if d.primary_key]
    if pk == [field]:
        return True
    column = mapper.project.models[unique_id].find_column(column_name)
    if column is not None and "unique" in {*column.tests, *column.constraints}:
        return True
    return False if pk else None


def _warn_not_a_key(mapper: Mapper, rel: Relationship, fk: ForeignKey) -> None:
    """many_to_one says each row finds one row at most: on a column that may repeat, Omni would add up the
    joining view's measures once per match."""
    declared = mapper.project.models[fk.from_id]
    target = mapper.project.models[fk.to_id]
    pk = ", ".join(d.name for d in mapper.views[fk.to_id].dimensions if d.primary_key)
    mapper.warnings.append(
        f"{fk.origin} ({declared.meta_file}) {fk.from_id}.{fk.from_column} -> {fk.to_id}.{fk.to_column}: {fk.to_column} "
        f"is not the primary key of {target.name} ({pk}), nor tested unique, so a value it repeats would count "
        f"{rel.join_from_view}'s measures once per match (written many_to_one); add a unique test, or declare the "
        "join in meta.omni.joins with its relationship_type")


def _warn_default_type(mapper: Mapper, model: Model, rel: Relationship, key: str) -> None:
    """A declared join without relationship_type is many_to_one; where its condition is one column on each
    side and the joined side's is no key, that is likely the wrong way round (a join from customers to
    their orders), and Omni would add up the joined rows once per match."""
    match = SIMPLE_ON_RE.fullmatch(rel.on_sql)
    if match is None:
        return
    joined = rel.join_to_view_as or rel.join_to_view
    sides = {match[1]: match[2], match[3]: match[4]}
    if joined not in sides or len(sides) != 2:
        return
    target = mapper.view_by_name[rel.join_to_view]
    columns = mapper.project.models[target.dbt_unique_id].columns  # the field's dbt column ("Customer ID")
    column = next((name for name in columns if field_name(name) == sides[joined]), sides[joined])
    if _is_key(mapper, target, sides[joined], target.dbt_unique_id, column) is not False:
        return
    mapper.warnings.append(
        f"model {model.shown_name} ({model.meta_file}): {key}: no relationship_type, so many_to_one, but "
        f"{sides[joined]} is not the primary key of {joined}, nor tested unique: where a row of {rel.join_from_view} "
        "matches several there, Omni would count them once per match; say relationship_type: one_to_many "
        "(or many_to_many), or many_to_one where it is one")


def _key_field(mapper: Mapper, view: View, unique_id: str, column: str, fk: ForeignKey, names: dict) -> Optional[str]:
    """The field a dbt-declared join key reads. The test or constraint proves the column exists, so
    an undocumented one becomes a plain dimension; None (with a warning) when it cannot be joined on:
    the catalog lacks it, or meta.omni ignores it. names: view name -> its dimension names, filled here."""
    name, needs_sql = column_field(column)
    if view.name not in names:
        names[view.name] = {d.name for d in view.dimensions}
    if name in names[view.name]:
        return name
    model = mapper.project.models[unique_id]
    found = model.find_column(column)
    near = None if found is not None else closest(column, [c.name for c in model.columns.values() if not c.missing])
    hint = f"; did you mean {near}?" if near else ""
    declared = mapper.project.models.get(fk.from_id)
    link = (f"{fk.origin}{f' ({declared.meta_file})' if declared is not None and declared.meta_file else ''} "
            f"{fk.from_id}.{fk.from_column} -> {fk.to_id}.{fk.to_column}")
    if model.in_catalog or found is not None:
        why = "has meta.omni ignore: true" if found is not None and not found.missing else "is not in the catalog"
        mapper.warnings.append(f"{link}: column {column} of {model.name} {why}; no relationship{hint}")
        return None
    if near:  # a typo is likelier than an undocumented column named almost like a documented one
        mapper.warnings.append(f"{link}: column {column} of {model.name} is not documented{hint} (written as a "
                               "plain dimension for the join, as the test or constraint says it exists)")
    dimension = Dimension(name, sql=mapper.quoted(column) if needs_sql else None)
    view.dimensions = sorted([*view.dimensions, dimension], key=lambda d: d.name)
    names[view.name].add(name)
    return name


def _default_on_sql(model: Model, source: View, target: View, key: str, joined: str) -> str:
    """The target's key to the same-named column here, the target named as the join names it (its alias: the
    plain view is not in a topic that joins it as `buyer`). A join of a view to itself has no such condition:
    its key equal to itself is every row."""
    if target is source:
        raise model.error(f"a join of {source.name} to itself as {joined} needs on_sql", key=f"{key}.on_sql",
                          expected=f"on_sql, e.g. ${{{source.name}.parent_id}} = ${{{joined}.id}} (its key compared "
                                   "to itself joins every row to itself)")
    pk = [d.name for d in target.dimensions if d.primary_key]
    source_fields = {d.name for d in source.dimensions}
    if len(pk) == 1 and pk[0] in source_fields:
        return f"${{{source.name}.{pk[0]}}} = ${{{joined}.{pk[0]}}}"
    unknown = ""
    if len(pk) == 1 and not model.in_catalog:
        unknown = (f"; {pk[0]} is not documented in {model.meta_file}, and without catalog.json its columns are "
                   "unknown: document it")
    raise model.error(
        f"cannot infer the join condition to {target.name}",
        key=f"{key}.on_sql",
        expected="on_sql, or a primary key on the target with a column of the same name here" + unknown,
    )
