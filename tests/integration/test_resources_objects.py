"""Object actions of the resource browser (#11) against sandbox clusters over real HTTP:
describe, YAML, events, drill-down, containers, guarded delete/scale/restart and edit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ccseone_tui.domain.errors import (
    ConfirmationMismatch,
    ConfirmationRequired,
    ReadOnlyMode,
    ValidationError,
)
from ccseone_tui.kube.builtin import builtin
from ccseone_tui.kube.values import ResourceInfo
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.services.resources.objects import (
    EditConflict,
    EditImmutableField,
    EditParseError,
)

from .conftest import make_settings

DEPLOY = builtin("apps/v1", "Deployment")
RS = builtin("apps/v1", "ReplicaSet")
POD = builtin("v1", "Pod")
NODE = builtin("v1", "Node")
SECRET = builtin("v1", "Secret")
CRONJOB = builtin("batch/v1", "CronJob")


def info(of: ResourceInfo | None) -> ResourceInfo:
    assert of is not None
    return of


def web(replicas: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                                                  "ports": [{"containerPort": 80}]}]}},
        },
    }


@pytest.fixture
async def east(services: Services, fleet: SandboxFleet) -> Services:
    """Instance ``east`` with the three clusters, the first one production (env=prod), and
    a two-replica Deployment ``web`` in each, its pods settled."""
    await services.instances.create("east", "cn-east-1")
    reqs = [AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None,
                             deletion_protection=False)
            for i, c in enumerate(fleet.clusters)]
    await services.clusters.associate("east", reqs)
    for cluster in await services.clusters.list():
        await (await services.clusters.client(cluster)).apply(web())
    await fleet.settle()
    return services


def ref(cluster: str, kind: ResourceInfo | None, name: str,
        namespace: str | None = "default") -> ObjectRef:
    return ObjectRef(cluster, info(kind), namespace if info(kind).namespaced else None, name)


async def client_of(services: Services, cluster: str) -> Any:
    return await services.clusters.client(await services.clusters.get(cluster))


async def items(services: Services, cluster: str, path: str, **kw: Any) -> list[dict[str, Any]]:
    return (await (await client_of(services, cluster)).list_path(path, **kw))["items"]


async def pods_of_web(services: Services, cluster: str) -> list[dict[str, Any]]:
    return await items(services, cluster, "/api/v1/namespaces/default/pods",
                       label_selector="app=web")


def name_of(obj: dict[str, Any]) -> str:
    return obj["metadata"]["name"]


# ---- describe, events, YAML -----------------------------------------------------------------


async def test_describe_deployment(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    text = await east.objects.describe(ref(c, DEPLOY, "web"))
    lines = text.splitlines()
    assert lines[0].split() == ["Name:", "web"]
    assert lines[1].split() == ["Namespace:", "default"]
    # kubectl's tabwriter: every value of the top block starts in one column
    assert len({line.index("web") for line in lines[:1]} | {lines[1].index("default")}) == 1
    assert "Replicas:               2 desired | 2 updated | 2 total | 2 available | " \
           "0 unavailable" in lines
    assert any(line.startswith("StrategyType:") and "RollingUpdate" in line for line in lines)
    [rs] = await items(east, c, "/apis/apps/v1/namespaces/default/replicasets")
    assert f"NewReplicaSet:   {name_of(rs)} (2/2 replicas created)" in lines
    events = lines[lines.index("Events:"):]
    assert events[1].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert any("ScalingReplicaSet" in e and f"Scaled up replica set {name_of(rs)}" in e
               for e in events)


async def test_describe_pod_with_events(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    pod = (await pods_of_web(east, c))[0]
    text = await east.objects.describe(ref(c, POD, name_of(pod)))
    assert f"Node:             {pod['spec']['nodeName']}/" in text
    assert "Status:           Running" in text
    assert f"IP:               {pod['status']['podIP']}" in text
    assert "QoS Class:" in text and "BestEffort" in text
    assert "Controlled By:  ReplicaSet/web-" in text
    assert "    Image:          nginx:1.27" in text
    assert "    State:          Running" in text
    assert "    Restart Count:  0" in text
    assert "  Ready " in text and "PodScheduled" in text
    events = text[text.index("Events:"):]
    order = [events.index(reason) for reason in ("Scheduled", "Pulled", "Started")]
    assert order == sorted(order)  # oldest first, newest last, like kubectl
    assert "default-scheduler" in events and "kubelet" in events


async def test_describe_node_with_its_own_events(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[2].name
    client = await client_of(east, c)
    nodes = await items(east, c, "/api/v1/nodes")
    node, other = name_of(nodes[0]), name_of(nodes[1])
    for target, reason in ((node, "NodeNotReady"), (other, "Rebooted")):
        await client.create({  # node events live in "default", involvedObject without ns
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"generateName": f"{target}.", "namespace": "default"},
            "involvedObject": {"kind": "Node", "name": target, "apiVersion": "v1",
                               "uid": next(n["metadata"]["uid"] for n in nodes
                                           if name_of(n) == target)},
            "reason": reason, "message": f"Node {target} status is now: {reason}",
            "type": "Warning" if reason == "NodeNotReady" else "Normal",
            "source": {"component": "node-controller"},
            "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:10Z",
            "count": 3,
        })
    on_node = [p for p in await items(east, c, "/api/v1/pods",
                                      field_selector=f"spec.nodeName={node}")]
    text = await east.objects.describe(ref(c, NODE, node))
    assert text.splitlines()[0].split() == ["Name:", node]
    assert "Roles:" in text and "Capacity:" in text and "Allocatable:" in text
    assert "  InternalIP:" in text and "Kubelet Version:" in text
    assert f"Non-terminated Pods:          ({len(on_node)} in total)" in text
    assert "NodeNotReady" in text and "(x3)" in text and "node-controller" in text
    assert "Rebooted" not in text  # the other node's event
    [row] = await east.objects.events(ref(c, NODE, node))
    assert (row.type, row.reason, row.count, row.source) == (
        "Warning", "NodeNotReady", 3, "node-controller")
    assert row.last_seen is not None and row.age.endswith(("d", "h", "y"))


async def test_events_of_one_object(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    first, second = await pods_of_web(east, c)
    rows = await east.objects.events(ref(c, POD, name_of(first)))
    assert [r.reason for r in rows] == ["Scheduled", "Pulled", "Started"]
    assert all(name_of(second) not in r.message for r in rows)
    assert rows[0].source == "default-scheduler" and rows[0].type == "Normal"
    assert name_of(first) in rows[0].message
    seen = [r.last_seen for r in rows]
    assert None not in seen and seen == sorted(seen)  # type: ignore[type-var]
    # a deleted object's events are still found by name
    await (await client_of(east, c)).delete("v1", "Pod", name_of(first), namespace="default")
    assert [r.reason for r in await east.objects.events(ref(c, POD, name_of(first)))][:3] == \
        ["Scheduled", "Pulled", "Started"]


async def test_yaml_folds_managed_fields(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    target = ref(c, DEPLOY, "web")
    raw = await east.objects.get(target)
    entries = len(raw["metadata"]["managedFields"])
    text = await east.objects.yaml(target)
    noun = "entry" if entries == 1 else "entries"
    assert f"  # managedFields: {entries} {noun} folded" in text.splitlines()
    assert "manager:" not in text and "fieldsV1" not in text
    parsed = yaml.safe_load(text)
    expected = {**raw, "metadata": {k: v for k, v in raw["metadata"].items()
                                    if k != "managedFields"}}
    assert parsed == expected
    assert text.startswith("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n")
    full = await east.objects.yaml(target, managed_fields=True)
    assert yaml.safe_load(full) == raw and "folded" not in full


async def test_secret_values_masked_unless_revealed(east: Services,
                                                    fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    await (await client_of(east, c)).create({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "default"},
        "data": {"password": "aHVudGVyMg=="},  # hunter2
    })
    target = ref(c, SECRET, "db")
    masked = await east.objects.yaml(target)
    assert "aHVudGVyMg==" not in masked and "7 bytes" in masked
    assert "aHVudGVyMg==" in await east.objects.yaml(target, reveal=True)
    text = await east.objects.describe(target)
    assert "password:" in text and "7 bytes" in text and "aHVudGVyMg==" not in text


# ---- drill-down and containers --------------------------------------------------------------


async def test_drill_deployment_to_replicasets_to_pods(east: Services,
                                                       fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    deploy = await east.objects.get(ref(c, DEPLOY, "web"))
    drill = await east.objects.drill(ref(c, DEPLOY, "web"))
    assert drill is not None
    assert (drill.kind, drill.group, drill.cluster, drill.namespace) == (
        "replicasets", "apps", c, "default")
    assert drill.owner_uid == deploy["metadata"]["uid"] and "web" in drill.title
    found = await items(east, c, "/apis/apps/v1/namespaces/default/replicasets",
                        label_selector=drill.label_selector)
    mine = [r for r in found if any(o["uid"] == drill.owner_uid
                                    for o in r["metadata"].get("ownerReferences", []))]
    [rs] = mine
    to_pods = await east.objects.drill(ref(c, RS, name_of(rs)))
    assert to_pods is not None and to_pods.kind == "pods"
    assert to_pods.owner_uid == rs["metadata"]["uid"]
    pods = await items(east, c, "/api/v1/namespaces/default/pods",
                       label_selector=to_pods.label_selector)
    assert sorted(map(name_of, pods)) == sorted(map(name_of, await pods_of_web(east, c)))
    assert all(p["metadata"]["ownerReferences"][0]["uid"] == to_pods.owner_uid for p in pods)
    assert await east.objects.drill(ref(c, POD, name_of(pods[0]))) is None
    [info_] = await east.objects.containers(ref(c, POD, name_of(pods[0])))
    assert info_ == ("web", "nginx:1.27", "main", True, "Running", 0, False)


async def test_drill_node_to_its_pods(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[0].name
    node = name_of((await items(east, c, "/api/v1/nodes"))[1])
    drill = await east.objects.drill(ref(c, NODE, node))
    assert drill is not None
    assert (drill.kind, drill.namespace, drill.field_selector, drill.owner_uid) == (
        "pods", None, f"spec.nodeName={node}", None)
    pods = await items(east, c, "/api/v1/pods", field_selector=drill.field_selector)
    assert pods and all(p["spec"]["nodeName"] == node for p in pods)
    every = await items(east, c, "/api/v1/pods")
    assert len(pods) == sum(1 for p in every if p["spec"].get("nodeName") == node)


async def test_containers_report_a_crashed_container(east: Services,
                                                     fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    pod = (await pods_of_web(east, c))[0]
    status = {**pod["status"], "containerStatuses": [{
        **pod["status"]["containerStatuses"][0], "ready": False, "restartCount": 4,
        "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s"}},
        "lastState": {"terminated": {"exitCode": 1, "reason": "Error"}}}]}
    client = await client_of(east, c)
    await client.request("PATCH", f"/api/v1/namespaces/default/pods/{name_of(pod)}/status",
                         body={"status": status},
                         content_type="application/merge-patch+json")
    [info_] = await east.objects.containers(ref(c, POD, name_of(pod)))
    assert (info_.ready, info_.state, info_.restarts, info_.has_previous) == (
        False, "Waiting: CrashLoopBackOff", 4, True)
    text = await east.objects.describe(ref(c, POD, name_of(pod)))
    assert "    Last State:     Terminated" in text and "      Exit Code:    1" in text
    with pytest.raises(ValidationError):
        await east.objects.containers(ref(c, DEPLOY, "web"))


# ---- delete -------------------------------------------------------------------------------


async def test_delete_refused_when_read_only(east: Services, fleet: SandboxFleet,
                                             tmp_path: Path) -> None:
    c = fleet.clusters[1].name
    ro = await open_services(make_settings(tmp_path, fleet.kubeconfig_path, read_only=True),
                             user="tester")
    try:
        pod = name_of((await pods_of_web(east, c))[0])
        with pytest.raises(ReadOnlyMode):
            await ro.objects.delete([ref(c, POD, pod)])
        with pytest.raises(ReadOnlyMode):
            await ro.objects.scale(ref(c, DEPLOY, "web"), 1)
        with pytest.raises(ReadOnlyMode):
            await ro.objects.restart([ref(c, DEPLOY, "web")])
        with pytest.raises(ReadOnlyMode):
            await ro.objects.begin_edit(ref(c, DEPLOY, "web"))
        session = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
        plan = ro.objects.edit_diff(session, session.original_text.replace(
            "replicas: 2\n", "replicas: 1\n", 1))
        with pytest.raises(ReadOnlyMode):
            await ro.objects.apply_edit(plan)
        assert (await east.objects.get(ref(c, DEPLOY, "web")))["spec"]["replicas"] == 2
        assert pod in map(name_of, await pods_of_web(east, c))
    finally:
        await ro.close()


async def test_delete_on_production_needs_typed_names(east: Services,
                                                      fleet: SandboxFleet) -> None:
    prod, other = fleet.clusters[0].name, fleet.clusters[1].name
    refs = [ref(prod, DEPLOY, "web"), ref(other, DEPLOY, "web")]
    with pytest.raises(ConfirmationRequired) as required:
        await east.objects.delete(refs)
    assert required.value.params["expected"] == prod
    with pytest.raises(ConfirmationMismatch):
        await east.objects.delete(refs, confirm=other)
    for c in (prod, other):  # nothing was deleted by a refused call
        assert await east.objects.get(ref(c, DEPLOY, "web"))
    outcomes = await east.objects.delete(refs, confirm=prod)
    assert [(o.ref.cluster, o.ok) for o in outcomes] == [(prod, True), (other, True)]
    assert outcomes[0].message == 'deployment.apps "web" deleted'


async def test_delete_several_one_failing(east: Services, fleet: SandboxFleet) -> None:
    a, b = fleet.clusters[1].name, fleet.clusters[2].name
    pa = name_of((await pods_of_web(east, a))[0])
    pb = name_of((await pods_of_web(east, b))[0])
    refs = [ref(a, POD, pa), ref(b, POD, "no-such-pod"), ref(b, POD, pb)]
    outcomes = await east.objects.delete(refs)
    assert [o.ok for o in outcomes] == [True, False, True]
    assert [o.ref for o in outcomes] == refs
    assert outcomes[1].status == 404
    assert outcomes[1].message == 'pods "no-such-pod" not found'  # Kubernetes' own words
    assert pa not in map(name_of, await pods_of_web(east, a))
    assert pb not in map(name_of, await pods_of_web(east, b))


# ---- scale and restart ----------------------------------------------------------------------


async def test_scale(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    outcome = await east.objects.scale(ref(c, DEPLOY, "web"), 3)
    assert outcome.ok and outcome.message == 'deployment.apps "web" scaled to 3'
    await fleet.settle()
    assert (await east.objects.get(ref(c, DEPLOY, "web")))["spec"]["replicas"] == 3
    assert len(await pods_of_web(east, c)) == 3
    assert (await east.objects.scale(ref(c, DEPLOY, "web"), 0)).ok
    await fleet.settle()
    assert await pods_of_web(east, c) == []
    missing = await east.objects.scale(ref(c, DEPLOY, "gone"), 1)
    assert (missing.ok, missing.status) == (False, 404)
    assert 'deployments.apps "gone" not found' in missing.message


@pytest.mark.parametrize("bad", [-1, "3", 2.5, True, None])
async def test_scale_refuses_bad_replicas(east: Services, fleet: SandboxFleet,
                                          bad: Any) -> None:
    c = fleet.clusters[1].name
    with pytest.raises(ValidationError) as err:
        await east.objects.scale(ref(c, DEPLOY, "web"), bad)
    assert err.value.params["field"] == "replicas" and err.value.params["value"] == bad
    assert err.value.fix


async def test_scale_refuses_a_kind_without_replicas_and_guards_production(
        east: Services, fleet: SandboxFleet) -> None:
    prod = fleet.clusters[0].name
    pod = name_of((await pods_of_web(east, prod))[0])
    with pytest.raises(ValidationError) as err:
        await east.objects.scale(ref(prod, POD, pod), 1)
    assert err.value.params["field"] == "kind" and "Pod" in str(err.value)
    with pytest.raises(ConfirmationRequired):
        await east.objects.scale(ref(prod, DEPLOY, "web"), 1)
    assert (await east.objects.scale(ref(prod, DEPLOY, "web"), 1, confirm=prod)).ok


async def test_restart_rolls_a_new_replicaset(east: Services, fleet: SandboxFleet) -> None:
    a, b = fleet.clusters[1].name, fleet.clusters[2].name
    before = {c: {name_of(r) for r in await items(
        east, c, "/apis/apps/v1/namespaces/default/replicasets")} for c in (a, b)}
    outcomes = await east.objects.restart([ref(a, DEPLOY, "web"), ref(b, DEPLOY, "web")])
    assert [o.ok for o in outcomes] == [True, True]
    assert outcomes[0].message == 'deployment.apps "web" restarted'
    await fleet.settle()
    for c in (a, b):
        deploy = await east.objects.get(ref(c, DEPLOY, "web"))
        stamp = deploy["spec"]["template"]["metadata"]["annotations"][
            "kubectl.kubernetes.io/restartedAt"]
        assert stamp.endswith("Z") and "T" in stamp
        rss = await items(east, c, "/apis/apps/v1/namespaces/default/replicasets")
        new = [r for r in rss if name_of(r) not in before[c]]
        assert len(new) == 1 and new[0]["spec"]["replicas"] == 2
        pods = await pods_of_web(east, c)
        assert len(pods) == 2
        assert all(p["metadata"]["ownerReferences"][0]["name"] == name_of(new[0])
                   for p in pods)


async def test_restart_refuses_other_kinds_and_paused(east: Services,
                                                      fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    pod = name_of((await pods_of_web(east, c))[0])
    with pytest.raises(ValidationError) as err:
        await east.objects.restart([ref(c, DEPLOY, "web"), ref(c, POD, pod)])
    assert err.value.params["field"] == "kind"
    deploy = await east.objects.get(ref(c, DEPLOY, "web"))
    assert "annotations" not in deploy["spec"]["template"]["metadata"]  # nothing written
    await (await client_of(east, c)).merge_patch("apps/v1", "Deployment", "web",
                                                 {"spec": {"paused": True}},
                                                 namespace="default")
    [outcome] = await east.objects.restart([ref(c, DEPLOY, "web")])
    assert not outcome.ok and "paused" in outcome.message


# ---- edit ---------------------------------------------------------------------------------


async def test_edit_diff_and_apply(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    session = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
    assert "managedFields" not in session.original_text
    assert "status:" in session.original_text  # kubectl edit keeps status
    assert session.resource_version
    unchanged = east.objects.edit_diff(session, "# just a comment\n" + session.original_text)
    assert not unchanged.changed and unchanged.diff == ""
    edited = session.original_text.replace("image: nginx:1.27", "image: nginx:1.28")
    plan = east.objects.edit_diff(session, edited)
    assert plan.changed
    assert "-      - image: nginx:1.27" in plan.diff and "+      - image: nginx:1.28" in plan.diff
    body = plan.diff.splitlines()[2:]  # after the ---/+++ header
    assert [line[0] for line in body if line.startswith(("+", "-"))] == ["-", "+"]
    outcome = await east.objects.apply_edit(plan)
    assert outcome.ok and outcome.message == 'deployment.apps "web" edited'
    deploy = await east.objects.get(ref(c, DEPLOY, "web"))
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    managers = {e["manager"] for e in deploy["metadata"]["managedFields"]}
    assert "kubectl-edit" in managers  # the PUT kept the managedFields it was not given
    await fleet.settle()
    assert {p["spec"]["containers"][0]["image"] for p in await pods_of_web(east, c)} == {
        "nginx:1.28"}
    # an emptied text cancels, as kubectl
    assert not east.objects.edit_diff(session, "").changed


async def test_edit_parse_error_reopens_with_the_error(east: Services,
                                                       fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    session = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
    lines = session.original_text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("spec:"))
    broken = lines.copy()
    broken.insert(at + 1, "  replicas: [1, 2")
    text = "\n".join(broken) + "\n"
    with pytest.raises(EditParseError) as err:
        east.objects.edit_diff(session, text)
    assert err.value.line is not None and err.value.line >= at + 2
    assert err.value.column is not None
    reopened = east.objects.edit_reopen_text(text, err.value)
    head = reopened.splitlines()[0]
    assert head.startswith("#") and "not applied" in head
    assert str(err.value.line) in reopened.split("\n" + lines[0])[0]
    assert reopened.endswith(text)
    # reopened twice: one error block, not two
    again = east.objects.edit_reopen_text(reopened, err.value)
    assert again.count(head) == 1
    # fixed in the reopened text: the error block is ignored, the edit goes through
    fixed = reopened.replace("  replicas: [1, 2\n", "")
    fixed = fixed.replace("replicas: 2\n", "replicas: 4\n", 1)
    plan = east.objects.edit_diff(session, fixed)
    assert plan.changed and "+  replicas: 4" in plan.diff
    assert (await east.objects.get(ref(c, DEPLOY, "web")))["spec"]["replicas"] == 2
    with pytest.raises(EditParseError):
        east.objects.edit_diff(session, "- just\n- a list\n")


async def test_edit_refuses_identity_changes(east: Services, fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    session = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
    for old, new, field in (("name: web\n", "name: web2\n", "metadata.name"),
                            ("namespace: default\n", "namespace: kube-system\n",
                             "metadata.namespace"),
                            ("kind: Deployment\n", "kind: StatefulSet\n", "kind"),
                            ("apiVersion: apps/v1\n", "apiVersion: apps/v1beta1\n",
                             "apiVersion")):
        assert old in session.original_text
        with pytest.raises(EditImmutableField) as err:
            east.objects.edit_diff(session, session.original_text.replace(old, new, 1))
        assert err.value.params["field"] == field
        assert err.value.old == old.split(": ")[1].strip()


async def test_edit_conflict_is_reported_not_forced(east: Services,
                                                    fleet: SandboxFleet) -> None:
    c = fleet.clusters[1].name
    session = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
    plan = east.objects.edit_diff(session, session.original_text.replace(
        "replicas: 2\n", "replicas: 5\n", 1))
    # someone else changes the object meanwhile
    await (await client_of(east, c)).merge_patch("apps/v1", "Deployment", "web",
                                                 {"metadata": {"labels": {"team": "b"}}},
                                                 namespace="default")
    with pytest.raises(EditConflict) as err:
        await east.objects.apply_edit(plan)
    assert "reopen" in str(err.value) and err.value.ref == session.ref
    deploy = await east.objects.get(ref(c, DEPLOY, "web"))
    assert deploy["spec"]["replicas"] == 2 and deploy["metadata"]["labels"]["team"] == "b"
    # reopened on the current version, the same change goes through
    fresh = await east.objects.begin_edit(ref(c, DEPLOY, "web"))
    assert "team: b" in fresh.original_text
    plan = east.objects.edit_diff(fresh, fresh.original_text.replace(
        "replicas: 2\n", "replicas: 5\n", 1))
    assert (await east.objects.apply_edit(plan)).ok


async def test_edit_invalid_and_production(east: Services, fleet: SandboxFleet) -> None:
    prod = fleet.clusters[0].name
    session = await east.objects.begin_edit(ref(prod, DEPLOY, "web"))
    plan = east.objects.edit_diff(session, session.original_text.replace(
        "replicas: 2\n", "replicas: -3\n", 1))
    with pytest.raises(ConfirmationRequired):
        await east.objects.apply_edit(plan)
    outcome = await east.objects.apply_edit(plan, confirm=prod)
    assert not outcome.ok and outcome.status == 422
    assert "spec.replicas" in outcome.message  # the API server's words
    assert (await east.objects.get(ref(prod, DEPLOY, "web")))["spec"]["replicas"] == 2
