"""Milliseconds the plugin's hook spends importing before its skip test, in a fresh process (prints one figure).

    python bench/hook_imports.py

dbt calls the hook on every command; on an unchanged project the skip test itself takes about 2 ms,
so these imports are most of what the plugin costs a small project's partial parse. Run it a few
times: one process's figure varies by half on this machine.
"""
import time

import dbt.plugins.manager  # noqa: F401 - loaded by dbt before any plugin

import dbt_omni.plugin  # noqa: F401 - dbt's plugin discovery imports it

start = time.perf_counter()
# What plugin.get_manifest_artifacts imports before it decides to skip (keep in step with it:
# tests/integration/test_bench.py runs this script).
from dbt_omni import __version__  # noqa: E402, F401
from dbt_omni.config import chose_dbt_omni, load_settings  # noqa: E402, F401
from dbt_omni.errors import WARNING, WarningsAsErrors, as_export_error  # noqa: E402, F401
from dbt_omni.export import ExportContext, export, tolerated  # noqa: E402, F401
from dbt_omni.output import RECORD, record_digest  # noqa: E402, F401

print(f"{(time.perf_counter() - start) * 1000:.1f} ms")
