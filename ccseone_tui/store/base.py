"""What the per-table modules share: the connection, JSON columns, constraint decoding."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ccseone_tui.store.connection import Database, Row
from ccseone_tui.store.migrations import NAME_TAKEN

__all__ = ["Row", "Table", "dumps", "loads", "marks", "unique_columns", "violated"]


class Table:
    """Base of the per-table mixins that make up ``Store``; they share ``_db``."""

    _db: Database


def marks(n: int) -> str:
    """``?, ?, ?`` for n parameters."""
    return ", ".join("?" * n)


def dumps(value: Any) -> str:
    # sorted keys: the same dict always gives the same text (stable diffs of the file)
    return json.dumps(value or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | None) -> Any:
    return json.loads(text) if text else {}


def violated(exc: sqlite3.IntegrityError) -> str:
    """Which kind of constraint failed: ``name_taken``, ``unique``, ``foreign_key``, or
    ``other``; SQLite only says so in the message text."""
    text = str(exc)
    if NAME_TAKEN in text:
        return "name_taken"
    if text.startswith("UNIQUE constraint failed"):
        return "unique"
    if "FOREIGN KEY constraint failed" in text:
        return "foreign_key"
    return "other"


def unique_columns(exc: sqlite3.IntegrityError) -> str:
    """``"instances.name"`` from ``UNIQUE constraint failed: instances.name``."""
    return str(exc).partition(":")[2].strip()
