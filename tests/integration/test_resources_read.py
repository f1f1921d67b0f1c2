"""The resource browser's read path (#11): any kind on every cluster, kubectl's columns
(server-side Table), live list+watch — against three sandbox clusters over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.sandbox.authn import Attributes, User, forbidden_for
from ccseone_tui.sandbox.server import SandboxCluster
from ccseone_tui.services import AssociateRequest, Services
from ccseone_tui.services.resources.model import ClusterDelta
from ccseone_tui.services.resources.service import UnknownKind

WIDGET_CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com", "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget",
                  "shortNames": ["wdg"]},
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object",
                                           "x-kubernetes-preserve-unknown-fields": True}},
            "additionalPrinterColumns": [
                {"name": "Color", "type": "string", "jsonPath": ".spec.color"},
                {"name": "Size", "type": "integer", "jsonPath": ".spec.size", "priority": 1},
                {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
            ],
        }],
    },
}


def web(replicas: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}},
        },
    }


def cm(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", "labels": {"t": "live"}},
            "data": data}


@pytest.fixture
async def east(services: Services, fleet: SandboxFleet) -> Services:
    """Instance ``east`` with the three clusters (the first production) and a
    two-replica Deployment ``web`` on each, its pods settled."""
    await services.instances.create("east", "cn-east-1")
    await services.clusters.associate("east", [
        AssociateRequest(context=c.name, labels={"env": "prod"} if i == 0 else None)
        for i, c in enumerate(fleet.clusters)])
    for cluster in await services.clusters.list():
        await (await services.clusters.client(cluster)).apply(web())
    await fleet.settle()
    return services


async def widgets_on(services: Services, names: list[str]) -> None:
    """The Widget CRD and one widget ``w-<cluster>`` on each cluster named."""
    for name in names:
        client = await services.resources.client(name, "east")
        await client.create(WIDGET_CRD)
        await client.create({"apiVersion": "example.com/v1", "kind": "Widget",
                             "metadata": {"name": f"w-{name}", "namespace": "default"},
                             "spec": {"color": "blue", "size": 3}})


def forbid_pods(cluster: SandboxCluster) -> None:
    """The kubeconfig's credential now maps to a user RBAC denies pods to."""
    old = cluster.token
    cluster.token = secrets.token_hex(16)
    cluster.authenticators.append(lambda token: User("viewer") if token == old else None)

    def authorize(user: User, attrs: Attributes) -> None:
        if attrs.resource == "pods":
            raise forbidden_for(user, attrs)

    cluster.authorizer = authorize


def reset_counts(fleet: SandboxFleet) -> None:
    for c in fleet.clusters:
        c.requests.clear()


def paths(cluster: SandboxCluster) -> list[str]:
    return [p.split("?")[0] for _, p in cluster.requests]


# ---- kinds ------------------------------------------------------------------------------------


async def test_kubectl_names_resolve_without_a_request(east: Services,
                                                       fleet: SandboxFleet) -> None:
    reset_counts(fleet)
    pods = {await east.resources.resolve(n, "east") for n in ("po", "pods", "pod", "Pod")}
    deploys = {await east.resources.resolve(n, "east")
               for n in ("deploy", "deployments", "Deployment", "deployments.apps",
                         "deploy.apps", "deployments.v1.apps")}
    assert [(i.api_version, i.plural) for i in pods] == [("v1", "pods")]
    assert [(i.api_version, i.plural) for i in deploys] == [("apps/v1", "deployments")]
    assert (await east.resources.resolve("svc", "east")).plural == "services"
    assert (await east.resources.resolve("ev", "east")).api_version == "v1"  # core first
    assert all(paths(c) == [] for c in fleet.clusters)  # built-ins: no discovery at all


async def test_a_crd_kind_by_short_name_kind_and_group(east: Services,
                                                       fleet: SandboxFleet) -> None:
    await widgets_on(east, [c.name for c in fleet.clusters[:2]])
    for name in ("wdg", "widgets", "widget", "Widget", "widgets.example.com"):
        info = await east.resources.resolve(name, "east")
        assert (info.group, info.plural, info.namespaced) == ("example.com", "widgets", True)
    names = await east.resources.kind_names("east")
    assert {"wdg", "widgets", "widgets.example.com", "po", "deploy"} <= set(names)
    assert names == sorted(names)


async def test_unknown_kind_suggests_close_names(east: Services) -> None:
    with pytest.raises(UnknownKind) as caught:
        await east.resources.resolve("deploymnts", "east")
    assert caught.value.suggestions[0] == "deployments"
    assert "deploymnts" in caught.value.message and "deployments" in (caught.value.fix or "")
    with pytest.raises(UnknownKind) as caught:
        await east.resources.get("nosuchkind", "east")
    assert "ccseone get --help" in (caught.value.fix or "")


async def test_an_unknown_kind_with_every_cluster_down_says_so(east: Services,
                                                                fleet: SandboxFleet) -> None:
    for c in fleet.clusters:
        await c.set_outage(True)
    try:
        with pytest.raises(UnknownKind) as caught:
            await east.resources.resolve("wdg", "east")
    finally:
        for c in fleet.clusters:
            await c.set_outage(False)
    assert "no cluster answered" in caught.value.message
    assert "clusters list --refresh" in (caught.value.fix or "")
    assert (await east.resources.resolve("po", "east")).plural == "pods"  # needs nobody


async def test_an_unknown_cluster_is_named(east: Services) -> None:
    with pytest.raises(ValidationError) as caught:
        await east.resources.get("pods", "east", clusters=["sandbox-1", "nowhere"])
    assert "nowhere" in str(caught.value)


# ---- get ------------------------------------------------------------------------------------


async def test_pods_on_every_cluster_as_kubectl_prints_them(east: Services,
                                                            fleet: SandboxFleet) -> None:
    table = await east.resources.get("po", "east", namespace="default")
    names = [c.name for c in fleet.clusters]
    assert table.columns == ("CLUSTER", "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS",
                             "AGE")
    assert table.errors == {} and table.missing == [] and table.clusters == names
    assert table.production == frozenset({names[0]})
    assert [r.cells[0] for r in table.rows] == [n for n in names for _ in range(2)]
    for row in table.rows:
        cluster, ns, name = row.key.split("/")
        assert row.cells[:3] == (cluster, ns, name) and ns == "default"
        assert row.cells[3:6] == ("1/1", "Running", "0")
        assert row.meta["labels"]["app"] == "web" and "managedFields" not in row.meta
        ref = table.ref(row)
        assert (ref.cluster, ref.namespace, ref.name, ref.info.plural) == (
            cluster, "default", name, "pods")
    assert [r.key for r in table.rows] == sorted(
        (r.key for r in table.rows), key=lambda k: (names.index(k.split("/")[0]), k))


async def test_wide_adds_the_priority_columns(east: Services, fleet: SandboxFleet) -> None:
    table = await east.resources.get("pods", "east", namespace="default", wide=True)
    assert table.columns[-4:] == ("IP", "NODE", "NOMINATED NODE", "READINESS GATES")
    for row in table.rows:
        ip, node, nominated, gates = row.cells[-4:]
        assert ip.count(".") == 3 and node.startswith(row.cells[0])
        assert (nominated, gates) == ("<none>", "<none>")
    nodes = await east.resources.get("no", "east")
    assert nodes.columns == ("CLUSTER", "NAME", "STATUS", "ROLES", "AGE", "VERSION")
    assert len(nodes.rows) == 2 * len(fleet.clusters) and nodes.rows[0].key.count("/") == 2


async def test_selectors_namespace_name_and_cluster_filters(east: Services,
                                                            fleet: SandboxFleet) -> None:
    one, two, _ = (c.name for c in fleet.clusters)
    by_label = await east.resources.get("pods", "east", label_selector="app=web")
    assert len(by_label.rows) == 6 and {r.cells[1] for r in by_label.rows} == {"default"}
    system = await east.resources.get("pods", "east", namespace="kube-system")
    assert system.rows and {r.cells[1] for r in system.rows} == {"kube-system"}
    running = await east.resources.get("pods", "east", field_selector="status.phase=Running")
    assert len(running.rows) == len((await east.resources.get("pods", "east")).rows)
    none = await east.resources.get("pods", "east", field_selector="status.phase=Failed")
    assert none.rows == [] and none.errors == {}
    pod = by_label.rows[0].key.split("/")[2]
    named = await east.resources.get("pods", "east", name=pod)  # any namespace
    assert [r.key for r in named.rows] == [f"{one}/default/{pod}"]
    exact = await east.resources.get("pods", "east", namespace="default", name=pod)
    assert [r.key for r in exact.rows] == [f"{one}/default/{pod}"] and exact.errors == {}
    some = await east.resources.get("deploy", "east", clusters=[two, one])
    assert some.clusters == [one, two]  # cache order whatever the order asked
    assert [r.cells[:3] for r in some.rows if r.cells[2] == "web"] == [
        (one, "default", "web"), (two, "default", "web")]
    ns = await east.resources.get("ns", "east", name="default")
    assert [r.key for r in ns.rows] == [f"{c.name}//default" for c in fleet.clusters]


async def test_a_crd_missing_on_one_cluster_is_not_an_error(east: Services,
                                                            fleet: SandboxFleet) -> None:
    one, two, three = (c.name for c in fleet.clusters)
    await widgets_on(east, [one, two])
    table = await east.resources.get("wdg", "east")
    assert table.missing == [three] and table.errors == {}
    assert table.columns == ("CLUSTER", "NAMESPACE", "NAME", "COLOR", "AGE")
    assert [r.cells[:4] for r in table.rows] == [
        (one, "default", f"w-{one}", "blue"), (two, "default", f"w-{two}", "blue")]
    wide = await east.resources.get("widgets.example.com", "east", wide=True)
    assert wide.columns[3:5] == ("COLOR", "SIZE") and wide.rows[0].cells[4] == "3"


async def test_forbidden_on_one_cluster_is_its_own_entry(east: Services,
                                                         fleet: SandboxFleet) -> None:
    three = fleet.clusters[2]
    forbid_pods(three)
    table = await east.resources.get("pods", "east", namespace="default")
    assert list(table.errors) == [three.name]
    assert table.errors[three.name].startswith('pods is forbidden: User "viewer" cannot list')
    assert {r.cells[0] for r in table.rows} == {c.name for c in fleet.clusters[:2]}
    deploys = await east.resources.get("deploy", "east")  # other kinds still served
    assert deploys.errors == {}


async def test_a_dead_cluster_fails_alone(east: Services, fleet: SandboxFleet) -> None:
    dead = fleet.clusters[1]
    await dead.set_outage(True)
    try:
        table = await east.resources.get("deploy", "east")
    finally:
        await dead.set_outage(False)
    assert list(table.errors) == [dead.name] and "connect" in table.errors[dead.name].lower()
    assert [r.cells[0] for r in table.rows if r.cells[2] == "web"] == [
        fleet.clusters[0].name, fleet.clusters[2].name]


async def test_a_built_in_kind_is_one_request_per_cluster(east: Services,
                                                          fleet: SandboxFleet) -> None:
    await east.resources.get("pods", "east")  # clients connected
    for kind, plural in (("pods", "pods"), ("deploy", "deployments"), ("no", "nodes")):
        reset_counts(fleet)
        table = await east.resources.get(kind, "east")
        assert table.errors == {} and table.rows
        for cluster in fleet.clusters:
            assert len(paths(cluster)) == 1 and paths(cluster)[0].endswith(f"/{plural}")
    await widgets_on(east, [c.name for c in fleet.clusters])
    await east.resources.get("wdg", "east")
    reset_counts(fleet)
    await east.resources.get("wdg", "east")  # a CRD on a warm discovery: one request too
    assert [len(paths(c)) for c in fleet.clusters] == [1, 1, 1]


async def test_table_paging_follows_continue(east: Services, fleet: SandboxFleet) -> None:
    from ccseone_tui.services.resources import service as svc

    client = await east.resources.client(fleet.clusters[0].name, "east")
    for i in range(7):
        await client.create(cm(f"page-{i}"))
    old, svc.PAGE_SIZE = svc.PAGE_SIZE, 3
    try:
        reset_counts(fleet)
        table = await east.resources.get("cm", "east", clusters=[fleet.clusters[0].name],
                                         label_selector="t=live")
    finally:
        svc.PAGE_SIZE = old
    assert [r.cells[2] for r in table.rows] == [f"page-{i}" for i in range(7)]
    assert len(paths(fleet.clusters[0])) == 3  # 3 + 3 + 1


# ---- watch ----------------------------------------------------------------------------------


class Deltas:
    """Reads a watch iterator until a delta matches, with a deadline (no sleeps)."""

    def __init__(self, it: AsyncIterator[ClusterDelta]) -> None:
        self.it = it
        self.seen: list[ClusterDelta] = []

    async def until(self, pred: Callable[[ClusterDelta], bool],
                    timeout: float = 15.0) -> ClusterDelta:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                delta = await anext(self.it)
                self.seen.append(delta)
                if pred(delta):
                    return delta

    async def first_of_each(self, names: list[str]) -> dict[str, ClusterDelta]:
        got: dict[str, ClusterDelta] = {}
        while set(got) != set(names):
            delta = await self.until(lambda d: d.cluster not in got)
            got[delta.cluster] = delta
        return got


@contextlib.asynccontextmanager
async def watching(services: Services, kind: str, **kw: Any) -> AsyncIterator[Deltas]:
    it = services.resources.watch(kind, "east", **kw)
    try:
        yield Deltas(it)
    finally:
        await it.aclose()  # type: ignore[attr-defined]
    left = [t for t in asyncio.all_tasks() if t.get_name().startswith("resources-watch:")]
    assert left == []  # closing the iterator cancelled every cluster's task


def upserted(cluster: str, name: str) -> Callable[[ClusterDelta], bool]:
    return lambda d: d.cluster == cluster and any(
        r.key == f"{cluster}/default/{name}" for r in d.upserts)


async def test_watch_add_modify_delete(east: Services, fleet: SandboxFleet) -> None:
    names = [c.name for c in fleet.clusters]
    async with watching(east, "cm", namespace="default", label_selector="t=live") as w:
        first = await w.first_of_each(names)
        for delta in first.values():
            assert delta.reset and delta.upserts == [] and delta.error is None
            assert delta.columns == ("CLUSTER", "NAMESPACE", "NAME", "DATA", "AGE")
        client = await east.resources.client(names[1], "east")
        await client.create(cm("live-1", a="1"))
        added = await w.until(upserted(names[1], "live-1"))
        assert added.upserts[-1].cells[:4] == (names[1], "default", "live-1", "1")
        await client.merge_patch("v1", "ConfigMap", "live-1", {"data": {"b": "2"}},
                                 namespace="default")
        modified = await w.until(upserted(names[1], "live-1"))
        assert modified.upserts[-1].cells[3] == "2" and not modified.reset
        await client.delete("v1", "ConfigMap", "live-1", namespace="default")
        gone = await w.until(lambda d: d.cluster == names[1] and bool(d.deleted))
        assert gone.deleted == [f"{names[1]}/default/live-1"]


async def test_watch_410_relists_as_a_reset(east: Services, fleet: SandboxFleet) -> None:
    one = fleet.clusters[0]
    async with watching(east, "cm", namespace="default", label_selector="t=live") as w:
        await w.first_of_each([c.name for c in fleet.clusters])
        client = await east.resources.client(one.name, "east")
        await client.create(cm("before"))
        await w.until(upserted(one.name, "before"))
        one.faults.drop_streams()
        await client.create(cm("during"))
        one.state.compact()  # the watch's resourceVersion is gone: 410, relist
        reset = await w.until(lambda d: d.cluster == one.name and d.reset)
        assert [r.cells[2] for r in reset.upserts] == ["before", "during"]
        assert reset.columns and reset.columns[3] == "DATA"


async def test_watch_a_dead_cluster_is_a_gap_that_heals(east: Services,
                                                        fleet: SandboxFleet) -> None:
    dead = fleet.clusters[2]
    async with watching(east, "cm", namespace="default", label_selector="t=live") as w:
        await w.first_of_each([c.name for c in fleet.clusters])
        await dead.set_outage(True)
        gap = await w.until(lambda d: d.cluster == dead.name and d.error is not None)
        assert gap.upserts == [] and not gap.reset
        await dead.set_outage(False)
        healed = await w.until(lambda d: d.cluster == dead.name and d.error is None)
        assert healed.error is None
        client = await east.resources.client(dead.name, "east")
        await client.create(cm("back"))
        await w.until(upserted(dead.name, "back"))


async def test_watch_a_cluster_cut_off_silently_becomes_a_gap(east: Services,
                                                               fleet: SandboxFleet) -> None:
    """No reset, no refusal: the stream just goes quiet. Without bookmarks for the idle
    time the watch reopens; that request gets no answer within the read timeout: a gap."""
    cut = fleet.clusters[1]
    for c in fleet.clusters:
        c.bookmark_interval = 0.2  # what keeps a healthy quiet stream from looking idle
    east.resources.watch_idle = 1.0
    try:
        async with watching(east, "cm", namespace="default", label_selector="t=live") as w:
            await w.first_of_each([c.name for c in fleet.clusters])
            cut.set_partition(True)
            gap = await w.until(lambda d: d.cluster == cut.name and d.error is not None)
            assert "timeout" in gap.error.lower() or "no answer" in gap.error.lower()
            assert all(d.error is None for d in w.seen if d.cluster != cut.name)
            cut.set_partition(False)
            await w.until(lambda d: d.cluster == cut.name and d.error is None)
            client = await east.resources.client(cut.name, "east")
            await client.create(cm("after-cut"))
            await w.until(upserted(cut.name, "after-cut"))
    finally:
        cut.set_partition(False)


async def test_watch_starting_on_a_dead_cluster(east: Services, fleet: SandboxFleet) -> None:
    dead = fleet.clusters[0]
    await dead.set_outage(True)
    try:
        async with watching(east, "deploy") as w:
            first = await w.first_of_each([c.name for c in fleet.clusters])
            assert first[dead.name].error and "connect" in first[dead.name].error.lower()
            assert all(first[c.name].reset for c in fleet.clusters[1:])
            await dead.set_outage(False)
            healed = await w.until(lambda d: d.cluster == dead.name and d.reset)
            assert "web" in {r.cells[2] for r in healed.upserts}
            assert healed.columns == first[fleet.clusters[1].name].columns
    finally:
        await dead.set_outage(False)


async def test_watch_forbidden_and_missing_clusters(east: Services,
                                                    fleet: SandboxFleet) -> None:
    one, two, three = fleet.clusters
    await widgets_on(east, [one.name, two.name])
    async with watching(east, "wdg", wide=True) as w:
        first = await w.first_of_each([one.name, two.name, three.name])
        assert first[three.name].missing
        assert first[one.name].reset and first[one.name].columns == (
            "CLUSTER", "NAMESPACE", "NAME", "COLOR", "SIZE", "AGE")
    forbid_pods(three)
    async with watching(east, "pods", namespace="default") as w:
        first = await w.first_of_each([one.name, two.name, three.name])
        assert "forbidden" in (first[three.name].error or "")
        assert len(first[one.name].upserts) == 2


async def test_a_bad_selector_is_said_once_per_cluster(east: Services,
                                                       fleet: SandboxFleet) -> None:
    table = await east.resources.get("pods", "east", label_selector="app in (web")
    assert set(table.errors) == {c.name for c in fleet.clusters} and table.rows == []
    async with watching(east, "pods", label_selector="app in (web") as w:
        first = await w.first_of_each([c.name for c in fleet.clusters])
        assert all(d.error for d in first.values())
        # nothing retries a request the servers refused as malformed
        left = [t for t in asyncio.all_tasks() if t.get_name().startswith("resources-watch:")]
        await asyncio.gather(*left)
