"""Fan-out tasks and their per-target results."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.store.base import Row, Table, marks, violated
from ccseone_tui.store.errors import AlreadyExists, MissingReference, StoreError
from ccseone_tui.store.secrets import redact

_TASK = "id, kind, target, instance_id, status, user, created_at, finished_at, owner"
_RESULT = "task_id, target, status, message, started_at, finished_at"
_UPSERT_RESULT = (
    f"INSERT INTO task_results ({_RESULT}) VALUES ({marks(6)}) "
    "ON CONFLICT (task_id, target) DO UPDATE SET status=excluded.status, "
    "message=excluded.message, started_at=excluded.started_at, finished_at=excluded.finished_at"
)
_UNFINISHED = (TaskStatus.PENDING.value, TaskStatus.RUNNING.value)
_CHUNK = 500  # ids per IN (...) list, far below SQLite's parameter limit


def _task_row(t: Task) -> tuple[object, ...]:
    return (
        t.id,
        t.kind,
        t.target,
        t.instance_id,
        TaskStatus(t.status).value,
        t.user,
        t.created_at,
        t.finished_at,
        t.owner,
    )


def _result_row(r: TaskResult) -> tuple[object, ...]:
    # messages quote API errors verbatim; mask anything that looks like a credential
    return (
        r.task_id,
        r.target,
        TaskStatus(r.status).value,
        redact(r.message),
        r.started_at,
        r.finished_at,
    )


def _task(r: Row) -> Task:
    return Task(
        id=str(r[0]),
        kind=str(r[1]),
        target=str(r[2]),
        instance_id=r[3],
        status=TaskStatus(r[4]),
        user=str(r[5]),
        created_at=float(r[6]),
        finished_at=r[7],
        owner=r[8],
    )


def _result(r: Row) -> TaskResult:
    return TaskResult(
        task_id=str(r[0]),
        target=str(r[1]),
        status=TaskStatus(r[2]),
        message=str(r[3]),
        started_at=r[4],
        finished_at=r[5],
    )


def _about_cluster(column: str) -> str:
    """SQL: ``column`` is the cluster (``?``) or one of its namespaces (``cluster/…``).
    A range instead of LIKE: exact (no ``prod`` matching ``prod-2``), case-sensitive and
    able to use an index. ``0`` is the character after ``/``."""
    return f"({column} = :c OR ({column} >= :c || '/' AND {column} < :c || '0'))"


class TasksTable(Table):
    async def add_task(self, task: Task) -> None:
        """Insert the task with its results, in one transaction."""
        try:
            async with self._db.transaction():
                await self._db.execute(
                    f"INSERT INTO tasks ({_TASK}) VALUES ({marks(9)})", _task_row(task)
                )
                await self._upsert_results(task, task.results)
        except sqlite3.IntegrityError as exc:
            if violated(exc) == "unique":
                raise AlreadyExists("task", task.id) from exc
            raise StoreError(f"task {task.id!r}: {exc}") from exc

    async def update_task(self, task: Task, *, results: bool = True) -> None:
        """Update the task's fields and upsert its results (results not in ``task.results``
        are kept; ``results=False``: the task's own row only, its results were saved as they
        finished). A task that is not stored yet is inserted."""
        async with self._db.transaction():
            n = await self._db.execute(
                "UPDATE tasks SET kind=?, target=?, instance_id=?, status=?, user=?, "
                "created_at=?, finished_at=?, owner=? WHERE id=?",
                (*_task_row(task)[1:], task.id),
            )
            if n == 0:
                await self._db.execute(
                    f"INSERT INTO tasks ({_TASK}) VALUES ({marks(9)})", _task_row(task)
                )
            if results or n == 0:
                await self._upsert_results(task, task.results)

    async def _upsert_results(self, task: Task, results: Iterable[TaskResult]) -> None:
        rows = [_result_row(r) for r in results]
        for row in rows:
            if row[0] != task.id:
                raise StoreError(f"task {task.id!r} holds a result of task {row[0]!r}")
        if rows:
            await self._db.executemany(_UPSERT_RESULT, rows)

    async def save_task_result(self, result: TaskResult) -> None:
        """Upsert one target's result (progress as the fan-out goes)."""
        try:
            await self._db.execute(_UPSERT_RESULT, _result_row(result))
        except sqlite3.IntegrityError as exc:
            raise MissingReference("task result", result.target, "task") from exc

    async def save_task_results(self, results: Iterable[TaskResult]) -> None:
        """Upsert several targets' results in one statement (one transaction, or part of
        the caller's): the fan-out writes what finished meanwhile as one batch."""
        rows = [_result_row(r) for r in results]
        if not rows:
            return
        try:
            await self._db.executemany(_UPSERT_RESULT, rows)
        except sqlite3.IntegrityError as exc:
            raise MissingReference("task result", str(rows[0][1]), "task") from exc

    async def get_task(self, id: str) -> Task | None:
        r = await self._db.fetchone(f"SELECT {_TASK} FROM tasks WHERE id = ?", (id,))
        if r is None:
            return None
        task = _task(r)
        rows = await self._db.fetchall(
            f"SELECT {_RESULT} FROM task_results WHERE task_id = ? ORDER BY rowid", (id,)
        )
        task.results = [_result(x) for x in rows]
        return task

    async def list_tasks(
        self, instance_id: str | None = None, cluster: str | None = None, limit: int = 200
    ) -> list[Task]:
        """Newest first, with results. ``cluster`` (a cluster *name*) keeps the tasks that
        act on it: a result whose target is the cluster or ``cluster/<namespace>``, or the
        task's own target being so."""
        where: list[str] = []
        params: dict[str, object] = {"limit": int(limit)}
        if instance_id is not None:
            where.append("t.instance_id = :i")
            params["i"] = instance_id
        if cluster is not None:
            where.append(
                f"({_about_cluster('t.target')} OR t.id IN "
                f"(SELECT r.task_id FROM task_results r WHERE {_about_cluster('r.target')}))"
            )
            params["c"] = cluster
        sql = f"SELECT {_TASK} FROM tasks t"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY t.created_at DESC, t.rowid DESC LIMIT :limit"
        async with self._db.reading():  # tasks and their results from one snapshot
            tasks = [_task(r) for r in await self._db.fetchall(sql, params)]
            by_id = {t.id: t for t in tasks}
            ids = list(by_id)
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                rows = await self._db.fetchall(
                    f"SELECT {_RESULT} FROM task_results WHERE task_id IN ({marks(len(chunk))}) "
                    "ORDER BY rowid",
                    chunk,
                )
                for x in rows:
                    by_id[str(x[0])].results.append(_result(x))
        return tasks

    async def unfinished_tasks(self) -> list[Task]:
        """Tasks no process has finished (Running/Pending), oldest first, without results;
        served by the partial index ``tasks_unfinished``."""
        rows = await self._db.fetchall(
            f"SELECT {_TASK} FROM tasks WHERE finished_at IS NULL ORDER BY created_at")
        return [_task(r) for r in rows if r[4] in _UNFINISHED]

    async def mark_interrupted(self, task_id: str, at: float, message: str) -> bool:
        """Task -> Interrupted and its Pending/Running results -> Interrupted with
        ``message``, in one transaction. False when another process got there first (the
        task is finished already): the caller then must not journal it a second time."""
        async with self._db.transaction():
            n = await self._db.execute(
                "UPDATE tasks SET status = ?, finished_at = ? WHERE id = ? AND "
                f"finished_at IS NULL AND status IN ({marks(len(_UNFINISHED))})",
                (TaskStatus.INTERRUPTED.value, at, task_id, *_UNFINISHED))
            if n == 0:
                return False
            await self._db.execute(
                "UPDATE task_results SET status = ?, message = ?, finished_at = ? "
                f"WHERE task_id = ? AND status IN ({marks(len(_UNFINISHED))})",
                (TaskStatus.INTERRUPTED.value, redact(message), at, task_id, *_UNFINISHED))
        return True

    async def prune_tasks(self, before: float) -> int:
        """Delete finished tasks created before ``before`` (epoch s); return how many."""
        return await self._db.execute(
            "DELETE FROM tasks WHERE created_at < ? AND finished_at IS NOT NULL", (before,)
        )
