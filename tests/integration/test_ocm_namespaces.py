"""Fleet namespaces on an ocm instance: one ManifestWork per namespace and cluster on the
hub, applied by the sandbox work agent; sync state from the work's conditions, edit,
repair, delete, an offline member, a cluster that joins later. Loopback HTTP only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain.models import ClusterStatus, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.sandbox.resources import CORE
from ccseone_tui.services import Services

from .ocm_helpers import cached, hub_instance, hub_services

WORKS = MANIFEST_WORKS.type()
NAMESPACES, QUOTAS = CORE["namespaces"], CORE["resourcequotas"]


@pytest.fixture
async def fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=1, ocm=True, log_rate=0.0,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        await f.join("sandbox-1", accept=True)
        agent = await f.ocm.klusterlets["sandbox-1"].wait_agent()
        await agent.wait_for("Available")
        yield f


@pytest.fixture
async def svc(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await hub_services(tmp_path, fleet)
    yield s
    await s.close()


def work(fleet: SandboxFleet, cluster: str, ns: str) -> dict | None:
    return fleet.hub.state.get(WORKS.key, cluster, f"ccseone-namespace-{ns}.{ns}")


async def test_namespace_is_delivered_edited_repaired_and_deleted_as_a_work(
        svc: Services, fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await cached(svc, inst, "sandbox-1", lambda c: c.probe.status is ClusterStatus.READY)
    task = await svc.namespaces.create(inst.name, NamespaceSpec(
        "team-a", priority=2, labels={"team": "a"}, cpu_limit="2"))
    assert task.status is TaskStatus.SUCCEEDED, [r.message for r in task.results]
    w = work(fleet, "sandbox-1", "team-a")
    assert w is not None
    assert [m["kind"] for m in w["spec"]["workload"]["manifests"]] == ["Namespace",
                                                                       "ResourceQuota"]
    assert w["spec"]["manifestConfigs"][0]["updateStrategy"]["type"] == "ServerSideApply"
    member = fleet["sandbox-1"].state
    live = member.get(NAMESPACES.key, "", "team-a")
    assert live["metadata"]["labels"]["team"] == "a"
    assert member.get(QUOTAS.key, "team-a", "ccseone-quota") is not None
    status = await svc.namespaces.check(inst.name, "team-a")
    assert [(c.cluster.name, c.state) for c in status.clusters] == [("sandbox-1",
                                                                      SyncState.SYNCED)]

    # edit: no limit any more -> the work loses the quota, the agent prunes it
    task = await svc.namespaces.edit(inst.name, "team-a", cpu_limit=None)
    assert task.status is TaskStatus.SUCCEEDED
    assert len(work(fleet, "sandbox-1", "team-a")["spec"]["workload"]["manifests"]) == 1
    assert member.get(QUOTAS.key, "team-a", "ccseone-quota") is None

    # someone deletes the work on the hub: Missing, and repair re-creates it
    fleet.hub.writes.patch(WORKS, "sandbox-1", "ccseone-namespace-team-a.team-a",
                           "application/merge-patch+json",
                           {"spec": {"workload": {"manifests": []}}}, None)
    status = await svc.namespaces.check(inst.name, "team-a")
    assert status.clusters[0].state is SyncState.DRIFTED
    task = await svc.namespaces.repair(inst.name, "team-a")
    assert task.status is TaskStatus.SUCCEEDED
    assert (await svc.namespaces.check(inst.name, "team-a")).clusters[0].state \
        is SyncState.SYNCED

    task = await svc.namespaces.delete(inst.name, "team-a")
    assert task.status is TaskStatus.SUCCEEDED
    await fleet.ocm.klusterlets["sandbox-1"].agent.work_agent.settle()
    assert work(fleet, "sandbox-1", "team-a") is None
    gone = member.get(NAMESPACES.key, "", "team-a")
    assert gone is None or gone["metadata"].get("deletionTimestamp")


async def test_offline_member_is_pending_then_applied_and_a_later_member_gets_it(
        svc: Services, fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await cached(svc, inst, "sandbox-1", lambda c: c.probe.status is ClusterStatus.READY)
    svc.engines.for_instance(inst).apply_wait = 0.3
    await fleet["sandbox-1"].set_outage(True)
    task = await svc.namespaces.create(inst.name, NamespaceSpec("team-b"))
    assert task.status is TaskStatus.SUCCEEDED
    status = await svc.namespaces.status(inst.name, "team-b")
    assert status.clusters[0].state is SyncState.PENDING
    assert "not applied it yet" in status.clusters[0].message
    await fleet["sandbox-1"].set_outage(False)
    await fleet.ocm.klusterlets["sandbox-1"].agent.work_agent.settle()
    assert fleet["sandbox-1"].state.get(NAMESPACES.key, "", "team-b") is not None

    # sandbox-2 joins after the namespace exists: accepted -> on_joined -> its work
    await fleet.join("sandbox-2", accept=True)
    await cached(svc, inst, "sandbox-2", lambda c: c.probe.status is ClusterStatus.READY)
    assert work(fleet, "sandbox-2", "team-b") is not None
    tasks = [t for t in await svc.tasks.list() if t.kind == "namespace.sync"]
    assert tasks and tasks[0].target == "sandbox-2"
