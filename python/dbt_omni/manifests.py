"""Getting a DbtProject from wherever a trigger stands: manifest.json on disk, the Jinja `graph`,
or dbt's live Manifest object."""
from __future__ import annotations

import contextlib
import gc
import json
import re
from pathlib import Path
from typing import Any, Mapping, Optional

from dbt_omni.errors import OmniExportError, Problem
from dbt_omni.project import RELATION_TYPES, DbtProject, ShapeError, lookup, read_project

ARTIFACT_KIND_RE = re.compile(r"/dbt/([a-z_-]+)/v\d+\.json$")  # metadata.dbt_schema_version


@contextlib.contextmanager
def paused_gc():
    """Python's cyclic collector, triggered by every few hundred new objects, rescans everything
    alive, a large manifest included, each time it reaches the old generation: half of json.load and
    most of an export at 10,000 models. Neither makes reference cycles worth collecting early (the few
    that Jinja makes for shared metrics go when the collector resumes)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_json(path: Path, what: str, hint: str) -> dict:
    """A dbt artifact: a JSON object with a `nodes` mapping, as manifest.json and catalog.json are,
    and, where dbt named the kind in `metadata.dbt_schema_version`, that kind (catalog.json passed as
    the manifest has nodes too)."""
    try:
        with paused_gc():
            data = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise OmniExportError(Problem(f"{what} not found", file=str(path), expected=hint)) from None
    except IsADirectoryError:  # `--manifest target`
        inside = Path(path) / f"{what}.json"
        raise OmniExportError(Problem("is a folder", file=str(path), expected=hint, suggestion=str(inside)
                                      if inside.is_file() else None)) from None
    except (OSError, ValueError) as exc:
        raise OmniExportError(Problem(f"cannot read {what}: {exc}", file=str(path), expected=hint)) from None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        raise OmniExportError(Problem(f"this is not a dbt {what} (no 'nodes' mapping)", file=str(path), expected=hint))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    kind = ARTIFACT_KIND_RE.search(str(metadata.get("dbt_schema_version") or ""))
    if kind and kind.group(1) != what:
        raise OmniExportError(Problem(f"this is a dbt {kind.group(1)}, not a {what}", file=str(path), expected=hint))
    return data


MANIFEST_HINT = "the manifest.json that `dbt parse` writes (--manifest)"


OLDEST_MANIFEST = 12  # dbt-core 1.8 and later write v12


SECTIONS = ("metadata", "nodes", "sources", "macros", "selectors", "disabled", "functions")  # each a mapping, where present


def _check_sections(manifest: Mapping[str, Any], file: Optional[str]) -> None:
    if not isinstance(manifest.get("nodes"), Mapping):
        raise OmniExportError(Problem("this is not a dbt manifest (no 'nodes' mapping)", file=file, key="nodes",
                                      expected="target/manifest.json"))
    for section in SECTIONS:
        if manifest.get(section) is not None and not isinstance(manifest[section], Mapping):
            raise OmniExportError(Problem(f"this is not a dbt manifest ('{section}' is not a mapping)", file=file,
                                          key=section, expected="target/manifest.json as dbt wrote it"))


def load_manifest(path: Path) -> dict:
    manifest = load_json(path, "manifest", MANIFEST_HINT)
    metadata = manifest.get("metadata") if isinstance(manifest.get("metadata"), dict) else {}
    # before the sections: dbt 0.19-0.21 wrote `disabled` as a list, which is no manifest of ours for another reason
    version = re.search(r"/v(\d+)\.json$", str(metadata.get("dbt_schema_version") or ""))
    if version and int(version.group(1)) < OLDEST_MANIFEST:
        written_by = f" (dbt {metadata['dbt_version']})" if isinstance(metadata.get("dbt_version"), str) else ""
        raise OmniExportError(Problem(
            f"manifest v{version.group(1)}{written_by} is from a dbt-core older than 1.8", file=str(path),
            key="metadata.dbt_schema_version", expected=f"manifest v{OLDEST_MANIFEST}: {MANIFEST_HINT} with dbt-core 1.10 or later"))
    _check_sections(manifest, str(path))
    return manifest


CATALOG_HINT = ("the catalog.json that `dbt docs generate` writes: run it again, delete the file, or set "
                "vars.dbt_omni.use_catalog: false")


def load_catalog(path: Optional[Path]) -> Optional[dict]:
    if path is None or not Path(path).exists():
        return None
    catalog = load_json(path, "catalog", CATALOG_HINT)
    if not isinstance(catalog.get("sources", {}), dict):
        raise OmniExportError(Problem("'sources' is not a mapping", file=str(path), key="sources", expected=CATALOG_HINT))
    for section in ("nodes", "sources"):
        _check_catalog_nodes(catalog.get(section) or {}, str(path), section)
    return catalog


def _check_catalog_nodes(nodes: dict, file: str, section: str) -> None:
    """dbt writes catalog.json well; a hand-made or truncated one must fail here, not deep in the export."""
    for unique_id, node in nodes.items():
        columns = node.get("columns") if isinstance(node, dict) else None
        if not isinstance(columns, dict):
            raise OmniExportError(Problem(f"a catalog {section[:-1]} without a 'columns' mapping", file=file,
                                          key=f"{section}.{unique_id}.columns", expected=CATALOG_HINT))
        for name, info in columns.items():
            if not isinstance(info, dict) or not isinstance(info.get("name"), str):
                raise OmniExportError(Problem("a catalog column without a 'name'", file=file,
                                              key=f"{section}.{unique_id}.columns.{name}",
                                              expected='{"name": ..., "type": ..., "index": ...}, as ' + CATALOG_HINT))
            for key, kinds, wanted in (("type", (str, type(None)), "a type name"), ("index", (int, type(None)), "a number")):
                if not isinstance(info.get(key), kinds) or isinstance(info.get(key), bool):
                    raise OmniExportError(Problem(f"a catalog column whose '{key}' is not {wanted}: {info.get(key)!r}",
                                                  file=file, key=f"{section}.{unique_id}.columns.{name}.{key}",
                                                  expected=CATALOG_HINT))


def from_manifest_dict(manifest: Mapping[str, Any], catalog: Optional[dict] = None,
                       selectors: Optional[dict] = None) -> DbtProject:
    """manifest.json, or anything of its shape (the Jinja `graph` plus a `metadata` block). selectors:
    selectors.yml as read now, where it is known (a partial parse keeps the manifest's copy stale)."""
    _check_sections(manifest, None)
    metadata = manifest.get("metadata") or {}
    try:
        return read_project(
            manifest["nodes"].values(),
            project_name=metadata.get("project_name") or "",
            adapter_type=metadata.get("adapter_type") or "",
            dbt_version=metadata.get("dbt_version") or "",
            catalog=catalog,
            macros=manifest.get("macros"),
            selectors=selectors if selectors is not None else manifest.get("selectors"),
            sources=(manifest.get("sources") or {}).values(),
            disabled=_disabled_names(manifest.get("disabled")),
            disabled_sources=_disabled_sources(manifest.get("disabled")),
            functions=(manifest.get("functions") or {}).values(),
            dependents=_dependents(manifest.get),
        )
    except (AttributeError, TypeError, KeyError, ValueError) as exc:  # a value of a type dbt never writes there
        node = next((note for note in getattr(exc, "__notes__", ()) if note.startswith(("nodes.", "sources.", "functions."))), None)
        if isinstance(exc, ShapeError):
            message, key = f"this manifest is not shaped as dbt writes one: {exc}", f"{node}.{exc.key}"
        else:
            message, key = f"this manifest is not shaped as dbt writes one ({type(exc).__name__}: {exc})", node
        raise OmniExportError(Problem(message, key=key, expected="target/manifest.json as dbt wrote it (if dbt did, "
                                                                 "please report this as a dbt-omni bug)")) from None


def from_live_manifest(manifest: Any, project_name: str, catalog: Optional[dict] = None,
                       selectors: Optional[dict] = None) -> DbtProject:
    """dbt's Manifest object, read attribute by attribute: no serialisation on dbt's hot path.
    selectors: selectors.yml as this dbt command read it (a partial parse keeps the manifest's stale)."""
    from dbt.version import __version__ as dbt_version

    metadata = manifest.metadata
    return read_project(
        manifest.nodes.values(),
        project_name=project_name,
        adapter_type=metadata.adapter_type or "",
        dbt_version=dbt_version,
        catalog=catalog,
        macros=manifest.macros,
        selectors=selectors if selectors is not None else getattr(manifest, "selectors", None),
        sources=manifest.sources.values(),
        disabled=_disabled_names(getattr(manifest, "disabled", None)),
        disabled_sources=_disabled_sources(getattr(manifest, "disabled", None)),
        functions=(getattr(manifest, "functions", None) or {}).values(),
        dependents=_dependents(lambda section: getattr(manifest, section, None)),
    )


DEPENDENT_SECTIONS = ("exposures", "metrics", "semantic_models", "saved_queries", "unit_tests")


def _dependents(section_of) -> list:
    """The nodes of the manifest's sections that dbt's graph also links (compilation.Linker.link_graph),
    for dbt's `@` selector: an exposure of two models takes the other along."""
    return [node for section in DEPENDENT_SECTIONS if isinstance(nodes := section_of(section), Mapping)
            for node in nodes.values()]


def _disabled_sources(disabled: Any) -> frozenset:
    """Unique ids of the disabled source tables (a package turns one off with a var): their views are gone."""
    if not isinstance(disabled, Mapping):
        return frozenset()
    return frozenset(unique_id for unique_id in disabled if str(unique_id).startswith("source."))


def _disabled_names(disabled: Any) -> frozenset:
    """Names of the disabled models, seeds and snapshots (enabled: false), for a join that names one."""
    if not isinstance(disabled, Mapping):
        return frozenset()
    return frozenset(str(lookup(node, "name")) for nodes in disabled.values() if isinstance(nodes, list) for node in nodes
                     if lookup(node, "resource_type") in RELATION_TYPES)
