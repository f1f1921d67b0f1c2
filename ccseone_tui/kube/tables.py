"""The server-side ``Table`` (``meta.k8s.io/v1``): what ``kubectl get`` prints.

``ClusterClient.table`` and the Table mode of ``WatchStream`` ask for it with
``TABLE_ACCEPT``; ``as_table`` makes any answer a Table, so a server that ignores the
request (an aggregated API without Table support answers a plain ``List`` or object) still
gives rows, with NAME and AGE as kubectl prints them then. Raw JSON only.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from ccseone_tui.domain.durations import human_duration
from ccseone_tui.kube.values import ResourceInfo

_FALLBACK_COLUMNS = [
    {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0},
    {"name": "Age", "type": "date", "format": "", "description": "", "priority": 0},
]


def table_query(
    label_selector: str | None = None,
    field_selector: str | None = None,
    limit: int | None = None,
) -> list[tuple[str, Any]]:
    """Query of a Table list: each row's object is the metadata only (``includeObject``
    is the server's default too, but an explicit ask does not depend on it)."""
    query: list[tuple[str, Any]] = [("includeObject", "Metadata")]
    if label_selector:
        query.append(("labelSelector", label_selector))
    if field_selector:
        query.append(("fieldSelector", field_selector))
    if limit:
        query.append(("limit", int(limit)))
    return query


def is_table(body: dict[str, Any]) -> bool:
    # a watch event's Table may come without columnDefinitions (sent once per watch)
    return body.get("kind") == "Table" and "rows" in body


def as_table(body: dict[str, Any], info: ResourceInfo | None = None) -> dict[str, Any]:
    """``body`` if it is a Table (its ``metadata.resourceVersion`` filled from its only row
    when the server left it out); else a Table built from a ``List`` or one object."""
    if is_table(body):
        meta = body.setdefault("metadata", {})
        rows = body.get("rows") or ()
        if not meta.get("resourceVersion") and len(rows) == 1:
            obj_meta = (rows[0].get("object") or {}).get("metadata") or {}
            if obj_meta.get("resourceVersion"):
                meta["resourceVersion"] = obj_meta["resourceVersion"]
        return body
    now = time.time()
    items = body.get("items")
    objects = items if isinstance(items, list) else [body]
    meta = dict(body.get("metadata") or {}) if isinstance(items, list) else {
        "resourceVersion": (body.get("metadata") or {}).get("resourceVersion", "")}
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": [dict(c) for c in _FALLBACK_COLUMNS],
        "rows": [_fallback_row(o, now) for o in objects],
    }


def _fallback_row(obj: dict[str, Any], now: float) -> dict[str, Any]:
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    created = meta.get("creationTimestamp")
    try:
        age = human_duration(now - datetime.fromisoformat(
            str(created).replace("Z", "+00:00")).timestamp()) if created else "<unknown>"
    except ValueError:
        age = "<unknown>"
    return {
        "cells": [meta.get("name", ""), age],
        "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                   "metadata": meta},
    }


__all__ = ["as_table", "is_table", "table_query"]
