"""Fleet namespaces against sandbox clusters over HTTP: create, read back, join later,
drift and repair, partial failure and retry."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services

from .conftest import make_settings


async def setup(services: Services, fleet: SandboxFleet, **labels: dict[str, str]) -> None:
    await services.instances.create("east", "cn-east-1")
    results = await services.clusters.associate("east", [
        AssociateRequest(context=c.name, labels=labels.get(c.name), deletion_protection=False)
        for c in fleet.clusters])
    assert not [r for r in results if isinstance(r, Exception)]


async def read_back(services: Services, cluster: str, name: str
                    ) -> tuple[dict[str, Any], dict[str, Any] | None]:
    client = await services.clusters.client(await services.clusters.get(cluster))
    ns = await client.get("v1", "Namespace", name)
    try:
        quota = await client.get("v1", "ResourceQuota", "ccseone-quota", namespace=name)
    except Exception:
        quota = None
    return ns, quota


async def client_of(services: Services, cluster: str) -> Any:
    return await services.clusters.client(await services.clusters.get(cluster))


def states(status: Any) -> dict[str, SyncState]:
    return {c.cluster.name: c.state for c in status.clusters}


WEB = NamespaceSpec(name="web", priority=50, labels={"team": "shop"}, cpu_limit="2",
                    memory_limit="4Gi")


async def test_create_on_three_clusters_reads_back(services: Services,
                                                   fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    task = await services.namespaces.create("east", WEB)
    assert task.status is TaskStatus.SUCCEEDED, task.results
    assert task.kind == "namespace.create" and task.target == "web"
    assert sorted(r.target for r in task.results) == [c.name for c in fleet.clusters]
    for c in fleet.clusters:
        ns, quota = await read_back(services, c.name, "web")
        labels = ns["metadata"]["labels"]
        assert labels["team"] == "shop"
        assert labels["ccseone.io/instance"] == "east"
        assert labels["ccseone.io/task-priority"] == "50"
        assert quota is not None
        assert quota["spec"]["hard"] == {"limits.cpu": "2", "requests.cpu": "2",
                                         "limits.memory": "4Gi", "requests.memory": "4Gi"}
        managers = {e["manager"] for e in ns["metadata"]["managedFields"]}
        assert "ccseone" in managers
    [status] = await services.namespaces.list_status("east")
    assert status.summary == "3/3"
    assert set(states(status).values()) == {SyncState.SYNCED}
    inst = await services.instances.get("east")
    journal = await services.tasks.list_journal(inst.id)
    assert any(e.action == "namespace.create" and e.target == "web" for e in journal)


@pytest.mark.skipif(shutil.which("kubectl") is None or shutil.which("openssl") is None,
                    reason="kubectl and openssl are needed on PATH")
async def test_kubectl_sees_namespace_and_quota(tmp_path: Path) -> None:
    # kubectl sends its bearer token only over TLS: a one-cluster HTTPS fleet
    async with SandboxFleet(clusters=1, tls=True, nodes=1) as tls:
        s = await open_services(make_settings(tmp_path, tls.kubeconfig_path), user="tester")
        try:
            await setup(s, tls)
            task = await s.namespaces.create("east", WEB)
            assert task.status is TaskStatus.SUCCEEDED, task.results

            async def kubectl(*args: str) -> dict[str, Any]:
                proc = await asyncio.create_subprocess_exec(
                    "kubectl", "--kubeconfig", str(tls.kubeconfig_path), "--context",
                    tls.clusters[0].name, *args, "-o", "json",
                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
                out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
                assert proc.returncode == 0, err.decode()
                return json.loads(out)

            ns = await kubectl("get", "ns", "web")
            assert ns["metadata"]["labels"]["ccseone.io/instance"] == "east"
            assert ns["metadata"]["labels"]["ccseone.io/task-priority"] == "50"
            quota = await kubectl("-n", "web", "get", "resourcequota", "ccseone-quota")
            assert quota["spec"]["hard"]["limits.memory"] == "4Gi"
            assert quota["spec"]["hard"]["requests.cpu"] == "2"
        finally:
            await s.close()


async def test_cluster_joining_later_receives_namespaces(services: Services,
                                                         fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    await services.namespaces.create("east", WEB)
    await services.namespaces.create("east", NamespaceSpec(name="batch", priority=10))
    late = await fleet.add_cluster()
    [joined] = await services.clusters.associate("east", [AssociateRequest(context=late.name)])
    assert not isinstance(joined, Exception)
    ns, quota = await read_back(services, late.name, "web")
    assert ns["metadata"]["labels"]["ccseone.io/instance"] == "east"
    assert quota is not None and quota["spec"]["hard"]["limits.cpu"] == "2"
    await read_back(services, late.name, "batch")
    sync = [t for t in await services.tasks.list() if t.kind == "namespace.sync"]
    assert len(sync) == 1 and sync[0].target == late.name
    # higher priority first
    assert [r.target for r in sync[0].results] == [f"{late.name}/web", f"{late.name}/batch"]
    status = {s.namespace.name: s for s in await services.namespaces.list_status("east")}
    assert status["web"].summary == "4/4" and status["batch"].summary == "4/4"


async def test_drift_is_detected_and_only_drifted_clusters_are_repaired(
        services: Services, fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    await services.namespaces.create("east", WEB)
    a, b, c = [await client_of(services, x.name) for x in fleet.clusters]
    # by hand, as another manager: the quota on a, a label on b; c stays as it is
    await a.merge_patch("v1", "ResourceQuota", "ccseone-quota",
                        {"spec": {"hard": {"limits.cpu": "8"}}}, namespace="web",
                        field_manager="kubectl-edit")
    await b.merge_patch("v1", "Namespace", "web", {"metadata": {"labels": {"team": "other"}}},
                        field_manager="kubectl-label")
    before_c = (await c.get("v1", "Namespace", "web"))["metadata"]["resourceVersion"]
    status = await services.namespaces.check("east", "web")
    by = {s.cluster.name: s for s in status.clusters}
    names = [x.name for x in fleet.clusters]
    assert by[names[0]].state is SyncState.DRIFTED
    assert "limits.cpu" in by[names[0]].message and "'8'" in by[names[0]].message
    assert by[names[1]].state is SyncState.DRIFTED and "team" in by[names[1]].message
    assert by[names[2]].state is SyncState.SYNCED
    assert status.summary == "1/3"
    # the cached list shows what check saw
    [cached] = await services.namespaces.list_status("east")
    assert states(cached) == states(status)

    task = await services.namespaces.repair("east", "web")
    assert task.kind == "namespace.repair" and task.status is TaskStatus.SUCCEEDED
    assert sorted(r.target for r in task.results) == names[:2]
    assert (await c.get("v1", "Namespace", "web"))["metadata"]["resourceVersion"] == before_c
    status = await services.namespaces.check("east", "web")
    assert status.summary == "3/3"
    quota = await a.get("v1", "ResourceQuota", "ccseone-quota", namespace="web")
    assert quota["spec"]["hard"]["limits.cpu"] == "2"


async def test_deleted_by_hand_is_missing_then_repaired(services: Services,
                                                        fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    await services.namespaces.create("east", NamespaceSpec(name="tmp"))
    name = fleet.clusters[0].name
    client = await services.clusters.client(await services.clusters.get(name))
    await client.delete("v1", "Namespace", "tmp")
    await fleet.settle()  # the sandbox controller finalizes it
    status = await services.namespaces.check("east", "tmp")
    assert states(status)[name] is SyncState.MISSING
    task = await services.namespaces.repair("east", "tmp")
    assert [r.target for r in task.results] == [name]
    assert (await services.namespaces.check("east", "tmp")).summary == "3/3"


async def test_cluster_down_gives_partial_task_and_retry_fills_it_in(
        services: Services, fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    down = fleet.clusters[2]
    await down.set_outage(True)
    task = await services.namespaces.create("east", WEB)
    assert task.status is TaskStatus.PARTIAL
    failed = [r for r in task.results if r.status is TaskStatus.FAILED]
    assert [r.target for r in failed] == [down.name]
    assert failed[0].message
    [status] = await services.namespaces.list_status("east")
    assert states(status)[down.name] is SyncState.UNREACHABLE
    assert status.summary == "2/3"

    await down.set_outage(False)
    again = await services.namespaces.retry(task.id)
    assert again.status is TaskStatus.SUCCEEDED
    assert [r.target for r in again.results] == [down.name]
    _, quota = await read_back(services, down.name, "web")
    assert quota is not None
    [status] = await services.namespaces.list_status("east")
    assert status.summary == "3/3"


async def test_ssa_leaves_another_managers_label_alone(services: Services,
                                                       fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    await services.namespaces.create("east", WEB)
    name = fleet.clusters[0].name
    client = await services.clusters.client(await services.clusters.get(name))
    await client.merge_patch("v1", "Namespace", "web",
                             {"metadata": {"labels": {"istio-injection": "enabled"}}},
                             field_manager="istioctl")
    task = await services.namespaces.edit("east", "web", priority=70,
                                          labels={"team": "shop", "tier": "front"})
    assert task.status is TaskStatus.SUCCEEDED
    ns, _ = await read_back(services, name, "web")
    labels = ns["metadata"]["labels"]
    assert labels["istio-injection"] == "enabled"
    assert labels["ccseone.io/task-priority"] == "70" and labels["tier"] == "front"
    # a label ccseone no longer sets is removed, another manager's stays
    await services.namespaces.edit("east", "web", labels={"team": "shop"})
    labels = (await read_back(services, name, "web"))[0]["metadata"]["labels"]
    assert "tier" not in labels and labels["istio-injection"] == "enabled"


async def test_terminating_and_api_errors_are_states(services: Services,
                                                     fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    await services.namespaces.create("east", NamespaceSpec(name="old", memory_limit="1Gi"))
    a, b, _ = (c.name for c in fleet.clusters)
    client = await client_of(services, a)
    # an object with a finalizer holds the namespace in Terminating after a delete by hand
    await client.apply({"apiVersion": "v1", "kind": "ConfigMap",
                        "metadata": {"name": "held", "namespace": "old",
                                     "finalizers": ["example.com/hold"]}})
    await client.delete("v1", "Namespace", "old")
    await fleet.settle()
    fleet.clusters[1].faults.error_rate = 1.0  # every call to b answers 500
    status = await services.namespaces.check("east", "old")
    by = {c.cluster.name: c for c in status.clusters}
    assert by[a].state is SyncState.TERMINATING
    assert by[b].state is SyncState.ERROR and "sandbox injected fault" in by[b].message
    # neither is repairable: repair writes to no cluster
    assert (await services.namespaces.repair("east", "old")).results == []
    # an edit cannot apply into a Terminating namespace: the state stays, the API words too
    task = await services.namespaces.edit("east", "old", priority=2)
    results = {r.target: r for r in task.results}
    assert task.status is TaskStatus.PARTIAL
    assert "being deleted" in results[a].message
    assert "500" in results[b].message or "sandbox injected fault" in results[b].message
    [cached] = await services.namespaces.list_status("east")
    assert states(cached)[a] is SyncState.TERMINATING and states(cached)[b] is SyncState.ERROR
    fleet.clusters[1].faults.error_rate = 0.0
    await client.merge_patch("v1", "ConfigMap", "held", {"metadata": {"finalizers": None}},
                             namespace="old")
    await fleet.settle()
    assert states(await services.namespaces.check("east", "old"))[a] is SyncState.MISSING
    again = await services.namespaces.retry(task.id)
    assert again.status is TaskStatus.SUCCEEDED
    assert (await services.namespaces.check("east", "old")).summary == "3/3"
