"""Edge-node prerequisite, cluster delete with member cleanup, and the cluster detail data
(access kubeconfig, tasks) against sandbox clusters."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain import errors as E
from ccseone_tui.domain.models import App, MemberCluster, TaskStatus, Template
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.clusters.kubeconfig_view import MASK

from .conftest import make_settings
from .join_helpers import join_via_api

RBAC = ("rbac.authorization.k8s.io", "clusterrolebindings")


def exists(path: str | Path | None) -> bool:  # sync helper: lint-clean file checks in tests
    return Path(path or "").exists()


async def registered(s: Services, fleet: SandboxFleet, name: str = "member-1", index: int = 0,
                     **kw: object) -> MemberCluster:
    if not await s.instances.list():
        await s.instances.create("east", "cn-east-1")
    await s.registration.create("east", name, api_server=fleet.clusters[index].url,
                                deletion_protection=False, **kw)  # type: ignore[arg-type]
    text = await join_via_api(fleet, fleet.clusters[index],
                              await s.registration.join_command(name), name)
    return await s.registration.register(name, text)


async def associated(s: Services, context: str = "sandbox-2", **labels: str) -> MemberCluster:
    if not await s.instances.list():
        await s.instances.create("east", "cn-east-1")
    (cluster,) = await s.clusters.associate("east", [AssociateRequest(
        context=context, labels=labels or None, deletion_protection=False)])
    assert isinstance(cluster, MemberCluster)
    return cluster


# ---- edge nodes ------------------------------------------------------------------------------


async def test_label_edge_nodes_per_node_results_and_probe(services: Services,
                                                           fleet: SandboxFleet) -> None:
    cluster = await associated(services)
    nodes = await services.clusters.edge_nodes(cluster)
    assert [(n.name, n.ready, n.edge) for n in nodes] == [
        ("sandbox-2-node-1", True, False), ("sandbox-2-node-2", True, False)]
    task = await services.clusters.label_edge(cluster, ["sandbox-2-node-1", "nope"])
    assert task.status is TaskStatus.PARTIAL
    by_target = {r.target: r for r in task.results}
    assert by_target["sandbox-2/sandbox-2-node-1"].status is TaskStatus.SUCCEEDED
    assert "labelled ccseone-node-type=edge" in by_target["sandbox-2/sandbox-2-node-1"].message
    missing = by_target["sandbox-2/nope"]
    assert missing.status is TaskStatus.FAILED and 'nodes "nope" not found' in missing.message
    node = fleet["sandbox-2"].state.get(("", "nodes"), "", "sandbox-2-node-1")
    assert node is not None and node["metadata"]["labels"]["ccseone-node-type"] == "edge"
    assert (await services.clusters.get("sandbox-2")).probe.edge_nodes == 1  # re-probed
    again = await services.clusters.label_edge(cluster, ["sandbox-2-node-1"])
    assert again.results[0].message == "already labelled ccseone-node-type=edge"
    assert [n.edge for n in await services.clusters.edge_nodes(cluster)] == [True, False]
    assert [t.kind for t in await services.clusters.tasks(cluster)] == [
        "cluster.label-edge", "cluster.label-edge"]
    with pytest.raises(E.ValidationError, match="nodes"):
        await services.clusters.label_edge(cluster, [" "])


async def test_label_edge_guards(tmp_path: Path, fleet: SandboxFleet) -> None:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path))
    try:
        prod = await associated(s, "sandbox-1", env="prod")
        with pytest.raises(E.ConfirmationMismatch):
            await s.clusters.label_edge(prod, ["sandbox-1-node-1"])
        task = await s.clusters.label_edge(prod, ["sandbox-1-node-1"], confirm="sandbox-1")
        assert task.status is TaskStatus.SUCCEEDED
        await s.registration.create("east", "waiting", api_server="https://10.0.0.1:6443")
        with pytest.raises(E.ClusterNotRegistered):
            await s.clusters.edge_nodes(await s.clusters.get("waiting"))
    finally:
        await s.close()
    ro = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True))
    try:
        with pytest.raises(E.ReadOnlyMode):
            await ro.clusters.label_edge(await ro.clusters.get("sandbox-1"), ["sandbox-1-node-2"])
    finally:
        await ro.close()


# ---- delete ---------------------------------------------------------------------------------


async def test_delete_registered_cluster_cleans_the_member(services: Services,
                                                           fleet: SandboxFleet) -> None:
    s, member = services, fleet.clusters[0]
    cluster = await registered(s, fleet)
    creds = Path(cluster.kubeconfig or "")
    await s.store.add_template(Template(id="tpl-1", name="web", kind="yaml"))
    await s.store.add_app(App(id="app-1", instance_id=cluster.instance_id, name="shop",
                              template_id="tpl-1", current_revision=1, status="Deployed 1/1"))
    await s.store.set_app_targets("app-1", [(cluster.id, "web")])
    await s.store.add_app(App(id="app-2", instance_id=cluster.instance_id, name="later",
                              template_id="tpl-1"))  # a draft: nothing deployed, no refusal
    await s.store.set_app_targets("app-2", [(cluster.id, "web")])
    with pytest.raises(E.AppsStillDeployed) as refused:
        await s.clusters.delete("member-1")
    assert "shop" in str(refused.value) and "--force" in str(refused.value)
    assert "later" not in str(refused.value)
    assert exists(creds)  # nothing was touched

    result = await s.clusters.delete("member-1", force=True)
    assert result.apps == ["shop"] and result.commands == []
    assert [(st.target, st.status) for st in result.steps] == [
        ("ClusterRoleBinding ccseone-agent-member-1", "Succeeded"),
        ("Namespace ccseone-system", "Succeeded")]
    assert member.state.get(RBAC, "", "ccseone-agent-member-1") is None
    await member.settle()
    assert member.state.get(("", "namespaces"), "", "ccseone-system") is None
    assert not exists(creds)
    with pytest.raises(E.NotFound):
        await s.clusters.get("member-1")
    journal = [e.action for e in await s.store.list_journal(cluster.instance_id)]
    assert journal[-2:] == ["cluster.cleanup", "cluster.delete"]


async def test_deleting_the_instance_releases_its_registered_clusters(
        services: Services, fleet: SandboxFleet) -> None:
    """Detaching clusters by deleting their instance does what a cluster delete does on the
    member: ccseone's objects there go, and so does the 0600 credentials file."""
    s, member = services, fleet.clusters[0]
    cluster = await registered(s, fleet)
    creds = Path(cluster.kubeconfig or "")
    assert exists(creds)
    await s.instances.edit("east", deletion_protection=False)
    await s.instances.delete("east", detach_clusters=True)
    assert not exists(creds)
    assert member.state.get(RBAC, "", "ccseone-agent-member-1") is None
    await member.settle()
    assert member.state.get(("", "namespaces"), "", "ccseone-system") is None
    assert await s.instances.list() == []


async def test_delete_keeps_the_namespace_another_registration_uses(
        services: Services, fleet: SandboxFleet) -> None:
    await registered(services, fleet, "member-1")
    # the same member joined under a second name too (another ccseone, say): the service
    # account is shared, so its namespace must outlive this cluster's binding
    member = fleet.clusters[0]
    binding = dict(member.state.get(RBAC, "", "ccseone-agent-member-1") or {})
    binding["metadata"] = {"name": "ccseone-agent-other",
                           "labels": {"app.kubernetes.io/managed-by": "ccseone"}}
    rt = member.state.registry.lookup("rbac.authorization.k8s.io", "v1", "clusterrolebindings")
    assert rt is not None
    member.writes.create(rt, "", binding, None)
    result = await services.clusters.delete("member-1")
    assert result.steps[1].status == "Succeeded"
    assert "kept: still used by ccseone-agent-other" in result.steps[1].message
    assert member.state.get(("", "namespaces"), "", "ccseone-system") is not None


async def test_delete_when_the_member_is_down_prints_the_commands(
        services: Services, fleet: SandboxFleet) -> None:
    cluster = await registered(services, fleet)
    await fleet.clusters[0].set_outage(True)
    result = await services.clusters.delete("member-1")
    # the binding could not go, so the namespace (and the token it holds) is left alone
    assert [st.status for st in result.steps] == ["Failed", "Cancelled"]
    assert result.commands == [
        "kubectl delete clusterrolebinding ccseone-agent-member-1 --ignore-not-found",
        "kubectl delete namespace ccseone-system --ignore-not-found"]
    assert not exists(cluster.kubeconfig)
    assert await services.clusters.list() == []
    await fleet.clusters[0].set_outage(False)


async def test_delete_unregistered_and_associated_clusters_touch_nothing(
        services: Services, fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.registration.create("east", "waiting", api_server="https://10.0.0.1:6443",
                                       deletion_protection=False)
    result = await services.clusters.delete("waiting")
    assert result.steps == [] and len(result.commands) == 2  # the snippet may have run
    cluster = await associated(services, "sandbox-2")
    member = fleet["sandbox-2"]
    before = len(member.requests)
    result = await services.clusters.delete(cluster.name)
    assert result.steps == [] and result.commands == []
    assert [m for m, _ in member.requests[before:] if m != "GET"] == []
    assert Path(cluster.kubeconfig or "") == fleet.kubeconfig_path
    assert exists(fleet.kubeconfig_path)  # the user's kubeconfig is never removed


async def test_delete_protected_cluster_is_refused(services: Services,
                                                   fleet: SandboxFleet) -> None:
    await services.instances.create("east", "cn-east-1")
    await services.registration.create("east", "m1", api_server=fleet.clusters[0].url)
    with pytest.raises(E.DeletionProtected):
        await services.clusters.delete("m1")
    assert [c.name for c in await services.clusters.list()] == ["m1"]


# ---- detail ---------------------------------------------------------------------------------


async def test_kubeconfig_view_masks_and_export_is_0600(services: Services, fleet: SandboxFleet,
                                                        tmp_path: Path) -> None:
    cluster = await associated(services, "sandbox-3")
    token = fleet["sandbox-3"].token
    view = await services.clusters.kubeconfig_view(cluster)
    doc = yaml.safe_load(view)
    assert token not in view and doc["users"][0]["user"]["token"] == MASK
    assert [c["name"] for c in doc["contexts"]] == ["sandbox-3"]  # only its own entries
    assert [c["name"] for c in doc["clusters"]] == ["sandbox-3"]
    assert token in await services.clusters.kubeconfig_view(cluster, reveal=True)

    out = await services.clusters.export_kubeconfig(cluster, tmp_path / "out" / "k.yaml")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert yaml.safe_load(out.read_text())["users"][0]["user"]["token"] == token

    reg = await registered(services, fleet, "member-1")
    reg_view = yaml.safe_load(await services.clusters.kubeconfig_view(reg))
    assert reg_view["users"][0]["user"]["token"] == MASK
    assert reg_view["clusters"][0]["cluster"]["server"] == fleet.clusters[0].url
    broken = dataclasses.replace(reg, context="missing")
    with pytest.raises(E.KubeconfigQueryFailed, match="missing"):
        await services.clusters.kubeconfig_view(broken)
