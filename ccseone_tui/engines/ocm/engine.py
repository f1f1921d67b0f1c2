"""``OcmEngine``: one per ocm control instance, answering the engine protocol from its hub."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.members import (
    ControlPlaneInfo,
    JoinInstructions,
    MemberDetails,
    MemberRemoval,
    MemberView,
)
from ccseone_tui.domain.models import ClusterProbe, ClusterStatus, MemberCluster
from ccseone_tui.engines.base import MemberSpec, Obj
from ccseone_tui.engines.ocm import api, cleanup, registration
from ccseone_tui.engines.ocm import managed_clusters as mcs
from ccseone_tui.engines.ocm.access import DirectAccess
from ccseone_tui.engines.ocm.hub import Hub
from ccseone_tui.engines.ocm.records import HubRecords
from ccseone_tui.engines.ocm.works import APPLY_WAIT, WorkDelivery
from ccseone_tui.engines.probe import probe_cluster


class OcmEngine:
    name = "ocm"
    members_from_control_plane = True

    def __init__(self, pool: Any, instance: Any, scratch_dir: Path) -> None:
        from ccseone_tui.kube import ClusterRef

        self.instance = instance
        ref = ClusterRef(name=f"hub:{instance.name}", kubeconfig=instance.hub_kubeconfig or "",
                         context=instance.hub_context)
        self.hub = Hub(pool, ref, instance.name)
        self._pool = pool
        self._access = DirectAccess(self.hub, pool, scratch_dir)
        # how long a delivery waits for the work agent's report (tests of offline members
        # shorten it; the work stays pending on the hub either way)
        self.apply_wait = APPLY_WAIT

    # ---- direct access + status ------------------------------------------------------------

    async def client(self, cluster: MemberCluster) -> Any:
        return await self._access.client(cluster)

    async def probe(self, cluster: MemberCluster, *, full: bool = False) -> ClusterProbe:
        """The hub's view of the member (its version is the hub's word); with direct
        access, nodes, edge nodes and latency too."""
        try:
            mc, csrs = await self._one(cluster.name)
        except CcseoneError as exc:
            return dataclasses.replace(cluster.probe, probed_at=time.time(), error=str(exc))
        view = mcs.member_view(cluster.name, mc, csrs)
        probe = view.probe
        if probe.status is ClusterStatus.READY and cluster.context:
            try:
                # The version shown is the hub's; the direct probe's is not used. A hub
                # member's cached probe comes from the hub's view, which has no
                # version_checked_at, so /version is still asked here, as before: that keeps
                # the member's discovery cache checked against an upgrade. Only single-cluster
                # probes come here (a refresh reads a hub's members in one list call).
                direct = await probe_cluster(await self.client(cluster), cluster.probe,
                                             full=full)
                probe = dataclasses.replace(probe, nodes=direct.nodes,
                                            nodes_ready=direct.nodes_ready,
                                            edge_nodes=direct.edge_nodes,
                                            latency_ms=direct.latency_ms)
            except CcseoneError:
                pass  # the hub's answer stands; direct access is a bonus here
        return probe

    async def _one(self, name: str) -> tuple[Obj | None, list[Obj]]:
        from ccseone_tui.domain.errors import ResourceNotFound

        async def read(client: Any) -> tuple[Obj | None, list[Obj]]:
            try:
                mc = await client.get(api.CLUSTER_API, api.MANAGED_CLUSTER, name)
            except ResourceNotFound:
                mc = None
            csrs = await client.list(api.CSR_API, api.CSR,
                                     label_selector=f"{api.CLUSTER_LABEL}={name}")
            return mc, list(csrs.get("items") or [])

        return await self.hub.call(read)

    # ---- members ---------------------------------------------------------------------------

    async def list_members(self) -> list[MemberView]:
        return await mcs.list_members(self.hub)

    def watch_members(self) -> AsyncIterator[list[MemberView]]:
        return mcs.watch_members(self.hub)

    async def details(self, cluster: MemberCluster) -> MemberDetails | None:
        mc, csrs = await self._one(cluster.name)
        return mcs.details_of(mc, csrs)

    async def info(self) -> ControlPlaneInfo:
        members = await self.list_members()
        counts = {"clusters": len(members)}
        for status in ClusterStatus:
            n = sum(1 for m in members if m.probe.status is status)
            if n:
                counts[status.value] = n
        return await self.hub.info(counts)

    async def check(self) -> ControlPlaneInfo:
        return await self.hub.check()

    # ---- registration ----------------------------------------------------------------------

    async def create_member(self, spec: MemberSpec) -> MemberView | None:
        mc = await registration.create(self.hub, spec)
        return mcs.member_view(spec.name, mc, [])

    async def join_instructions(self, name: str) -> JoinInstructions:
        return await registration.join_instructions(self.hub, name)

    async def accept(self, name: str) -> str:
        return await registration.accept(self.hub, name)

    async def deny(self, name: str) -> str:
        return await registration.deny(self.hub, name)

    async def remove_member(self, name: str, *, remove_finalizers: bool = False,
                            wait_seconds: float = 30.0) -> MemberRemoval:
        result = await cleanup.remove(self.hub, name, remove_finalizers=remove_finalizers,
                                      wait_seconds=wait_seconds)
        if result.done:
            await self._access.forget(name)
        return result

    # ---- delivery --------------------------------------------------------------------------

    def delivery(self, cluster: MemberCluster, namespace: str, owner: str) -> WorkDelivery:
        return WorkDelivery(self.hub, self.instance.name, cluster.name, namespace, owner,
                            wait=self.apply_wait)

    async def events_client(self) -> tuple[Any, frozenset[str]] | None:
        return await self.hub.client(), api.EVENT_KINDS

    # ---- shared state ----------------------------------------------------------------------

    def records(self) -> HubRecords:
        return HubRecords(self.hub, self.instance.name)

    async def close(self) -> None:
        # the pool is shared with the other engines: only what is ours goes
        await self._access.close()
        await self._pool.forget(self.hub.ref)
