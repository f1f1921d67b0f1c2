"""Enter on a task in the Tasks section: its detail, and from there a retry through the
section that owns its kind (apps keep their own screen, which can also force conflicts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

RETRYABLE = ("namespace.", "app.")  # the kinds whose service has a retry


def open_task(app: CcseoneApp, task: Task, on_done: object = None) -> None:
    if task.kind.startswith("app."):
        from ccseone_tui.ui import app_actions

        app_actions.show_task(app, task, on_done=on_done)  # type: ignore[arg-type]
        return
    workers.start(app, _open(app, task, on_done), name=f"flow:task:{task.id}", group="flow",
                  description=t("tasks.ui.title", kind=task.kind, target=task.target))


async def _open(app: CcseoneApp, task: Task, on_done: object) -> None:
    from ccseone_tui.ui.screens.task_detail import TaskDetailScreen

    fresh = await app.services.tasks.get(task.id) or task  # the list may be older
    choice = await app.push_screen_wait(TaskDetailScreen(
        fresh, can_retry=fresh.kind.startswith(RETRYABLE) and not app.services.read_only))
    if choice != "retry":
        return
    if fresh.kind.startswith("namespace.") and fresh.instance_id:
        from ccseone_tui.ui import ns_actions

        ns = await app.services.namespaces.get(fresh.instance_id, fresh.target)
        ns_actions.retry_failed(app, ns, fresh, on_done=on_done)  # type: ignore[arg-type]
