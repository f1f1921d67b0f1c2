"""The one SQLite connection of the app, and the rules every statement goes through.

aiosqlite runs one thread per connection and queues calls on it, so one connection already
means one writer. What it does not give is *isolation between coroutines*: a coroutine that
has opened a transaction and awaits lets any other coroutine run statements on the same
connection — inside that transaction. So every statement here takes ``_lock`` unless the
current context already holds it (tracked by a ContextVar, which child tasks inherit, so
nested ``transaction()`` blocks become savepoints instead of deadlocks). Reads take the lock
too: otherwise they could see another coroutine's uncommitted, half-done write.
Do not fan out concurrent writes inside one transaction: they would share it.
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from ccseone_tui.store.errors import DatabaseBusy, StoreError

BUSY_TIMEOUT_MS = 5000  # another ccseone process (CLI next to the TUI) may hold the write lock

Row = tuple[Any, ...]
Params = Sequence[Any] | dict[str, Any]

# one token per lock acquisition, for each lock the current context holds (child tasks
# inherit it; once the lock is released the token no longer matches, so a task started
# inside a transaction that outlives it goes back to taking the lock)
_HOLDING: contextvars.ContextVar[tuple[object, ...]] = contextvars.ContextVar(
    "_HOLDING", default=()
)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 before SQLite does, so it is never readable by
    others, not even for a moment (SQLite gives -wal/-shm the database file's mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def chmod_private(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            os.chmod(p, 0o600)
        except FileNotFoundError:
            pass


class Database:
    """One aiosqlite connection in autocommit mode; transactions are explicit."""

    def __init__(self, conn: aiosqlite.Connection, path: Path,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.conn = conn
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self._lock = asyncio.Lock()
        self._savepoints = itertools.count(1)
        self._depth = 0  # open transaction + savepoints; only touched by the lock holder
        self._owner: object | None = None  # token of the current lock acquisition

    @classmethod
    async def connect(cls, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Database:
        create_private_file(path)
        # isolation_level=None: the sqlite3 module must not open transactions behind our back
        conn = await aiosqlite.connect(path, isolation_level=None)
        db = cls(conn, path, int(busy_timeout_ms))
        try:
            # connection settings only: they do not write to the file
            await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            await conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self.conn.close()

    # ---- pragmas used at open (no lock needed: nothing else has the connection yet) ----

    async def pragma(self, sql: str) -> Any:
        async with self.conn.execute(sql) as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]

    async def pragma_all(self, sql: str) -> list[Row]:
        return [tuple(r) for r in await self.conn.execute_fetchall(sql)]

    # ---- transactions ----

    def _holding(self) -> bool:
        return self._owner is not None and self._owner in _HOLDING.get()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Hold the connection (reentrant): statements inside see one consistent state and
        no other coroutine's half-done transaction."""
        if self._holding():
            yield
            return
        async with self._lock:
            owner = self._owner = object()
            token = _HOLDING.set((*_HOLDING.get(), owner))
            try:
                yield
            except sqlite3.OperationalError as exc:
                # the outermost hold sees every statement's error: one place turns "locked
                # for longer than busy_timeout" into a message that names the file and the fix
                if is_busy(exc):
                    raise DatabaseBusy(self.path, self.busy_timeout_ms / 1000) from exc
                raise
            finally:
                _HOLDING.reset(token)
                self._owner = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Everything inside commits together or not at all.

        Nested use (in the same task, or a task started inside) becomes a savepoint: an
        error inside the inner block undoes only the inner block if the caller handles it.
        ``BEGIN IMMEDIATE`` takes SQLite's write lock up front, so a concurrent writer in
        another process waits (busy_timeout) at BEGIN instead of failing half-way.

        Cancellation: aiosqlite runs queued statements in order even when the awaiting
        coroutine is cancelled, so the ROLLBACK queued here always lands after a pending
        BEGIN or statement, never before.
        """
        async with self.reading():
            if self._depth:
                name = f"sp{next(self._savepoints)}"
                begin, commit = f"SAVEPOINT {name}", f"RELEASE {name}"
                rollbacks = (f"ROLLBACK TO {name}", f"RELEASE {name}")
            else:
                begin, commit, rollbacks = "BEGIN IMMEDIATE", "COMMIT", ("ROLLBACK",)
            self._depth += 1
            try:
                await self.conn.execute(begin)
                yield
                await self.conn.execute(commit)
            except BaseException:
                await self._quietly(rollbacks)
                raise
            finally:
                self._depth -= 1

    async def _quietly(self, statements: tuple[str, ...]) -> None:
        for sql in statements:
            try:
                await self.conn.execute(sql)
            except sqlite3.OperationalError:
                # "no transaction is active": SQLite already rolled back (disk full, …) or
                # BEGIN never ran; either way nothing is left half-done
                pass

    # ---- statements ----

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self.reading():
            return [tuple(r) for r in await self.conn.execute_fetchall(sql, params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self.reading(), self.conn.execute(sql, params) as cur:
            row = await cur.fetchone()
        return None if row is None else tuple(row)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in a transaction; return the rows it changed."""
        async with self.transaction(), self.conn.execute(sql, params) as cur:
            return cur.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT in a transaction; return the new rowid."""
        async with self.transaction(), self.conn.execute(sql, params) as cur:
            return int(cur.lastrowid or 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        async with self.transaction(), self.conn.executemany(sql, rows) as cur:
            return cur.rowcount

    async def outside_transaction(self, sql: str, params: Params = ()) -> None:
        """A statement that SQLite refuses inside a transaction (VACUUM INTO)."""
        async with self.reading():
            if self._depth:
                raise StoreError(f"{sql.split()[0]} cannot run inside a transaction")
            await self.conn.execute(sql, params)


def is_busy(exc: sqlite3.Error) -> bool:
    """Another connection held the lock for longer than busy_timeout (SQLITE_BUSY/LOCKED)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc).lower()


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """A broken file (as opposed to a locked or read-only one, which must not be moved)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text
