"""The fleet view's service: one kind across three sandbox clusters over real HTTP."""

from __future__ import annotations

import pytest

from ccseone_tui.domain.durations import age_seconds, human_duration
from ccseone_tui.domain.models import ClusterStatus
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services
from ccseone_tui.services.fleet.service import UnknownKind


def web(replicas: int = 2) -> dict[str, object]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web", "tier": "front"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
        },
    }


@pytest.fixture
async def east(services: Services, fleet: SandboxFleet) -> Services:
    """Instance ``east`` with the three clusters, the first one labelled production, and a
    two-replica Deployment ``web`` in each, its pods settled."""
    await services.instances.create("east", "cn-east-1")
    reqs = [AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None)
            for i, c in enumerate(fleet.clusters)]
    await services.clusters.associate("east", reqs)
    for cluster in await services.clusters.list():
        await (await services.clusters.client(cluster)).apply(web())
    await fleet.settle()
    return services


async def test_pods_across_three_clusters(east: Services, fleet: SandboxFleet) -> None:
    result = await east.fleet.get("pods", "east", namespace="default")
    names = [c.name for c in fleet.clusters]
    assert result.columns[:3] == ("CLUSTER", "NAMESPACE", "NAME")
    assert result.columns[3:] == ("READY", "STATUS", "RESTARTS", "AGE", "NODE")
    assert result.errors == {}
    assert set(result.timings) == set(names)
    assert [row[0] for row in result.rows] == [n for n in names for _ in range(2)]
    for row in result.rows:
        assert row[1] == "default" and row[2].startswith("web-")
        assert row[3] == "1/1" and row[4] == "Running" and row[5] == "0"
        assert age_seconds(row[6]) < 600 and row[7].startswith(row[0])
    assert result.production == frozenset({names[0]})
    assert result.as_dicts()[0]["cluster"] == names[0]


async def test_one_cluster_in_outage(east: Services, fleet: SandboxFleet) -> None:
    dead = fleet.clusters[2]
    await dead.set_outage(True)
    try:
        seen: list[str] = []
        async for answer in east.fleet.stream("deploy", "east"):
            seen.append(answer.cluster)
            assert (answer.error is None) == (answer.cluster != dead.name)
        assert sorted(seen) == sorted(c.name for c in fleet.clusters)
        result = await east.fleet.get("deploy", "east")
    finally:
        await dead.set_outage(False)
    assert list(result.errors) == [dead.name]
    assert "connect" in result.errors[dead.name].lower()  # the kube layer's cause, verbatim
    webs = [row for row in result.rows if row[2] == "web"]
    assert [row[0] for row in webs] == [c.name for c in fleet.clusters[:2]]
    assert webs[0][3:6] == ("2/2", "2", "2")


async def test_aliases_and_cluster_scoped_kinds(east: Services, fleet: SandboxFleet) -> None:
    nodes = await east.fleet.get("no", "east")
    assert nodes.kind == "nodes" and not nodes.namespaced
    assert len(nodes.rows) == 2 * len(fleet.clusters)
    row = dict(zip(nodes.keys, nodes.rows[0], strict=True))
    assert row["namespace"] == "" and row["status"] == "Ready"
    assert row["roles"] == "control-plane" and row["version"].startswith("v1.")
    assert row["edge"] == "no" and "kubernetes.io/os=linux" in row["labels"]
    namespaces = await east.fleet.get("ns", "east")
    per_cluster = {r[2] for r in namespaces.rows if r[0] == fleet.clusters[0].name}
    assert {"default", "kube-system"} <= per_cluster
    assert all(r[3] == "Active" for r in namespaces.rows)
    events = await east.fleet.get("ev", "east", namespace="default")
    assert events.kind == "events" and events.errors == {}
    assert any(r[6].startswith(("deployment/web", "pod/web", "replicaset/web"))
               for r in events.rows)
    for alias, kind in (("po", "pods"), ("Pods", "pods"), ("deployment", "deployments")):
        assert east.fleet.spec(alias).name == kind
    with pytest.raises(UnknownKind) as err:
        await east.fleet.get("secrets", "east")
    assert "po, deploy" in str(err.value)


async def test_label_selector(east: Services, fleet: SandboxFleet) -> None:
    result = await east.fleet.get("pods", "east", label_selector="app=web,tier=front")
    assert len(result.rows) == 2 * len(fleet.clusters)
    none = await east.fleet.get("pods", "east", label_selector="app=nothing")
    assert none.rows == [] and none.errors == {}


async def test_waiting_cluster_is_skipped(east: Services, fleet: SandboxFleet) -> None:
    cluster = (await east.clusters.list())[0]
    cluster.probe.status = ClusterStatus.WAITING
    await east.store.save_probe(cluster.id, cluster.probe)
    result = await east.fleet.get("pods", "east", namespace="default")
    assert result.skipped == [cluster.name]
    assert {r[0] for r in result.rows} == {c.name for c in fleet.clusters[1:]}


def test_kubectl_ages() -> None:
    cases = [(5, "5s"), (150, "2m30s"), (720, "12m"), (4 * 3600 + 600, "4h10m"),
             (30 * 3600, "30h"), (3 * 86400 + 7200, "3d2h"), (40 * 86400, "40d")]
    for seconds, text in cases:
        assert human_duration(seconds) == text
        assert age_seconds(text) == seconds
