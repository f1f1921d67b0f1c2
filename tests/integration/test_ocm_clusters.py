"""Access clusters of an ocm instance: ManagedClusters listed and followed from the hub into
the cache, create/accept/deny, lease expiry, a dead hub, delete with cleanup, direct access.
Everything over loopback HTTP against the sandbox hub; waits follow events, never sleep."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ccseone_tui.domain.errors import NameExists
from ccseone_tui.domain.member_errors import (
    DirectAccessUnavailable,
    EngineUnsupported,
    HubUnreachable,
    NoPendingRequest,
)
from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.ocm_hub import MC
from ccseone_tui.sandbox.ocm_kinds import MANIFEST_WORKS
from ccseone_tui.sandbox.resources import CORE, CSRS
from ccseone_tui.services import Services

from .ocm_helpers import cached, hub_instance, hub_services


@pytest.fixture
async def ocm_fleet(tmp_path: Path) -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=2, nodes=2, ocm=True, log_rate=0.0,
                            managed_serviceaccount=True,
                            kubeconfig_path=tmp_path / "kubeconfig") as f:
        await f.settle()
        yield f


@pytest.fixture
async def svc(tmp_path: Path, ocm_fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await hub_services(tmp_path, ocm_fleet)
    yield s
    await s.close()


def status_is(status: ClusterStatus):  # type: ignore[no-untyped-def]
    return lambda c: c.probe.status is status


async def test_a_cluster_joined_with_clusteradm_appears_and_waits_for_accept(
        svc: Services, ocm_fleet: SandboxFleet, tmp_path: Path) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-1")  # someone else ran clusteradm join; no accept
    agent = await ocm_fleet.ocm.klusterlets["sandbox-1"].wait_agent()
    await agent.wait_for("WaitingForApproval")
    row = await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.AWAITING_ACCEPTANCE))
    details = await svc.members.details(row)
    assert details is not None and details.pending and not details.accepts_client
    # nothing approves it by itself: its CSR is still pending after the hub settled
    await ocm_fleet.settle()
    csrs = ocm_fleet.hub.state.list(CSRS.key)
    assert all(not (c.get("status") or {}).get("conditions") for c in csrs)

    accepted = await svc.members.accept("sandbox-1")
    assert accepted.name == "sandbox-1"
    csr = ocm_fleet.hub.state.list(CSRS.key)[0]
    approved = csr["status"]["conditions"][0]
    assert (approved["type"], approved["reason"]) == (
        "Approved", "AutoApprovedByHubCSRApprovingController")
    await agent.wait_for("Available")
    ready = await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.READY))
    assert ready.probe.version and ready.labels.get(
        "cluster.open-cluster-management.io/clusterset") in (None, "default")
    details = await svc.members.details(ready)
    assert details.claims.get("id.k8s.io") == "sandbox-1"
    assert details.capacity.get("cpu") and details.client_urls == [ocm_fleet["sandbox-1"].url]
    assert details.condition("ManagedClusterJoined").status == "True"

    # a second ccseone with its own empty database sees the same cluster from the hub
    other = await hub_services(tmp_path, ocm_fleet, db="other")
    try:
        inst2 = await hub_instance(other, "hub-again")
        snapshot = await other.members.sync(inst2)
        assert [(c.name, c.probe.status) for c in snapshot.clusters] == [
            ("sandbox-1", ClusterStatus.READY)]
        assert [c.name for c in await other.clusters.list()] == ["sandbox-1"]
    finally:
        await other.close()


async def test_create_pre_creates_and_a_taken_name_is_refused(
        svc: Services, ocm_fleet: SandboxFleet, tmp_path: Path) -> None:
    inst = await hub_instance(svc)
    row = await svc.registration.create("hub-east", "edge-1", region="cn-east-1",
                                        labels={"team": "sre"})
    assert row.probe.status is ClusterStatus.WAITING
    mc = ocm_fleet.hub.state.get(MC.key, "", "edge-1")
    assert mc["spec"]["hubAcceptsClient"] is False
    assert mc["metadata"]["labels"] == {"team": "sre", "region": "cn-east-1"}
    # accepting before its agent asked grants nothing
    with pytest.raises(NoPendingRequest) as err:
        await svc.members.accept("edge-1")
    assert "join-command" in str(err.value)
    # another ccseone (its own database) cannot take the name: the hub has it
    other = await hub_services(tmp_path, ocm_fleet, db="other")
    try:
        await hub_instance(other, "hub-2")
        # not cached there yet: the refusal comes from the hub (409)
        with pytest.raises(NameExists):
            await other.members.create(await other.instances.get("hub-2"), "edge-1")
    finally:
        await other.close()
    snap = await svc.members.sync(inst)
    assert [c.name for c in snap.clusters] == ["edge-1"]


async def test_deny_and_a_join_for_a_name_nobody_created(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-2", cluster_name="stranger")
    agent = await ocm_fleet.ocm.klusterlets["sandbox-2"].wait_agent()
    await agent.wait_for("WaitingForApproval")
    await cached(svc, inst, "stranger", status_is(ClusterStatus.AWAITING_ACCEPTANCE))
    await svc.members.deny("stranger")
    row = await cached(svc, inst, "stranger", status_is(ClusterStatus.DENIED))
    assert row.name == "stranger"
    csr = ocm_fleet.hub.state.list(CSRS.key)[0]
    assert csr["status"]["conditions"][0]["type"] == "Denied"
    assert ocm_fleet.hub.state.get(MC.key, "", "stranger")["spec"]["hubAcceptsClient"] is False


async def test_an_agent_that_is_gone_goes_offline_and_stays_listed(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-1", accept=True)
    agent = await ocm_fleet.ocm.klusterlets["sandbox-1"].wait_agent()
    await agent.wait_for("Available")
    await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.READY))
    await ocm_fleet["sandbox-1"].set_outage(True)  # its agent cannot renew the lease
    assert await ocm_fleet.ocm.hub.advance(600) == ["sandbox-1"]
    row = await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.OFFLINE))
    assert "lease" in (row.probe.error or "").lower()
    assert [c.name for c in await svc.clusters.list()] == ["sandbox-1"]


async def test_hub_unreachable_shows_the_cache_stale_and_refuses_writes(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-1", accept=True)
    await (await ocm_fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for("Available")
    await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.READY))
    await ocm_fleet.hub.set_outage(True)
    try:
        snap = await svc.members.sync(inst)
        assert snap.stale and "hub-east" in snap.error
        assert [(c.name, c.probe.status) for c in snap.clusters] == [
            ("sandbox-1", ClusterStatus.READY)]
        with pytest.raises(HubUnreachable) as err:
            await svc.members.deny("sandbox-1")
        assert "writes work again" in str(err.value)
        with pytest.raises(HubUnreachable):
            await svc.registration.create("hub-east", "edge-9")
        assert await svc.clusters.list() == snap.clusters
    finally:
        await ocm_fleet.hub.set_outage(False)


async def test_delete_cleans_the_hub_and_reports_stuck_works(
        svc: Services, ocm_fleet: SandboxFleet) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-1", accept=True)
    await (await ocm_fleet.ocm.klusterlets["sandbox-1"].wait_agent()).wait_for("Available")
    await cached(svc, inst, "sandbox-1", status_is(ClusterStatus.READY))
    # a member whose work agent is gone: nobody releases the cleanup finalizer
    await ocm_fleet["sandbox-1"].set_outage(True)
    w = ocm_fleet.hub.writes
    works = MANIFEST_WORKS.type()
    w.create(works, "sandbox-1", {"metadata": {"name": "app-shop", "finalizers": [
        "cluster.open-cluster-management.io/manifest-work-cleanup"]},
        "spec": {"workload": {"manifests": []}}}, None)
    w.create(works, "sandbox-1", {"metadata": {"name": "ns-team"},
                                  "spec": {"workload": {"manifests": []}}}, None)
    if ocm_fleet.hub.state.get(CORE["namespaces"].key, "", "argocd") is None:
        w.create(CORE["namespaces"], "", {"metadata": {"name": "argocd"}}, None)
    w.create(CORE["secrets"], "argocd", {"metadata": {
        "name": "cluster-sandbox-1-x", "labels": {"argocd.argoproj.io/secret-type": "cluster"}},
        "data": {"name": base64.b64encode(b"sandbox-1").decode()}}, None)

    await svc.clusters.edit("sandbox-1", deletion_protection=False)
    first = await svc.clusters.delete("sandbox-1", wait_seconds=0.3)
    assert not first.done and first.stuck == ["app-shop"]
    firsts = {s.target: s.message for s in first.steps}
    assert firsts["ManagedClusterAddOn sandbox-1/managed-serviceaccount"] == "deleted"
    assert firsts["ManifestWork sandbox-1/ns-team"] == "deleted"
    assert ocm_fleet.hub.state.get(MC.key, "", "sandbox-1") is not None  # stopped before it
    assert (await svc.clusters.get("sandbox-1")).name == "sandbox-1"

    done = await svc.clusters.delete("sandbox-1", remove_finalizers=True, wait_seconds=0.3)
    assert done.done, done.steps
    targets = {s.target: s.message for s in done.steps}
    assert "finalizer" in targets["ManifestWork sandbox-1/app-shop"]
    assert targets["Secret argocd/cluster-sandbox-1-x"] == "deleted"
    assert any("clusteradm unjoin --cluster-name sandbox-1" in c for c in done.commands)
    await ocm_fleet.settle()
    assert ocm_fleet.hub.state.get(MC.key, "", "sandbox-1") is None
    assert ocm_fleet.hub.state.list(works.key, "sandbox-1") == []
    assert await svc.clusters.list() == []


async def test_direct_access_map_context_then_addon_token(
        svc: Services, ocm_fleet: SandboxFleet, tmp_path: Path) -> None:
    inst = await hub_instance(svc)
    await ocm_fleet.join("sandbox-1", accept=True)
    await ocm_fleet.join("sandbox-2", accept=True)
    for m in ("sandbox-1", "sandbox-2"):
        await (await ocm_fleet.ocm.klusterlets[m].wait_agent()).wait_for("Available")
    await cached(svc, inst, "sandbox-2", status_is(ClusterStatus.READY))
    # the addon's token for sandbox-1 is not there: no direct access at all
    ocm_fleet.hub.writes.delete(CORE["secrets"], "sandbox-1", "ccseone")
    one = await svc.clusters.get("sandbox-1")
    with pytest.raises(DirectAccessUnavailable) as err:
        await svc.clusters.edge_nodes(one)
    assert "map-context" in str(err.value) and "managed-serviceaccount" in str(err.value)
    # 1. a mapped kubeconfig context
    mapped = await svc.members.map_context("sandbox-1", "sandbox-1")
    assert mapped.context == "sandbox-1"
    assert len(await svc.clusters.edge_nodes(mapped)) == 2
    # 2. the managed-serviceaccount addon's token (sandbox-2 has no mapping)
    two = await svc.clusters.get("sandbox-2")
    assert len(await svc.clusters.edge_nodes(two)) == 2
    # the token never reaches the cache file
    token = base64.b64decode(ocm_fleet.hub.state.get(
        CORE["secrets"].key, "sandbox-2", "ccseone")["data"]["token"]).decode()
    data = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
    assert token.encode() not in data
    assert not list((tmp_path / "data").rglob(".msa-*"))


async def test_local_instances_refuse_hub_actions(svc: Services) -> None:
    await svc.instances.create("loc", "cn-east-1")
    await svc.registration.create("loc", "reg-1", api_server="https://10.0.0.1:6443")
    with pytest.raises(EngineUnsupported) as err:
        await svc.members.accept("reg-1")
    assert "register" in str(err.value)
