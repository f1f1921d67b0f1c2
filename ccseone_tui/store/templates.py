"""The template repository."""

from __future__ import annotations

import sqlite3

from ccseone_tui.domain.models import Template
from ccseone_tui.store.base import Row, Table, dumps, loads, marks, violated
from ccseone_tui.store.errors import AlreadyExists, InUse, RecordNotFound, StoreError
from ccseone_tui.store.secrets import refuse_credentials

_COLUMNS = "id, name, kind, source, description, created_at"


def _row(t: Template) -> tuple[object, ...]:
    # a git URL with user:password@, a repository password … belong in a credential helper
    refuse_credentials("template", "source", t.source)
    return (t.id, t.name, t.kind, dumps(t.source), t.description, t.created_at)


def _template(r: Row) -> Template:
    return Template(
        id=str(r[0]),
        name=str(r[1]),
        kind=str(r[2]),
        source=loads(r[3]),
        description=str(r[4]),
        created_at=float(r[5]),
    )


def _translate(exc: sqlite3.IntegrityError, t: Template) -> StoreError:
    if violated(exc) == "unique":
        return AlreadyExists("template", t.name)
    return StoreError(f"template {t.name!r}: {exc}")


class TemplatesTable(Table):
    async def add_template(self, t: Template) -> None:
        """``AlreadyExists`` if the name is used."""
        try:
            await self._db.execute(
                f"INSERT INTO templates ({_COLUMNS}) VALUES ({marks(6)})", _row(t)
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, t) from exc

    async def update_template(self, t: Template) -> None:
        row = _row(t)
        try:
            n = await self._db.execute(
                "UPDATE templates SET name=?, kind=?, source=?, description=?, created_at=? "
                "WHERE id=?",
                (*row[1:], t.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, t) from exc
        if n == 0:
            raise RecordNotFound("template", t.name)

    async def get_template(self, id_or_name: str) -> Template | None:
        r = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM templates WHERE id = ?1 OR name = ?1 "
            "ORDER BY id = ?1 DESC LIMIT 1",
            (id_or_name,),
        )
        return None if r is None else _template(r)

    async def list_templates(self) -> list[Template]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM templates ORDER BY name")
        return [_template(r) for r in rows]

    async def delete_template(self, id: str) -> None:
        """``InUse`` while an app uses it (SPEC §3.3.3). Absent is not an error."""
        try:
            await self._db.execute("DELETE FROM templates WHERE id = ?", (id,))
        except sqlite3.IntegrityError as exc:
            if violated(exc) == "foreign_key":
                raise InUse("template", id, "apps") from exc
            raise StoreError(f"template {id!r}: {exc}") from exc
