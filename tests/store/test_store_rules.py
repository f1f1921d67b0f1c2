"""What SQL enforces: unique names, references and cascades, atomic writes, no
credentials."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from ccseone_tui.domain.errors import NameExists, NotFound
from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import (
    ClusterProbe,
    ClusterStatus,
    FleetNamespace,
    Revision,
    Task,
    TaskResult,
    TaskStatus,
)
from ccseone_tui.store import (
    AlreadyExists,
    CredentialRefused,
    InUse,
    MissingReference,
    NameTaken,
    RecordNotFound,
    Store,
    StoreError,
)

JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.eyJpc3MiOiJrdWJlcm5ldGVzIn0.c2lnbmF0dXJlLXBhcnQ"

# ---- uniqueness ----------------------------------------------------------------------------


async def test_instance_and_cluster_names_share_one_name_space(
    fleet: Store, make: SimpleNamespace
) -> None:
    with pytest.raises(NameTaken) as err:
        await fleet.add_instance(make.instance("i2", "hub-1"))  # instance vs instance
    assert isinstance(err.value, NameExists) and isinstance(err.value, StoreError)
    assert "hub-1" in str(err.value)
    with pytest.raises(NameTaken):
        await fleet.add_instance(make.instance("i2", "member-1"))  # instance vs cluster
    with pytest.raises(NameTaken):
        await fleet.add_cluster(make.cluster("c9", "member-1"))  # cluster vs cluster
    with pytest.raises(NameTaken):
        await fleet.add_cluster(make.cluster("c9", "hub-1"))  # cluster vs instance
    # renames are checked the same way
    c2 = await fleet.get_cluster("c2")
    assert c2 is not None
    c2.name = "hub-1"
    with pytest.raises(NameTaken):
        await fleet.update_cluster(c2)
    inst = await fleet.get_instance("i1")
    assert inst is not None
    inst.name = "member-2"
    with pytest.raises(NameTaken):
        await fleet.update_instance(inst)
    # a duplicate id is not a name clash
    with pytest.raises(AlreadyExists) as dup:
        await fleet.add_instance(make.instance("i1", "brand-new"))
    assert not isinstance(dup.value, NameTaken)


async def test_names_unique_per_instance_or_globally(fleet: Store, make: SimpleNamespace) -> None:
    await fleet.add_instance(make.instance("i2", "hub-2"))
    await fleet.add_namespace(FleetNamespace(id="n1", instance_id="i1", name="payments"))
    await fleet.add_namespace(FleetNamespace(id="n2", instance_id="i2", name="payments"))
    with pytest.raises(AlreadyExists):
        await fleet.add_namespace(FleetNamespace(id="n3", instance_id="i1", name="payments"))
    await fleet.add_app(make.app("a2", "web", "i2"))  # same app name, other instance
    with pytest.raises(AlreadyExists):
        await fleet.add_app(make.app("a3", "web", "i1"))
    with pytest.raises(AlreadyExists):
        await fleet.add_template(make.template("t2", "nginx"))
    await fleet.add_revision(Revision("a1", 1))
    with pytest.raises(AlreadyExists):
        await fleet.add_revision(Revision("a1", 1))
    await fleet.add_task(Task("x", "k", "t"))
    with pytest.raises(AlreadyExists):
        await fleet.add_task(Task("x", "k", "t"))


async def test_missing_references_and_records(store: Store, make: SimpleNamespace) -> None:
    with pytest.raises(MissingReference):
        await store.add_cluster(make.cluster(instance_id="nope"))
    with pytest.raises(MissingReference):
        await store.add_namespace(FleetNamespace(id="n", instance_id="nope", name="x"))
    await store.add_instance(make.instance())
    with pytest.raises(MissingReference):
        await store.add_app(make.app(template_id="nope"))
    with pytest.raises(MissingReference):
        await store.save_task_result(TaskResult("nope", "member-1"))
    with pytest.raises(MissingReference):
        await store.set_sync_state("nope", "nope", "Synced")
    with pytest.raises(RecordNotFound) as err:
        await store.update_cluster(make.cluster("ghost", "ghost"))
    assert isinstance(err.value, NotFound) and "ghost" in str(err.value)
    with pytest.raises(RecordNotFound):
        await store.update_instance(make.instance("ghost", "ghost"))
    with pytest.raises(RecordNotFound):
        await store.update_template(make.template("ghost", "ghost"))
    # a probe for a cluster deleted meanwhile is skipped, not an error
    await store.save_probe("ghost", ClusterProbe(ClusterStatus.OFFLINE))


# ---- cascades and restrictions ------------------------------------------------------------


async def test_instance_with_clusters_cannot_be_deleted(fleet: Store) -> None:
    with pytest.raises(InUse):
        await fleet.delete_instance("i1")
    assert await fleet.get_instance("i1") is not None
    assert len(await fleet.list_clusters("i1")) == 2


async def test_deleting_an_instance_takes_its_namespaces_and_apps(fleet: Store) -> None:
    await fleet.add_namespace(FleetNamespace(id="n1", instance_id="i1", name="payments"))
    await fleet.add_revision(Revision("a1", 1))
    await fleet.add_journal(JournalEntry(0, "i1", 1.0, "me", "a", "b", "c"))
    await fleet.add_task(Task("t", "k", "x", "i1"))
    await fleet.delete_cluster("c1")
    await fleet.delete_cluster("c2")
    await fleet.delete_instance("i1")
    assert await fleet.list_namespaces("i1") == []
    assert await fleet.list_apps() == []
    assert await fleet.list_revisions("a1") == []
    # history outlives the instance
    assert len(await fleet.list_journal("i1")) == 1
    assert await fleet.get_task("t") is not None
    # the template stays, and is free to go now
    await fleet.delete_template("t1")


async def test_template_used_by_an_app_cannot_be_deleted(fleet: Store) -> None:
    with pytest.raises(InUse):
        await fleet.delete_template("t1")
    await fleet.delete_app("a1")
    await fleet.delete_template("t1")


async def test_deleting_a_cluster_drops_its_sync_states_and_targets(fleet: Store) -> None:
    await fleet.add_namespace(FleetNamespace(id="n1", instance_id="i1", name="payments"))
    await fleet.set_sync_state("n1", "c1", "Synced")
    await fleet.set_sync_state("n1", "c2", "Synced")
    await fleet.set_app_targets("a1", [("c1", "web"), ("c2", "web")])
    await fleet.delete_cluster("c1")
    assert set(await fleet.sync_states("n1")) == {"c2"}
    assert await fleet.app_targets("a1") == [("c2", "web")]
    await fleet.delete_namespace("n1")
    assert await fleet.sync_states("n1") == {}


async def test_deleting_an_app_drops_targets_revisions_results(fleet: Store) -> None:
    await fleet.set_app_targets("a1", [("c1", "web")])
    await fleet.add_revision(Revision("a1", 1))
    await fleet.set_revision_results("a1", 1, {"member-1/web": ("Applied", "")})
    await fleet.delete_app("a1")
    assert await fleet.app_targets("a1") == []
    assert await fleet.list_revisions("a1") == []
    assert await fleet.revision_results("a1", 1) == {}


async def test_pruning_a_task_drops_its_results(store: Store) -> None:
    done = Task("t", "k", "x", status=TaskStatus.SUCCEEDED, created_at=1.0, finished_at=2.0)
    done.results = [TaskResult("t", "member-1", TaskStatus.SUCCEEDED)]
    await store.add_task(done)
    assert await store.prune_tasks(before=5.0) == 1
    assert await store.get_task("t") is None
    assert await store._db.fetchall("SELECT * FROM task_results") == []


# ---- atomicity ----------------------------------------------------------------------------


async def test_transaction_rollback_leaves_nothing(store: Store, make: SimpleNamespace) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.add_instance(make.instance())
            await store.add_cluster(make.cluster())
            raise RuntimeError("crash half-way")
    assert await store.list_instances() == []
    assert await store.list_clusters() == []


async def test_failed_statement_rolls_back_the_whole_method(store: Store) -> None:
    # the second result belongs to another task: the task row must not stay behind alone
    bad = Task("t", "k", "x", results=[TaskResult("t", "a"), TaskResult("other", "b")])
    with pytest.raises(StoreError):
        await store.add_task(bad)
    assert await store.get_task("t") is None


async def test_nested_transaction_is_a_savepoint(store: Store, make: SimpleNamespace) -> None:
    async with store.transaction():
        await store.add_instance(make.instance())
        with pytest.raises(NameTaken):
            async with store.transaction():
                await store.add_cluster(make.cluster("c1", "member-1"))
                await store.add_cluster(make.cluster("c2", "member-1"))
        await store.add_cluster(make.cluster("c3", "member-3"))
    assert [c.name for c in await store.list_clusters()] == ["member-3"]
    assert await store.get_instance("i1") is not None


async def test_other_coroutines_never_see_a_half_done_transaction(
    store: Store, make: SimpleNamespace
) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with store.transaction():
            await store.add_instance(make.instance())
            inside.set()
            await release.wait()
            await store.add_cluster(make.cluster())

    task = asyncio.create_task(writer())
    await inside.wait()
    reader = asyncio.create_task(store.list_instances())
    other_write = asyncio.create_task(store.add_instance(make.instance("i2", "hub-2")))
    await asyncio.sleep(0.05)
    assert not reader.done() and not other_write.done()  # they wait for the transaction
    release.set()
    await task
    assert [i.id for i in await reader] == ["i1"]
    await other_write
    assert len(await store.list_instances()) == 2


async def test_cancelled_transaction_is_rolled_back(store: Store, make: SimpleNamespace) -> None:
    started = asyncio.Event()

    async def writer() -> None:
        async with store.transaction():
            await store.add_instance(make.instance())
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.list_instances() == []
    await store.add_instance(make.instance())  # the connection is usable again
    assert len(await store.list_instances()) == 1


async def test_concurrent_writes_all_land(store: Store, make: SimpleNamespace) -> None:
    await store.add_instance(make.instance())
    await asyncio.gather(
        *(store.add_cluster(make.cluster(f"c{n}", f"m-{n}")) for n in range(50)),
        *(store.add_journal(JournalEntry(0, "i1", n, "u", "a", "t", "r")) for n in range(50)),
    )
    assert len(await store.list_clusters()) == 50
    assert len(await store.list_journal("i1")) == 50


# ---- credentials --------------------------------------------------------------------------


async def test_credentials_are_refused_in_structured_fields(
    fleet: Store, make: SimpleNamespace
) -> None:
    with pytest.raises(CredentialRefused):
        await fleet.add_cluster(make.cluster("c9", "m-9", labels={"token": JWT}))
    with pytest.raises(CredentialRefused):
        await fleet.add_cluster(make.cluster("c9", "m-9", api_server="https://admin:pw@10.0.0.1"))
    with pytest.raises(CredentialRefused):
        await fleet.add_cluster(make.cluster("c9", "m-9", kubeconfig="apiVersion: v1\nusers: []"))
    with pytest.raises(CredentialRefused):
        await fleet.add_template(make.template("t9", "x", source={"repo": "r", "password": "pw"}))
    with pytest.raises(CredentialRefused):
        await fleet.add_template(
            make.template("t9", "x", source={"url": "https://u:secret@git.example.com/r.git"})
        )
    with pytest.raises(CredentialRefused):
        await fleet.add_instance(make.instance("i9", "h-9", hub_kubeconfig=f"token: {JWT}"))
    ns = FleetNamespace(id="n", instance_id="i1", name="x", selector={"a": f"Bearer {JWT}"})
    with pytest.raises(CredentialRefused):
        await fleet.add_namespace(ns)
    # ordinary values pass
    await fleet.add_template(
        make.template("t9", "ok", source={"url": "git@github.com:org/repo.git", "ref": "main"})
    )


async def test_credentials_in_free_text_are_masked(db_path: Path, make: SimpleNamespace) -> None:
    leak = f"401 Unauthorized: Authorization: Bearer {JWT}; token={JWT}"
    store = await Store.open(db_path)
    try:
        await store.add_instance(make.instance())
        await store.add_cluster(make.cluster())
        await store.save_probe("c1", ClusterProbe(ClusterStatus.UNAUTHORIZED, error=leak))
        await store.add_task(
            Task("t", "k", "x", results=[TaskResult("t", "member-1", message=leak)])
        )
        await store.add_journal(JournalEntry(0, "i1", 1.0, "u", "a", "t", "Failed", error=leak))
        await store.add_namespace(FleetNamespace(id="n1", instance_id="i1", name="p"))
        await store.set_sync_state("n1", "c1", "Failed", leak)
        c1 = await store.get_cluster("c1")
        assert c1 is not None and c1.probe.error is not None
        assert JWT not in c1.probe.error and "401 Unauthorized" in c1.probe.error
        task = await store.get_task("t")
        assert task is not None and JWT not in task.results[0].message
        assert JWT not in (await store.list_journal("i1"))[0].error
        assert JWT not in (await store.sync_states("n1"))["c1"][1]
    finally:
        await store.close()
    for f in db_path.parent.iterdir():
        assert JWT.encode() not in f.read_bytes(), f


def test_sqlite3_is_only_used_through_the_store() -> None:
    # the store's errors must not leak sqlite3 types to callers
    assert not issubclass(StoreError, sqlite3.Error)


async def test_task_started_inside_a_transaction_waits_after_it(
    store: Store, make: SimpleNamespace
) -> None:
    # a background task spawned inside a transaction inherits its context; once that
    # transaction is over it must take the lock again, not slip into someone else's
    spawned: list[asyncio.Task[None]] = []
    go = asyncio.Event()

    async def later() -> None:
        await go.wait()
        await store.add_instance(make.instance("i2", "hub-2"))

    async with store.transaction():
        await store.add_instance(make.instance())
        spawned.append(asyncio.create_task(later()))
    inside = asyncio.Event()
    release = asyncio.Event()

    async def other() -> None:
        async with store.transaction():
            inside.set()
            await release.wait()
            raise RuntimeError("rolled back")

    other_task = asyncio.create_task(other())
    await inside.wait()
    go.set()
    await asyncio.sleep(0.05)
    assert not spawned[0].done()  # waits for the other transaction
    release.set()
    with pytest.raises(RuntimeError):
        await other_task
    await spawned[0]
    assert {i.id for i in await store.list_instances()} == {"i1", "i2"}
