"""The instance journal (instance log)."""

from __future__ import annotations

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.store.base import Row, Table
from ccseone_tui.store.secrets import redact

_COLUMNS = "id, instance_id, at, user, action, target, result, duration_ms, error, task_id"


def _entry(r: Row) -> JournalEntry:
    return JournalEntry(
        id=int(r[0]),
        instance_id=str(r[1]),
        at=float(r[2]),
        user=str(r[3]),
        action=str(r[4]),
        target=str(r[5]),
        result=str(r[6]),
        duration_ms=r[7],
        error=str(r[8]),
        task_id=r[9],
    )


class JournalTable(Table):
    async def add_journal(self, entry: JournalEntry) -> int:
        """Append; return the new id (``entry.id`` is ignored). ``instance_id`` is not
        checked against instances: the log outlives the instance, and a failed create is
        logged too."""
        return await self._db.insert(
            "INSERT INTO journal (instance_id, at, user, action, target, result, duration_ms, "
            "error, task_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.instance_id,
                entry.at,
                entry.user,
                entry.action,
                entry.target,
                entry.result,
                entry.duration_ms,
                redact(entry.error or ""),
                entry.task_id,
            ),
        )

    async def list_journal(
        self, instance_id: str, after_id: int = 0, limit: int = 1000
    ) -> list[JournalEntry]:
        """Entries with ``id > after_id``, oldest first. When more than ``limit`` match, the
        *newest* ``limit`` are returned: this serves a tail (first call ``after_id=0``, then
        the last id seen), which wants the latest lines, never a stale page."""
        rows = await self._db.fetchall(
            f"SELECT * FROM (SELECT {_COLUMNS} FROM journal WHERE instance_id = ? AND id > ? "
            "ORDER BY id DESC LIMIT ?) ORDER BY id",
            (instance_id, after_id, limit),
        )
        return [_entry(r) for r in rows]

    async def prune_journal(self, before: float) -> int:
        """Delete entries older than ``before`` (epoch s); return how many."""
        return await self._db.execute("DELETE FROM journal WHERE at < ?", (before,))
