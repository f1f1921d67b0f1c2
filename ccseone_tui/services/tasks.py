"""Fan-out operations as persisted tasks with per-target results.

A task is recorded before anything changes, each target's result is saved as it finishes
(so a crash leaves a truthful record), failures on some targets never stop the others, and
the failed targets of a task can be retried on their own.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.services.events import EventBus, JournalAppended, TaskChanged
from ccseone_tui.services.process import Owner, current_owner, owner_gone

TargetAction = Callable[[], Awaitable[str | None]]


# result states a retry runs again: failed, never started, or cut off by a killed process
RETRYABLE = frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.INTERRUPTED})


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
    ) -> Task:
        """Run one action per target, concurrently (or in batches), recording every result."""
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

        async def one(name: str) -> None:
            result = by_target[name]
            result.status = TaskStatus.RUNNING
            result.started_at = time.time()
            try:
                message = await actions[name]()
                result.status = TaskStatus.SUCCEEDED
                result.message = message or ""
            except asyncio.CancelledError:
                result.status = TaskStatus.CANCELLED
                result.finished_at = time.time()
                await self._store.save_task_result(result)
                raise
            except Exception as exc:  # every failure is recorded against its target
                result.status = TaskStatus.FAILED
                result.message = describe_error(exc)
            result.finished_at = time.time()
            await self._store.save_task_result(result)
            self._events.emit(TaskChanged(task))

        names = list(actions)
        step = batch_size or len(names) or 1
        for i in range(0, len(names), step):
            batch = names[i : i + step]
            await asyncio.gather(*(one(n) for n in batch))
            if stop_on_failure and any(by_target[n].status is TaskStatus.FAILED for n in batch):
                for rest in names[i + step :]:
                    by_target[rest].status = TaskStatus.CANCELLED
                    by_target[rest].message = "not started: an earlier batch failed"
                    await self._store.save_task_result(by_target[rest])
                break
        task.status = overall_status(task.results)
        task.finished_at = time.time()
        await self._store.update_task(task)
        self._events.emit(TaskChanged(task))
        if instance_id:
            await self.journal(
                instance_id, kind, target, task.status.value,
                duration_ms=(task.finished_at - now) * 1000,
                error="; ".join(f"{r.target}: {r.message}" for r in task.results
                                if r.status is TaskStatus.FAILED),
                task_id=task.id,
            )
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
        entry = JournalEntry(
            id=0, instance_id=instance_id, at=time.time(), user=self._user, action=action,
            target=target, result=result, duration_ms=duration_ms, error=error, task_id=task_id,
        )
        entry.id = await self._store.add_journal(entry)
        self._events.emit(JournalAppended(entry))
        return entry
