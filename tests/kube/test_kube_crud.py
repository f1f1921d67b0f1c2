"""Version, discovery, CRUD, server-side apply, dry run and delete propagation — over HTTP
against sandbox clusters."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ccseone_tui.domain.errors import Conflict, ResourceNotFound
from ccseone_tui.kube import ClusterClient, KindNotFound
from tests.kube.kube_helpers import unique, wait_for

# a copy of the OCM CRD from shared/testdata, so a clone alone can run the suite
CRDS = Path(__file__).parents[1] / "data" / "ocm-crds"
MANAGED_CLUSTER_CRD = CRDS / "0000_00_clusters.open-cluster-management.io_managedclusters.crd.yaml"


def configmap(name: str, namespace: str = "default", **data: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": {"suite": "kube"}},
        "data": data,
    }


async def test_version(client: ClusterClient, fleet) -> None:
    fleet.clusters[0].faults.version = "v1.29.7"
    version = await client.version()
    assert version["gitVersion"] == "v1.29.7"
    assert (version["major"], version["minor"]) == ("1", "29")


async def test_discovery_and_resource_for(client: ClusterClient) -> None:
    resources = await client.discover()
    kinds = {(r.api_version, r.kind) for r in resources}
    assert {("v1", "Pod"), ("v1", "Namespace"), ("apps/v1", "Deployment")} <= kinds
    assert all("/" not in r.plural for r in resources)  # no subresources
    assert await client.discover() is resources  # cached
    deploy = await client.resource_for("apps/v1", "Deployment")
    assert (deploy.plural, deploy.namespaced, deploy.group) == ("deployments", True, "apps")
    assert deploy.path("ns1", "web") == "/apis/apps/v1/namespaces/ns1/deployments/web"
    assert deploy.path() == "/apis/apps/v1/deployments"
    ns = await client.resource_for("v1", "Namespace")
    assert not ns.namespaced and ns.path("ignored", "x") == "/api/v1/namespaces/x"
    with pytest.raises(KindNotFound) as err:
        await client.resource_for("example.com/v1", "Nope")
    assert isinstance(err.value, ResourceNotFound)
    assert "Nope" in str(err.value) and client.name in str(err.value)


async def test_crd_created_at_runtime(client: ClusterClient) -> None:
    await client.discover()  # cache before the CRD exists
    crd = yaml.safe_load(MANAGED_CLUSTER_CRD.read_text())
    await client.create(crd)
    info = await client.resource_for("cluster.open-cluster-management.io/v1", "ManagedCluster")
    assert (info.plural, info.namespaced) == ("managedclusters", False)
    assert "mcl" in info.short_names
    mc = {
        "apiVersion": "cluster.open-cluster-management.io/v1",
        "kind": "ManagedCluster",
        "metadata": {"name": "member-1"},
        "spec": {"hubAcceptsClient": True},
    }
    await client.apply(mc)
    got = await client.get("cluster.open-cluster-management.io/v1", "ManagedCluster", "member-1")
    assert got["spec"]["hubAcceptsClient"] is True


async def test_create_get_list_patch_delete(client: ClusterClient) -> None:
    names = [unique("cm") for _ in range(5)]
    for name in names:
        created = await client.create(configmap(name, a="1"))
        assert created["metadata"]["resourceVersion"]
    with pytest.raises(Conflict) as dup:
        await client.create(configmap(names[0]))
    assert dup.value.status == 409 and dup.value.reason == "AlreadyExists"
    got = await client.get("v1", "ConfigMap", names[0], namespace="default")
    assert got["data"] == {"a": "1"}
    # pagination: pages of 2, items concatenated, continue token gone
    listed = await client.list(
        "v1", "ConfigMap", namespace="default", label_selector="suite=kube", limit=2
    )
    assert {i["metadata"]["name"] for i in listed["items"]} >= set(names)
    assert not listed["metadata"].get("continue") and listed["metadata"]["resourceVersion"]
    assert all(i["kind"] == "ConfigMap" and i["apiVersion"] == "v1" for i in listed["items"])
    patched = await client.merge_patch(
        "v1", "ConfigMap", names[0], {"data": {"a": None, "b": "2"}}, namespace="default"
    )
    assert patched["data"] == {"b": "2"}
    await client.delete("v1", "ConfigMap", names[0], namespace="default")
    with pytest.raises(ResourceNotFound) as gone:
        await client.get("v1", "ConfigMap", names[0], namespace="default")
    assert gone.value.status == 404 and gone.value.reason == "NotFound"
    assert names[0] in gone.value.api_message  # the server's message, verbatim


async def test_dry_run_changes_nothing(client: ClusterClient) -> None:
    name = unique("dry")
    answer = await client.create(configmap(name, a="1"), dry_run=True)
    assert answer["metadata"]["name"] == name
    with pytest.raises(ResourceNotFound):
        await client.get("v1", "ConfigMap", name, namespace="default")
    await client.apply(configmap(name, a="1"), dry_run=True)
    with pytest.raises(ResourceNotFound):
        await client.get("v1", "ConfigMap", name, namespace="default")
    await client.create(configmap(name, a="1"))
    await client.delete("v1", "ConfigMap", name, namespace="default", dry_run=True)
    assert (await client.get("v1", "ConfigMap", name, namespace="default"))["data"] == {"a": "1"}


async def test_server_side_apply_conflict_and_force(client: ClusterClient) -> None:
    name = unique("ssa")
    first = await client.apply(configmap(name, a="1"))  # creates
    assert first["data"] == {"a": "1"}
    managers = {m["manager"] for m in first["metadata"]["managedFields"]}
    assert "ccseone" in managers
    second = await client.apply(configmap(name, a="2", b="x"))  # same manager: updates
    assert second["data"] == {"a": "2", "b": "x"}
    with pytest.raises(Conflict) as conflict:
        await client.apply(configmap(name, a="3"), field_manager="other-tool")
    assert conflict.value.status == 409
    assert "ccseone" in conflict.value.api_message  # names the manager that owns .data.a
    forced = await client.apply(configmap(name, a="3"), field_manager="other-tool", force=True)
    assert forced["data"]["a"] == "3"
    owners = {m["manager"]: m for m in forced["metadata"]["managedFields"]}
    assert "other-tool" in owners


async def test_delete_propagation(client: ClusterClient) -> None:
    name = unique("web")
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]},
            },
        },
    }
    await client.apply(deploy)
    # Orphan keeps the ReplicaSet the controller made.
    sel = f"app={name}"
    rs = await wait_for(
        client, "apps/v1", "ReplicaSet", bool, namespace="default", label_selector=sel
    )
    await client.delete("apps/v1", "Deployment", name, namespace="default", propagation="Orphan")
    left = await client.list("apps/v1", "ReplicaSet", namespace="default", label_selector=sel)
    assert [i["metadata"]["name"] for i in left["items"]] == [rs[0]["metadata"]["name"]]
    await wait_for(
        client, "v1", "Pod", lambda pods: len(pods) == 2, namespace="default", label_selector=sel
    )
    # Background: the ReplicaSet's pods are garbage collected after it goes.
    await client.delete(
        "apps/v1",
        "ReplicaSet",
        rs[0]["metadata"]["name"],
        namespace="default",
        propagation="Background",
    )
    await wait_for(
        client, "v1", "Pod", lambda pods: not pods, namespace="default", label_selector=sel
    )
