"""The per-cluster steps of fleet-namespace tasks: apply, delete, check and the contents
preview on one cluster, each storing the sync state it leaves the cluster in (so the list
paints the truth from the cache) and, for the task steps, raising on failure so the task
records it against that cluster."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from ccseone_tui.domain.models import ClusterSource, ClusterStatus, FleetNamespace, MemberCluster
from ccseone_tui.domain.namespaces import ClusterContents, ClusterSync, ClusterWaiting, SyncState
from ccseone_tui.i18n import t
from ccseone_tui.services.namespaces import apply as kube
from ccseone_tui.services.tasks import describe_error
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
        try:
            await self._store.set_sync_state(ns.id, cluster.id, state.value, message)
        except MissingReference:  # the namespace or the cluster went meanwhile
            pass

    def apply(self, cluster: MemberCluster, ns: FleetNamespace, instance: str,
              adopt: bool) -> Action:
        async def action() -> str:
            try:
                delivery = await self._clusters.delivery(cluster, ns.name, owner(ns))
                if delivery.whole_set:  # a ManifestWork: the hub's agent applies it
                    state, message, result = await kube.deliver_set(delivery, ns, instance)
                else:
                    client = await self._clusters.client(cluster)
                    state, message, result = await kube.apply(client, ns, instance,
                                                              delivery=delivery, adopt=adopt)
            except Exception as exc:
                await self.set_state(ns, cluster, *kube.state_of(exc))
                raise
            await self.set_state(ns, cluster, state, message)
            return f"{result}; {message}" if message else result

        return action

    def delete(self, cluster: MemberCluster, ns: FleetNamespace) -> Action:
        async def action() -> str:
            try:
                result = await kube.delete(
                    await self._clusters.delivery(cluster, ns.name, owner(ns)), ns.name)
            except Exception as exc:
                await self.set_state(ns, cluster, *kube.state_of(exc))
                raise
            await self.set_state(ns, cluster, SyncState.TERMINATING, result)
            return result

        return action

    async def check(self, instance: str, ns: FleetNamespace,
                    cluster: MemberCluster) -> ClusterSync:
        """Read the namespace and its quota on one cluster, compare, store the state."""
        if waiting(cluster):
            return ClusterSync(cluster, SyncState.PENDING, ClusterWaiting(cluster.name).message)
        try:
            delivery = await self._clusters.delivery(cluster, ns.name, owner(ns))
            if delivery.whole_set:
                state, message = kube.set_state(await delivery.status(), ns, instance)
                await self.set_state(ns, cluster, state, message)
                return ClusterSync(cluster, state, message, time.time())
            client = await self._clusters.client(cluster)
            live_ns, live_quota = await kube.read(client, ns.name)
            problem = None if live_ns is None else kube.owner_problem(live_ns, instance,
                                                                      cluster.name)
            if problem is not None:
                state, message = SyncState.ERROR, str(problem)
            else:
                state, message = kube.compare(ns, instance, live_ns, live_quota)
        except Exception as exc:
            state, message = kube.state_of(exc)
        await self.set_state(ns, cluster, state, message)
        return ClusterSync(cluster, state, message, time.time())

    async def contents(self, ns: FleetNamespace, cluster: MemberCluster) -> ClusterContents:
        production = self._guard.is_production(cluster)
        try:
            present, by_kind = await kube.contents(await self._clusters.client(cluster),
                                                   ns.name)
        except Exception as exc:
            return ClusterContents(cluster, False, 0, {}, production, describe_error(exc),
                                   present=False)
        return ClusterContents(cluster, True, sum(by_kind.values()), by_kind, production,
                               "" if present else t("ns.state.absent"), present=present)
