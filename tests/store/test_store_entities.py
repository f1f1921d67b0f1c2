"""Every entity goes in and comes back out equal."""

from __future__ import annotations

from types import SimpleNamespace

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import (
    App,
    ClusterProbe,
    ClusterSource,
    ClusterStatus,
    ControlInstance,
    Engine,
    FleetNamespace,
    InstanceStatus,
    MemberCluster,
    Revision,
    Task,
    TaskResult,
    TaskStatus,
    Template,
)
from ccseone_tui.store import Store


async def test_instance_roundtrip(store: Store) -> None:
    inst = ControlInstance(
        id="i-abc",
        name="hub-ocm",
        region="cn-north-1",
        engine=Engine.OCM,
        status=InstanceStatus.CREATING,
        deletion_protection=False,
        description="描述 with unicode",
        created_at=1700000000.5,
        hub_kubeconfig="/home/me/.kube/hub.yaml",
        hub_context="hub-admin",
    )
    await store.add_instance(inst)
    assert await store.get_instance("i-abc") == inst
    assert await store.get_instance("hub-ocm") == inst
    assert await store.get_instance("nope") is None
    inst.status = InstanceStatus.READY
    inst.name = "hub-renamed"
    await store.update_instance(inst)
    assert await store.get_instance("hub-renamed") == inst
    assert await store.list_instances() == [inst]
    await store.delete_instance("i-abc")
    assert await store.list_instances() == []
    await store.delete_instance("i-abc")  # absent: not an error


async def test_cluster_roundtrip_with_probe(store: Store, make: SimpleNamespace) -> None:
    await store.add_instance(make.instance())
    c = MemberCluster(
        id="c-1",
        name="prod-east",
        instance_id="i1",
        region="cn-east-1",
        source=ClusterSource.IDC,
        api_server="https://10.0.0.1:6443",
        labels={"env": "prod", "team": "sre"},
        deletion_protection=False,
        kubeconfig="/home/me/.kube/config",
        context="prod-east-admin",
        created_at=12.0,
        probe=ClusterProbe(
            status=ClusterStatus.READY,
            version="v1.30.2",
            nodes=5,
            nodes_ready=4,
            edge_nodes=1,
            latency_ms=12.5,
            last_seen=100.0,
            probed_at=101.0,
            error=None,
            version_checked_at=90.0,
        ),
    )
    await store.add_cluster(c)
    assert await store.get_cluster("c-1") == c
    assert await store.get_cluster("prod-east") == c
    assert c.status is ClusterStatus.READY


async def test_update_cluster_leaves_probe_alone(fleet: Store) -> None:
    probe = ClusterProbe(status=ClusterStatus.OFFLINE, probed_at=50.0, error="timeout")
    await fleet.save_probe("c1", probe)
    stale = await fleet.get_cluster("c1")
    assert stale is not None and stale.probe == probe
    fresh = ClusterProbe(status=ClusterStatus.READY, version="v1.31.0", nodes=3, probed_at=60.0,
                         version_checked_at=60.0)
    await fleet.save_probe("c1", fresh)
    stale.labels = {"env": "dev"}
    await fleet.update_cluster(stale)  # an edit from a copy holding the old probe
    got = await fleet.get_cluster("c1")
    assert got is not None and got.labels == {"env": "dev"} and got.probe == fresh


async def test_list_and_probe_200_clusters(store: Store, make: SimpleNamespace) -> None:
    await store.add_instance(make.instance("i1", "hub-a"))
    await store.add_instance(make.instance("i2", "hub-b"))
    async with store.transaction():
        for n in range(200):
            await store.add_cluster(make.cluster(f"c{n:03}", f"m-{n:03}", "i1" if n % 2 else "i2"))
    probes = {
        f"c{n:03}": ClusterProbe(ClusterStatus.READY, "v1.30.0", 3, 3, 1, 1.5 + n, 9.0, 9.0)
        for n in range(200)
    }
    probes["gone"] = ClusterProbe(ClusterStatus.OFFLINE)  # deleted meanwhile: skipped
    await store.save_probes(probes)
    everything = await store.list_clusters()
    assert [c.name for c in everything] == [f"m-{n:03}" for n in range(200)]
    assert all(c.probe == probes[c.id] for c in everything)
    assert len(await store.list_clusters("i1")) == 100
    await store.save_probes({})


async def test_namespace_roundtrip_and_sync_state(fleet: Store) -> None:
    ns = FleetNamespace(
        id="n1",
        instance_id="i1",
        name="payments",
        priority=100,
        selector={"env": "prod"},
        labels={"owner": "team-a"},
        cpu_limit="4",
        memory_limit="8Gi",
        created_at=7.0,
    )
    low = FleetNamespace(id="n2", instance_id="i1", name="aaa", priority=1)
    await fleet.add_namespace(low)
    await fleet.add_namespace(ns)
    assert await fleet.get_namespace("i1", "payments") == ns
    assert await fleet.get_namespace_by_id("n1") == ns
    assert await fleet.list_namespaces("i1") == [ns, low]  # priority first
    ns.cpu_limit = None
    await fleet.update_namespace(ns)
    assert await fleet.get_namespace("i1", "payments") == ns

    await fleet.set_sync_state("n1", "c1", "Synced")
    await fleet.set_sync_state("n1", "c2", "Missing", "not found")
    await fleet.set_sync_state("n1", "c2", "Drift", "quota differs")
    states = await fleet.sync_states("n1")
    assert {k: v[:2] for k, v in states.items()} == {
        "c1": ("Synced", ""),
        "c2": ("Drift", "quota differs"),
    }
    assert all(v[2] > 0 for v in states.values())


async def test_template_roundtrip(store: Store) -> None:
    t = Template(
        id="t9",
        name="redis",
        kind="git",
        source={"url": "https://git.example.com/charts.git", "ref": "main", "path": "redis"},
        description="cache",
        created_at=3.0,
    )
    await store.add_template(t)
    assert await store.get_template("t9") == t
    assert await store.get_template("redis") == t
    t.source["ref"] = "v2"
    await store.update_template(t)
    assert await store.list_templates() == [t]
    await store.delete_template("t9")
    assert await store.get_template("redis") is None


async def test_app_targets_revisions_roundtrip(fleet: Store) -> None:
    app = await fleet.get_app("i1", "web")
    assert app == App(id="a1", instance_id="i1", name="web", template_id="t1", created_at=4.0)
    assert await fleet.get_app_by_id("a1") == app
    assert await fleet.list_apps("i1") == [app] == await fleet.list_apps()

    await fleet.set_app_targets("a1", [("c2", "web"), ("c1", "web"), ("c1", "web")])
    assert await fleet.app_targets("a1") == [("c2", "web"), ("c1", "web")]
    await fleet.set_app_targets("a1", [("c1", "web-2")])
    assert await fleet.app_targets("a1") == [("c1", "web-2")]

    r1 = Revision("a1", 1, "1.0.0", "replicas: 1\n", "kind: Deployment\n", "first", "me", 5.0)
    r2 = Revision("a1", 2, "1.1.0", "replicas: 2\n", "kind: Deployment\n", "scale", "me", 6.0)
    async with fleet.transaction():
        await fleet.add_revision(r2)
        await fleet.add_revision(r1)
        app.current_revision = 2
        app.status = "Deployed"
        await fleet.update_app(app)
    assert await fleet.list_revisions("a1") == [r1, r2]
    assert await fleet.get_revision("a1", 2) == r2
    assert await fleet.get_revision("a1", 3) is None
    assert (await fleet.get_app("i1", "web")) == app

    await fleet.set_revision_results("a1", 2, {"member-1/web": ("Applied", "")})
    await fleet.set_revision_results("a1", 2, {"member-1/web": ("Failed", "quota exceeded")})
    assert await fleet.revision_results("a1", 2) == {"member-1/web": ("Failed", "quota exceeded")}


async def test_task_roundtrip_and_progress(store: Store) -> None:
    task = Task(
        id="task-1",
        kind="namespace.create",
        target="payments",
        instance_id="i1",
        status=TaskStatus.RUNNING,
        user="alice",
        created_at=10.0,
        results=[
            TaskResult("task-1", "member-1/payments", TaskStatus.RUNNING, "", 10.0),
            TaskResult("task-1", "member-2/payments"),
        ],
    )
    await store.add_task(task)
    assert await store.get_task("task-1") == task
    done = TaskResult("task-1", "member-2/payments", TaskStatus.FAILED, "403 Forbidden", 10.0, 11.0)
    await store.save_task_result(done)
    task.results[1] = done
    assert await store.get_task("task-1") == task

    task.status = TaskStatus.PARTIAL
    task.finished_at = 12.0
    task.results[0] = TaskResult(
        "task-1", "member-1/payments", TaskStatus.SUCCEEDED, "", 10.0, 11.5
    )
    await store.update_task(task)
    assert await store.get_task("task-1") == task
    assert await store.get_task("nope") is None


async def test_list_tasks_newest_first_and_filters(store: Store) -> None:
    def t(id: str, at: float, inst: str, *targets: str, target: str = "x") -> Task:
        return Task(
            id, "k", target, inst, created_at=at, results=[TaskResult(id, x) for x in targets]
        )

    await store.add_task(t("a", 1.0, "i1", "prod", "dev"))
    await store.add_task(t("b", 2.0, "i1", "prod/payments"))
    await store.add_task(t("c", 3.0, "i2", "prod-2", "prod-2/web"))
    await store.add_task(t("d", 4.0, "i2", target="prod"))  # acts on the cluster itself
    await store.add_task(t("e", 5.0, "i2", "PROD"))
    assert [x.id for x in await store.list_tasks()] == ["e", "d", "c", "b", "a"]
    assert [x.id for x in await store.list_tasks(limit=2)] == ["e", "d"]
    assert [x.id for x in await store.list_tasks("i1")] == ["b", "a"]
    assert [x.id for x in await store.list_tasks(cluster="prod")] == ["d", "b", "a"]
    assert [x.id for x in await store.list_tasks("i2", cluster="prod")] == ["d"]
    assert [x.id for x in await store.list_tasks(cluster="prod-2")] == ["c"]
    listed = await store.list_tasks()
    assert [r.target for r in listed[-1].results] == ["prod", "dev"]
    assert await store.prune_tasks(before=100.0) == 0  # none finished


async def test_journal_append_and_tail(store: Store) -> None:
    ids = []
    for n in range(5):
        entry = JournalEntry(
            id=0,
            instance_id="i1",
            at=float(n),
            user="bob",
            action="cluster.associate",
            target=f"m-{n}",
            result="Failed" if n == 3 else "Succeeded",
            duration_ms=12.5 if n else None,
            error="boom" if n == 3 else "",
            task_id="t1" if n == 2 else None,
        )
        ids.append(await store.add_journal(entry))
    await store.add_journal(JournalEntry(0, "other", 9.0, "bob", "a", "b", "c"))
    assert ids == sorted(ids) and len(set(ids)) == 5
    everything = await store.list_journal("i1")
    assert [e.target for e in everything] == [f"m-{n}" for n in range(5)]
    assert everything[3].error == "boom" and everything[2].task_id == "t1"
    assert everything[0].duration_ms is None and everything[1].duration_ms == 12.5
    # a tail: the newest lines, in order; then only what came after the last one seen
    assert [e.id for e in await store.list_journal("i1", limit=2)] == ids[3:]
    assert [e.id for e in await store.list_journal("i1", after_id=ids[1])] == ids[2:]
    assert await store.list_journal("i1", after_id=ids[-1]) == []
    assert await store.prune_journal(before=2.0) == 2
    assert len(await store.list_journal("i1")) == 3


async def test_instance_counts(fleet: Store) -> None:
    await fleet.add_namespace(FleetNamespace(id="n1", instance_id="i1", name="a"))
    assert await fleet.instance_counts("i1") == {"clusters": 2, "namespaces": 1, "apps": 1}
    assert await fleet.instance_counts("nope") == {"clusters": 0, "namespaces": 0, "apps": 0}
