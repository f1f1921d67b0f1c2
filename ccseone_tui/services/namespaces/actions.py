"""The per-cluster steps of fleet-namespace tasks: apply, delete, check and the contents
preview on one cluster, each storing the sync state it leaves the cluster in (so the list
paints the truth from the cache) and, for the task steps, raising on failure so the task
records it against that cluster."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ccseone_tui.domain.models import ClusterSource, ClusterStatus, FleetNamespace, MemberCluster
from ccseone_tui.domain.namespaces import ClusterContents, ClusterSync, ClusterWaiting, SyncState
from ccseone_tui.i18n import t
from ccseone_tui.services.namespaces import apply as kube
from ccseone_tui.services.tasks import describe_error, with_result
from ccseone_tui.store.errors import MissingReference

Action = Callable[[], Awaitable[str | None]]


def owner(ns: FleetNamespace) -> str:
    """The delivery owner name of a fleet namespace (one per namespace and instance)."""
    return f"namespace-{ns.name}"


NOT_JOINED = frozenset({ClusterStatus.WAITING, ClusterStatus.AWAITING_ACCEPTANCE,
                        ClusterStatus.DENIED})


def waiting(cluster: MemberCluster) -> bool:
    """Created for registration and not registered (or, on a hub, not accepted) yet:
    nothing to talk to. A hub member has no kubeconfig of its own: the hub delivers."""
    if cluster.probe.status in NOT_JOINED:
        return True
    return not cluster.kubeconfig and cluster.source is not ClusterSource.REGISTERED


class ClusterSteps:
    def __init__(self, store: Any, clusters: Any, guard: Any) -> None:
        self._store = store
        self._clusters = clusters
        self._guard = guard

    async def set_state(self, ns: FleetNamespace, cluster: MemberCluster, state: SyncState,
                        message: str = "") -> None:
        row = (ns.id, cluster.id, state.value, message)
        if with_result(self._store.set_sync_states, row):
            return  # inside a task: committed with this cluster's result, in its batch
        try:
            await self._store.set_sync_state(*row)
        except MissingReference:  # the namespace or the cluster went meanwhile
            pass

    async def _delivery(self, engine: Any, cluster: MemberCluster, ns: FleetNamespace
                        ) -> Any:
        if engine is None:
            return await self._clusters.delivery(cluster, ns.name, owner(ns))
        return engine.delivery(cluster, ns.name, owner(ns))

    async def _client(self, engine: Any, cluster: MemberCluster) -> Any:
        if engine is None:
            return await self._clusters.client(cluster)
        return await engine.client(cluster)

    # ``engine``: the engine of the namespace's instance, resolved once by the operation
    # (``ClustersService.engine_of``); None reads it per call (a database read each)

    def apply(self, cluster: MemberCluster, ns: FleetNamespace, instance: str,
              adopt: bool, engine: Any = None) -> Action:
        async def action() -> str:
            try:
                delivery = await self._delivery(engine, cluster, ns)
                if delivery.whole_set:  # a ManifestWork: the hub's agent applies it
                    state, message, result = await kube.deliver_set(delivery, ns, instance)
                else:
                    client = await self._client(engine, cluster)
                    state, message, result = await kube.apply(client, ns, instance,
                                                              delivery=delivery, adopt=adopt)
            except Exception as exc:
                await self.set_state(ns, cluster, *kube.state_of(exc))
                raise
            await self.set_state(ns, cluster, state, message)
            return f"{result}; {message}" if message else result

        return action

    def delete(self, cluster: MemberCluster, ns: FleetNamespace, engine: Any = None
               ) -> Action:
        async def action() -> str:
            try:
                result = await kube.delete(await self._delivery(engine, cluster, ns), ns.name)
            except Exception as exc:
                await self.set_state(ns, cluster, *kube.state_of(exc))
                raise
            await self.set_state(ns, cluster, SyncState.TERMINATING, result)
            return result

        return action

    async def check(self, instance: str, ns: FleetNamespace, cluster: MemberCluster,
                    engine: Any = None) -> ClusterSync:
        """Read the namespace and its quota on one cluster, compare, store the state."""
        row = await self._compare(instance, ns, cluster, engine)
        if not waiting(cluster):
            await self.set_state(ns, cluster, row.state, row.message)
        return row

    async def check_all(self, instance: str, ns: FleetNamespace,
                        clusters: list[MemberCluster], engine: Any = None
                        ) -> list[ClusterSync]:
        """``check`` on every cluster at once; the states are stored together once all
        have answered (one statement: a state per cluster in its own transaction was
        1,000 transactions at 1,000 clusters). A cluster or namespace gone meanwhile is
        skipped, as ``set_state`` skips it."""
        rows = list(await asyncio.gather(*(self._compare(instance, ns, c, engine)
                                           for c in clusters)))
        await self._store.set_sync_states([(ns.id, r.cluster.id, r.state.value, r.message)
                                           for r in rows if not waiting(r.cluster)])
        return rows

    async def _compare(self, instance: str, ns: FleetNamespace, cluster: MemberCluster,
                       engine: Any) -> ClusterSync:
        """Where the namespace stands on one cluster, read live (nothing stored)."""
        if waiting(cluster):
            return ClusterSync(cluster, SyncState.PENDING, ClusterWaiting(cluster.name).message)
        try:
            delivery = await self._delivery(engine, cluster, ns)
            if delivery.whole_set:
                state, message = kube.set_state(await delivery.status(), ns, instance)
                return ClusterSync(cluster, state, message, time.time())
            client = await self._client(engine, cluster)
            live_ns, live_quota = await kube.read(client, ns.name)
            problem = None if live_ns is None else kube.owner_problem(live_ns, instance,
                                                                      cluster.name)
            if problem is not None:
                state, message = SyncState.ERROR, str(problem)
            else:
                state, message = kube.compare(ns, instance, live_ns, live_quota)
        except Exception as exc:
            state, message = kube.state_of(exc)
        return ClusterSync(cluster, state, message, time.time())

    async def contents(self, ns: FleetNamespace, cluster: MemberCluster,
                       engine: Any = None) -> ClusterContents:
        production = self._guard.is_production(cluster)
        try:
            present, by_kind = await kube.contents(await self._client(engine, cluster),
                                                   ns.name)
        except Exception as exc:
            return ClusterContents(cluster, False, 0, {}, production, describe_error(exc),
                                   present=False)
        return ClusterContents(cluster, True, sum(by_kind.values()), by_kind, production,
                               "" if present else t("ns.state.absent"), present=present)
