"""A namespace fan-out looks its engine up once and writes its results in batches (issue #13
item 4: a namespace create on 1,000 clusters).

Real services, a real SQLite cache and sandbox clusters over loopback HTTP. The statements
are read from SQLite's own trace of the app's connection. Another connection takes the write
lock as soon as the task is recorded and holds it until every live cluster has been written
to, so every result that lands meanwhile has to wait for the next batch.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

from ccseone_tui.domain.models import TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec, SyncState
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, open_services
from ccseone_tui.services.events import TaskChanged

from .conftest import make_settings

N = 24
RESULT = re.compile(r"INSERT INTO task_results .* VALUES \('([^']*)', '([^']*)', '([^']*)'")
STATE = re.compile(r"INSERT INTO namespace_sync .* SELECT '([^']*)', '([^']*)', '([^']*)'")


def batches(trace: list[tuple[str, str]]) -> list[tuple[dict[str, str], set[str], int]]:
    """({target: status} of the results, cluster ids of the sync states, index of the
    COMMIT) of each committed transaction that saved task results after the task's insert."""
    found: list[tuple[dict[str, str], set[str], int]] = []
    results: dict[str, str] | None = None
    states: set[str] = set()
    for i, (kind, text) in enumerate(trace):
        if kind != "sql":
            continue
        if text.startswith("BEGIN"):
            results, states = {}, set()
        elif text.startswith("INSERT INTO tasks "):
            results = None  # the task's own insert (its results all Pending): not a batch
        elif (m := RESULT.match(text)) and results is not None:
            results[m.group(2)] = m.group(3)
        elif m := STATE.match(text):
            assert results is not None, f"a sync state saved outside a batch: {text}"
            states.add(m.group(2))
        elif text == "COMMIT" and results:
            found.append((results, states, i))
            results = None
    return found


async def test_a_create_on_many_clusters_looks_up_once_and_saves_in_batches(
        tmp_path: Path) -> None:
    async with SandboxFleet(clusters=N, nodes=1, system_workloads=False) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [AssociateRequest(
                context=c.name, deletion_protection=False) for c in fleet.clusters])
            dead = fleet.clusters[7]
            await dead.set_outage(True)
            live = [c for c in fleet.clusters if c is not dead]
            ids = {c.name: c.id for c in await s.clusters.list()}
            names = {cid: name for name, cid in ids.items()}
            for c in live:
                c.requests.clear()

            trace: list[tuple[str, str]] = []  # SQL (the store's thread) and events, in order
            other = sqlite3.connect(s.store.path, isolation_level=None)
            held = False

            def on_event(event: object) -> None:
                nonlocal held
                if not isinstance(event, TaskChanged):
                    return
                trace.append(("event", event.task.status.value))
                if not held:  # the task is recorded: from now on its results must wait
                    other.execute("BEGIN IMMEDIATE")
                    held = True

            s.events.subscribe(on_event)
            await s.store._db.conn.set_trace_callback(lambda sql: trace.append(("sql", sql)))
            try:
                create = asyncio.ensure_future(s.namespaces.create("east", NamespaceSpec(
                    name="team-a", cpu_limit="2", memory_limit="4Gi")))
                async with asyncio.timeout(20):
                    while not all(any("resourcequotas" in path  # noqa: ASYNC110
                                      for _, path in c.requests) for c in live):
                        await asyncio.sleep(0.01)
                await asyncio.sleep(0.3)  # the last answers read and handed over
                assert held and not create.done()
            finally:
                if held:
                    other.execute("COMMIT")
                other.close()
            task = await create
            await s.store._db.conn.set_trace_callback(None)
            s.events.unsubscribe(on_event)

            sql = [text for kind, text in trace if kind == "sql"]
            # instance reads: a constant few (the instance by name, the engine of its shared
            # records, the fan-out's engine once), no longer 2 per cluster on top (48 here)
            lookups = [q for q in sql if "FROM instances" in q]
            assert len(lookups) <= 5, lookups
            saved = batches(trace)
            # one result transaction and one sync-state transaction per cluster before; now
            # the first result's batch (held by the lock) and one for all that landed since
            assert 1 <= len(saved) <= 2, [len(r) for r, _, _ in saved]
            written = [target for results, _, _ in saved for target in results]
            assert sorted(written) == sorted(ids)  # every cluster's result once, none lost
            for results, states, _ in saved:
                # a cluster's sync state commits with its result, never apart from it
                assert {names[cid] for cid in states} == set(results)
            # TaskChanged: the task recorded, one per batch after its COMMIT, the task's end
            events = [i for i, (kind, _) in enumerate(trace) if kind == "event"]
            assert len(events) == len(saved) + 2
            for (_, _, commit), event in zip(saved, events[1:-1], strict=True):
                assert event > commit
            assert trace[events[-1]][1] == TaskStatus.PARTIAL.value

            # the store says what happened on each cluster: the dead one failed alone
            stored = await s.tasks.get(task.id)
            assert stored is not None and stored.status is TaskStatus.PARTIAL
            by_target = {r.target: r for r in stored.results}
            assert len(stored.results) == N
            failed = by_target.pop(dead.name)
            assert failed.status is TaskStatus.FAILED
            assert "unreachable" in failed.message.lower() and failed.finished_at
            assert all(r.status is TaskStatus.SUCCEEDED for r in by_target.values())
            status = await s.namespaces.status("east", "team-a")
            states = {row.cluster.name: row.state for row in status.clusters}
            assert states.pop(dead.name) is SyncState.UNREACHABLE
            assert set(states.values()) == {SyncState.SYNCED}
            for c in live:  # really created there, with its quota
                client = await s.clusters.client(await s.clusters.get(c.name))
                assert (await client.get("v1", "Namespace", "team-a"))["metadata"]["name"]
            journal = await s.tasks.list_journal(stored.instance_id or "")
            assert [(e.action, e.result, e.task_id) for e in journal
                    if e.task_id == task.id] == [("namespace.create", "Partial", task.id)]
        finally:
            await s.close()


async def test_a_delete_and_a_check_write_their_states_in_one_go(tmp_path: Path) -> None:
    """The other fan-outs share the same path: a delete's results and states in batches, a
    check's states in one statement, each instance read once."""
    async with SandboxFleet(clusters=6, nodes=1, system_workloads=False) as fleet:
        s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
        try:
            await s.instances.create("east", "cn-east-1")
            await s.clusters.associate("east", [AssociateRequest(
                context=c.name, deletion_protection=False) for c in fleet.clusters])
            await s.namespaces.create("east", NamespaceSpec(name="team-b"))
            dead = fleet.clusters[2]
            await dead.set_outage(True)
            trace: list[str] = []
            await s.store._db.conn.set_trace_callback(trace.append)
            status = await s.namespaces.check("east", "team-b")
            await s.store._db.conn.set_trace_callback(None)
            assert len([q for q in trace if "FROM instances" in q]) <= 5
            assert len([q for q in trace if q.startswith("BEGIN")]) == 1  # the states, once
            assert len([q for q in trace if q.startswith("INSERT INTO namespace_sync")]) == 6
            states = {row.cluster.name: row.state for row in status.clusters}
            assert states.pop(dead.name) is SyncState.UNREACHABLE
            assert set(states.values()) == {SyncState.SYNCED}
            stored = await s.namespaces.status("east", "team-b")
            assert {r.cluster.name: r.state for r in stored.clusters} == {
                r.cluster.name: r.state for r in status.clusters}

            trace.clear()
            await s.store._db.conn.set_trace_callback(trace.append)
            task = await s.namespaces.delete("east", "team-b")
            await s.store._db.conn.set_trace_callback(None)
            assert len([q for q in trace if "FROM instances" in q]) <= 5
            results = [RESULT.match(q) for q in trace]
            targets = [m.group(2) for m in results if m and m.group(3) != "Pending"]
            assert sorted(targets) == sorted(c.name for c in fleet.clusters)  # once each
            by_target = {r.target: r for r in task.results}
            assert by_target.pop(dead.name).status is TaskStatus.FAILED
            assert {r.status for r in by_target.values()} == {TaskStatus.SUCCEEDED}
            # the dead cluster has not accepted the delete: the record stays, with states
            left = await s.namespaces.status("east", "team-b")
            states = {row.cluster.name: row.state for row in left.clusters}
            assert states.pop(dead.name) is SyncState.UNREACHABLE
            assert set(states.values()) == {SyncState.TERMINATING}
        finally:
            await s.close()
