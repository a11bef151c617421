"""The one export pipeline behind every trigger: DbtProject -> Omni model -> YAML text -> atomic write."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from dbt_omni import __version__
from dbt_omni.config import Settings, resolve_output_dir
from dbt_omni.dump import render
from dbt_omni.manifests import load_catalog
from dbt_omni.mapping import build_omni_model
from dbt_omni.output import RECORD, git_state, previous_fingerprint, record_text, sha256, write_atomically
from dbt_omni.project import DbtProject


@dataclass(frozen=True)
class ExportContext:
    """What a trigger knows about the dbt invocation beyond the manifest."""

    project_dir: Optional[Path] = None
    target_name: Optional[str] = None
    target_path: Optional[str] = None  # dbt's target-path; the default output is <target-path>/omni


@dataclass
class ExportResult:
    output_dir: Path
    written: bool
    counts: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    def summary(self) -> str:
        if not self.written:
            return f"dbt-omni: Omni model in {self.output_dir} is up to date"
        counts = ", ".join(f"{n} {k}" for k, n in self.counts.items())
        return f"dbt-omni: wrote Omni model to {self.output_dir} ({counts})"


def fingerprint(project: DbtProject, settings: Settings, context: ExportContext, catalog_key: str) -> str:
    """Changes whenever anything that reaches the output changes; cheap enough for every dbt parse."""
    from dbt_omni.metrics import macros_fingerprint

    digest = hashlib.sha256()
    for part in (
        __version__,
        project.project_name,
        project.adapter_type,
        project.dbt_version,
        context.target_name or "",
        settings.fingerprint(),
        repr(sorted(project.models.items())),
        repr(sorted(project.foreign_keys, key=repr)),
        macros_fingerprint(project),
        catalog_key,
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def catalog_stamp(catalog_path: Optional[Path], catalog: Optional[dict]) -> str:
    """Stands for the catalog in the fingerprint: hashing bytes costs far less than parsing JSON."""
    if catalog is not None:
        return hashlib.sha256(json.dumps(catalog, sort_keys=True, default=str).encode()).hexdigest()
    if catalog_path is not None and Path(catalog_path).is_file():
        with open(catalog_path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    return ""


def export(
    load_project: Callable[[Optional[dict]], DbtProject],
    settings: Settings,
    context: ExportContext,
    *,
    catalog_path: Optional[Path] = None,
    catalog: Optional[dict] = None,
    force: bool = False,
) -> ExportResult:
    """load_project(catalog) reads the manifest; the catalog is read only when the output must change."""
    output_dir = resolve_output_dir(settings, context.project_dir, context.target_path)
    if not settings.use_catalog:
        catalog_path = catalog = None
    project = load_project(catalog)
    stamp = catalog_stamp(catalog_path, catalog)
    input_fingerprint = fingerprint(project, settings, context, stamp)
    if not force and previous_fingerprint(output_dir) == input_fingerprint:
        return ExportResult(output_dir=output_dir, written=False)
    if catalog is None and stamp:
        project = load_project(load_catalog(catalog_path))

    omni = build_omni_model(project, settings)
    files = render(omni)
    record = {
        "dbt_omni_version": __version__,
        "dbt_version": project.dbt_version,
        "project_name": project.project_name,
        "adapter_type": project.adapter_type,
        "target_name": context.target_name,
        "model_name": settings.model_name or project.project_name,
        "connection": settings.connection,
        "git": git_state(context.project_dir),
        "input_fingerprint": input_fingerprint,
        "counts": omni.field_count(),
        "files": {path: sha256(text) for path, text in files.items()},
        "views": {v.name: {"dbt_unique_id": v.dbt_unique_id, "path": v.path, "upstream": list(v.upstream)}
                  for v in omni.views},
        "warnings": omni.warnings,
        "metrics": omni.extra.get("metrics", {}),
    }
    files[RECORD] = record_text(record)
    write_atomically(output_dir, files)
    return ExportResult(output_dir=output_dir, written=True, counts=omni.field_count(), warnings=omni.warnings)
