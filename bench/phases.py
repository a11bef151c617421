"""CPU time of the export's pure phases, to compare two commits side by side (prints figures only).

    python bench/phases.py PROJECT [--repeat R]

PROJECT is a bench project with a manifest.json in target_on/ (where bench/run.py parses) or target/,
e.g. bench/out/project-2000-20 after `python bench/run.py --models 2000 --columns 20`. Prints the
minimum over R runs (garbage collection off) of read (manifest dict -> typed project), map (-> Omni
model) and render (-> YAML text), and a digest of the rendered files, so that a change meant to keep
the output shows it did. For another commit, run the same with PYTHONPATH=<a worktree of that
commit>/python, alternating, since this machine's speed varies by a third from run to run.

Then, for scale, the same minimum for one bare loop over the manifest's model nodes that formats every
column into a view-like text (its name, description and meta.omni keys, one line each; no typed layers,
checks, quoting, relationships or topics): less than the export must do, so a floor for read + map +
render on this machine. Writing is in neither: bench/run.py measures the disk's floor.
"""
from __future__ import annotations

import argparse
import gc
import hashlib
import time
from pathlib import Path

from dbt_omni.config import load_settings
from dbt_omni.dump import render
from dbt_omni.manifests import from_manifest_dict, load_json
from dbt_omni.mapping import build_omni_model


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
    found = [path for path in (args.project / "target_on" / "manifest.json", args.project / "target" / "manifest.json")
             if path.is_file()]
    if not found:
        parser.error(f"no manifest.json in {args.project}/target_on or {args.project}/target: run bench/run.py first")
    manifest = load_json(found[0], "manifest", "a bench project's manifest.json")
    settings = load_settings(args.project)
    gc.disable()
    seconds: dict = {"read": [], "map": [], "render": []}
    for _ in range(args.repeat):
        start = time.process_time()
        project = from_manifest_dict(manifest)
        seconds["read"].append(time.process_time() - start)
        start = time.process_time()
        omni = build_omni_model(project, settings)
        seconds["map"].append(time.process_time() - start)
        start = time.process_time()
        files = render(omni)
        seconds["render"].append(time.process_time() - start)
        del project, omni
    digest = hashlib.sha256()
    for path, text in files.items():
        digest.update(path.encode())
        digest.update(text.encode())
    best = {phase: min(values) for phase, values in seconds.items()}
    print(" ".join(f"{phase} {value:.3f} s" for phase, value in best.items()),
          f"| sum {sum(best.values()):.3f} s | output digest {digest.hexdigest()[:16]}")
    bare = []
    for _ in range(args.repeat):
        start = time.process_time()
        bare_export(manifest)
        bare.append(time.process_time() - start)
    print(f"for scale, one bare loop formatting every column: {min(bare):.3f} s")


if __name__ == "__main__":
    main()
