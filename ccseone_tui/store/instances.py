"""Control instances."""

from __future__ import annotations

import sqlite3

from ccseone_tui.domain.models import ControlInstance, Engine, InstanceStatus
from ccseone_tui.store.base import Row, Table, marks, unique_columns, violated
from ccseone_tui.store.errors import AlreadyExists, InUse, NameTaken, RecordNotFound, StoreError
from ccseone_tui.store.secrets import refuse_credentials

_COLUMNS = (
    "id, name, region, engine, status, deletion_protection, description, created_at, "
    "hub_kubeconfig, hub_context"
)


def _row(inst: ControlInstance) -> tuple[object, ...]:
    for field in ("hub_kubeconfig", "hub_context", "description"):
        refuse_credentials("instance", field, getattr(inst, field))
    return (
        inst.id,
        inst.name,
        inst.region,
        Engine(inst.engine).value,
        InstanceStatus(inst.status).value,
        int(bool(inst.deletion_protection)),
        inst.description,
        inst.created_at,
        inst.hub_kubeconfig,
        inst.hub_context,
    )


def _instance(r: Row) -> ControlInstance:
    return ControlInstance(
        id=str(r[0]),
        name=str(r[1]),
        region=str(r[2]),
        engine=Engine(r[3]),
        status=InstanceStatus(r[4]),
        deletion_protection=bool(r[5]),
        description=str(r[6]),
        created_at=float(r[7]),
        hub_kubeconfig=r[8],
        hub_context=r[9],
    )


def _translate(exc: sqlite3.IntegrityError, inst: ControlInstance) -> StoreError:
    kind = violated(exc)
    if kind == "name_taken" or unique_columns(exc) == "instances.name":
        return NameTaken(inst.name)
    if kind == "unique":
        return AlreadyExists("instance", inst.id)
    return StoreError(f"instance {inst.name!r}: {exc}")


class InstancesTable(Table):
    async def add_instance(self, inst: ControlInstance) -> None:
        """Insert; ``NameTaken`` if an instance or a cluster already has this name."""
        row = _row(inst)
        try:
            await self._db.execute(f"INSERT INTO instances ({_COLUMNS}) VALUES ({marks(10)})", row)
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, inst) from exc

    async def update_instance(self, inst: ControlInstance) -> None:
        """Overwrite every field; ``RecordNotFound`` if it is gone, ``NameTaken`` on rename
        to a used name."""
        row = _row(inst)
        try:
            n = await self._db.execute(
                "UPDATE instances SET name=?, region=?, engine=?, status=?, "
                "deletion_protection=?, description=?, created_at=?, hub_kubeconfig=?, "
                "hub_context=? WHERE id=?",
                (*row[1:], inst.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, inst) from exc
        if n == 0:
            raise RecordNotFound("instance", inst.name)

    async def get_instance(self, id_or_name: str) -> ControlInstance | None:
        # an id match wins over a name match (ids and names never overlap in practice)
        r = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM instances WHERE id = ?1 OR name = ?1 "
            "ORDER BY id = ?1 DESC LIMIT 1",
            (id_or_name,),
        )
        return None if r is None else _instance(r)

    async def list_instances(self) -> list[ControlInstance]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM instances ORDER BY name")
        return [_instance(r) for r in rows]

    async def delete_instance(self, id: str) -> None:
        """Delete with its namespaces, apps (and what hangs on them). ``InUse`` while
        clusters are attached: the caller detaches or deletes them first. Deleting an
        instance that is not there is not an error."""
        try:
            await self._db.execute("DELETE FROM instances WHERE id = ?", (id,))
        except sqlite3.IntegrityError as exc:
            if violated(exc) == "foreign_key":
                raise InUse("instance", id, "clusters") from exc
            raise StoreError(f"instance {id!r}: {exc}") from exc

    async def instance_counts(self, id: str) -> dict[str, int]:
        r = await self._db.fetchone(
            "SELECT (SELECT count(*) FROM clusters WHERE instance_id = ?1), "
            "(SELECT count(*) FROM namespaces WHERE instance_id = ?1), "
            "(SELECT count(*) FROM apps WHERE instance_id = ?1)",
            (id,),
        )
        assert r is not None  # a SELECT without FROM always returns one row
        return {"clusters": int(r[0]), "namespaces": int(r[1]), "apps": int(r[2])}
