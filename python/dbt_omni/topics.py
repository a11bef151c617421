"""Topics: one per meta.omni.topic, and one per model under topics_from_paths; a topic's joins are
the views its base view reaches through relationships, unless it names its own."""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Callable, Optional

from dbt_omni.errors import collecting, raise_collected
from dbt_omni.names import MAX_FILE_NAME, field_view, safe_component, too_long, windows_device
from dbt_omni.omni_model import Topic, View, text_or_none
from dbt_omni.project import Model
from dbt_omni.selection import under_paths

if TYPE_CHECKING:
    from dbt_omni.mapping import Mapper

TOPIC_SUFFIX = ".topic.yaml"  # as omni_model.Topic.path writes it


def build_topics(mapper: Mapper, relationships: list) -> list:
    topics: dict = {}
    by_lower: dict = {}  # file names by their lowercase: Orders and orders are one file on macOS and Windows
    graph = _join_graph(relationships)
    problems: list = []
    for model in mapper.models:
        declared = model.omni.get("topic")
        # A raw source table or a hidden view gets a topic only when its own meta.omni.topic asks for one.
        from_path = (model.resource_type != "source" and not model.omni.get("hidden")
                     and under_paths(model, mapper.settings.topics_from_paths))
        if declared is False or (declared is None and not from_path):
            continue
        block = declared if isinstance(declared, dict) else {}
        with collecting(problems):
            topic = _topic(mapper, model, block, graph)
            if declared is None and model.is_old_version:  # kept for saved content, out of the picker: the latest
                topic.hidden = True                        # version's topic is the one to choose
            clash = by_lower.get(topic.file_name.lower())
            if clash is not None:
                versions = model.version is not None and topic.file_name == block.get("name")
                named = topic.file_name if clash == topic.file_name else f"{clash} and {topic.file_name}"
                raise model.error(
                    f"two topics are named {named} ({topics[clash].base_view} and {topic.base_view})",
                    key="meta.omni.topic.name",
                    expected="a unique topic name" + (
                        "; dbt gives a versioned model's own meta to every version, so set the topic under one "
                        "version's config: meta:" if versions else ""),
                )
            by_lower[topic.file_name.lower()] = topic.file_name
            topics[topic.file_name] = topic
    raise_collected(problems)
    ordered = [topics[name] for name in sorted(topics)]
    if not mapper.settings.model_file.get("default_topic_access_filters"):
        _warn_unfiltered(mapper, ordered, graph[1])
    return ordered


def _warn_unfiltered(mapper: Mapper, topics: list, real_view: dict) -> None:
    """Row-level security is per topic: the base view of a topic with access_filters, shown by another topic
    without any, shows every row there to the users the first restricts."""
    filtered: dict = {}  # base view -> the topics that filter its rows (a joined lookup view, stores for a
    for topic in topics:  # filter on stores.region, may well be shown elsewhere: not counted)
        if topic.access_filters:
            filtered.setdefault(real_view.get(topic.base_view, topic.base_view), set()).add(topic.file_name)
    for topic in topics:
        if topic.access_filters is not None:  # its own filters, or [] (opted out of the model file's)
            continue
        shown = {topic.base_view} | {real_view.get(view, view) for view in _joined_views(topic.joins)}
        if exposed := sorted(shown & filtered.keys()):
            by = sorted(set().union(*(filtered[view] for view in exposed)))
            mapper.warnings.append(
                f"topic {topic.file_name} shows {', '.join(exposed)} without access_filters, where topic "
                f"{' and '.join(by)} filter{'s' if len(by) == 1 else ''} their rows: a user those filters restrict "
                "sees every row here (give this topic the filter too, access_filters: [] to mean it, or the model "
                "file default_topic_access_filters)")


def _topic(mapper: Mapper, model: Model, block: dict, graph: tuple) -> Topic:
    """The topic one model's meta.omni.topic block (or topics_from_paths) asks for."""
    own = mapper.views[model.unique_id]  # a topic's bare field names are its base view's
    base = own.name
    joins = block.get("joins")
    key = "meta.omni.topic.joins"
    if isinstance(joins, dict):
        tree = _tree_along(base, _translate_tree(mapper, joins, model, key), graph, model, key)
    else:
        wanted = None if joins is None else [
            mapper.ref_view(n, model, key)[0] for n in joins if not mapper.left_out(n, model, key, "join")
        ]
        tree = _join_tree(base, graph, wanted, model, key)
    file_name = safe_component(block.get("name") or _topic_name(model))
    if message := too_long(file_name, TOPIC_SUFFIX, "topic's file"):
        raise model.error(message, key="meta.omni.topic.name", expected=f"a name of at most {MAX_FILE_NAME - len(TOPIC_SUFFIX)}"
                          " characters (a file system's limit), which the model's name is where the topic sets none")
    if windows_device(file_name):
        mapper.warnings.append(f"model {model.shown_name}: the topic file {file_name}{TOPIC_SUFFIX}: {file_name} is a name Windows "
                               "keeps for a device, so Windows cannot write the file nor Git for Windows check it out "
                               "(meta.omni.topic.name: another name avoids it)")
    mapper.topic_scope = _topic_scope(base, tree, graph[1], mapper.warnings)
    try:  # the scope changes how every reference below resolves, and only these
        return Topic(
            file_name=file_name,
            base_view=base,
            label=block.get("label") or _topic_label(model, own),
            # the base view's, as the label (Omni's AI reads a topic's description first); "" for none
            description=text_or_none(block["description"] if "description" in block else own.description),
            group_label=block.get("group_label"),
            hidden=block.get("hidden", False),
            joins=tree,
            fields=_field_list(mapper, model, block, "fields", own),
            ai_fields=_ai_fields(mapper, model, block, own),
            default_filters=mapper.translate_filters(block.get("default_filters"), model,
                                                     "meta.omni.topic.default_filters", own, droppable=True),
            always_where_sql=mapper.translate(block.get("always_where_sql"), model, "meta.omni.topic.always_where_sql",
                                              own),
            always_where_filters=mapper.translate_filters(
                block.get("always_where_filters"), model, "meta.omni.topic.always_where_filters", own
            ),
            access_filters=None if block.get("access_filters") is None else [  # []: none of the model file's
                _access_filter({**f, "field": mapper.translate_field_ref(f["field"], model,
                                                                         "meta.omni.topic.access_filters", own)})
                for f in block["access_filters"]
            ],
            ai_context=text_or_none(block.get("ai_context")),
            required_access_grants=block.get("required_access_grants"),
        )
    finally:
        mapper.topic_scope = None


ACCESS_FILTER_KEYS = ("field", "user_attribute", "values_for_unfiltered", "enable_sql_like_wildcards")  # as Omni lists them


def _access_filter(entry: dict) -> dict:
    """In one key order, whatever the YAML's (the contract allows only these keys)."""
    return {key: entry[key] for key in ACCESS_FILTER_KEYS if key in entry}


FANS_OUT = {False: ("one_to_many", "many_to_many"), True: ("many_to_one", "many_to_many")}  # by: reversed?


def _join_graph(relationships: list) -> tuple:
    """Edges from each view (an alias stands for its view), built once for all topics, and the (from, to)
    edges whose join repeats the rows it starts from (one_to_many or many_to_many, or a many_to_one walked back)."""
    edges: dict = {}
    real_view: dict = {}  # an alias (join_to_view_as) joins onward like the view it stands for
    fans_out: set = set()
    forward = {(rel.join_from_view, rel.join_to_view_as or rel.join_to_view) for rel in relationships}
    for rel in relationships:
        target = rel.join_to_view_as or rel.join_to_view
        real_view[target] = rel.join_to_view
        edges.setdefault(rel.join_from_view, []).append(target)
        if rel.relationship_type in FANS_OUT[False]:
            fans_out.add((rel.join_from_view, target))
        if rel.reversible:
            edges.setdefault(rel.join_to_view, []).append(rel.join_from_view)
            # walked back, unless a relationship of its own joins that way (an employee's department by
            # department_id, beside the department's manager walked back)
            if rel.relationship_type in FANS_OUT[True] and (rel.join_to_view, rel.join_from_view) not in forward:
                fans_out.add((rel.join_to_view, rel.join_from_view))
    return {view: sorted(targets) for view, targets in edges.items()}, real_view, fans_out


def _reaches(edges: dict, start: str, goal: str) -> bool:
    """Whether relationships lead from start to goal (for a message: the way a topic's join is not)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt == goal:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _join_tree(base: str, graph: tuple, wanted: Optional[list], model: Model, key: str) -> dict:
    """Omni's nested joins map: views reachable from the base view along relationships, each by the path
    through the fewest views a `joins` list leaves out (stores under products, both listed, not under orders),
    then with the fewest joins that repeat rows (the order's store by its register, not by one of its
    deliveries), then the shortest, then the first by name (what a breadth-first walk in name order gives)."""
    edges, real_view, fans_out = graph
    listed = None if wanted is None else {base, *wanted}
    parent: dict = {}
    queue = [(0, 0, 0, (), base, None)]  # (unlisted views, fan-out joins, depth, the path's names, view, parent)
    while queue:
        unlisted, fans, depth, path, current, before = heapq.heappop(queue)
        if current in parent:
            continue
        parent[current] = before
        source = real_view.get(current, current)
        for nxt in edges.get(source, ()):
            if nxt not in parent:
                off_list = listed is not None and nxt not in listed and real_view.get(nxt) not in listed
                heapq.heappush(queue, (unlisted + off_list, fans + ((source, nxt) in fans_out), depth + 1,
                                       (*path, nxt), nxt, current))
    if wanted is None:
        targets = [v for v in parent if v != base]
    else:  # a wanted view is reached as itself or through its aliases
        targets = []
        for view in wanted:
            names = [n for n in parent if n == view or (n != view and real_view.get(n) == view)]
            targets += names or [view]
    tree: dict = {}
    for target in targets:
        if target not in parent:
            backwards = _reaches(edges, real_view.get(target, target), base)
            raise model.error(
                f"no relationship leads from {base} to {target}"
                + (f" (they lead from {target} to {base}: relationships join one way)" if backwards else ""),
                key=key,
                expected=(f"a topic based on {target}, or reversible: true on a meta.omni.joins entry between them, "
                          "which Omni may walk back" if backwards else
                          "a model reachable through relationships tests, foreign keys or meta.omni.joins"),
            )
        path = []
        node = target
        while node != base:
            path.append(node)
            node = parent[node]
        branch = tree
        for step in reversed(path):
            branch = branch.setdefault(step, {})
    return _sorted_tree(tree)


def _translate_tree(mapper: Mapper, tree: dict, model: Model, key: str) -> dict:
    return _sorted_tree({
        mapper.ref_view(k, model, key)[0]: _translate_tree(mapper, v or {}, model, key)
        for k, v in tree.items() if not mapper.left_out(k, model, key, "join with the joins under it")
    })


def _tree_along(parent: str, tree: dict, graph: tuple, model: Model, key: str, seen: Optional[set] = None) -> dict:
    """A joins map written out, checked as the list form is placed: each view once, under a view it has a
    relationship from (Omni joins along them); a view joined only under an alias (join_to_view_as) is
    written as that alias, as the list form writes it."""
    edges, real_view = graph[:2]
    seen = {parent} if seen is None else seen
    targets = edges.get(real_view.get(parent, parent), ())
    placed = {}
    for view, below in tree.items():
        if view not in targets:
            aliases = [t for t in targets if t != view and real_view.get(t) == view]
            if len(aliases) > 1:
                raise model.error(f"{view} is joined from {parent} only as {' and '.join(aliases)}", key=key,
                                  expected=f"the alias that is meant, e.g. {aliases[0]}")
            view = aliases[0] if aliases else view
        if view in seen:
            raise model.error(f"{view} is joined twice in the topic", key=key,
                              expected="each view once in the joins map (join_to_view_as gives a view a second name)")
        seen.add(view)
        if view not in targets:
            raise model.error(
                f"no relationship leads from {parent} to {view}", key=key,
                expected=f"{view} under a view it joins from (relationships tests, foreign keys or meta.omni.joins), "
                         "or the joins as a list, which finds the path")
        placed[view] = _tree_along(view, below, graph, model, key, seen)
    return _sorted_tree(placed)


def _field_list(mapper: Mapper, model: Model, block: dict, key: str, own: View) -> Optional[list]:
    """A topic's fields or ai_fields (view.field, view.*, tag:x, -view.field), as Omni names them."""
    where = f"meta.omni.topic.{key}"
    return [mapper.translate_field_ref(f, model, where, own) for f in block.get(key) or ()
            if not mapper.left_out(field_view(f, mapper.resource_types), model, where, f"field {f}")] or None


def _ai_fields(mapper: Mapper, model: Model, block: dict, own: View) -> Optional[list]:
    """As fields, but a list left with nothing to allow (its views left out of the export) would let Omni's AI
    use every field, the opposite of what it says: said."""
    ai_fields = _field_list(mapper, model, block, "ai_fields", own)
    if block.get("ai_fields") and all(f.startswith("-") for f in ai_fields or ()):
        mapper.warnings.append(f"model {model.shown_name}: meta.omni.topic.ai_fields: none of the fields it allows is in the "
                               "export (their views are left out), so Omni's AI may use every field of the topic "
                               "(select those views, or allow fields of the exported ones)")
    return ai_fields


def _topic_label(model: Model, view: View) -> Optional[str]:
    """The view's label (an older version's with its version, or Omni's topic picker shows two alike)."""
    if not view.label:
        return None
    return f"{view.label} (v{model.version})" if model.is_old_version else view.label


def _joined_views(tree: dict) -> set:
    """Every view (or alias) a nested joins map names, at any depth."""
    joined, stack = set(), [tree]
    while stack:
        branch = stack.pop()
        joined.update(branch)
        stack.extend(branch.values())
    return joined


def _topic_scope(base: str, tree: dict, real_view: dict, warnings: list) -> Callable:
    """A view name as the topic names it: itself when the topic has it, else its one alias in the
    topic's joins (a field, filter or access filter on the plain view would miss the joined one).
    A view the topic does not join at all is said: the topic shows none of its fields."""
    joined = _joined_views(tree)
    said: set = set()  # (key, view): one warning each, however many of its fields an entry names

    def name_of(view_name: str, model: Model, key: str, warn: bool = True) -> str:
        """warn: False for an exclusion (`-regions.name`), which does no harm where the view is not joined."""
        if view_name == base or view_name in joined:
            return view_name
        aliases = sorted(a for a in joined if a != view_name and real_view.get(a) == view_name)
        if len(aliases) > 1:
            raise model.error(
                f"{view_name} is joined in this topic only as {' and '.join(aliases)}",
                key=key,
                expected=f"the alias that is meant, e.g. {aliases[0]}.<field>",
            )
        if not aliases and warn and (key, view_name) not in said:
            said.add((key, view_name))
            warnings.append(f"model {model.shown_name}: {key}: {view_name} is no view of this topic (it joins "
                            f"{', '.join(sorted(joined)) or 'none'}), so the topic cannot show its fields (add it to "
                            "meta.omni.topic.joins, or a relationship that reaches it)")
        return aliases[0] if aliases else view_name

    return name_of


def _topic_name(model: Model) -> str:
    """The model's name; an older version's (which shares the name) gets its version appended."""
    return f"{model.name}_v{model.version}" if model.is_old_version else model.name


def _sorted_tree(tree: dict) -> dict:
    return {k: _sorted_tree(tree[k]) for k in sorted(tree)}
