"""Fleet namespaces: edit (propagation, limits, leaving clusters), delete (preview,
production confirmation, partial), read-only, and registration joining later."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceNotFound, NamespaceSpec, SyncState
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services

from .conftest import make_settings
from .join_helpers import join_via_api, member_client


async def setup(services: Services, fleet: SandboxFleet,
                labels: dict[str, dict[str, str]] | None = None) -> list[str]:
    await services.instances.create("east", "cn-east-1")
    labels = labels or {}
    results = await services.clusters.associate("east", [
        AssociateRequest(context=c.name, labels=labels.get(c.name), deletion_protection=False)
        for c in fleet.clusters])
    assert not [r for r in results if isinstance(r, Exception)]
    return [c.name for c in fleet.clusters]


async def client_of(services: Services, cluster: str) -> Any:
    return await services.clusters.client(await services.clusters.get(cluster))


async def live(services: Services, cluster: str, kind: str, name: str,
               namespace: str | None = None) -> dict[str, Any] | None:
    try:
        return await (await client_of(services, cluster)).get("v1", kind, name,
                                                               namespace=namespace)
    except E.ResourceNotFound:
        return None


async def test_edit_propagates_priority_labels_and_limits(services: Services,
                                                          fleet: SandboxFleet) -> None:
    names = await setup(services, fleet)
    await services.namespaces.create("east", NamespaceSpec(name="web", cpu_limit="1",
                                                           memory_limit="1Gi"))
    task = await services.namespaces.edit("east", "web", priority="9000",
                                          labels={"team": "pay"}, cpu_limit="500m")
    assert task.kind == "namespace.edit" and task.status is TaskStatus.SUCCEEDED
    record = await services.namespaces.get("east", "web")
    assert (record.priority, record.labels, record.cpu_limit, record.memory_limit) == (
        9000, {"team": "pay"}, "500m", "1Gi")
    for name in names:
        ns = await live(services, name, "Namespace", "web")
        assert ns and ns["metadata"]["labels"]["ccseone.io/task-priority"] == "9000"
        assert ns["metadata"]["labels"]["team"] == "pay"
        quota = await live(services, name, "ResourceQuota", "ccseone-quota", "web")
        assert quota and quota["spec"]["hard"] == {"limits.cpu": "500m", "requests.cpu": "500m",
                                                   "limits.memory": "1Gi",
                                                   "requests.memory": "1Gi"}
    # one limit removed: its keys go (SSA drops what ccseone no longer applies)
    await services.namespaces.edit("east", "web", memory_limit=None)
    quota = await live(services, names[0], "ResourceQuota", "ccseone-quota", "web")
    assert quota and set(quota["spec"]["hard"]) == {"limits.cpu", "requests.cpu"}
    # the last one removed ("" as a form sends it): the quota goes
    await services.namespaces.edit("east", "web", cpu_limit="")
    for name in names:
        assert await live(services, name, "ResourceQuota", "ccseone-quota", "web") is None
    assert (await services.namespaces.check("east", "web")).summary == "3/3"


async def test_listing_sorted_by_priority_with_summary(services: Services,
                                                       fleet: SandboxFleet) -> None:
    await setup(services, fleet)
    for name, prio in (("low", 1), ("high", 9999), ("mid", 300)):
        await services.namespaces.create("east", NamespaceSpec(name=name, priority=prio))
    inst = await services.instances.get("east")
    assert [n.name for n in await services.namespaces.list(inst.id)] == ["high", "mid", "low"]
    rows = await services.namespaces.list_status("east")
    assert [(r.namespace.name, r.summary) for r in rows] == [
        ("high", "3/3"), ("mid", "3/3"), ("low", "3/3")]


async def test_selector_and_leaving_clusters_keep_or_delete(services: Services,
                                                            fleet: SandboxFleet) -> None:
    a, b, c = await setup(services, fleet, {
        "sandbox-1": {"env": "prod", "tier": "web"}, "sandbox-2": {"tier": "web"},
        "sandbox-3": {"tier": "db"}})
    task = await services.namespaces.create(
        "east", NamespaceSpec(name="front", selector={"tier": "web"}), confirm=a)
    assert sorted(r.target for r in task.results) == [a, b]
    assert await live(services, c, "Namespace", "front") is None
    by_source = await services.namespaces.matching_clusters(
        "east", {"ccseone.io/source": "kubeconfig"})
    assert len(by_source) == 3

    # the selection moves from tier=web to tier=db: a and b leave, c joins
    leaving = await services.namespaces.leaving_clusters("east", "front", {"tier": "db"})
    assert sorted(x.name for x in leaving) == [a, b]
    task = await services.namespaces.edit("east", "front", selector={"tier": "db"},
                                          leaving="keep")
    assert [r.target for r in task.results] == [c]
    assert await live(services, a, "Namespace", "front") is not None  # kept
    assert await live(services, c, "Namespace", "front") is not None  # joined
    [status] = await services.namespaces.list_status("east")
    assert [x.cluster.name for x in status.clusters] == [c] and status.summary == "1/1"

    # back to tier=web and deleting where it leaves: a is production, so typed confirmation
    with pytest.raises(E.ConfirmationMismatch):
        await services.namespaces.edit("east", "front", selector={"tier": "web"},
                                       leaving="delete")
    task = await services.namespaces.edit("east", "front", selector={"tier": "web"},
                                          leaving="delete", confirm=a)
    assert task.status is TaskStatus.SUCCEEDED
    assert sorted(r.target for r in task.results) == [a, b, c]
    gone = await live(services, c, "Namespace", "front")
    assert gone is None or gone["status"]["phase"] == "Terminating"
    with pytest.raises(E.ValidationError) as err:
        await services.namespaces.edit("east", "front", leaving="drop")
    assert "leaving" in str(err.value) and "'drop'" in str(err.value)


async def _seed_workloads(services: Services, cluster: str) -> None:
    client = await client_of(services, cluster)
    await client.apply({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "shop"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
                 "template": {"metadata": {"labels": {"app": "api"}},
                              "spec": {"containers": [{"name": "api", "image": "nginx"}]}}}})
    await client.apply({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": "debug", "namespace": "shop"},
                        "spec": {"containers": [{"name": "sh", "image": "busybox"}]}})


async def test_delete_preview_confirmation_and_record(services: Services,
                                                      fleet: SandboxFleet) -> None:
    a, b, c = await setup(services, fleet)
    await services.namespaces.create("east", NamespaceSpec(name="shop", cpu_limit="4"))
    await _seed_workloads(services, a)
    await fleet.settle()  # the Deployment's pods exist (owned: not counted twice)
    await services.clusters.edit(b, labels={"env": "prod"}, confirm=b)

    preview = {p.cluster.name: p for p in await services.namespaces.delete_preview("east",
                                                                                  "shop")}
    assert preview[a].workloads == 2 and preview[a].by_kind == {"Deployment": 1, "Pod": 1}
    assert preview[b].workloads == 0 and preview[b].production
    assert not preview[a].production and preview[a].reachable

    with pytest.raises(E.ConfirmationMismatch) as err:
        await services.namespaces.delete("east", "shop", confirm="wrong")
    assert b in str(err.value)
    assert await live(services, a, "Namespace", "shop") is not None  # nothing touched

    task = await services.namespaces.delete("east", "shop", confirm=b)
    assert task.kind == "namespace.delete" and task.status is TaskStatus.SUCCEEDED
    with pytest.raises(NamespaceNotFound):
        await services.namespaces.get("east", "shop")
    await fleet.settle()
    for name in (a, b, c):
        assert await live(services, name, "Namespace", "shop") is None


async def test_delete_with_a_cluster_down_keeps_the_record_until_retried(
        services: Services, fleet: SandboxFleet) -> None:
    a, b, c = await setup(services, fleet)
    await services.namespaces.create("east", NamespaceSpec(name="shop"))
    await fleet.clusters[2].set_outage(True)
    preview = {p.cluster.name: p for p in await services.namespaces.delete_preview("east",
                                                                                  "shop")}
    assert not preview[c].reachable and preview[c].message
    task = await services.namespaces.delete("east", "shop")
    assert task.status is TaskStatus.PARTIAL
    status = await services.namespaces.status("east", "shop")
    assert {x.cluster.name: x.state for x in status.clusters} == {
        a: SyncState.TERMINATING, b: SyncState.TERMINATING, c: SyncState.UNREACHABLE}
    await fleet.clusters[2].set_outage(False)
    again = await services.namespaces.retry(task.id)
    assert [r.target for r in again.results] == [c] and again.status is TaskStatus.SUCCEEDED
    with pytest.raises(NamespaceNotFound):
        await services.namespaces.get("east", "shop")


async def test_read_only_refuses_every_write(tmp_path: Path, fleet: SandboxFleet) -> None:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
    try:
        await setup(s, fleet)
        task = await s.namespaces.create("east", NamespaceSpec(name="web"))
    finally:
        await s.close()
    ro = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True))
    try:
        for call in (lambda: ro.namespaces.create("east", NamespaceSpec(name="other")),
                     lambda: ro.namespaces.edit("east", "web", priority=5),
                     lambda: ro.namespaces.repair("east", "web"),
                     lambda: ro.namespaces.delete("east", "web"),
                     lambda: ro.namespaces.retry(task.id)):
            with pytest.raises(E.ReadOnlyMode):
                await call()
        # reading live is allowed, and the namespace is still everywhere
        assert (await ro.namespaces.check("east", "web")).summary == "3/3"
        assert [p.workloads for p in await ro.namespaces.delete_preview("east", "web")] == [0] * 3
    finally:
        await ro.close()


async def test_registered_cluster_receives_namespaces_when_it_registers(
        services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    await services.namespaces.create("east", NamespaceSpec(name="web", memory_limit="2Gi"))
    member = fleet.clusters[1]
    await services.registration.create("east", "member-2", api_server=member.url)
    [status] = await services.namespaces.list_status("east")
    waiting = {x.cluster.name: x for x in status.clusters}["member-2"]
    assert waiting.state is SyncState.PENDING and "registers" in waiting.message
    token = await join_via_api(fleet, member, await services.registration.join_command(
        "member-2"), "member-2")
    await services.registration.register("member-2", token)
    quota = await live(services, "member-2", "ResourceQuota", "ccseone-quota", "web")
    assert quota and quota["spec"]["hard"]["limits.memory"] == "2Gi"
    [status] = await services.namespaces.list_status("east")
    assert status.summary == "2/2"


async def test_a_failed_sync_does_not_fail_the_association(services: Services,
                                                           fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [AssociateRequest(context="sandbox-1")])
    await services.namespaces.create("east", NamespaceSpec(name="web"))
    # sandbox-2 already has a "web" namespace made by someone else
    other = fleet.clusters[1]
    direct = await member_client(fleet, other)
    try:
        await direct.create({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": "web"}}, field_manager="kubectl-create")
    finally:
        await direct.close()
    [joined] = await services.clusters.associate("east", [AssociateRequest(context=other.name)])
    assert not isinstance(joined, Exception)
    [sync] = [t for t in await services.tasks.list() if t.kind == "namespace.sync"]
    assert sync.status is TaskStatus.FAILED
    assert "not created by ccseone" in sync.results[0].message
    # adopting it: retry the sync task with adopt
    again = await services.namespaces.retry(sync.id, adopt=True)
    assert again.status is TaskStatus.SUCCEEDED and "adopted" in again.results[0].message
    assert (await services.namespaces.check("east", "web")).summary == "2/2"
