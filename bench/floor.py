"""What any Python export of a bench project costs at the least (prints figures only).

    python bench/floor.py PROJECT [--repeat R]

PROJECT is a bench project with target/manifest.json (see phases.py). One bare loop over the
manifest's model nodes formats every column into a view-like text: its name, its description and its
meta.omni keys, one line each, with no quoting, checks, types, relationships or topics. That is less
than the export must do, so its CPU time (minimum over R runs, garbage collection off) is a floor
for read + map + render on this machine, to set beside bench/phases.py's figures and the
`bench/run.py` target of 2 s beyond loading the manifest. Writing the files is not included: run.py
measures the disk's floor (bare os.write) separately.
"""
from __future__ import annotations

import argparse
import gc
import time
from pathlib import Path

from dbt_omni.manifests import load_json


def bare_export(manifest: dict) -> dict:
    files = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        lines = [f"schema: {node['schema']}", f"table_name: {node['alias']}", "dimensions:"]
        for name, column in node["columns"].items():
            lines.append(f"  {name}:")
            if column.get("description"):
                lines.append(f"    description: {column['description']}")
            omni = (column.get("config") or {}).get("meta", {}).get("omni") or column.get("meta", {}).get("omni") or {}
            lines.extend(f"    {key}: {value}" for key, value in omni.items())
            lines.append("")
        files[f"{node['schema']}/{node['alias']}.view.yaml"] = "\n".join(lines)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    manifest = load_json(args.project / "target" / "manifest.json", "manifest", "a bench project's manifest.json")
    gc.disable()
    seconds = []
    for _ in range(args.repeat):
        start = time.process_time()
        files = bare_export(manifest)
        seconds.append(time.process_time() - start)
    size = sum(len(text) for text in files.values()) / 2**20
    print(f"bare loop: {min(seconds):.3f} s CPU for {len(files)} view texts ({size:.1f} MiB)")


if __name__ == "__main__":
    main()
