"""Omni's names for dbt's things: file and folder names that stay inside the output folder, and
field names as Omni's own schema scan makes them."""
from __future__ import annotations

import functools
import re
from typing import Container, Optional

FIELD_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Omni's schema scan keeps a column's leading underscores (`_fivetran_deleted`, in Omni's own example of
# `ignored`: docs.omni.co/modeling/dimensions/parameters/ignored), though a field a user names starts with a
# letter: stripped, `_created_at` clashed with `created_at`, and `ignore: true` hid a field Omni does not have.
SCANNED_NAME_RE = re.compile(r"^_+[A-Za-z][A-Za-z0-9_]*$")
VERSION_RE = re.compile(r"v[0-9]\w*")  # a model version as dbt's selectors write it: the v1 of `customers.v1`


# PostgreSQL's reserved key words (its manual's "SQL Key Words" appendix: reserved, and reserved but allowed
# as a function or type) and DuckDB's (duckdb_keywords(): most of these, and pivot, qualify, ...): a column
# named `user` or `order` must be quoted there, or `user` is the login name and `order` a syntax error.
# Quoting a lowercase name changes nothing else on these warehouses; others fold unquoted names otherwise
# (Snowflake: upper case), so their names are written as they are.
RESERVED_WORDS = frozenset("""
    describe lambda pivot pivot_longer pivot_wider qualify show summarize unpivot
    all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
    collation column concurrently constraint create cross current_catalog current_date current_role
    current_schema current_time current_timestamp current_user default deferrable desc distinct do else end
    except false fetch for foreign freeze from full grant group having ilike in initially inner intersect into
    is isnull join lateral leading left like limit localtime localtimestamp natural not notnull null offset on
    only or order outer overlaps placing primary references returning right select session_user similar some
    symmetric system_user table tablesample then to trailing true union unique user using variadic verbose
    when where window with""".split())
QUOTES_RESERVED = ("postgres", "duckdb", "redshift")


MAX_FILE_NAME = 255  # characters (bytes, safe_component's being ASCII) of a file name on ext4, APFS and NTFS


def too_long(name: str, suffix: str, what: str) -> Optional[str]:
    """The message for a file or folder name longer than file systems allow (the write would fail, and
    its message blame the output folder); None when it fits."""
    if len(name) + len(suffix) <= MAX_FILE_NAME:
        return None
    return f"the {what} name {name[:30]}...{suffix} is {len(name) + len(suffix)} characters long"


# Names Windows keeps for devices, with or without an extension (`nul.view.yaml` too): Windows cannot
# create such a file, nor Git for Windows check one out.
WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10))})


def windows_device(name: str) -> bool:
    return name.split(".", 1)[0].upper() in WINDOWS_DEVICES


def safe_component(name: str) -> str:
    """A file or folder name that cannot leave the output folder (no separators, no leading dot), and
    a view name `${view.field}` can hold: letters, digits and underscores (a schema `finance-reporting`
    would give references no check, nor perhaps Omni, reads)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", str(name)) or "_"


@functools.lru_cache(maxsize=1 << 16)
def field_name(column: str) -> str:
    """Omni field names: a letter, then letters, digits, underscores; lowercase like Omni's scan, which
    keeps leading underscores."""
    if FIELD_NAME_RE.match(column) or SCANNED_NAME_RE.match(column):
        return column.lower()
    cleaned = re.sub(r"[^A-Za-z0-9_]+", "_", column).strip("_").lower() or "column"
    return cleaned if cleaned[0].isalpha() else f"c_{cleaned}"



def spelt_otherwise(column: str, field: str) -> bool:
    """The field name lost or gained letters, not only case, spaces and punctuation that Omni's own
    labels restore ("Order Date" -> order_date -> "Order Date"; größe -> gr_e does not come back)."""
    return re.sub(r"[^a-z0-9]", "", column.lower()) != re.sub(r"[^a-z0-9]", "", field) or not column.isascii()



@functools.lru_cache(maxsize=1 << 16)
def column_field(column: str) -> tuple:
    """(field name, whether the field needs sql to reach the column): Omni reads the column of the
    field's own name, case-insensitively."""
    name = field_name(column)
    return name, name != column.lower()


def field_view(ref: str, dotted: Container = ()) -> str:
    """The model (or view) a field reference names, as Mapper.translate_field_ref reads it: `orders` in
    `orders.amount`, `-orders.id`, `orders.*`, `customers.v1` in `customers.v1.name`, `erp.invoices` in
    `erp.invoices.total` where dotted (the project's dotted names: source tables, versions) has it; "" for a
    bare field or a tag."""
    ref = ref.lstrip("-")
    if ref.startswith("tag:") or "." not in ref:
        return ""
    prefix, _, rest = ref.partition(".")
    version, dot, _ = rest.partition(".")
    return f"{prefix}.{version}" if dot and (VERSION_RE.fullmatch(version) or f"{prefix}.{version}" in dotted) else prefix
