"""``tasks show``: one task for people (local date-times, a results table) or for scripts
(``-o json|yaml``: RFC 3339 times, durations in seconds) — never Python reprs or epochs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ccseone_tui.cli.output import emit, format_table
from ccseone_tui.domain.models import Task


def rfc3339(ts: float | None) -> str | None:
    if not ts:
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def local(ts: float | None) -> str:
    if not ts:
        return "-"
    return dt.datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def seconds(start: float | None, end: float | None) -> float | None:
    return round(end - start, 3) if start and end and end >= start else None


def task_document(task: Task) -> dict[str, Any]:
    return {
        "id": task.id, "kind": task.kind, "target": task.target,
        "instance_id": task.instance_id, "status": task.status.value, "user": task.user,
        "created_at": rfc3339(task.created_at), "finished_at": rfc3339(task.finished_at),
        "duration_seconds": seconds(task.created_at, task.finished_at),
        "results": [{
            "target": r.target, "status": r.status.value, "message": r.message,
            "started_at": rfc3339(r.started_at), "finished_at": rfc3339(r.finished_at),
            "duration_seconds": seconds(r.started_at, r.finished_at),
        } for r in task.results],
    }


def show_task(task: Task, fmt: str) -> None:
    if fmt != "table":
        emit(task_document(task), fmt)
        return
    took = seconds(task.created_at, task.finished_at)
    done = sum(r.status.value == "Succeeded" for r in task.results)
    head = [("Task", f"{task.kind} {task.target}"), ("ID", task.id),
            ("Status", f"{task.status.value} ({done}/{len(task.results)} succeeded)"),
            ("User", task.user or "-"), ("Started", local(task.created_at)),
            ("Finished", local(task.finished_at)),
            ("Took", "-" if took is None else f"{took:.1f} s")]
    width = max(len(k) for k, _ in head)
    for key, value in head:
        print(f"{key + ':':<{width + 1}} {value}")
    if task.results:
        print()
        rows = [{"target": r.target, "status": r.status.value,
                 "took": "-" if (s := seconds(r.started_at, r.finished_at)) is None
                 else f"{s:.1f} s", "message": r.message or ""} for r in task.results]
        print(format_table(rows, [("target", "TARGET"), ("status", "STATUS"),
                                  ("took", "TOOK"), ("message", "MESSAGE")]))
