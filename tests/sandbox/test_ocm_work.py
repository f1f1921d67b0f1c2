"""The emulated work agent over HTTP with the official client: a ManifestWork created on the
hub is applied to its member with conditions, per-manifest status and feedback; a new
version prunes what it dropped; delete honours the cleanup finalizer and deleteOption; an
object the member refuses is reported per manifest; a member in an outage leaves the work
pending; the hub refuses manifests over 500 KiB."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from ccseone_tui.sandbox import SandboxFleet

from .conftest import Raw
from .ocm_support import WAIT, condition, ocm_fleet, open_raw, until

WORKS = "/apis/work.open-cluster-management.io/v1/namespaces/sandbox-1/manifestworks"
AMW = "/apis/work.open-cluster-management.io/v1/appliedmanifestworks"
FINALIZER = "cluster.open-cluster-management.io/manifest-work-cleanup"


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    f = await ocm_fleet()
    try:
        await f.join("sandbox-1", accept=True)
        agent = await f.ocm.klusterlets["sandbox-1"].wait_agent()
        await agent.wait_for("Available")
        yield f
    finally:
        await f.stop()


@pytest.fixture
async def raws(fleet: SandboxFleet) -> AsyncIterator[tuple[Raw, Raw]]:
    hub_api, hub = await open_raw(fleet, "hub")
    member_api, member = await open_raw(fleet, "sandbox-1")
    try:
        yield hub, member
    finally:
        await hub_api.close()
        await member_api.close()


def deployment(name: str, ns: str = "demo") -> dict[str, Any]:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}


def work(name: str, manifests: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "work.open-cluster-management.io/v1", "kind": "ManifestWork",
            "metadata": {"name": name}, "spec": {"workload": {"manifests": manifests}, **spec}}


NS = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}}
CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "demo"},
      "data": {"a": "1"}}
FEEDBACK = [{"resourceIdentifier": {"group": "apps", "resource": "deployments",
                                    "name": "web", "namespace": "demo"},
             "feedbackRules": [{"type": "WellKnownStatus"},
                               {"type": "JSONPaths", "jsonPaths": [
                                   {"name": "observed", "path": ".status.observedGeneration"}]}]}]


async def gone(hub: Raw, name: str) -> None:
    """Watch the work until the hub removed it (the agent released its finalizer)."""
    async with asyncio.timeout(WAIT):
        _, listing, _ = await hub.call(
            "GET", WORKS, query=[("fieldSelector", f"metadata.name={name}")])
        if not listing["items"]:
            return
        resp = await hub.stream(WORKS, [("watch", "true"),
                                        ("fieldSelector", f"metadata.name={name}"),
                                        ("resourceVersion",
                                         listing["metadata"]["resourceVersion"])])
        try:
            async for line in resp.content:
                if line.strip() and json.loads(line)["type"] == "DELETED":
                    return
        finally:
            resp.release()


def current(obj: dict[str, Any]) -> bool:
    c = condition(obj, "Applied")
    return c.get("observedGeneration") == obj["metadata"].get("generation")


def available(obj: dict[str, Any]) -> bool:
    return current(obj) and condition(obj, "Available").get("status") == "True"


def feedback(obj: dict[str, Any], name: str) -> Any:
    for m in ((obj.get("status") or {}).get("resourceStatus") or {}).get("manifests") or []:
        for v in (m.get("statusFeedback") or {}).get("values") or []:
            if v["name"] == name:
                return next(x for k, x in v["fieldValue"].items() if k != "type")
    return None


async def test_work_is_applied_reported_pruned_and_cleaned_up(raws: tuple[Raw, Raw]) -> None:
    hub, member = raws
    status, _, _ = await hub.call("POST", WORKS, work("app", [NS, deployment("web"), CM],
                                                      manifestConfigs=FEEDBACK))
    assert status == 201
    done = await until(hub, WORKS, "app", lambda w: available(w)
                       and feedback(w, "ReadyReplicas") == 2)
    assert FINALIZER in done["metadata"]["finalizers"]
    manifests = done["status"]["resourceStatus"]["manifests"]
    assert [m["resourceMeta"]["kind"] for m in manifests] == ["Namespace", "Deployment",
                                                              "ConfigMap"]
    assert manifests[1]["resourceMeta"]["resource"] == "deployments"
    assert feedback(done, "Replicas") == 2 and feedback(done, "observed") == 1
    status, live, _ = await member.call("GET", "/apis/apps/v1/namespaces/demo/deployments/web")
    assert status == 200
    assert any(f["manager"] == "work-agent" for f in live["metadata"]["managedFields"])
    status, amws, _ = await member.call("GET", AMW)
    (amw,) = amws["items"]
    assert amw["spec"]["manifestWorkName"] == "app"
    assert len(amw["status"]["appliedResources"]) == 3

    # a new version without the ConfigMap: the agent prunes it
    status, _, _ = await hub.call("PATCH", f"{WORKS}/app", {"spec": {"workload": {
        "manifests": [NS, deployment("web")]}}}, content_type="application/merge-patch+json")
    assert status == 200
    await until(hub, WORKS, "app", lambda w: current(w) and w["metadata"]["generation"] == 2)
    status, _, _ = await member.call("GET", "/api/v1/namespaces/demo/configmaps/cfg")
    assert status == 404

    # drift: someone deletes the Deployment on the member; the agent puts it back
    await member.call("DELETE", "/apis/apps/v1/namespaces/demo/deployments/web")
    await until(member, "/apis/apps/v1/namespaces/demo/deployments", "web", lambda d: True)

    # delete: the finalizer holds the work until the agent removed the objects
    status, _, _ = await hub.call("DELETE", f"{WORKS}/app")
    assert status == 200
    await gone(hub, "app")
    status, ns, _ = await member.call("GET", "/api/v1/namespaces/demo")
    assert status == 404 or ns["metadata"].get("deletionTimestamp")
    status, amws, _ = await member.call("GET", AMW)
    assert amws["items"] == []


async def test_orphan_leaves_objects(raws: tuple[Raw, Raw]) -> None:
    hub, member = raws
    await hub.call("POST", WORKS, work("keep", [NS, CM],
                                       deleteOption={"propagationPolicy": "Orphan"}))
    await until(hub, WORKS, "keep", available)
    await hub.call("DELETE", f"{WORKS}/keep")
    await gone(hub, "keep")
    status, _, _ = await member.call("GET", "/api/v1/namespaces/demo/configmaps/cfg")
    assert status == 200


async def test_refused_object_is_reported_per_manifest(raws: tuple[Raw, Raw]) -> None:
    hub, _ = raws
    bad = {"apiVersion": "example.com/v1", "kind": "Widget",
           "metadata": {"name": "w", "namespace": "demo"}}
    await hub.call("POST", WORKS, work("bad", [NS, bad]))
    done = await until(hub, WORKS, "bad", lambda w: current(w)
                       and condition(w, "Applied").get("status") == "False")
    second = done["status"]["resourceStatus"]["manifests"][1]
    applied = next(c for c in second["conditions"] if c["type"] == "Applied")
    assert applied["status"] == "False" and "Widget" in applied["message"]
    assert condition(done, "Degraded")["status"] == "True"


async def test_member_outage_leaves_work_pending_until_it_returns(
        fleet: SandboxFleet, raws: tuple[Raw, Raw]) -> None:
    hub, _ = raws
    await fleet["sandbox-1"].set_outage(True)
    await hub.call("POST", WORKS, work("later", [NS, CM]))
    await fleet.ocm.klusterlets["sandbox-1"].agent.work_agent.settle()
    status, w, _ = await hub.call("GET", f"{WORKS}/later")
    assert status == 200 and not (w.get("status") or {}).get("conditions")
    await fleet["sandbox-1"].set_outage(False)
    await until(hub, WORKS, "later", available)


async def test_hub_refuses_manifests_over_500k(raws: tuple[Raw, Raw]) -> None:
    hub, _ = raws
    big = {**CM, "data": {"blob": "x" * (520 * 1024)}}
    status, body, _ = await hub.call("POST", WORKS, work("huge", [big]))
    assert status == 400
    assert "exceeds the 512000 limit" in body["message"]
