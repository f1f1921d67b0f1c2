"""``Store``: the app's SQLite cache — open (check, recover, migrate) and the queries.

The queries live in one mixin per table group; this module only opens and closes.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from ccseone_tui.config import ensure_private_dir, is_within, unsafe_dir_warning
from ccseone_tui.store.apps import AppsTable
from ccseone_tui.store.clusters import ClustersTable
from ccseone_tui.store.connection import (
    BUSY_TIMEOUT_MS,
    Database,
    chmod_private,
    is_busy,
    is_corruption,
)
from ccseone_tui.store.errors import (
    DatabaseBusy,
    DatabaseTooNew,
    NotACcseoneDatabase,
    StoreError,
)
from ccseone_tui.store.instances import InstancesTable
from ccseone_tui.store.journal import JournalTable
from ccseone_tui.store.migrations import LATEST, free_name, migrate
from ccseone_tui.store.namespaces import NamespacesTable
from ccseone_tui.store.tasks import TasksTable
from ccseone_tui.store.templates import TemplatesTable

log = logging.getLogger(__name__)


class _Corrupt(Exception):
    """The file is damaged (as opposed to locked, missing permissions …)."""


class Store(
    InstancesTable,
    ClustersTable,
    NamespacesTable,
    TemplatesTable,
    AppsTable,
    TasksTable,
    JournalTable,
):
    """The cache. One per process: ``await Store.open(path)`` … ``await store.close()``.

    Every method is a coroutine; writes of one method are atomic; group several with
    ``async with store.transaction():``.
    """

    def __init__(self, db: Database, path: Path) -> None:
        self._db = db
        self.path = path
        # set when a damaged file was moved aside at open; the UI shows the message once
        self.recovered_from: Path | None = None
        self.recovery_message: str | None = None
        # set when a migration ran on an existing database: the copy made before it
        self.backup_path: Path | None = None
        # things the user should hear about (an unsafe directory …); front ends print them
        self.warnings: list[str] = []

    @classmethod
    async def open(cls, path: Path, *, own_root: Path | None = None,
                   busy_timeout: float | None = None) -> Store:
        """Check the file, move a damaged ccseone database aside, and migrate.

        ``own_root`` is ccseone's own data directory: a missing parent of ``path`` is created
        (0700) only inside it (``None``: the parent itself is ccseone's). An existing
        directory is never changed. A file that is not a ccseone database is refused and left
        as it is (``NotACcseoneDatabase``); ``DatabaseTooNew`` if a newer ccseone wrote it."""
        # file-system work off the event loop: the data dir may sit on a slow home mount
        path, warnings = await asyncio.to_thread(_prepare_dir, path, own_root)
        # seconds (settings: db_busy_timeout) to wait for another process's lock
        busy_ms = BUSY_TIMEOUT_MS if busy_timeout is None else int(busy_timeout * 1000)
        recovered_from: Path | None = None
        message: str | None = None
        try:
            db = await _open_checked(path, busy_ms)
        except _Corrupt as exc:
            recovered_from = await asyncio.to_thread(_move_aside, path)
            message = (
                f"The ccseone cache {path} was damaged ({exc}); it was moved to "
                f"{recovered_from} and a new, empty cache was created. Re-add or re-sync what "
                "is missing."
            )
            log.warning("%s", message)
            db = await _open_checked(path, busy_ms)
        try:
            backup = await migrate(db, path)
        except BaseException:
            await db.close()
            raise
        await asyncio.to_thread(chmod_private, path)
        store = cls(db, path)
        store.recovered_from = recovered_from
        store.recovery_message = message
        store.backup_path = backup
        store.warnings = warnings
        return store

    async def close(self) -> None:
        # a WAL checkpoint on close keeps the -wal file from growing across sessions
        try:
            async with self._db.reading():  # after any transaction in flight
                await self._db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, DatabaseBusy) as exc:
            # busy: another process reads (it checkpoints later); locked: a statement of a
            # task cancelled mid-read is still open on this connection. The checkpoint only
            # keeps the -wal file small: closing must not fail for it
            log.debug("checkpoint at close skipped: %s", exc)
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """All store calls inside commit together or not at all (nesting is fine)."""
        async with self._db.transaction():
            yield

    async def schema_version(self) -> int:
        row = await self._db.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0


async def _open_checked(path: Path, busy_ms: int = BUSY_TIMEOUT_MS) -> Database:
    """Connect, refuse what is not a ccseone database, check integrity, switch to WAL.
    Nothing is written before the version and integrity checks pass."""
    if not await asyncio.to_thread(_has_sqlite_header, path):
        # decided before SQLite opens it: SQLite would delete a -wal next to a file whose
        # header it does not recognise, and that file is the user's, not ours to move
        raise NotACcseoneDatabase(path, "it is not an SQLite database (header check)")
    try:
        db = await Database.connect(path, busy_ms)
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise DatabaseBusy(path, busy_ms / 1000) from exc
        if is_corruption(exc):
            raise _Corrupt(str(exc)) from exc
        raise StoreError(f"{path}: cannot open the database: {exc}") from exc
    try:
        version = int(await db.pragma("PRAGMA user_version"))
        if version > LATEST:
            raise DatabaseTooNew(path, version, LATEST)
        if version == 0:
            # every ccseone schema sets user_version in the transaction that creates it, so
            # tables without one belong to another program's database
            tables = [str(r[0]) for r in await db.pragma_all(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name LIMIT 4")]
            if tables:
                raise NotACcseoneDatabase(
                    path, f"it is an SQLite database of another program (tables: "
                          f"{', '.join(tables)})")
        # quick_check: the O(N) subset of integrity_check, fast enough for every start
        problems = [str(r[0]) for r in await db.pragma_all("PRAGMA quick_check")]
        if problems != ["ok"]:
            lines = [ln for p in problems for ln in p.splitlines() if not ln.startswith("***")]
            more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
            raise _Corrupt(f"integrity check: {(lines or problems)[0]}{more}")
        mode = await db.pragma("PRAGMA journal_mode = WAL")
        if str(mode).lower() != "wal":
            raise StoreError(f"{path}: cannot switch the database to WAL mode (got {mode})")
        # WAL + NORMAL: durable across app crashes, only a power loss may drop the last commits
        await db.conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as exc:
        await db.close()
        if is_busy(exc):
            raise DatabaseBusy(path, busy_ms / 1000) from exc
        if is_corruption(exc):
            raise _Corrupt(str(exc)) from exc
        raise StoreError(f"{path}: cannot open the database: {exc}") from exc
    except BaseException:
        await db.close()
        raise
    return db


_SQLITE_HEADER = b"SQLite format 3\x00"


def _has_sqlite_header(path: Path) -> bool:
    """True for a missing or empty file (SQLite starts a new database) or a SQLite one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return True
    return head in (b"", _SQLITE_HEADER)


def _prepare_dir(path: Path, own_root: Path | None) -> tuple[Path, list[str]]:
    """Where the database goes: an existing directory is used as it is (a warning when others
    may write to it); a missing one is created only inside ccseone's own data directory."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory; give --db the path of a database file "
                         f"(e.g. {path / 'ccseone.db'})")
    parent = path.parent
    if parent.is_dir():
        warning = unsafe_dir_warning(parent)
        return path, [warning] if warning else []
    if parent.exists():
        raise StoreError(f"{parent} is not a directory; give --db a path in a directory")
    if own_root is not None and not is_within(parent, own_root):
        raise StoreError(f"{parent} does not exist; create it first (mkdir -p {parent}) or "
                         "give --db a path in an existing directory")
    ensure_private_dir(parent)
    return path, []


def _move_aside(path: Path) -> Path:
    """Rename the damaged file (and its -wal/-shm) to ``<db>.corrupt-<timestamp>``: kept for
    inspection, never deleted or overwritten."""
    dest = free_name(f"{path}.corrupt-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
    os.replace(path, dest)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{dest}{suffix}"))
    chmod_private(dest)
    return dest
