"""Members whose truth is a control plane (an ``ocm`` instance's hub): list and follow them
live, write what the hub says into the clusters table (a cache: it only paints the first
frame and the last picture while the hub is away), accept/deny join requests, map a
kubeconfig context for direct access, the join instructions and the hub's basic info.

Engine-agnostic: everything goes through the ``engines.base`` protocol; for a ``local``
instance ``sync`` is the cache itself and accept/deny say they belong to another engine.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

from ccseone_tui.domain.errors import CcseoneError, KubeconfigQueryFailed, NotFound
from ccseone_tui.domain.member_errors import EngineUnsupported, HubUnreachable
from ccseone_tui.domain.members import (
    ControlPlaneInfo,
    JoinInstructions,
    MemberDetails,
    MembersSnapshot,
    MemberView,
)
from ccseone_tui.domain.models import (
    ClusterSource,
    ControlInstance,
    Engine,
    MemberCluster,
)
from ccseone_tui.domain.validation import check_labels, check_resource_name
from ccseone_tui.engines.base import ClusterEngine, MemberSpec
from ccseone_tui.i18n import t
from ccseone_tui.services.events import ClustersChanged, EventBus
from ccseone_tui.services.guard import Guard
from ccseone_tui.services.namespaces.actions import NOT_JOINED
from ccseone_tui.services.tasks import TasksService, new_id
from ccseone_tui.store.errors import StoreError

log = logging.getLogger(__name__)
RETRY = (1.0, 30.0)  # seconds: first and longest wait before following a lost hub again


def _merged_probe(row: MemberCluster, view: MemberView) -> Any:
    """The hub's status over the row's last probe: node counts and latency only come from
    direct access, so the hub's silence about them does not erase them."""
    old, new = row.probe, view.probe
    return dataclasses.replace(
        new, nodes=new.nodes if new.nodes is not None else old.nodes,
        nodes_ready=new.nodes_ready if new.nodes_ready is not None else old.nodes_ready,
        edge_nodes=new.edge_nodes if new.edge_nodes is not None else old.edge_nodes,
        latency_ms=new.latency_ms if new.latency_ms is not None else old.latency_ms,
        last_seen=new.last_seen or old.last_seen)


def _same_probe(a: Any, b: Any) -> bool:
    # probed_at changes on every read: comparing it would rewrite every row every time
    return dataclasses.replace(a, probed_at=None) == dataclasses.replace(b, probed_at=None)


class MembersService:
    def __init__(self, store: Any, engines: Any, events: EventBus, guard: Guard,
                 tasks: TasksService, instances: Any, clusters: Any,
                 kubeconfig_paths: Sequence[str] = ()) -> None:
        self._store = store
        self._engines = engines  # engines.EngineFactory
        self._events = events
        self._guard = guard
        self._tasks = tasks
        self._instances = instances
        self._clusters = clusters
        self._kubeconfig_paths = list(kubeconfig_paths)
        self._details: dict[str, MemberDetails] = {}  # last details seen, by cluster name
        self._synced: set[str] = set()  # instances synced at least once by this process

    async def engine(self, instance: ControlInstance) -> ClusterEngine:
        return self._engines.for_instance(instance)

    async def _instance_of(self, cluster: MemberCluster) -> ControlInstance:
        return await self._instances.get(cluster.instance_id)

    def _hub_only(self, inst: ControlInstance, engine: ClusterEngine, action: str) -> None:
        if not engine.members_from_control_plane:
            raise EngineUnsupported(action=action, instance=inst.name, engine=engine.name,
                                    hint=t("engine.hint.accept"))

    # ---- reading: sync once, or follow -------------------------------------------------------

    async def sync(self, instance: str | ControlInstance) -> MembersSnapshot:
        """Read the members from the control plane and write them to the cache. The hub not
        answering gives the cached rows marked ``stale`` with the cause (never raises for
        that); a local instance is its cache."""
        inst = instance if isinstance(instance, ControlInstance) else \
            await self._instances.get(instance)
        engine = await self.engine(inst)
        if not engine.members_from_control_plane:
            return MembersSnapshot(inst.name, await self._store.list_clusters(inst.id),
                                   at=time.time())
        try:
            views = await engine.list_members()
        except HubUnreachable as exc:
            return await self._stale(inst, str(exc))
        return await self.apply(inst, views)

    async def _stale(self, inst: ControlInstance, error: str) -> MembersSnapshot:
        rows = await self._store.list_clusters(inst.id)
        return MembersSnapshot(inst.name, rows, stale=True, error=error, at=time.time(),
                               details={r.name: self._details[r.name] for r in rows
                                        if r.name in self._details})

    async def follow(self, instance: str | ControlInstance) -> AsyncIterator[MembersSnapshot]:
        """First the cache (``stale`` until the hub answered), then a snapshot after every
        change on the hub; while the hub is lost, the cache marked stale, then the hub again
        once it answers. Runs until the consumer stops iterating."""
        inst = instance if isinstance(instance, ControlInstance) else \
            await self._instances.get(instance)
        engine = await self.engine(inst)
        yield await self._stale(inst, "") if engine.members_from_control_plane else \
            MembersSnapshot(inst.name, await self._store.list_clusters(inst.id), at=time.time())
        if not engine.members_from_control_plane:
            return
        delay = RETRY[0]
        while True:
            try:
                async for views in engine.watch_members():
                    delay = RETRY[0]
                    yield await self.apply(inst, views)
            except HubUnreachable as exc:
                yield await self._stale(inst, str(exc))
            await asyncio.sleep(delay)  # a lost hub: retry with backoff, not in a loop
            delay = min(delay * 2, RETRY[1])

    async def apply(self, inst: ControlInstance, views: list[MemberView]) -> MembersSnapshot:
        """Write the hub's picture into the cache: new rows, changed labels/status, rows the
        hub no longer has removed. Local-only fields (deletion protection once set, a mapped
        context) stay as the user left them. Only rows that changed are written, and the
        snapshot names them, so 1,000 members with 100 changing cost 100 row writes."""
        rows = {c.name: c for c in await self._store.list_clusters(inst.id)}
        changed: set[str] = set()
        added: list[str] = []
        joined: list[str] = []  # became usable: fleet namespaces go there (on_joined)
        first = inst.id not in self._synced
        self._synced.add(inst.id)
        fresh: dict[str, MemberCluster] = {}
        async with self._store.transaction():
            for view in views:
                self._details[view.name] = view.details
                row = rows.pop(view.name, None)
                if row is None:
                    if await self._add(inst, view):
                        added.append(view.name)
                    # at a process's first sync every member is new to its cache; those
                    # it found joined long ago were served by whoever ran then
                    if not first and view.probe.status not in NOT_JOINED:
                        joined.append(view.name)
                    continue
                if row.probe.status in NOT_JOINED and view.probe.status not in NOT_JOINED:
                    joined.append(view.name)
                edited = dataclasses.replace(row, labels=view.labels,
                                             api_server=view.api_server or row.api_server,
                                             region=view.region or row.region)
                if edited != row:
                    await self._store.update_cluster(edited)
                    changed.add(row.name)
                probe = _merged_probe(row, view)
                if not _same_probe(probe, row.probe):
                    await self._store.save_probe(row.id, probe)
                    changed.add(row.name)
                edited.probe = probe
                fresh[row.name] = edited
            for gone in rows.values():  # deleted on the hub (by us, or by anyone)
                await self._store.delete_cluster(gone.id)
                self._details.pop(gone.name, None)
        if added:  # new rows get their ids from the store: read just those back
            for name in added:
                row = await self._store.get_cluster(name)
                if row is not None:
                    fresh[name] = row
        changed.update(added)
        if changed or rows:
            self._events.emit(ClustersChanged(inst.id, from_hub=True))
        for name in joined:
            if name in fresh:
                await self._clusters.joined(fresh[name])
        ordered = sorted(fresh.values(), key=lambda c: c.name)  # as the cache lists them
        return MembersSnapshot(inst.name, ordered, at=time.time(),
                               details={v.name: v.details for v in views},
                               changed=frozenset(changed), removed=frozenset(rows))

    async def _add(self, inst: ControlInstance, view: MemberView) -> bool:
        row = MemberCluster(
            id=new_id("cls"), name=view.name, instance_id=inst.id,
            region=view.region or inst.region, source=ClusterSource.REGISTERED,
            api_server=view.api_server, labels=view.labels,
            deletion_protection=True if view.deletion_protection is None
            else view.deletion_protection,
            created_at=time.time(), probe=view.probe)
        try:
            await self._store.add_cluster(row)
        except StoreError as exc:  # the name belongs to another instance here
            log.warning("hub cluster %s of %s not cached: %s", view.name, inst.name, exc)
            return False
        return True

    async def details(self, cluster: MemberCluster) -> MemberDetails | None:
        """The control plane's facts about one member, live (None for local members)."""
        inst = await self._instance_of(cluster)
        found = await (await self.engine(inst)).details(cluster)
        if found is not None:
            self._details[cluster.name] = found
        return found

    async def info(self, instance: str | ControlInstance) -> ControlPlaneInfo:
        """Basic info of the instance's control plane (hub API server, OCM version,
        controllers' health, counts)."""
        inst = instance if isinstance(instance, ControlInstance) else \
            await self._instances.get(instance)
        info = await (await self.engine(inst)).info()
        if not info.counts:
            info.counts = dict(await self._instances.counts(inst.id))
        return info

    # ---- registration on the control plane ------------------------------------------------------

    async def create(self, inst: ControlInstance, name: str, *, region: str = "",
                     labels: dict[str, str] | None = None, deletion_protection: bool = True
                     ) -> MemberCluster:
        """Pre-create the member on the hub (not accepted) and cache it as ``Waiting``."""
        self._guard.check_writable()
        check_resource_name(name)
        labels = check_labels(dict(labels or {}))
        engine = await self.engine(inst)
        spec = MemberSpec(name=name, region=region or inst.region, labels=labels,
                          deletion_protection=deletion_protection)
        try:
            view = await engine.create_member(spec)
        except CcseoneError as exc:
            await self._tasks.journal(inst.id, "cluster.create", name, "Failed", error=str(exc))
            raise
        if view is not None:
            self._details[name] = view.details
            await self._add(inst, view)
            self._events.emit(ClustersChanged(inst.id))
        await self._tasks.journal(inst.id, "cluster.create", name, "Succeeded")
        return await self._clusters.get(name)

    async def join_instructions(self, cluster: MemberCluster | str) -> JoinInstructions:
        """The real join command (with a freshly minted bootstrap token and its expiry) and
        the values file that keeps the agents on edge nodes. Nothing of it is stored."""
        c = cluster if isinstance(cluster, MemberCluster) else await self._clusters.get(cluster)
        inst = await self._instance_of(c)
        engine = await self.engine(inst)
        instructions = await engine.join_instructions(c.name)
        await self._tasks.journal(inst.id, "cluster.join-command", c.name, "Succeeded")
        return instructions

    async def _hub_cluster(self, name: str) -> tuple[MemberCluster, ControlInstance,
                                                     ClusterEngine]:
        cluster = await self._store.get_cluster(name)
        if cluster is None:  # maybe it just joined: ask every hub once
            for inst in await self._instances.list():
                if Engine(inst.engine) is Engine.OCM:
                    await self.sync(inst)
            cluster = await self._store.get_cluster(name)
        if cluster is None:
            raise NotFound(kind=t("noun.cluster"), name=name)
        inst = await self._instance_of(cluster)
        return cluster, inst, await self.engine(inst)

    async def accept(self, name: str, *, confirm: str | None = None) -> MemberCluster:
        """What `clusteradm accept` does: approve the cluster's pending CSRs and set
        ``hubAcceptsClient: true``. Only ever on an explicit request."""
        return await self._decide(name, "accept", confirm)

    async def deny(self, name: str, *, confirm: str | None = None) -> MemberCluster:
        """Deny the cluster's pending CSRs and set ``hubAcceptsClient: false``."""
        return await self._decide(name, "deny", confirm)

    async def _decide(self, name: str, action: str, confirm: str | None) -> MemberCluster:
        self._guard.check_writable()
        cluster, inst, engine = await self._hub_cluster(name)
        self._hub_only(inst, engine, action)
        self._guard.check_confirmed([cluster], confirm)
        try:
            note = await (engine.accept(cluster.name) if action == "accept"
                          else engine.deny(cluster.name))
        except CcseoneError as exc:
            await self._tasks.journal(inst.id, f"cluster.{action}", cluster.name, "Failed",
                                      error=str(exc))
            raise
        await self._tasks.journal(inst.id, f"cluster.{action}", cluster.name, "Succeeded")
        log.info("%s %s: %s", action, cluster.name, note)
        await self.sync(inst)
        found = await self._store.get_cluster(cluster.name)
        return found or cluster

    async def map_context(self, name: str, context: str, kubeconfig: str | None = None
                          ) -> MemberCluster:
        """Reach the member's own API server through a kubeconfig context (file + context
        name are stored, never credentials); ``context=""`` removes the mapping."""
        self._guard.check_writable()
        cluster, inst, engine = await self._hub_cluster(name)
        if not engine.members_from_control_plane:
            raise EngineUnsupported(action="map-context", instance=inst.name,
                                    engine=engine.name, hint=t("engine.hint.map_context"))
        file: str | None = None
        if context:
            found = {c.name: c for c in await self._clusters.contexts()}
            if kubeconfig is None and context not in found:
                raise KubeconfigQueryFailed(cluster=name, error=t(
                    "cluster.context_not_found", context=context,
                    files=", ".join(self._kubeconfig_paths)))
            file = kubeconfig or found[context].file
        edited = dataclasses.replace(cluster, kubeconfig=file, context=context or None)
        await self._store.update_cluster(edited)
        await self._tasks.journal(inst.id, "cluster.map-context", name, "Succeeded")
        self._events.emit(ClustersChanged(inst.id))
        return edited
