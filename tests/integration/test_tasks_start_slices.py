"""A fan-out starts its actions a slice per loop turn (issue #13: keys answered within a
frame budget during fleet operations).

Each action builds and sends its first request before it first yields; 1,000 of them
started at once ran in one loop turn (~450 ms at 1,000 clusters: no frame, no key). The
runner starts ``START_SLICE`` per turn. Structural, no timings: a callback that re-schedules
itself with ``loop.call_soon`` runs once per loop turn, and counts what started since its
last run. Real services, a real SQLite cache, sandbox clusters over loopback HTTP.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from ccseone_tui.domain.models import MemberCluster, Task, TaskResult, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceSpec
from ccseone_tui.sandbox import SandboxFleet
from ccseone_tui.services import AssociateRequest, Services, open_services
from ccseone_tui.services.events import TaskChanged
from ccseone_tui.services.tasks import START_SLICE, TargetAction

from .conftest import make_settings

N = 45  # four full slices and a partial one


class Turns:
    """Once per loop turn (a ``call_soon`` callback that re-schedules itself): how many of
    the results watched have started since the previous turn, and ``then`` hooks."""

    def __init__(self) -> None:
        self.results: list[TaskResult] = []
        self.per_turn: list[int] = []  # starts seen in each turn, in order
        self.then: Callable[[int], None] | None = None  # called with the starts so far
        self._seen = 0
        self._stopped = False
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self) -> None:
        if self._stopped:
            return
        started = sum(r.started_at is not None for r in self.results)
        if started != self._seen:
            self.per_turn.append(started - self._seen)
            self._seen = started
            if self.then is not None:
                self.then(started)
        asyncio.get_running_loop().call_soon(self._tick)

    def stop(self) -> None:
        self._stopped = True


@pytest.fixture
async def fleet() -> AsyncIterator[SandboxFleet]:
    async with SandboxFleet(clusters=N, nodes=1, system_workloads=False) as f:
        yield f


@pytest.fixture
async def services(tmp_path: Path, fleet: SandboxFleet) -> AsyncIterator[Services]:
    s = await open_services(make_settings(tmp_path, fleet.kubeconfig_path), user="tester")
    await s.instances.create("east", "cn-east-1")
    await s.clusters.associate("east", [AssociateRequest(
        context=c.name, deletion_protection=False) for c in fleet.clusters])
    yield s
    await s.close()


def watch_task(s: Services, turns: Turns) -> Callable[[], None]:
    """Watch the results of the next task recorded (the first ``TaskChanged`` carries the
    task whose results the runner updates in place); returns the unsubscribe."""

    def on_event(event: object) -> None:
        if isinstance(event, TaskChanged) and not turns.results:
            turns.results = event.task.results

    s.events.subscribe(on_event)
    return lambda: s.events.unsubscribe(on_event)


async def stored(s: Services, task_id: str) -> Task:
    task = await s.tasks.get(task_id)
    assert task is not None
    return task


async def test_a_create_starts_a_slice_per_loop_turn(services: Services,
                                                     fleet: SandboxFleet) -> None:
    turns = Turns()
    unsubscribe = watch_task(services, turns)
    task = await services.namespaces.create("east", NamespaceSpec(
        name="team-a", cpu_limit="2", memory_limit="4Gi"))
    turns.stop()
    unsubscribe()

    assert sum(turns.per_turn) == N
    assert max(turns.per_turn) <= START_SLICE, turns.per_turn  # all N in one turn before
    assert len(turns.per_turn) >= N // START_SLICE
    # every cluster's action ran once and its result is recorded, as before
    saved = await stored(services, task.id)
    assert Counter(r.target for r in saved.results) == Counter(c.name for c in fleet.clusters)
    assert {r.status for r in saved.results} == {TaskStatus.SUCCEEDED}
    assert saved.status is TaskStatus.SUCCEEDED
    for c in fleet.clusters:
        quotas = [p for m, p in c.requests if "resourcequotas" in p and m != "GET"]
        assert len(quotas) == 1, (c.name, quotas)


def versions(s: Services, clusters: list[MemberCluster], runs: Counter[str],
             failing: str | None = None) -> dict[str, TargetAction]:
    """One action per cluster: a real request (its version), counted in ``runs``."""

    def action(cluster: MemberCluster) -> TargetAction:
        async def run() -> str:
            runs[cluster.name] += 1
            client = await s.clusters.client(cluster)
            version = await client.version()
            if cluster.name == failing:
                raise RuntimeError("refused by the test")
            return str(version.get("gitVersion", ""))
        return run

    return {c.name: action(c) for c in clusters}


async def test_batches_are_sliced_and_stop_on_failure_still_cancels_the_rest(
        services: Services) -> None:
    clusters = sorted(await services.clusters.list(), key=lambda c: c.name)
    names = [c.name for c in clusters]
    runs: Counter[str] = Counter()
    turns = Turns()
    unsubscribe = watch_task(services, turns)
    # batches of 20: the second fails on one of its targets, the third never starts
    task = await services.tasks.run(
        "test.versions", "fleet", versions(services, clusters, runs, failing=names[25]),
        batch_size=20, stop_on_failure=True)
    turns.stop()
    unsubscribe()

    assert max(turns.per_turn) <= START_SLICE, turns.per_turn
    assert runs == Counter(names[:40])  # each action of the first two batches, once
    saved = {r.target: r for r in (await stored(services, task.id)).results}
    assert list(saved) == names
    assert {saved[n].status for n in names[:40] if n != names[25]} == {TaskStatus.SUCCEEDED}
    assert saved[names[25]].status is TaskStatus.FAILED
    assert "refused by the test" in saved[names[25]].message
    for n in names[40:]:
        assert saved[n].status is TaskStatus.CANCELLED
        assert saved[n].message == "not started: an earlier batch failed"
        assert saved[n].started_at is None
    assert task.status is TaskStatus.PARTIAL


async def test_cancelled_while_starting_records_every_target(services: Services) -> None:
    clusters = sorted(await services.clusters.list(), key=lambda c: c.name)
    runs: Counter[str] = Counter()
    turns = Turns()
    unsubscribe = watch_task(services, turns)
    running = asyncio.ensure_future(services.tasks.run(
        "test.versions", "fleet", versions(services, clusters, runs)))
    at_cancel: list[int] = []

    def cancel_midway(started: int) -> None:
        if started >= 2 * START_SLICE and not at_cancel:  # some started, some not yet
            at_cancel.append(started)
            running.cancel()

    turns.then = cancel_midway
    with pytest.raises(asyncio.CancelledError):
        await running
    turns.stop()
    unsubscribe()

    assert at_cancel and at_cancel[0] < N
    # the slice already handed to the loop when the cancel came runs its first step; no
    # slice starts after it
    ran = sum(runs.values())
    assert at_cancel[0] <= ran <= at_cancel[0] + START_SLICE < N
    assert max(runs.values()) == 1
    [task] = await services.tasks.list()
    assert len(task.results) == N
    by_status = Counter(r.status for r in task.results)
    # the started ones were cut off (or had finished), the rest never ran: none left
    # Pending or Running in the record
    assert set(by_status) <= {TaskStatus.SUCCEEDED, TaskStatus.CANCELLED}, by_status
    never = [r for r in task.results if r.target not in runs]
    assert len(never) == N - ran
    for r in never:
        assert r.status is TaskStatus.CANCELLED
        assert r.message == "not started: the task was cancelled"
