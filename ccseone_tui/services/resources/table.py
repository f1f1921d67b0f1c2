"""Server-side ``Table`` JSON -> the browser's columns and ``ResourceRow``s.

Pure functions on the raw JSON; they run for every row of a fleet (100k pods), so the inner
loop is a list comprehension over precomputed column indexes and a cell formatter that
returns at its first test for the common case (a string).

Cells read as kubectl prints them: ``None`` -> ``<none>``, numbers as digits (a JSON
float holding an integer prints without ``.0``), booleans ``true``/``false``, lists joined
with ``,``. Headers are the column names upper-cased; columns of priority > 0 only with
``wide`` (``kubectl get -o wide``).
"""

from __future__ import annotations

import json
from typing import Any

from ccseone_tui.services.resources.model import CLUSTER_COLUMN, NAMESPACE_COLUMN, ResourceRow

NONE = "<none>"


def cell_text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return NONE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list):
        return ",".join(cell_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"), sort_keys=True)
    return str(value)


def server_columns(table: dict[str, Any], wide: bool = False) -> list[tuple[int, str]]:
    """(index in each row's ``cells``, header) of the columns to show."""
    out = []
    for i, col in enumerate(table.get("columnDefinitions") or ()):
        if wide or not col.get("priority"):
            out.append((i, str(col.get("name", "")).upper()))
    return out


def headers(table: dict[str, Any], namespaced: bool, wide: bool = False) -> tuple[str, ...]:
    """CLUSTER, NAMESPACE (namespaced kinds), then the server's headers."""
    lead = (CLUSTER_COLUMN, NAMESPACE_COLUMN) if namespaced else (CLUSTER_COLUMN,)
    return lead + tuple(h for _, h in server_columns(table, wide))


def column_map(table: dict[str, Any], wanted: tuple[str, ...], namespaced: bool,
               wide: bool = False) -> list[int]:
    """For each server header of ``wanted`` (after CLUSTER/NAMESPACE), the index of that
    column in this table's cells, or -1: another cluster's version may print other
    columns; they are matched by name, a missing one reads empty."""
    by_name: dict[str, int] = {}
    for i, col in enumerate(table.get("columnDefinitions") or ()):
        by_name.setdefault(str(col.get("name", "")).upper(), i)
    lead = 2 if namespaced else 1
    return [by_name.get(h, -1) for h in wanted[lead:]]


def _meta(row: dict[str, Any]) -> dict[str, Any]:
    meta = (row.get("object") or {}).get("metadata") or {}
    if "managedFields" in meta:  # folded: the browser never shows them, and they are big
        meta = {k: v for k, v in meta.items() if k != "managedFields"}
    return meta


def table_rows(cluster: str, table: dict[str, Any], namespaced: bool,
               indexes: list[int]) -> list[ResourceRow]:
    """One ``ResourceRow`` per Table row, cells picked by ``indexes`` (``column_map``)."""
    out: list[ResourceRow] = []
    append = out.append
    text = cell_text
    need = max(indexes, default=-1) + 1  # rows this long (the usual case) take the fast path
    whole = min(indexes, default=0) >= 0
    for row in table.get("rows") or ():
        meta = _meta(row)
        name = meta.get("name", "")
        cells = row.get("cells") or ()
        if whole and len(cells) >= need:
            picked = [c if type(c) is str else text(c) for c in [cells[i] for i in indexes]]
        else:
            n = len(cells)
            picked = [text(cells[i]) if 0 <= i < n else "" for i in indexes]
        if namespaced:
            ns = meta.get("namespace", "")
            append(ResourceRow(f"{cluster}/{ns}/{name}", (cluster, ns, *picked), meta))
        else:
            append(ResourceRow(f"{cluster}//{name}", (cluster, *picked), meta))
    return out


def row_order(row: ResourceRow) -> tuple[str, str]:
    """Default order within one cluster: namespace, then name (from the key)."""
    _, ns, name = row.key.split("/", 2)
    return ns, name


__all__ = ["NONE", "cell_text", "column_map", "headers", "row_order", "server_columns",
           "table_rows"]
