"""Generate a synthetic dbt project for the dbt-omni benchmark.

    python bench/generate_project.py N M OUT_DIR

N models with M documented columns each (M >= 3), a meta.omni block on every model (label, a
measure) and on some columns (format, label, a column measure), unique + not_null tests on the key
column `id`, a relationships test from model i to model i // 2 (`parent_id` -> `id`), models under
models/marts (every 10th) that get topics through `vars: dbt_omni: topics_from_paths`, a one-row
seed, and a DuckDB profiles.yml whose database file lives in OUT_DIR.

The SQL is plain `select` from the seed (model 0) or from the parent model, so the project parses
with dbt's static parser and would also run. Every distinct meta.omni block shape is checked
against python/dbt_omni/schema/meta_omni.schema.json before anything is written.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

PROJECT = "omni_bench"
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "python" / "dbt_omni" / "schema" / "meta_omni.schema.json"
MODELS_PER_YAML = 100  # one properties file per 100 models, as large projects tend to group them
FOLDERS = ("staging", "intermediate")  # models not under marts alternate between these
TYPES = ("integer", "varchar", "date", "timestamp", "double")  # data_type of column k >= 2, cycled


def model_name(i: int) -> str:
    return f"m{i:05d}"


def folder(i: int) -> str:
    return "marts" if i % 10 == 0 else FOLDERS[i % 2]


def column_names(m: int) -> list:
    return ["id", "parent_id"] + [f"c{k:03d}" for k in range(2, m)]


def column_type(k: int) -> str:
    return "integer" if k < 2 else TYPES[k % len(TYPES)]


def column_sql(k: int) -> str:
    """Expression for column k in model 0 (reading the seed's `id`), cast to its type."""
    kind = column_type(k)
    if kind == "date":
        return f"date '2024-01-01' + id::integer + {k}"
    if kind == "timestamp":
        return f"timestamp '2024-01-01 00:00:00' + interval {k} hour"
    if kind == "varchar":
        return f"'v' || (id + {k})::varchar"
    return f"(id + {k})::{kind}"


def model_sql(i: int, m: int) -> str:
    names = column_names(m)
    if i == 0:
        exprs = ["id::integer as id", "id::integer as parent_id"] + [
            f"{column_sql(k)} as {names[k]}" for k in range(2, m)
        ]
        source = "{{ ref('bench_seed') }}"
    else:
        exprs = names
        source = "{{ ref('%s') }}" % model_name(i // 2)
    return "select\n    " + ",\n    ".join(exprs) + f"\nfrom {source}\n"


def model_omni(i: int) -> dict:
    block = {
        "label": f"Model {i}",
        "measures": {"row_count": {"aggregate_type": "count", "label": f"Rows of model {i}"}},
    }
    if i % 10 == 0:
        block["tags"] = ["bench", "mart"]
    return block


def column_omni(i: int, k: int, name: str):
    """meta.omni of column k: the key column, then every 4th column; None for the rest."""
    if k == 0:
        return {"format": "id", "label": "ID"}
    if k >= 2 and k % 4 == 2:
        kind = column_type(k)
        block = {"label": f"Column {k}", "group_label": "Measures" if kind in ("integer", "double") else "Attributes"}
        if kind in ("integer", "double"):
            block["format"] = "number_2" if kind == "double" else "number"
            block["measures"] = {f"total_{name}": {"aggregate_type": "sum", "label": f"Total {name}", "format": "number"}}
        elif kind == "varchar":
            block["measures"] = {f"distinct_{name}": {"aggregate_type": "count_distinct"}}
        return block
    return None


def column_entry(i: int, k: int, name: str) -> dict:
    entry = {"name": name, "description": f"Column {name} of model {model_name(i)}: a synthetic value for the benchmark.",
             "data_type": column_type(k)}
    if k == 0:
        entry["data_tests"] = ["unique", "not_null"]
    elif k == 1 and i > 0:
        entry["data_tests"] = [{"relationships": {"arguments": {"to": f"ref('{model_name(i // 2)}')", "field": "id"}}}]
    omni = column_omni(i, k, name)
    if omni is not None:
        entry["config"] = {"meta": {"omni": omni}}
    return entry


def model_entry(i: int, m: int) -> dict:
    return {
        "name": model_name(i),
        "description": f"Synthetic model {i} of the dbt-omni benchmark"
        + (f"; joins to {model_name(i // 2)} on parent_id." if i else "."),
        "config": {"meta": {"omni": model_omni(i)}},
        "columns": [column_entry(i, k, name) for k, name in enumerate(column_names(m))],
    }


def check_meta_blocks(m: int) -> None:
    """Validate every distinct block shape (first 20 models) against the shipped JSON Schema."""
    try:
        import jsonschema
    except ImportError:
        print("generate_project: jsonschema not installed; meta.omni blocks not checked", file=sys.stderr)
        return
    full = json.loads(SCHEMA_FILE.read_text("utf-8"))
    validators = {kind: jsonschema.Draft202012Validator({"$defs": full["$defs"], **full["properties"][kind]})
                  for kind in ("model", "column")}
    errors = []
    for i in range(20):
        errors += [f"model {i}: {e.message}" for e in validators["model"].iter_errors(model_omni(i))]
        for k, name in enumerate(column_names(m)):
            block = column_omni(i, k, name)
            if block is not None:
                errors += [f"model {i} column {name}: {e.message}" for e in validators["column"].iter_errors(block)]
    if errors:
        raise SystemExit("meta.omni blocks do not match the schema:\n" + "\n".join(errors[:20]))


def dump_yaml(data) -> str:
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=False, width=120)


def generate(n: int, m: int, out: Path) -> None:
    if n < 1 or m < 3:
        raise SystemExit("need N >= 1 models and M >= 3 columns")
    check_meta_blocks(m)
    out = out.resolve()
    for sub in ("models", "seeds"):
        shutil.rmtree(out / sub, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)

    (out / "dbt_project.yml").write_text(dump_yaml({
        "name": PROJECT,
        "version": "1.0.0",
        "config-version": 2,
        "profile": PROJECT,
        "model-paths": ["models"],
        "seed-paths": ["seeds"],
        "flags": {"send_anonymous_usage_stats": False},
        "vars": {"dbt_omni": {"topics_from_paths": ["models/marts"]}},
        "models": {PROJECT: {"+materialized": "view", "marts": {"+materialized": "table"}}},
    }))
    (out / "profiles.yml").write_text(dump_yaml({
        PROJECT: {"target": "dev", "outputs": {"dev": {
            "type": "duckdb", "path": str(out / "bench.duckdb"), "schema": "main", "threads": 1}}}
    }))
    (out / "seeds").mkdir()
    (out / "seeds" / "bench_seed.csv").write_text("id\n1\n2\n3\n")

    for name in set(FOLDERS) | {"marts"}:
        (out / "models" / name).mkdir(parents=True)
    groups: dict = {}
    for i in range(n):
        (out / "models" / folder(i) / f"{model_name(i)}.sql").write_text(model_sql(i, m))
        groups.setdefault((folder(i), i // MODELS_PER_YAML), []).append(model_entry(i, m))
    for (where, chunk), entries in groups.items():
        (out / "models" / where / f"_models_{chunk:03d}.yml").write_text(dump_yaml({"version": 2, "models": entries}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int, help="number of models")
    parser.add_argument("m", type=int, help="documented columns per model (>= 3)")
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args(argv)
    generate(args.n, args.m, args.out_dir)
    print(f"generated {args.n} models x {args.m} columns in {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
