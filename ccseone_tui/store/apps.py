"""Apps, their targets (cluster + namespace pairs) and their revisions."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping

from ccseone_tui.domain.models import App, Revision
from ccseone_tui.store.base import Row, Table, marks, violated
from ccseone_tui.store.errors import AlreadyExists, MissingReference, RecordNotFound, StoreError
from ccseone_tui.store.secrets import redact

_APP = "id, instance_id, name, template_id, description, current_revision, status, created_at"
_REV = "app_id, number, template_version, values_yaml, manifests, message, author, created_at"


def _app_row(a: App) -> tuple[object, ...]:
    return (
        a.id,
        a.instance_id,
        a.name,
        a.template_id,
        a.description,
        int(a.current_revision),
        a.status,
        a.created_at,
    )


def _app(r: Row) -> App:
    return App(
        id=str(r[0]),
        instance_id=str(r[1]),
        name=str(r[2]),
        template_id=str(r[3]),
        description=str(r[4]),
        current_revision=int(r[5]),
        status=str(r[6]),
        created_at=float(r[7]),
    )


def _revision(r: Row) -> Revision:
    return Revision(
        app_id=str(r[0]),
        number=int(r[1]),
        template_version=str(r[2]),
        values=str(r[3]),
        manifests=str(r[4]),
        message=str(r[5]),
        author=str(r[6]),
        created_at=float(r[7]),
    )


def _translate(exc: sqlite3.IntegrityError, a: App) -> StoreError:
    kind = violated(exc)
    if kind == "unique":
        return AlreadyExists("app", a.name, "this control instance")
    if kind == "foreign_key":
        return MissingReference("app", a.name, "control instance or template")
    return StoreError(f"app {a.name!r}: {exc}")


class AppsTable(Table):
    async def add_app(self, a: App) -> None:
        """``AlreadyExists`` if the instance has an app of that name; ``MissingReference``
        if the instance or template does not exist."""
        try:
            await self._db.execute(f"INSERT INTO apps ({_APP}) VALUES ({marks(8)})", _app_row(a))
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, a) from exc

    async def update_app(self, a: App) -> None:
        row = _app_row(a)
        try:
            n = await self._db.execute(
                "UPDATE apps SET instance_id=?, name=?, template_id=?, description=?, "
                "current_revision=?, status=?, created_at=? WHERE id=?",
                (*row[1:], a.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, a) from exc
        if n == 0:
            raise RecordNotFound("app", a.name)

    async def get_app(self, instance_id: str, name: str) -> App | None:
        r = await self._db.fetchone(
            f"SELECT {_APP} FROM apps WHERE instance_id = ? AND name = ?", (instance_id, name)
        )
        return None if r is None else _app(r)

    async def get_app_by_id(self, id: str) -> App | None:
        r = await self._db.fetchone(f"SELECT {_APP} FROM apps WHERE id = ?", (id,))
        return None if r is None else _app(r)

    async def list_apps(self, instance_id: str | None = None) -> list[App]:
        where, params = ("WHERE instance_id = ?", (instance_id,)) if instance_id else ("", ())
        rows = await self._db.fetchall(f"SELECT {_APP} FROM apps {where} ORDER BY name", params)
        return [_app(r) for r in rows]

    async def delete_app(self, id: str) -> None:
        """Delete with its targets and revisions. Absent is not an error."""
        await self._db.execute("DELETE FROM apps WHERE id = ?", (id,))

    # ---- targets ----

    async def set_app_targets(self, app_id: str, targets: Iterable[tuple[str, str]]) -> None:
        """Replace the app's (cluster_id, namespace) targets, atomically; order is kept,
        duplicates are dropped."""
        unique = list(dict.fromkeys((str(c), str(ns)) for c, ns in targets))
        try:
            async with self._db.transaction():
                await self._db.execute("DELETE FROM app_targets WHERE app_id = ?", (app_id,))
                if unique:
                    await self._db.executemany(
                        "INSERT INTO app_targets (app_id, cluster_id, namespace) VALUES (?, ?, ?)",
                        [(app_id, c, ns) for c, ns in unique],
                    )
        except sqlite3.IntegrityError as exc:
            raise MissingReference("app target", app_id, "app or cluster") from exc

    async def app_targets(self, app_id: str) -> list[tuple[str, str]]:
        rows = await self._db.fetchall(
            "SELECT cluster_id, namespace FROM app_targets WHERE app_id = ? ORDER BY rowid",
            (app_id,),
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    # ---- revisions ----

    async def add_revision(self, rev: Revision) -> None:
        """``AlreadyExists`` if the app has this revision number. To move the app to it
        atomically: ``async with store.transaction(): add_revision(...); update_app(...)``."""
        row = (
            rev.app_id,
            int(rev.number),
            rev.template_version,
            rev.values,
            rev.manifests,
            rev.message,
            rev.author,
            rev.created_at,
        )
        try:
            await self._db.execute(f"INSERT INTO revisions ({_REV}) VALUES ({marks(8)})", row)
        except sqlite3.IntegrityError as exc:
            if violated(exc) == "unique":
                raise AlreadyExists("revision", str(rev.number), f"app {rev.app_id}") from exc
            raise MissingReference("revision", str(rev.number), "app") from exc

    async def list_revisions(self, app_id: str) -> list[Revision]:
        """Oldest first (revision number order)."""
        rows = await self._db.fetchall(
            f"SELECT {_REV} FROM revisions WHERE app_id = ? ORDER BY number", (app_id,)
        )
        return [_revision(r) for r in rows]

    async def get_revision(self, app_id: str, number: int) -> Revision | None:
        r = await self._db.fetchone(
            f"SELECT {_REV} FROM revisions WHERE app_id = ? AND number = ?", (app_id, number)
        )
        return None if r is None else _revision(r)

    async def set_revision_results(
        self, app_id: str, number: int, results: Mapping[str, tuple[str, str]]
    ) -> None:
        """Upsert per-target outcomes of a revision: ``{target: (status, message)}``."""
        now = time.time()
        try:
            await self._db.executemany(
                "INSERT INTO revision_results (app_id, number, target, status, message, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (app_id, number, target) "
                "DO UPDATE SET status=excluded.status, message=excluded.message, "
                "updated_at=excluded.updated_at",
                [(app_id, number, t, s, redact(m), now) for t, (s, m) in results.items()],
            )
        except sqlite3.IntegrityError as exc:
            raise MissingReference("revision result", str(number), "revision") from exc

    async def revision_results(self, app_id: str, number: int) -> dict[str, tuple[str, str]]:
        rows = await self._db.fetchall(
            "SELECT target, status, message FROM revision_results "
            "WHERE app_id = ? AND number = ? ORDER BY target",
            (app_id, number),
        )
        return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}
