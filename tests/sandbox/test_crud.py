"""Create, read, update, patch, delete; errors as Status bodies; selectors; pagination."""

from __future__ import annotations

from typing import Any

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw

NS = "/api/v1/namespaces"


def cm(name: str, labels: dict[str, str] | None = None, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels or {}}, "data": data}


async def make_ns(raw: Raw, name: str) -> dict[str, Any]:
    status, body, _ = await raw.call("POST", NS, {"metadata": {"name": name}})
    assert status == 201, body
    return body


async def test_namespace_and_configmap_lifecycle(raw: Raw) -> None:
    ns = await make_ns(raw, "team-a")
    assert ns["status"]["phase"] == "Active"
    assert ns["spec"]["finalizers"] == ["kubernetes"]
    assert ns["metadata"]["uid"] and ns["metadata"]["creationTimestamp"]

    status, created, _ = await raw.call("POST", f"{NS}/team-a/configmaps", cm("c1", k="v"),
                                        query=[("fieldManager", "tester")])
    assert status == 201
    rv1 = int(created["metadata"]["resourceVersion"])
    assert created["metadata"]["managedFields"][0]["manager"] == "tester"

    status, body, _ = await raw.call("POST", f"{NS}/team-a/configmaps", cm("c1"))
    assert (status, body["reason"]) == (409, "AlreadyExists")
    assert body["message"] == 'configmaps "c1" already exists'
    assert body["details"] == {"name": "c1", "kind": "configmaps"}

    got = await raw.get(f"{NS}/team-a/configmaps/c1")
    got["data"]["k"] = "v2"
    status, updated, _ = await raw.call("PUT", f"{NS}/team-a/configmaps/c1", got)
    assert status == 200 and int(updated["metadata"]["resourceVersion"]) > rv1

    # A PUT with the stale resourceVersion is refused.
    got["data"]["k"] = "v3"
    status, body, _ = await raw.call("PUT", f"{NS}/team-a/configmaps/c1", got)
    assert (status, body["reason"]) == (409, "Conflict")
    assert "the object has been modified" in body["message"]

    status, patched, _ = await raw.call(
        "PATCH", f"{NS}/team-a/configmaps/c1", {"data": {"x": "1", "k": None}},
        content_type="application/merge-patch+json")
    assert status == 200 and patched["data"] == {"x": "1"}
    status, patched, _ = await raw.call(
        "PATCH", f"{NS}/team-a/configmaps/c1", [{"op": "add", "path": "/data/y", "value": "2"}],
        content_type="application/json-patch+json")
    assert status == 200 and patched["data"] == {"x": "1", "y": "2"}

    status, body, _ = await raw.call("DELETE", f"{NS}/team-a/configmaps/c1")
    assert status == 200 and body["status"] == "Success"
    status, body, _ = await raw.call("GET", f"{NS}/team-a/configmaps/c1")
    assert (status, body["reason"], body["message"]) == (
        404, "NotFound", 'configmaps "c1" not found')


async def test_validation_and_namespace_errors(raw: Raw) -> None:
    status, body, _ = await raw.call("POST", NS, {"metadata": {"name": "Bad_Name"}})
    assert (status, body["reason"]) == (422, "Invalid")
    assert body["message"].startswith('Namespace "Bad_Name" is invalid: metadata.name')
    assert body["details"]["causes"][0]["field"] == "metadata.name"

    status, body, _ = await raw.call("POST", NS, {"metadata": {}})
    assert (status, body["reason"]) == (422, "Invalid")

    status, body, _ = await raw.call("POST", f"{NS}/missing/configmaps", cm("c"))
    assert (status, body["message"]) == (404, 'namespaces "missing" not found')

    status, body, _ = await raw.call("POST", "/apis/apps/v1/namespaces/default/deployments", {
        "metadata": {"name": "d"},
        "spec": {"selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "c"}},
                              "spec": {"containers": [{"name": "c", "image": "i"}]}}}})
    assert status == 422 and "`selector` does not match template `labels`" in body["message"]


async def test_dry_run_changes_nothing(raw: Raw, fleet: SandboxFleet) -> None:
    before = fleet.clusters[0].state.resource_version
    status, body, _ = await raw.call("POST", NS, {"metadata": {"name": "dry"}},
                                     query=[("dryRun", "All")])
    assert status == 201 and body["metadata"]["name"] == "dry"
    assert fleet.clusters[0].state.resource_version == before
    status, _, _ = await raw.call("GET", f"{NS}/dry")
    assert status == 404


async def test_label_and_field_selectors(raw: Raw) -> None:
    await make_ns(raw, "sel")
    for name, labels in [("a", {"tier": "web", "env": "prod"}), ("b", {"tier": "db"}),
                         ("c", {"tier": "web", "env": "dev"})]:
        status, _, _ = await raw.call("POST", f"{NS}/sel/configmaps", cm(name, labels))
        assert status == 201

    async def names(**q: str) -> list[str]:
        data = await raw.get(f"{NS}/sel/configmaps", query=list(q.items()))
        return [i["metadata"]["name"] for i in data["items"]]

    assert await names(labelSelector="tier=web") == ["a", "c"]
    assert await names(labelSelector="tier==web,env!=prod") == ["c"]
    assert await names(labelSelector="env in (prod,dev)") == ["a", "c"]
    assert await names(labelSelector="tier notin (web)") == ["b"]
    assert await names(labelSelector="env") == ["a", "c"]
    assert await names(labelSelector="!env") == ["b"]
    assert await names(fieldSelector="metadata.name=b") == ["b"]
    assert await names(fieldSelector="metadata.name!=b") == ["a", "c"]
    status, body, _ = await raw.call("GET", f"{NS}/sel/configmaps",
                                     query=[("fieldSelector", "data.x=1")])
    assert (status, body["message"]) == (400, "field label not supported: data.x")

    pods = await raw.get("/api/v1/pods", query=[("fieldSelector", "status.phase=Running"),
                                                 ("labelSelector", "k8s-app=kube-proxy")])
    assert len(pods["items"]) == 3
    node = pods["items"][0]["spec"]["nodeName"]
    on_node = await raw.get("/api/v1/pods", query=[("fieldSelector", f"spec.nodeName={node}")])
    assert all(p["spec"]["nodeName"] == node for p in on_node["items"])


async def test_pagination_with_limit_and_continue(raw: Raw) -> None:
    await make_ns(raw, "page")
    for i in range(7):
        await raw.call("POST", f"{NS}/page/configmaps", cm(f"cm-{i}"))
    seen: list[str] = []
    token = ""
    while True:
        q = [("limit", 3)] + ([("continue", token)] if token else [])
        data = await raw.get(f"{NS}/page/configmaps", query=q)
        seen += [i["metadata"]["name"] for i in data["items"]]
        token = data["metadata"].get("continue", "")
        if not token:
            break
        assert data["metadata"]["remainingItemCount"] > 0
    assert seen == [f"cm-{i}" for i in range(7)]
    assert int(data["metadata"]["resourceVersion"]) > 0


async def test_table_for_kubectl_get(raw: Raw) -> None:
    table = await raw.get("/api/v1/namespaces/kube-system/pods",
                          accept="application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"] if not c["priority"]] == [
        "Name", "Ready", "Status", "Restarts", "Age"]
    # kubectl's -o wide columns: priority 1, as the real pod printer marks them
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"]] == [
        "IP", "Node", "Nominated Node", "Readiness Gates"]
    assert table["rows"][0]["cells"][1:3] == ["1/1", "Running"]
    assert table["rows"][0]["object"]["metadata"]["namespace"] == "kube-system"


async def test_node_labels_are_patchable(raw: Raw) -> None:
    status, node, _ = await raw.call(
        "PATCH", "/api/v1/nodes/sandbox-1-node-2",
        {"metadata": {"labels": {"ccseone-node-type": "edge"}}},
        content_type="application/merge-patch+json", query=[("fieldManager", "ccseone")])
    assert status == 200 and node["metadata"]["labels"]["ccseone-node-type"] == "edge"
    edge = await raw.get("/api/v1/nodes", query=[("labelSelector", "ccseone-node-type=edge")])
    assert [n["metadata"]["name"] for n in edge["items"]] == ["sandbox-1-node-2"]
    assert node["status"]["conditions"][-1]["type"] == "Ready"


async def test_secret_string_data_and_quota_status(raw: Raw) -> None:
    await make_ns(raw, "q")
    status, secret, _ = await raw.call("POST", f"{NS}/q/secrets", {
        "metadata": {"name": "s"}, "stringData": {"password": "hunter2"}})
    assert status == 201 and secret["data"] == {"password": "aHVudGVyMg=="}
    assert "stringData" not in secret and secret["type"] == "Opaque"
    status, quota, _ = await raw.call("POST", f"{NS}/q/resourcequotas", {
        "metadata": {"name": "quota"},
        "spec": {"hard": {"limits.cpu": "4", "limits.memory": "8Gi"}}})
    assert status == 201
    assert quota["status"] == {"hard": {"limits.cpu": "4", "limits.memory": "8Gi"},
                               "used": {"limits.cpu": "0", "limits.memory": "0"}}


async def test_cluster_scoped_and_rbac(raw: Raw) -> None:
    role = {"metadata": {"name": "reader"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
    status, _, _ = await raw.call("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", role)
    assert status == 201
    status, _, _ = await raw.call(
        "GET", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/clusterroles/reader")
    assert status == 404
    data = await raw.get("/apis/rbac.authorization.k8s.io/v1/clusterroles")
    assert [i["metadata"]["name"] for i in data["items"]] == ["reader"]


async def test_typed_client_round_trip(api_client: Any, fleet: SandboxFleet) -> None:
    from kubernetes.aio import client

    core = client.CoreV1Api(api_client)
    pod = client.V1Pod(metadata=client.V1ObjectMeta(name="typed"), spec=client.V1PodSpec(
        containers=[client.V1Container(name="c", image="nginx:1.27")]))
    created = await core.create_namespaced_pod("default", pod)
    assert created.status.phase == "Pending"
    await fleet.clusters[0].settle()
    running = await core.read_namespaced_pod("typed", "default")
    assert running.status.phase == "Running" and running.spec.node_name
    deleted = await core.delete_namespaced_pod("typed", "default")  # answers the V1Pod
    assert deleted.metadata.name == "typed"
