"""Fleet namespaces and their per-cluster sync state."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable

from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.store.base import Row, Table, dumps, loads, marks, violated
from ccseone_tui.store.errors import AlreadyExists, MissingReference, RecordNotFound, StoreError
from ccseone_tui.store.secrets import redact, refuse_credentials

_COLUMNS = "id, instance_id, name, priority, selector, labels, cpu_limit, memory_limit, created_at"


def _row(ns: FleetNamespace) -> tuple[object, ...]:
    refuse_credentials("namespace", "selector", ns.selector)
    refuse_credentials("namespace", "labels", ns.labels)
    return (
        ns.id,
        ns.instance_id,
        ns.name,
        int(ns.priority),
        dumps(ns.selector),
        dumps(ns.labels),
        ns.cpu_limit,
        ns.memory_limit,
        ns.created_at,
    )


def _namespace(r: Row) -> FleetNamespace:
    return FleetNamespace(
        id=str(r[0]),
        instance_id=str(r[1]),
        name=str(r[2]),
        priority=int(r[3]),
        selector=loads(r[4]),
        labels=loads(r[5]),
        cpu_limit=r[6],
        memory_limit=r[7],
        created_at=float(r[8]),
    )


def _translate(exc: sqlite3.IntegrityError, ns: FleetNamespace) -> StoreError:
    kind = violated(exc)
    if kind == "unique":
        return AlreadyExists("namespace", ns.name, "this control instance")
    if kind == "foreign_key":
        return MissingReference("namespace", ns.name, "control instance")
    return StoreError(f"namespace {ns.name!r}: {exc}")


class NamespacesTable(Table):
    async def add_namespace(self, ns: FleetNamespace) -> None:
        """``AlreadyExists`` if the instance has a namespace of that name."""
        try:
            await self._db.execute(
                f"INSERT INTO namespaces ({_COLUMNS}) VALUES ({marks(9)})", _row(ns)
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, ns) from exc

    async def update_namespace(self, ns: FleetNamespace) -> None:
        row = _row(ns)
        try:
            n = await self._db.execute(
                "UPDATE namespaces SET instance_id=?, name=?, priority=?, selector=?, labels=?, "
                "cpu_limit=?, memory_limit=?, created_at=? WHERE id=?",
                (*row[1:], ns.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, ns) from exc
        if n == 0:
            raise RecordNotFound("namespace", ns.name)

    async def get_namespace(self, instance_id: str, name: str) -> FleetNamespace | None:
        r = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM namespaces WHERE instance_id = ? AND name = ?",
            (instance_id, name),
        )
        return None if r is None else _namespace(r)

    async def get_namespace_by_id(self, id: str) -> FleetNamespace | None:
        r = await self._db.fetchone(f"SELECT {_COLUMNS} FROM namespaces WHERE id = ?", (id,))
        return None if r is None else _namespace(r)

    async def list_namespaces(self, instance_id: str | None = None) -> list[FleetNamespace]:
        """Higher priority first (it is the order tasks run in), then by name."""
        where, params = ("WHERE instance_id = ?", (instance_id,)) if instance_id else ("", ())
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM namespaces {where} ORDER BY priority DESC, name", params
        )
        return [_namespace(r) for r in rows]

    async def delete_namespace(self, id: str) -> None:
        """Delete with its sync states. Absent is not an error."""
        await self._db.execute("DELETE FROM namespaces WHERE id = ?", (id,))

    async def set_sync_state(
        self, namespace_id: str, cluster_id: str, state: str, message: str = ""
    ) -> None:
        """Record where the namespace stands on one cluster (``MissingReference`` if either
        is unknown)."""
        try:
            await self._db.execute(
                "INSERT INTO namespace_sync (namespace_id, cluster_id, state, message, "
                "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (namespace_id, cluster_id) "
                "DO UPDATE SET state=excluded.state, message=excluded.message, "
                "updated_at=excluded.updated_at",
                (namespace_id, cluster_id, state, redact(message), time.time()),
            )
        except sqlite3.IntegrityError as exc:
            raise MissingReference(
                "namespace sync state", namespace_id, "namespace or cluster"
            ) from exc

    async def set_sync_states(self, rows: Iterable[tuple[str, str, str, str]]) -> int:
        """Record several ``(namespace_id, cluster_id, state, message)`` at once (one
        statement). A row whose namespace or cluster is gone is skipped, as ``set_sync_state``
        callers skip its ``MissingReference``: one vanished cluster must not cost the others
        their states. Returns how many rows were written."""
        now = time.time()
        params = [(ns_id, cluster_id, state, redact(message), now, ns_id, cluster_id)
                  for ns_id, cluster_id, state, message in rows]
        if not params:
            return 0
        # INSERT … SELECT needs its WHERE before ON CONFLICT (SQLite's parsing rule)
        return await self._db.executemany(
            "INSERT INTO namespace_sync (namespace_id, cluster_id, state, message, "
            "updated_at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM namespaces WHERE "
            "id = ?) AND EXISTS (SELECT 1 FROM clusters WHERE id = ?) "
            "ON CONFLICT (namespace_id, cluster_id) DO UPDATE SET state=excluded.state, "
            "message=excluded.message, updated_at=excluded.updated_at",
            params,
        )

    async def sync_states(self, namespace_id: str) -> dict[str, tuple[str, str, float]]:
        """``{cluster_id: (state, message, updated_at)}``."""
        rows = await self._db.fetchall(
            "SELECT cluster_id, state, message, updated_at FROM namespace_sync "
            "WHERE namespace_id = ?",
            (namespace_id,),
        )
        return {str(r[0]): (str(r[1]), str(r[2]), float(r[3])) for r in rows}
