"""The emulated controllers and kubelet: workloads get Running, Ready pods and status."""

from __future__ import annotations

from typing import Any

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw, deployment

DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
PODS = "/api/v1/namespaces/default/pods"


async def pods(raw: Raw, selector: str, ns: str = "default") -> list[dict[str, Any]]:
    data = await raw.get(f"/api/v1/namespaces/{ns}/pods", query=[("labelSelector", selector)])
    return data["items"]


async def test_deployment_gets_running_ready_pods(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    status, _, _ = await raw.call("POST", DEPLOY, deployment("web", 3))
    assert status == 201
    await c.settle()
    d = await raw.get(f"{DEPLOY}/web")
    st = d["status"]
    assert (st["replicas"], st["readyReplicas"], st["availableReplicas"],
            st["updatedReplicas"], st["observedGeneration"]) == (3, 3, 3, 3, 1)
    assert {x["type"]: x["status"] for x in st["conditions"]} == {
        "Available": "True", "Progressing": "True"}
    items = await pods(raw, "app=web")
    assert len(items) == 3
    nodes = {p["spec"]["nodeName"] for p in items}
    assert len(nodes) == 3  # round-robin over the three nodes
    for p in items:
        assert p["status"]["phase"] == "Running"
        assert p["status"]["containerStatuses"][0]["ready"] is True
        assert p["status"]["containerStatuses"][0]["image"] == "nginx:1.27"
        owner = p["metadata"]["ownerReferences"][0]
        assert owner["kind"] == "ReplicaSet" and owner["controller"] is True
        assert p["metadata"]["name"].startswith(owner["name"] + "-")
    rs = await raw.get("/apis/apps/v1/namespaces/default/replicasets")
    assert [r["metadata"]["ownerReferences"][0]["name"] for r in rs["items"]] == ["web"]

    events = await raw.get("/api/v1/namespaces/default/events")
    reasons = {e["reason"] for e in events["items"]}
    assert {"ScalingReplicaSet", "SuccessfulCreate", "Scheduled", "Pulled", "Started"} <= reasons
    by_pod = await raw.get("/api/v1/namespaces/default/events", query=[
        ("fieldSelector", f"involvedObject.name={items[0]['metadata']['name']},reason=Started")])
    assert len(by_pod["items"]) == 1


async def test_scale_and_rollout(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    await raw.call("POST", DEPLOY, deployment("api", 2))
    await c.settle()
    status, scale, _ = await raw.call("PATCH", f"{DEPLOY}/api/scale", {"spec": {"replicas": 4}},
                                      content_type="application/merge-patch+json")
    assert status == 200 and scale["spec"]["replicas"] == 4 and scale["kind"] == "Scale"
    await c.settle()
    assert len(await pods(raw, "app=api")) == 4
    await raw.call("PATCH", f"{DEPLOY}/api", {"spec": {"replicas": 1}},
                   content_type="application/strategic-merge-patch+json")
    await c.settle()
    assert len(await pods(raw, "app=api")) == 1

    old_rs = {p["metadata"]["labels"]["pod-template-hash"] for p in await pods(raw, "app=api")}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web",
                                                            "image": "nginx:1.28"}]}}}}
    status, d, _ = await raw.call("PATCH", f"{DEPLOY}/api", patch,
                                  content_type="application/strategic-merge-patch+json")
    assert d["metadata"]["generation"] == 4
    await c.settle()
    now = await pods(raw, "app=api")
    assert len(now) == 1 and now[0]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert {p["metadata"]["labels"]["pod-template-hash"] for p in now}.isdisjoint(old_rs)
    d = await raw.get(f"{DEPLOY}/api")
    assert d["status"]["observedGeneration"] == 4 and d["status"]["updatedReplicas"] == 1
    rs = await raw.get("/apis/apps/v1/namespaces/default/replicasets",
                       query=[("labelSelector", "app=api")])
    assert sorted(r["spec"]["replicas"] for r in rs["items"]) == [0, 1]


async def test_deleting_a_deployment_cascades(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    await raw.call("POST", DEPLOY, deployment("gone", 2))
    await c.settle()
    status, _, _ = await raw.call("DELETE", f"{DEPLOY}/gone",
                                  {"propagationPolicy": "Background"})
    assert status == 200
    await c.settle()
    assert await pods(raw, "app=gone") == []
    rs = await raw.get("/apis/apps/v1/namespaces/default/replicasets",
                       query=[("labelSelector", "app=gone")])
    assert rs["items"] == []


async def test_foreground_and_orphan_deletion(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    await raw.call("POST", DEPLOY, deployment("fg", 1))
    await raw.call("POST", DEPLOY, deployment("orph", 1))
    await c.settle()
    status, body, _ = await raw.call("DELETE", f"{DEPLOY}/fg", {"propagationPolicy": "Foreground"})
    assert status == 200 and body["metadata"]["deletionTimestamp"]
    assert "foregroundDeletion" in body["metadata"]["finalizers"]
    await raw.call("DELETE", f"{DEPLOY}/orph", {"propagationPolicy": "Orphan"})
    await c.settle()
    assert (await raw.call("GET", f"{DEPLOY}/fg"))[0] == 404
    assert (await raw.call("GET", f"{DEPLOY}/orph"))[0] == 404
    assert await pods(raw, "app=fg") == []
    rs = await raw.get("/apis/apps/v1/namespaces/default/replicasets",
                       query=[("labelSelector", "app=orph")])
    assert len(rs["items"]) == 1 and "ownerReferences" not in rs["items"][0]["metadata"]


async def test_statefulset_daemonset_and_job(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    c.faults.job_duration_s = 0
    sts = deployment("db", 3)
    sts["kind"] = "StatefulSet"
    await raw.call("POST", "/apis/apps/v1/namespaces/default/statefulsets", sts)
    ds = deployment("agent")
    ds["kind"] = "DaemonSet"
    del ds["spec"]["replicas"]
    ds["spec"]["template"]["spec"]["nodeSelector"] = {"node-role.kubernetes.io/worker": ""}
    await raw.call("POST", "/apis/apps/v1/namespaces/default/daemonsets", ds)
    job = {"metadata": {"name": "once"}, "spec": {"template": {"spec": {
        "restartPolicy": "Never", "containers": [{"name": "main", "image": "busybox"}]}}}}
    await raw.call("POST", "/apis/batch/v1/namespaces/default/jobs", job)
    await c.settle()

    assert sorted(p["metadata"]["name"] for p in await pods(raw, "app=db")) == [
        "db-0", "db-1", "db-2"]
    agents = await pods(raw, "app=agent")
    assert sorted(p["spec"]["nodeName"] for p in agents) == [
        "sandbox-1-node-2", "sandbox-1-node-3"]
    d = await raw.get("/apis/apps/v1/namespaces/default/daemonsets/agent")
    assert (d["status"]["desiredNumberScheduled"], d["status"]["numberReady"]) == (2, 2)

    j = await raw.get("/apis/batch/v1/namespaces/default/jobs/once")
    assert j["status"]["succeeded"] == 1
    assert {x["type"] for x in j["status"]["conditions"]} == {"Complete", "SuccessCriteriaMet"}
    job_pods = await pods(raw, "job-name=once")
    assert [p["status"]["phase"] for p in job_pods] == ["Succeeded"]


async def test_unschedulable_and_broken_image(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    stuck = {"metadata": {"name": "stuck"}, "spec": {"nodeSelector": {"disk": "ssd"},
             "containers": [{"name": "c", "image": "nginx"}]}}
    broken = {"metadata": {"name": "broken"},
              "spec": {"containers": [{"name": "c", "image": "example/doesnotexist:1"}]}}
    await raw.call("POST", PODS, stuck)
    await raw.call("POST", PODS, broken)
    await c.settle()
    p = await raw.get(f"{PODS}/stuck")
    assert p["status"]["phase"] == "Pending"
    assert p["status"]["conditions"][0]["reason"] == "Unschedulable"
    b = await raw.get(f"{PODS}/broken")
    assert b["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ImagePullBackOff"
    # Labelling a node lets the pending pod schedule.
    await raw.call("PATCH", "/api/v1/nodes/sandbox-1-node-3",
                   {"metadata": {"labels": {"disk": "ssd"}}},
                   content_type="application/merge-patch+json")
    await c.settle()
    p = await raw.get(f"{PODS}/stuck")
    assert (p["status"]["phase"], p["spec"]["nodeName"]) == ("Running", "sandbox-1-node-3")


async def test_namespace_terminates_and_blocks_new_content(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    await raw.call("POST", "/api/v1/namespaces", {"metadata": {"name": "doomed"}})
    await raw.call("POST", "/apis/apps/v1/namespaces/doomed/deployments", deployment("w", 1))
    held = {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}, "data": {}}
    await raw.call("POST", "/api/v1/namespaces/doomed/configmaps", held)
    await c.settle()
    assert (await raw.get("/api/v1/namespaces/doomed/serviceaccounts"))["items"][0][
        "metadata"]["name"] == "default"

    status, ns, _ = await raw.call("DELETE", "/api/v1/namespaces/doomed")
    assert status == 200 and ns["status"]["phase"] == "Terminating"
    status, body, _ = await raw.call("POST", "/api/v1/namespaces/doomed/configmaps",
                                     {"metadata": {"name": "late"}})
    assert (status, body["reason"]) == (403, "Forbidden")
    assert "because it is being terminated" in body["message"]
    await c.settle()
    # The finalizer on the ConfigMap holds the namespace in Terminating.
    ns = await raw.get("/api/v1/namespaces/doomed")
    assert ns["status"]["phase"] == "Terminating"
    assert await pods(raw, "app=w", ns="doomed") == []
    cm = await raw.get("/api/v1/namespaces/doomed/configmaps/held")
    assert cm["metadata"]["deletionTimestamp"]
    await raw.call("PATCH", "/api/v1/namespaces/doomed/configmaps/held",
                   {"metadata": {"finalizers": None}},
                   content_type="application/merge-patch+json")
    await c.settle()
    assert (await raw.call("GET", "/api/v1/namespaces/doomed"))[0] == 404


async def test_namespace_finalize_subresource(raw: Raw, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0]
    await raw.call("POST", "/api/v1/namespaces",
                   {"metadata": {"name": "fin"}, "spec": {"finalizers": ["kubernetes", "x/y"]}})
    await raw.call("DELETE", "/api/v1/namespaces/fin")
    await c.settle()
    ns = await raw.get("/api/v1/namespaces/fin")
    assert ns["spec"]["finalizers"] == ["x/y"]
    status, _, _ = await raw.call("PUT", "/api/v1/namespaces/fin/finalize",
                                  {"metadata": {"name": "fin"}, "spec": {"finalizers": []}})
    assert status == 200
    assert (await raw.call("GET", "/api/v1/namespaces/fin"))[0] == 404


async def test_protected_namespaces(raw: Raw) -> None:
    status, body, _ = await raw.call("DELETE", "/api/v1/namespaces/kube-system")
    assert (status, body["reason"]) == (403, "Forbidden")


async def test_crd_makes_its_kind_served(raw: Raw, fleet: SandboxFleet) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                           "shortNames": ["wd"]},
                 "versions": [{"name": "v1", "served": True, "storage": True,
                               "schema": {"openAPIV3Schema": {"type": "object"}}}]},
    }
    status, created, _ = await raw.call(
        "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
    assert status == 201
    assert {x["type"] for x in created["status"]["conditions"]} >= {"Established"}
    groups = {g["name"] for g in (await raw.get("/apis"))["groups"]}
    assert "example.com" in groups
    res = await raw.get("/apis/example.com/v1")
    assert res["resources"][0]["shortNames"] == ["wd"]
    w = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"},
         "spec": {"size": 3}}
    status, obj, _ = await raw.call("POST", "/apis/example.com/v1/namespaces/default/widgets", w)
    assert status == 201 and obj["metadata"]["generation"] == 1
    data = await raw.get("/apis/example.com/v1/widgets")
    assert [i["metadata"]["name"] for i in data["items"]] == ["w1"]

    await raw.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                   "widgets.example.com")
    status, _, _ = await raw.call("GET", "/apis/example.com/v1/namespaces/default/widgets")
    assert status == 404
    assert "example.com" not in {g["name"] for g in (await raw.get("/apis"))["groups"]}
