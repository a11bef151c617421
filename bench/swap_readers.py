"""How often a reader finds the output folder missing while exports swap it in (prints figures only).

    python bench/swap_readers.py [--exports N] [--two-renames]

A child process checks os.path.isdir on the output folder as fast as it can while this process writes
N exports of 50 small files into it (output.write_atomically). --two-renames forces the swap used where
the system cannot exchange two folders in one step (not Linux, or a file system without renameat2's
RENAME_EXCHANGE), to compare.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from dbt_omni import output

READER = """
import os, sys
folder, checks, missing = sys.argv[1], 0, 0
while not os.path.exists(folder + ".done"):
    checks += 1
    missing += not os.path.isdir(folder)
print(f"reader: {checks} checks, folder missing {missing} times")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=int, default=300)
    parser.add_argument("--two-renames", action="store_true")
    args = parser.parse_args()
    if args.two_renames:
        output._exchange = lambda first, second: False
    record = '{"dbt_omni_version": "bench", "files": {}}\n'
    files = {f"bench/v{i}.view.yaml": f"x: {i}\n" for i in range(50)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "omni"
        output.write_atomically(folder, {**files, output.RECORD: record})
        reader = subprocess.Popen([sys.executable, "-c", READER, str(folder)])
        for n in range(args.exports):
            output.write_atomically(folder, {**files, "model.yaml": f"n: {n}\n", output.RECORD: record})
        Path(f"{folder}.done").touch()
        reader.wait()
    print(f"{args.exports} exports, swapped by {'two renames' if args.two_renames else 'the one-step exchange where possible'}")


if __name__ == "__main__":
    main()
