"""Member (access) clusters and their last probe."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from ccseone_tui.domain.models import ClusterProbe, ClusterSource, ClusterStatus, MemberCluster
from ccseone_tui.store.base import Row, Table, dumps, loads, unique_columns, violated
from ccseone_tui.store.errors import (
    AlreadyExists,
    MissingReference,
    NameTaken,
    RecordNotFound,
    StoreError,
)
from ccseone_tui.store.secrets import redact_opt, refuse_credentials

_RECORD = (
    "id, name, instance_id, region, source, api_server, labels, deletion_protection, "
    "kubeconfig, context, created_at"
)
_PROBE = (
    "status, version, nodes, nodes_ready, edge_nodes, latency_ms, last_seen, probed_at, error, "
    "version_checked_at"
)
_COLUMNS = f"{_RECORD}, {_PROBE}"
_SET_PROBE = ", ".join(f"{c.strip()}=?" for c in _PROBE.split(","))


def _record_row(c: MemberCluster) -> tuple[object, ...]:
    for field in ("api_server", "kubeconfig", "context", "labels"):
        refuse_credentials("cluster", field, getattr(c, field))
    return (
        c.id,
        c.name,
        c.instance_id,
        c.region,
        ClusterSource(c.source).value,
        c.api_server,
        dumps(c.labels),
        int(bool(c.deletion_protection)),
        c.kubeconfig,
        c.context,
        c.created_at,
    )


def _probe_row(p: ClusterProbe) -> tuple[object, ...]:
    return (
        ClusterStatus(p.status).value,
        p.version,
        p.nodes,
        p.nodes_ready,
        p.edge_nodes,
        p.latency_ms,
        p.last_seen,
        p.probed_at,
        redact_opt(p.error),  # errors may quote a header or kubeconfig line
        p.version_checked_at,
    )


def _cluster(r: Row) -> MemberCluster:
    # positional unpacking: this runs for every row of the first screen (200+ clusters)
    (id_, name, inst, region, source, api, labels, prot, kc, ctx, created,
     status, version, nodes, ready, edge, latency, seen, probed, error,
     version_checked) = r  # fmt: skip
    return MemberCluster(
        id=id_,
        name=name,
        instance_id=inst,
        region=region,
        source=ClusterSource(source),
        api_server=api,
        labels=loads(labels),
        deletion_protection=bool(prot),
        kubeconfig=kc,
        context=ctx,
        created_at=created,
        probe=ClusterProbe(
            status=ClusterStatus(status),
            version=version,
            nodes=nodes,
            nodes_ready=ready,
            edge_nodes=edge,
            latency_ms=latency,
            last_seen=seen,
            probed_at=probed,
            error=error,
            version_checked_at=version_checked,
        ),
    )


def _translate(exc: sqlite3.IntegrityError, c: MemberCluster) -> StoreError:
    kind = violated(exc)
    if kind == "name_taken" or unique_columns(exc) == "clusters.name":
        return NameTaken(c.name)
    if kind == "unique":
        return AlreadyExists("cluster", c.id)
    if kind == "foreign_key":
        return MissingReference("cluster", c.name, "control instance")
    return StoreError(f"cluster {c.name!r}: {exc}")


class ClustersTable(Table):
    async def add_cluster(self, c: MemberCluster) -> None:
        """Insert with its probe; ``NameTaken`` if a cluster or an instance has the name,
        ``MissingReference`` if the instance does not exist."""
        row = (*_record_row(c), *_probe_row(c.probe))
        try:
            await self._db.execute(
                f"INSERT INTO clusters ({_COLUMNS}) VALUES ({', '.join('?' * len(row))})", row
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, c) from exc

    async def update_cluster(self, c: MemberCluster) -> None:
        """Overwrite the record's fields, NOT the probe columns: probes are written by
        ``save_probe(s)`` only, so an edit made from a stale copy cannot roll back a fresher
        probe saved by the refresher meanwhile."""
        row = _record_row(c)
        try:
            n = await self._db.execute(
                "UPDATE clusters SET name=?, instance_id=?, region=?, source=?, api_server=?, "
                "labels=?, deletion_protection=?, kubeconfig=?, context=?, created_at=? "
                "WHERE id=?",
                (*row[1:], c.id),
            )
        except sqlite3.IntegrityError as exc:
            raise _translate(exc, c) from exc
        if n == 0:
            raise RecordNotFound("cluster", c.name)

    async def save_probe(self, cluster_id: str, probe: ClusterProbe) -> None:
        """Record the last probe. A cluster deleted while it was probed is skipped: that
        race is normal, not an error."""
        await self._db.execute(
            f"UPDATE clusters SET {_SET_PROBE} WHERE id=?", (*_probe_row(probe), cluster_id)
        )

    async def save_probes(self, probes: Mapping[str, ClusterProbe]) -> None:
        """Many probes in one transaction and one executemany (a fleet refresh)."""
        if not probes:
            return
        await self._db.executemany(
            f"UPDATE clusters SET {_SET_PROBE} WHERE id=?",
            [(*_probe_row(p), cid) for cid, p in probes.items()],
        )

    async def get_cluster(self, id_or_name: str) -> MemberCluster | None:
        r = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM clusters WHERE id = ?1 OR name = ?1 "
            "ORDER BY id = ?1 DESC LIMIT 1",
            (id_or_name,),
        )
        return None if r is None else _cluster(r)

    async def list_clusters(self, instance_id: str | None = None) -> list[MemberCluster]:
        """One query, ordered by name."""
        if instance_id is None:
            rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM clusters ORDER BY name")
        else:
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM clusters WHERE instance_id = ? ORDER BY name",
                (instance_id,),
            )
        return [_cluster(r) for r in rows]

    async def delete_cluster(self, id: str) -> None:
        """Delete with its namespace sync states and app targets. Absent is not an error."""
        await self._db.execute("DELETE FROM clusters WHERE id = ?", (id,))
