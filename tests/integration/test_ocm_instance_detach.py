"""Deleting an ocm instance with ``--detach-clusters`` forgets its cached rows only: the hub
keeps its members and nothing of the local release path (member cleanup, credentials) runs."""

from __future__ import annotations

from pathlib import Path

from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_hub import MC

from .ocm_helpers import cached, hub_instance, hub_services


async def test_detach_on_an_ocm_instance_keeps_the_hubs_members(tmp_path: Path) -> None:
    async with SandboxFleet(clusters=1, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as fleet:
        svc = await hub_services(tmp_path, fleet)
        try:
            inst = await hub_instance(svc)
            await fleet.join("sandbox-1", accept=True)
            await (await fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for("Available")
            await cached(svc, inst, "sandbox-1", lambda c: c.probe.status is ClusterStatus.READY)
            await svc.registration.create(inst.name, "edge-1")
            released: list[str] = []

            async def spy(cluster: object) -> None:
                released.append(getattr(cluster, "name", "?"))

            svc.instances.on_detach.insert(0, spy)
            await svc.instances.delete(inst.name, detach_clusters=True)
            assert released == []  # the local release path did not run
            assert await svc.clusters.list() == [] and await svc.instances.list() == []
            await fleet.settle()
            for name in ("sandbox-1", "edge-1"):
                assert fleet.hub.state.get(MC.key, "", name) is not None
            # the hub is the truth: a new instance on it lists them again
            again = await hub_instance(svc, "hub-again")
            snap = await svc.members.sync(again)
            assert {c.name for c in snap.clusters} == {"sandbox-1", "edge-1"}
        finally:
            await svc.close()
