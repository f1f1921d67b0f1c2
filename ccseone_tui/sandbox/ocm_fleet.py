"""The OCM part of a ``SandboxFleet(ocm=True)``: one hub cluster with the hub emulation and a
klusterlet operator on every member. Members are not joined until asked: ``join()`` creates
the same member objects ``clusteradm join`` does (so the agent registers by itself) and,
with ``accept=True``, approves the CSR and accepts the cluster like ``clusteradm accept``."""

from __future__ import annotations

import contextlib
from typing import Any

from ccseone_tui.sandbox.clock import OffsetClock
from ccseone_tui.sandbox.clusteradm import join_objects
from ccseone_tui.sandbox.ocm_agent import KlusterletOperator
from ccseone_tui.sandbox.ocm_hub import (
    BOOTSTRAP_SA,
    CLUSTER_LABEL,
    MC,
    OCM_NAMESPACE,
    OcmHub,
)
from ccseone_tui.sandbox.resources import CORE, CSRS, ResourceType
from ccseone_tui.sandbox.server import SandboxCluster
from ccseone_tui.sandbox.status import ApiError


def _type_for(member: SandboxCluster, collection: str) -> tuple[ResourceType, str]:
    """The type and namespace of a join object's collection path."""
    parts = [p for p in collection.split("/") if p]
    ns = ""
    if "namespaces" in parts and parts[-1] != "namespaces":
        ns = parts[parts.index("namespaces") + 1]
    if parts[0] == "api":
        return CORE[parts[-1]], ns
    rt = member.state.registry.lookup(parts[1], parts[2], parts[-1])
    assert rt is not None, collection
    return rt, ns


class OcmSandbox:
    def __init__(
        self,
        hub: SandboxCluster,
        members: list[SandboxCluster],
        *,
        ocm_version: str = "v1.0.0",
        watchdog_interval: float = 5.0,
        managed_serviceaccount: bool = False,
    ) -> None:
        self.hub_cluster = hub
        self.clock = OffsetClock()
        self._members = members
        self.hub = OcmHub(hub, clock=self.clock, ocm_version=ocm_version,
                          watchdog_interval=watchdog_interval,
                          managed_serviceaccount=managed_serviceaccount,
                          resolve_member=self._member_at)
        self.klusterlets: dict[str, KlusterletOperator] = {}

    def _member_at(self, url: str) -> SandboxCluster | None:
        return next((m for m in self._members if m.url == url), None)

    async def start(self) -> None:
        """The hub cluster must be started; sets up the hub and every member."""
        self.hub.setup()
        self.hub.start()
        for member in self._members:
            self.attach(member)

    def attach(self, member: SandboxCluster) -> KlusterletOperator:
        op = KlusterletOperator(member, self.clock)
        op.setup()
        op.start()
        self.klusterlets[member.name] = op
        self.hub.heartbeats.append(op.heartbeat)
        member.on_outage(lambda down, url=member.url: None if down
                         else self.hub.member_returned(url))
        return op

    async def detach(self, member: SandboxCluster) -> None:
        op = self.klusterlets.pop(member.name, None)
        if op is not None:
            with contextlib.suppress(ValueError):
                self.hub.heartbeats.remove(op.heartbeat)
            await op.stop()

    async def stop(self) -> None:
        for op in list(self.klusterlets.values()):
            await op.stop()
        self.klusterlets.clear()
        await self.hub.stop()

    def bootstrap_token(self, seconds: int = 3600 * 24 * 365) -> str:
        """A token of the bootstrap service account (what `clusteradm get token` prints)."""
        answer = self.hub_cluster.tokens.request(
            OCM_NAMESPACE, BOOTSTRAP_SA, {"spec": {"expirationSeconds": seconds}})
        return str(answer["status"]["token"])

    async def join(
        self,
        member: SandboxCluster,
        *,
        cluster_name: str | None = None,
        accept: bool = False,
        token: str | None = None,
        values: dict[str, Any] | None = None,
    ) -> None:
        """What `clusteradm join` does on ``member`` (in-process), then optionally what
        `clusteradm accept` does on the hub once the agent filed its CSR."""
        name = cluster_name or member.name
        objects = join_objects(self.hub_cluster.url, token or self.bootstrap_token(), name,
                               self.hub_cluster.ca_pem, values)
        for collection, obj_name, obj in objects:
            rt, ns = _type_for(member, collection)
            try:
                member.writes.create(rt, ns, obj, "clusteradm")
            except ApiError as exc:
                if exc.code != 409:
                    raise
                member.writes.patch(rt, ns, obj_name, "application/merge-patch+json", obj,
                                    "clusteradm")
        if accept:
            await self.accept(member, name)

    async def accept(self, member: SandboxCluster, cluster_name: str | None = None) -> None:
        """Approve the cluster's CSR and set hubAcceptsClient (waits for the CSR)."""
        name = cluster_name or member.name
        agent = await self.klusterlets[member.name].wait_agent()
        phase = await agent.wait_for("WaitingForApproval", "WaitingForAcceptance",
                                        "Available", "Failed")
        if phase == "Failed":
            raise RuntimeError(f"the agent of {name} failed: {agent.message}")
        w = self.hub_cluster.writes
        for csr in self.hub_cluster.state.list(CSRS.key):
            labels = csr["metadata"].get("labels") or {}
            conds = (csr.get("status") or {}).get("conditions") or []
            if labels.get(CLUSTER_LABEL) != name or conds:
                continue
            w.update(CSRS, "", csr["metadata"]["name"], {**csr, "status": {"conditions": [{
                "type": "Approved", "status": "True", "reason": "clusteradm Approve",
                "message": "This CSR was approved by clusteradm certificate approve."}]}},
                "clusteradm", subresource="approval")
        w.patch(MC, "", name, "application/merge-patch+json",
                {"spec": {"hubAcceptsClient": True}}, "clusteradm")
