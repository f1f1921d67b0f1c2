"""The resource browser's read path: any kind, on every cluster, kubectl's columns, live.

* ``resolve``: a name the user typed -> ``ResourceInfo``; built-ins with no request, the
  rest from the discovery (disk-cached) of the instance's clusters, first that serves it.
* ``get``: the server-side Table of every asked cluster at once, each with its own
  deadline, so a dead, slow or forbidding cluster only fills its own ``errors`` entry and a
  cluster lacking the kind lands in ``missing``; never raises for one cluster.
* ``watch``: list+watch per cluster, as ``ClusterDelta``s (``live.py``).

Cells come from the server (its printers, a CRD's printer columns), never typed models.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ccseone_tui.domain.errors import (
    CcseoneError,
    ClusterUnreachable,
    KubeApiError,
    ResourceNotFound,
    ValidationError,
)
from ccseone_tui.domain.models import ClusterStatus, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.kube.builtin import BUILTIN
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.resources.kinds import (
    KindIndex,
    UnknownKind,
    builtin_kind,
    builtin_names,
    suggest,
)
from ccseone_tui.services.resources.model import ClusterDelta, ResourceRow, ResourceTable
from ccseone_tui.services.resources.table import column_map, headers, row_order, table_rows

if TYPE_CHECKING:
    from ccseone_tui.kube.client import ClusterClient

PAGE_SIZE = 500  # kubectl's default --chunk-size
REDISCOVER_AFTER = 60.0  # seconds between two discoveries a miss forces on one cluster
# A watch that brings nothing (not even the bookmark an API server sends about every
# minute) for this long is reopened: a cluster cut off without a reset becomes a gap then.
WATCH_IDLE = 150.0


class _Answer(NamedTuple):
    cluster: str
    table: dict[str, Any] | None  # the Table JSON, None when missing or failed
    error: str | None
    missing: bool


def cause_of(exc: BaseException) -> str:
    """A failed cluster's short cause, verbatim: the API server's own message (Forbidden:
    ``pods is forbidden: User "x" cannot list …``), the connection failure, a timeout."""
    if isinstance(exc, ClusterUnreachable):
        return exc.cause
    if isinstance(exc, KubeApiError):
        return exc.api_message or exc.message
    if isinstance(exc, CcseoneError):
        return exc.message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def type_missing(exc: ResourceNotFound) -> bool:
    """A 404 about the path (the server serves no such type), not about an object: the
    API server names the missing object in ``details``."""
    details = exc.body.get("details") if isinstance(exc.body, dict) else None
    return not (isinstance(details, dict) and details.get("name"))


def is_builtin(info: ResourceInfo) -> bool:
    found = BUILTIN.get((info.api_version, info.kind))
    return found is not None and found.plural == info.plural


def match_info(resources: Sequence[ResourceInfo], info: ResourceInfo) -> ResourceInfo | None:
    """The same type on another cluster: same group and plural, the same version if that
    cluster serves it, else its first (preferred) one."""
    first = None
    for r in resources:
        if r.group == info.group and r.plural == info.plural:
            if r.version == info.version:
                return r
            first = first or r
    return first


class ResourceService:
    def __init__(self, clusters: Any, instances: Any, guard: Guard, *,
                 connect_timeout: float, read_timeout: float) -> None:
        self._clusters = clusters  # ClustersService: the cache and engine-agnostic clients
        self._instances = instances
        self._guard = guard
        # one cluster's whole answer (connect, discovery when needed, every page)
        self.timeout = connect_timeout + 2 * read_timeout
        # discovery for completion: a dead cluster must not hold the ":" prompt
        self.discovery_timeout = connect_timeout + read_timeout
        # cluster -> (the discovery list it was built from, index)
        self._indexes: dict[str, tuple[list[ResourceInfo], KindIndex]] = {}
        self._refreshed: dict[str, float] = {}  # cluster -> loop time of a forced discovery
        self.watch_idle = WATCH_IDLE

    # ---- clusters ---------------------------------------------------------------------------

    async def _members(self, instance_id: str | None, clusters: Sequence[str] | None,
                       ) -> tuple[list[MemberCluster], list[str]]:
        """(ready members, members not registered yet), in cache order."""
        if instance_id is not None:  # a name or an id, as everywhere else
            instance_id = (await self._instances.get(instance_id)).id
        members = await self._clusters.list(instance_id)
        if clusters:
            by_name = {c.name: c for c in members}
            unknown = [name for name in clusters if name not in by_name]
            if unknown:
                known = ", ".join(sorted(by_name)) or "-"
                raise ValidationError("cluster", ", ".join(unknown),
                                      t("resources.error.unknown_cluster"),
                                      t("resources.error.unknown_cluster.fix", known=known))
            wanted = set(clusters)
            members = [c for c in members if c.name in wanted]
        ready = [c for c in members
                 if c.kubeconfig and c.probe.status is not ClusterStatus.WAITING]
        asked = {c.id for c in ready}
        return ready, [c.name for c in members if c.id not in asked]

    async def targets(self, instance_id: str | None,
                      clusters: Sequence[str] | None = None) -> list[MemberCluster]:
        """Members asked for a read: registered, with a kubeconfig, in cache order.
        ``clusters`` narrows to those names; one that is not a member of the instance is a
        ``ValidationError`` naming it."""
        return (await self._members(instance_id, clusters))[0]

    async def cluster(self, name: str, instance_id: str | None = None) -> MemberCluster:
        """One member by name (of ``instance_id`` when given)."""
        members = await self._clusters.list(
            None if instance_id is None else (await self._instances.get(instance_id)).id)
        for c in members:
            if c.name == name or c.id == name:
                return c
        return (await self._members(instance_id, [name]))[0][0]  # raises, naming it

    async def client(self, cluster_name: str, instance_id: str | None = None,
                     ) -> ClusterClient:
        """The direct API client (``kube.ClusterClient``) of one member."""
        return await self.member_client(await self.cluster(cluster_name, instance_id))

    async def member_client(self, cluster: MemberCluster) -> ClusterClient:
        """The direct API client of a member already in hand (engine-agnostic)."""
        client: ClusterClient = await self._clusters.client(cluster)
        return client

    # ---- kinds ------------------------------------------------------------------------------

    def _may_refresh(self, cluster: str) -> bool:
        """Whether a miss may ask the server again: a CRD created since the (disk) cache
        was filled is found, yet a kind some cluster lacks for good does not cost a full
        discovery on every read (once per ``REDISCOVER_AFTER`` per cluster)."""
        now = asyncio.get_running_loop().time()
        last = self._refreshed.get(cluster)
        if last is not None and now - last < REDISCOVER_AFTER:
            return False
        self._refreshed[cluster] = now
        return True

    async def _index(self, client: Any, refresh: bool = False) -> KindIndex:
        resources = await client.discover(refresh=refresh)
        cached = self._indexes.get(client.name)
        if cached is not None and cached[0] is resources:  # the same discovery answer
            return cached[1]
        index = KindIndex(resources)
        self._indexes[client.name] = (resources, index)
        return index

    async def _indexes_of(self, members: Sequence[MemberCluster], refresh: bool = False,
                          ) -> list[KindIndex | None]:
        """Each member's discovery index (None: dead, slow or refused), in member order;
        ``refresh``: asked again of the servers (those not asked within a minute)."""
        async def one(cluster: MemberCluster) -> KindIndex | None:
            try:
                async with asyncio.timeout(self.discovery_timeout):
                    again = refresh and self._may_refresh(cluster.name)
                    return await self._index(await self.member_client(cluster), again)
            except Exception:  # a dead cluster only narrows the names offered
                return None

        return list(await asyncio.gather(*(one(c) for c in members)))

    async def resolve(self, kind: str | ResourceInfo,
                      instance_id: str | None = None) -> ResourceInfo:
        """The type ``kind`` names: built-ins at once; others from discovery of the
        instance's clusters (first in cache order that serves it). ``UnknownKind`` with
        close names when none does."""
        if isinstance(kind, ResourceInfo):
            return kind
        name = kind.strip()
        if not name:
            raise UnknownKind(kind)
        found = builtin_kind(name)
        if found is not None:
            return found
        members = await self.targets(instance_id)
        for refresh in (False, True):  # a miss asks again: the CRD may be new (kubectl too)
            indexes = await self._indexes_of(members, refresh)
            for index in indexes:
                if index is not None and (found := index.lookup(name)) is not None:
                    return found
        names = set(builtin_names())
        for index in indexes:
            if index is not None:
                names.update(index.names())
        unverified = bool(members) and all(index is None for index in indexes)
        raise UnknownKind(name, suggest(name, names), unverified=unverified)

    async def kind_names(self, instance_id: str | None = None) -> list[str]:
        """Every name usable for ``kind`` (plural, singular, short names, ``plural.group``),
        sorted: the built-ins and what every reachable cluster's discovery serves."""
        names = set(builtin_names())
        for index in await self._indexes_of(await self.targets(instance_id)):
            if index is not None:
                names.update(index.names())
        return sorted(names)

    async def info_on(self, client: Any, info: ResourceInfo,
                      refresh: bool = False) -> ResourceInfo | None:
        """``info`` as this cluster serves it (None: it does not). A built-in is taken as
        is (no request); the server's 404 on its path says otherwise (``refresh``)."""
        if not refresh and is_builtin(info):
            return info
        found = match_info(await client.discover(refresh=refresh), info)
        if found is None and not refresh and self._may_refresh(client.name):
            found = match_info(await client.discover(refresh=True), info)  # new CRD?
        return found

    # ---- get --------------------------------------------------------------------------------

    async def _table(self, cluster: MemberCluster, info: ResourceInfo, **query: Any) -> _Answer:
        try:
            async with asyncio.timeout(self.timeout):
                client = await self.member_client(cluster)
                here = await self.info_on(client, info)
                if here is None:
                    return _Answer(cluster.name, None, None, True)
                try:
                    table = await client.table(here, limit=PAGE_SIZE, **query)
                except ResourceNotFound as exc:
                    if not type_missing(exc):
                        # a named object this cluster does not have: no row, no error
                        return _Answer(cluster.name, {"rows": []}, None, False)
                    fresh = await self.info_on(client, info, refresh=True)
                    if fresh is None:
                        return _Answer(cluster.name, None, None, True)
                    if fresh.path() == here.path():
                        raise
                    table = await client.table(fresh, limit=PAGE_SIZE, **query)
        except TimeoutError:
            return _Answer(cluster.name, None,
                           t("resources.error.timeout", seconds=f"{self.timeout:g}"), False)
        except Exception as exc:  # one cluster's failure is its own entry
            return _Answer(cluster.name, None, cause_of(exc), False)
        return _Answer(cluster.name, table, None, False)

    async def get(self, kind: str | ResourceInfo, instance_id: str | None = None, *,
                  clusters: Sequence[str] | None = None, namespace: str | None = None,
                  label_selector: str | None = None, field_selector: str | None = None,
                  name: str | None = None, wide: bool = False) -> ResourceTable:
        """One kind on every asked cluster: rows in cluster (cache), namespace, name order;
        ``errors``/``missing`` per cluster. Raises only for a bad kind, instance or
        cluster name."""
        info = await self.resolve(kind, instance_id)
        members, skipped = await self._members(instance_id, clusters)
        result = ResourceTable(
            info=info, columns=(), clusters=[c.name for c in members], skipped=skipped,
            production=frozenset(c.name for c in members if self._guard.is_production(c)))
        query = {"namespace": namespace if info.namespaced else None,
                 "label_selector": label_selector, "field_selector": field_selector,
                 "name": name}
        answers = await asyncio.gather(*(self._table(c, info, **query) for c in members))
        for answer in answers:  # cache order: the first answer's columns are everyone's
            if answer.missing:
                result.missing.append(answer.cluster)
            elif answer.error is not None:
                result.errors[answer.cluster] = answer.error
            elif answer.table is not None and "columnDefinitions" in answer.table:
                if not result.columns:
                    result.columns = headers(answer.table, info.namespaced, wide)
                indexes = column_map(answer.table, result.columns, info.namespaced, wide)
                rows = table_rows(answer.cluster, answer.table, info.namespaced, indexes)
                rows.sort(key=row_order)
                result.rows.extend(rows)
        if not result.columns:  # nobody answered: kubectl's minimum
            result.columns = default_headers(info)
        return result

    # ---- watch ------------------------------------------------------------------------------

    async def watch(self, kind: str | ResourceInfo, instance_id: str | None = None, *,
                    clusters: Sequence[str] | None = None, namespace: str | None = None,
                    label_selector: str | None = None, field_selector: str | None = None,
                    wide: bool = False) -> AsyncIterator[ClusterDelta]:
        """List+watch ``kind`` on every asked cluster at once, as ``ClusterDelta``s.

        Each cluster's first delta is a ``reset`` with ``columns`` (or ``missing``, or an
        ``error``); then upserts/deletes as they happen, a ``reset`` after a 410 relist, an
        ``error`` while the cluster is away (retried with backoff) and a delta without one
        when it answers again. Closing the iterator cancels every cluster's task."""
        from ccseone_tui.services.resources.live import follow_fleet

        info = await self.resolve(kind, instance_id)
        members, _ = await self._members(instance_id, clusters)
        deltas = follow_fleet(self, info, members, namespace=namespace,
                              label_selector=label_selector, field_selector=field_selector,
                              wide=wide)
        async with contextlib.aclosing(deltas):  # closing this one closes the tasks at once
            async for delta in deltas:
                yield delta


def default_headers(info: ResourceInfo) -> tuple[str, ...]:
    """Headers when no cluster answered: kubectl's NAME and AGE."""
    from ccseone_tui.services.resources.model import CLUSTER_COLUMN, NAMESPACE_COLUMN

    lead = (CLUSTER_COLUMN, NAMESPACE_COLUMN) if info.namespaced else (CLUSTER_COLUMN,)
    return (*lead, "NAME", "AGE")


__all__ = ["PAGE_SIZE", "ResourceRow", "ResourceService", "UnknownKind", "cause_of",
           "match_info", "type_missing"]
