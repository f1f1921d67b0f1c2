"""The ocm engine against a real Open Cluster Management hub.

Set ``CCSEONE_E2E_OCM_CONTEXT`` to the hub's kubeconfig context (the file comes from
``CCSEONE_E2E_KUBECONFIG``, else ``KUBECONFIG``); its members are joined by their own agents
and may be waiting for acceptance. Without the variable every test here is skipped with the
reason (tests/e2e/conftest.py).

What is written on the hub: an ocm instance lives only in ccseone's cache (tmp_path); the
accept test accepts ONE cluster that already awaits acceptance (skipped when none does); the
create test pre-creates the throwaway ManagedCluster ``ccseone-e2e-<run>`` and deletes it
with ccseone's cleanup (its namespace too) — no real member is ever deleted or changed
otherwise. Written against the service API and the hub's documented objects only.

Verified against the sandbox hub: ``scripts/e2e_ocm_sandbox.py`` runs ``ccseone sandbox up
--ocm --managed-serviceaccount`` in a subprocess, joins two members with the ``clusteradm``
stand-in it prints (one accepted, one left awaiting acceptance), and runs this module with
the variables set; every test passes there.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import ResourceNotFound
from ccseone_tui.domain.models import ClusterStatus, ControlInstance, Engine, MemberCluster
from ccseone_tui.kube import ClusterRef, KubePool, list_contexts
from ccseone_tui.services import Services, open_services

from .conftest import ENV, OCM_ENV

CLUSTER_API = "cluster.open-cluster-management.io/v1"
CSR_API = "certificates.k8s.io/v1"
CLUSTER_LABEL = "open-cluster-management.io/cluster-name"
WAIT = 180.0  # a real agent takes its time to re-register after an accept
NOT_ACCEPTED = {ClusterStatus.AWAITING_ACCEPTANCE, ClusterStatus.WAITING, ClusterStatus.DENIED}


def kubeconfig_paths() -> list[str]:
    given = os.environ.get(ENV)
    if given:
        return [str(Path(given).expanduser())]
    return [p for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p] or [
        str(Path.home() / ".kube" / "config")]


@pytest.fixture(scope="module")
def hub() -> Any:
    """The hub's context (name, file, server) from the kubeconfig files."""
    context = os.environ[OCM_ENV]
    found = next((c for c in list_contexts(kubeconfig_paths()) if c.name == context), None)
    if found is None:
        pytest.fail(f"context {context!r} is not in {', '.join(kubeconfig_paths())}")
    return found


def settings(tmp_path: Path, hub: Any, db: str = "data") -> Settings:
    return Settings(data_dir=tmp_path / db, kubeconfig=hub.file, connect_timeout=5.0,
                    read_timeout=30.0)


@pytest.fixture
async def svc(tmp_path: Path, hub: Any) -> AsyncIterator[Services]:
    s = await open_services(settings(tmp_path, hub), user="e2e")
    yield s
    await s.close()


async def instance(s: Services, hub: Any, name: str = "e2e-hub") -> ControlInstance:
    return await s.instances.create(name, s.settings.regions[0], engine=Engine.OCM,
                                    hub_context=hub.name, hub_kubeconfig=hub.file,
                                    deletion_protection=False)


@pytest.fixture
async def hub_client(hub: Any) -> AsyncIterator[Any]:
    """ccseone's own kube client on the hub, for reading what the hub says (the oracle)."""
    async with KubePool(Settings(connect_timeout=5.0, read_timeout=30.0)) as pool:
        yield await pool.client(ClusterRef(name="hub", kubeconfig=hub.file, context=hub.name))


async def hub_objects(client: Any) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    mcs = (await client.list(CLUSTER_API, "ManagedCluster")).get("items") or []
    csrs = [c for c in (await client.list(CSR_API, "CertificateSigningRequest")).get("items")
            or [] if CLUSTER_LABEL in (c["metadata"].get("labels") or {})]
    return {m["metadata"]["name"]: m for m in mcs}, csrs


def pending_names(csrs: list[dict[str, Any]]) -> set[str]:
    return {c["metadata"]["labels"][CLUSTER_LABEL] for c in csrs
            if not (c.get("status") or {}).get("conditions")}


def condition(mc: dict[str, Any], type_: str) -> str | None:
    for c in (mc.get("status") or {}).get("conditions") or []:
        if c.get("type") == type_:
            return str(c.get("status"))
    return None


def expected_status(mc: dict[str, Any], pending: bool) -> set[ClusterStatus]:
    """What the hub's objects allow, read the documented way (docs/ocm.md)."""
    if not (mc.get("spec") or {}).get("hubAcceptsClient"):
        return {ClusterStatus.AWAITING_ACCEPTANCE} if pending else NOT_ACCEPTED - {
            ClusterStatus.AWAITING_ACCEPTANCE}
    if pending:
        return {ClusterStatus.AWAITING_ACCEPTANCE}
    if condition(mc, "HubAcceptedManagedCluster") != "True" or \
            condition(mc, "ManagedClusterJoined") != "True":
        return {ClusterStatus.WAITING}
    return {{"True": ClusterStatus.READY, "False": ClusterStatus.NOT_READY,
             "Unknown": ClusterStatus.OFFLINE}.get(
        condition(mc, "ManagedClusterConditionAvailable") or "", ClusterStatus.WAITING)}


async def until(s: Services, inst: ControlInstance, name: str,
                check: Callable[[MemberCluster], bool]) -> MemberCluster:
    """Follow the hub until the cached row of ``name`` passes ``check`` (events, no polls)."""
    stream = s.members.follow(inst)
    try:
        async with asyncio.timeout(WAIT):
            async for snapshot in stream:
                row = next((c for c in snapshot.clusters if c.name == name), None)
                if row is not None and check(row):
                    return row
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    raise AssertionError("unreachable")


# ---- the scenarios ---------------------------------------------------------------------------


async def test_instance_on_the_hub_with_basic_info(svc: Services, hub: Any) -> None:
    inst = await instance(svc, hub)
    assert Engine(inst.engine) is Engine.OCM and inst.hub_context == hub.name
    info = await svc.members.info(inst)
    assert info.engine == "ocm" and info.context == hub.name
    assert info.api_server.rstrip("/") == hub.server.rstrip("/")
    if info.kubernetes_version:  # where visible (a hub may hide /version details)
        assert info.kubernetes_version.startswith("v")
    if info.version:
        assert info.version[0] in "v0123456789", info.version
    assert info.controllers, "no Deployments in open-cluster-management-hub"
    assert all(c.name and c.desired >= 0 and c.ready >= 0 for c in info.controllers)
    assert info.counts.get("clusters", 0) >= 0


async def test_list_every_managed_cluster_with_status_from_conditions(
        svc: Services, hub: Any, hub_client: Any) -> None:
    inst = await instance(svc, hub)
    for attempt in range(3):  # members may change between the two reads: read again
        mcs, csrs = await hub_objects(hub_client)
        snap = await svc.members.sync(inst)
        assert not snap.stale, snap.error
        rows = {c.name: c for c in snap.clusters}
        wrong = {n: (rows[n].probe.status, expected_status(mc, n in pending_names(csrs)))
                 for n, mc in mcs.items()
                 if n in rows and rows[n].probe.status not in expected_status(
                     mc, n in pending_names(csrs))}
        if set(mcs) <= set(rows) and not wrong:
            break
        await asyncio.sleep(1.0 + attempt)
    assert set(mcs) <= set(rows), f"not listed: {set(mcs) - set(rows)}"
    assert not wrong, wrong
    # anything else listed is a join nobody prepared: a pending CSR names it
    for name in set(rows) - set(mcs):
        assert name in pending_names(csrs) or rows[name].probe.status is ClusterStatus.DENIED
    # the cache holds the same picture
    assert {c.name for c in await svc.clusters.list(inst.id)} == set(rows)


async def test_status_and_details(svc: Services, hub: Any, hub_client: Any) -> None:
    inst = await instance(svc, hub)
    snap = await svc.members.sync(inst)
    mcs, _ = await hub_objects(hub_client)
    if not mcs:
        pytest.skip("the hub has no ManagedCluster")
    for row in snap.clusters:
        if row.name not in mcs:
            continue
        mc = mcs[row.name]
        details = await svc.members.details(row)
        assert details is not None and details.on_hub
        assert details.accepts_client is bool(mc["spec"].get("hubAcceptsClient"))
        hub_types = {c["type"] for c in (mc.get("status") or {}).get("conditions") or []}
        assert {c.type for c in details.conditions} == hub_types
        urls = [c.get("url") for c in mc["spec"].get("managedClusterClientConfigs") or []]
        assert details.client_urls == [u for u in urls if u]
        if row.probe.status is ClusterStatus.READY:
            version = ((mc.get("status") or {}).get("version") or {}).get("kubernetes")
            assert row.probe.version == version
        shown = await svc.clusters.get(row.name)
        assert shown.probe.status is row.probe.status


async def test_a_second_services_with_its_own_cache_sees_the_same(
        svc: Services, hub: Any, tmp_path: Path) -> None:
    inst = await instance(svc, hub)
    other = await open_services(settings(tmp_path, hub, db="other"), user="e2e-2")
    try:
        inst2 = await instance(other, hub, "e2e-hub-2")
        for attempt in range(3):
            one, two = await asyncio.gather(svc.members.sync(inst), other.members.sync(inst2))
            a = {(c.name, c.probe.status) for c in one.clusters}
            b = {(c.name, c.probe.status) for c in two.clusters}
            if a == b:
                break
            await asyncio.sleep(1.0 + attempt)
        assert a == b
        assert {c.name for c in await other.clusters.list(inst2.id)} == {n for n, _ in a}
    finally:
        await other.close()


async def test_accept_a_cluster_awaiting_acceptance(svc: Services, hub: Any,
                                                    hub_client: Any) -> None:
    inst = await instance(svc, hub)
    snap = await svc.members.sync(inst)
    mcs, _ = await hub_objects(hub_client)
    waiting = sorted((c for c in snap.clusters
                      if c.probe.status is ClusterStatus.AWAITING_ACCEPTANCE),
                     key=lambda c: (c.name not in mcs, c.name))  # a prepared one first
    if not waiting:
        pytest.skip("no cluster awaits acceptance on the hub (join one without accepting it "
                    "to run this test)")
    name = waiting[0].name
    accepted = await svc.members.accept(name, confirm=name)
    assert accepted.name == name
    mc = await hub_client.get(CLUSTER_API, "ManagedCluster", name)
    assert mc["spec"]["hubAcceptsClient"] is True
    _, csrs = await hub_objects(hub_client)
    assert name not in pending_names(csrs)
    assert any(c["type"] == "Approved" for csr in csrs
               if csr["metadata"]["labels"][CLUSTER_LABEL] == name
               for c in (csr.get("status") or {}).get("conditions") or [])
    # its agent now finishes joining: the row leaves AwaitingAcceptance by itself
    row = await until(svc, inst, name,
                      lambda c: c.probe.status in (ClusterStatus.READY, ClusterStatus.NOT_READY))
    assert row.probe.status is ClusterStatus.READY, row.probe.error


async def test_create_join_instructions_and_delete_a_throwaway_cluster(
        svc: Services, hub: Any, hub_client: Any, run_id: str, tmp_path: Path) -> None:
    inst = await instance(svc, hub)
    name = f"ccseone-e2e-{run_id}"
    before, _ = await hub_objects(hub_client)
    assert name not in before
    try:
        row = await svc.registration.create(inst.name, name, region=inst.region,
                                            labels={"ccseone-e2e": run_id},
                                            deletion_protection=False)
        assert row.probe.status is ClusterStatus.WAITING
        mc = await hub_client.get(CLUSTER_API, "ManagedCluster", name)
        assert mc["spec"]["hubAcceptsClient"] is False
        assert mc["metadata"]["labels"]["ccseone-e2e"] == run_id

        t0 = time.time()
        join = await svc.registration.join_instructions(name)
        # comment lines (the token's expiry) may come first; never print the token itself
        [line] = [ln for ln in join.command.splitlines() if ln.startswith("clusteradm join ")]
        words = line.split()
        flags = {w: words[i + 1] for i, w in enumerate(words[:-1]) if w.startswith("--")}
        assert flags["--cluster-name"] == name
        assert flags["--hub-apiserver"].rstrip("/") == hub.server.rstrip("/")
        token = flags["--hub-token"]
        assert len(token) > 20 and "--wait" in words
        values = flags.get("--klusterlet-values-file")
        assert values in join.files and "nodePlacement" in join.files[values]
        assert join.expires_at is not None and t0 < join.expires_at <= t0 + 86400 + 300
        # printed, never stored
        stored = b"".join(p.read_bytes() for p in (tmp_path / "data").rglob("*") if p.is_file())
        assert token.encode() not in stored

        result = await svc.clusters.delete(name, wait_seconds=30)
        assert result.done, result.stuck
        assert any(f"--cluster-name {name}" in c for c in result.commands)
        assert name not in {c.name for c in await svc.clusters.list(inst.id)}
        async with asyncio.timeout(WAIT):  # the hub's own finalizers take a moment
            while await gone(hub_client, name) is False:  # noqa: ASYNC110 - a real hub
                await asyncio.sleep(1.0)
        after, _ = await hub_objects(hub_client)
        assert set(before) <= set(after), "a real member disappeared"
    finally:  # only ever the throwaway cluster
        if await gone(hub_client, name) is False:
            await hub_client.delete(CLUSTER_API, "ManagedCluster", name)


async def gone(client: Any, name: str) -> bool:
    try:
        await client.get(CLUSTER_API, "ManagedCluster", name)
    except ResourceNotFound:
        return True
    return False
