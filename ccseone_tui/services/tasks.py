"""Fan-out operations as persisted tasks with per-target results.

A task is recorded before anything changes, each target's result is saved as it finishes
(so a crash leaves a truthful record), failures on some targets never stop the others, and
the failed targets of a task can be retried on their own.

Results are saved by a ``ResultSaver`` (``write_behind.py``): whatever finished while the
previous batch was being written goes in the next one, one transaction per batch (1,000
clusters: a few dozen transactions, not 1,000). An action can hand the saver writes of its own
(``with_result``: a namespace's sync state on that cluster) that commit in the same
transaction as its result, so a crash never leaves one without the other.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.services.events import EventBus, JournalAppended, TaskChanged
from ccseone_tui.services.process import Owner, current_owner, owner_gone
from ccseone_tui.services.write_behind import WriteBehind

log = logging.getLogger(__name__)

TargetAction = Callable[[], Awaitable[str | None]]


# actions a run starts per loop turn (see TasksService.run's start): ~10 x 0.5 ms of CPU
START_SLICE = 10

# result states a retry runs again: failed, never started, or cut off by a killed process
RETRYABLE = frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.INTERRUPTED})


# Writes an action hands over to go with its result: ``writer(rows)`` is called once per
# batch with the rows every target of the batch gave it, inside the batch's transaction.
BatchWriter = Callable[[list[Any]], Awaitable[object]]


@dataclass(slots=True)
class _Finished:
    """One target's result and the writes that commit with it."""

    result: TaskResult
    writes: list[tuple[BatchWriter, Any]] = field(default_factory=list)
    handed: bool = False  # given to the saver: later writes go straight to the store


# the target whose action is running in this context (set by TasksService.run per target;
# child tasks of the action inherit it)
_CURRENT: contextvars.ContextVar[_Finished | None] = contextvars.ContextVar(
    "_CURRENT", default=None)


def with_result(writer: BatchWriter, row: Any) -> bool:
    """Inside an action of ``TasksService.run``: have ``writer`` write ``row`` in the same
    transaction as this target's result (and with the rows of the other targets of its
    batch, one ``writer`` call). False outside an action, or once the result is handed
    over: the caller then writes itself."""
    current = _CURRENT.get()
    if current is None or current.handed:
        return False
    current.writes.append((writer, row))
    return True


class ResultSaver(WriteBehind[_Finished]):
    """The results of one task, written in batches (``WriteBehind``): one transaction per
    batch, the targets' own writes first, then one executemany of their results;
    ``TaskChanged`` after each commit."""

    def __init__(self, store: Any, events: EventBus, task: Task) -> None:
        super().__init__()  # the writer runs in the context of the run, not of a target
        self._store = store
        self._events = events
        self._task = task
        self._unsaved: list[_Finished] = []  # batches whose transaction failed

    def add(self, item: _Finished) -> None:
        item.handed = True
        super().add(item)

    async def save(self, batch: list[_Finished]) -> None:
        rows: dict[BatchWriter, list[Any]] = {}
        for finished in batch:
            for writer, row in finished.writes:
                rows.setdefault(writer, []).append(row)
        async with self._store.transaction():  # all of the batch, or none of it
            for writer, some in rows.items():
                await writer(some)
            await self._store.save_task_results([f.result for f in batch])
        self._events.emit(TaskChanged(self._task))

    def failed(self, batch: list[_Finished], exc: Exception) -> None:
        log.info("task %s: saving %d results failed (%s); retried at the end",
                 self._task.id, len(batch), exc)
        self._unsaved.extend(batch)

    async def drain(self) -> None:
        """Wait until every result added so far is written. Batches whose transaction
        failed are tried once more, together; if that fails too, its error raises here."""
        await self.written()
        if self._unsaved:
            batch, self._unsaved = self._unsaved, []
            await self.save(batch)
            self.batches.append(len(batch))


def new_id(prefix: str) -> str:
    import secrets  # with hmac, hashlib and random: only once something is created

    return f"{prefix}-{secrets.token_hex(4)}"


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, CcseoneError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def overall_status(results: list[TaskResult]) -> TaskStatus:
    states = {r.status for r in results}
    if not results or states <= {TaskStatus.SUCCEEDED}:
        return TaskStatus.SUCCEEDED
    if TaskStatus.SUCCEEDED in states:
        return TaskStatus.PARTIAL
    if states <= {TaskStatus.CANCELLED}:
        return TaskStatus.CANCELLED
    if TaskStatus.INTERRUPTED in states and TaskStatus.FAILED not in states:
        return TaskStatus.INTERRUPTED
    return TaskStatus.FAILED


class TasksService:
    def __init__(self, store: Any, events: EventBus, user: str) -> None:
        self._store = store
        self._events = events
        self._user = user

    async def list(self, instance_id: str | None = None, cluster: str | None = None,
                   limit: int = 200, *, reconcile: bool = False) -> list[Task]:
        """Newest first; ``reconcile`` first marks the tasks of dead processes Interrupted."""
        if reconcile:
            await self.reconcile()
        return await self._store.list_tasks(instance_id=instance_id, cluster=cluster, limit=limit)

    async def get(self, task_id: str) -> Task | None:
        return await self._store.get_task(task_id)

    async def run(
        self,
        kind: str,
        target: str,
        actions: Mapping[str, TargetAction],
        *,
        instance_id: str | None = None,
        batch_size: int | None = None,
        stop_on_failure: bool = False,
        start_order: Callable[[str], Any] | None = None,
    ) -> Task:
        """Run one action per target, concurrently (or in batches), recording every result
        (in batches of whatever finished meanwhile, ``ResultSaver``). ``start_order``: a
        sort key of the targets, the order their actions start in within a batch (the
        results keep the mapping's order), e.g. the slowest clusters first."""
        now = time.time()
        task = Task(
            id=new_id("task"), kind=kind, target=target, instance_id=instance_id,
            status=TaskStatus.RUNNING, user=self._user, created_at=now,
            results=[TaskResult(task_id="", target=name) for name in actions],
            owner=current_owner().to_json(),  # so the next start can tell if we were killed
        )
        for result in task.results:
            result.task_id = task.id
        await self._store.add_task(task)
        self._events.emit(TaskChanged(task))
        by_target = {r.target: r for r in task.results}
        saver = ResultSaver(self._store, self._events, task)

        async def one(name: str) -> None:
            result = by_target[name]
            finished = _Finished(result)
            _CURRENT.set(finished)  # this target's task only (each task has its own context)
            result.status = TaskStatus.RUNNING
            result.started_at = time.time()
            try:
                message = await actions[name]()
                result.status = TaskStatus.SUCCEEDED
                result.message = message or ""
            except asyncio.CancelledError:
                result.status = TaskStatus.CANCELLED
                result.finished_at = time.time()
                saver.add(finished)
                raise
            except Exception as exc:  # every failure is recorded against its target
                result.status = TaskStatus.FAILED
                result.message = describe_error(exc)
            result.finished_at = time.time()
            saver.add(finished)

        async def start(batch: list[str]) -> None:
            """Run ``one`` for every name of ``batch``, started START_SLICE per loop turn.

            Each action builds and sends its first request before it first yields (~0.3-0.5
            ms of CPU at 1,000 clusters); started all at once they ran in one loop turn, a
            ~450 ms stall (no frame, no key) on 1,000 clusters. A bare yield between slices
            (no timer: a 2 ms gap per slice made the create slower) lets the answers and
            the screen in between. The last slices now start later than before (answers
            are read meanwhile): ``start_order`` puts the long poles first."""
            started: list[asyncio.Task[None]] = []
            order = batch if start_order is None else sorted(batch, key=start_order)
            try:
                for n, name in enumerate(order, 1):
                    started.append(asyncio.ensure_future(one(name)))
                    if n % START_SLICE == 0 and n < len(batch):
                        await asyncio.sleep(0)
                await asyncio.gather(*started)
            except asyncio.CancelledError:
                for task in started:  # gather has done so already, the start loop has not
                    task.cancel()
                await asyncio.gather(*started, return_exceptions=True)  # each records itself
                # targets cut off before their action ever ran (not started yet, or
                # cancelled before their first step) are recorded like the rest
                for name in batch:
                    if by_target[name].status is TaskStatus.PENDING:
                        not_started(name, "not started: the task was cancelled")
                raise

        def not_started(name: str, why: str) -> None:
            result = by_target[name]
            result.status = TaskStatus.CANCELLED
            result.message = why
            saver.add(_Finished(result))

        names = list(actions)
        step = batch_size or len(names) or 1
        try:
            for i in range(0, len(names), step):
                batch = names[i : i + step]
                await start(batch)
                if stop_on_failure and any(by_target[n].status is TaskStatus.FAILED
                                           for n in batch):
                    for rest in names[i + step :]:
                        not_started(rest, "not started: an earlier batch failed")
                    break
        except asyncio.CancelledError:
            # the targets cut off were handed over as Cancelled: record them before leaving
            await saver.drain()
            raise
        await saver.drain()
        task.status = overall_status(task.results)
        task.finished_at = time.time()
        entry = None if not instance_id else self._entry(
            instance_id, kind, target, task.status.value,
            duration_ms=(task.finished_at - now) * 1000,
            error="; ".join(f"{r.target}: {r.message}" for r in task.results
                            if r.status is TaskStatus.FAILED),
            task_id=task.id)
        # the task's end and its journal line together: a crash between them would leave
        # a finished task that no journal line (nor reconcile, it is finished) ever tells of
        async with self._store.transaction():
            await self._store.update_task(task, results=False)  # each saved as it finished
            if entry is not None:
                entry.id = await self._store.add_journal(entry)
        self._events.emit(TaskChanged(task))
        if entry is not None:
            self._events.emit(JournalAppended(entry))
        return task

    async def reconcile(self, now: float | None = None) -> list[Task]:
        """Mark Interrupted every unfinished task whose process is gone (issue #14 item 4),
        with its unfinished results, and journal each one; return them (with results).

        Safe to run from several processes at once: the update only applies to a task still
        unfinished, and the journal entry is written in the same transaction, so a task is
        journalled once. A task of a live process (this one included) is never touched."""
        now = time.time() if now is None else now
        me = current_owner()
        done: list[Task] = []
        for task in await self._store.unfinished_tasks():
            owner = Owner.parse(task.owner)
            if not owner_gone(owner, task.created_at, now, me):
                continue
            who = owner.describe() if owner else t("tasks.interrupted.unknown_owner")
            message = t("tasks.interrupted.result", owner=who, task=task.id)
            entry: JournalEntry | None = None
            async with self._store.transaction():
                if not await self._store.mark_interrupted(task.id, now, message):
                    continue
                if task.instance_id:
                    entry = JournalEntry(
                        id=0, instance_id=task.instance_id, at=now, user=task.user,
                        action=task.kind, target=task.target,
                        result=TaskStatus.INTERRUPTED.value,
                        duration_ms=(now - task.created_at) * 1000,
                        error=t("tasks.interrupted.journal", owner=who, task=task.id),
                        task_id=task.id)
                    entry.id = await self._store.add_journal(entry)
            fresh = await self._store.get_task(task.id)
            if fresh is None:  # pruned meanwhile
                continue
            done.append(fresh)
            self._events.emit(TaskChanged(fresh))
            if entry is not None:
                self._events.emit(JournalAppended(entry))
        return done

    async def list_journal(self, instance_id: str, after_id: int = 0,
                           limit: int = 1000) -> list[JournalEntry]:
        """The instance log, oldest first; ``after_id`` makes it a cheap live tail."""
        return await self._store.list_journal(instance_id, after_id=after_id, limit=limit)

    async def journal(
        self, instance_id: str, action: str, target: str, result: str, *,
        duration_ms: float | None = None, error: str = "", task_id: str | None = None,
    ) -> JournalEntry:
        entry = self._entry(instance_id, action, target, result, duration_ms=duration_ms,
                            error=error, task_id=task_id)
        entry.id = await self._store.add_journal(entry)
        self._events.emit(JournalAppended(entry))
        return entry

    def _entry(
        self, instance_id: str, action: str, target: str, result: str, *,
        duration_ms: float | None = None, error: str = "", task_id: str | None = None,
    ) -> JournalEntry:
        return JournalEntry(
            id=0, instance_id=instance_id, at=time.time(), user=self._user, action=action,
            target=target, result=result, duration_ms=duration_ms, error=error, task_id=task_id,
        )
