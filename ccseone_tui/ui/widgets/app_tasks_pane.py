"""The Tasks tab of an app: its publish/upgrade/rollback/delete/retry tasks, newest first, and
the highlighted one's per-target results. ``f`` (or the button) retries the failed targets
of the highlighted task only. Live: the screen forwards ``TaskChanged``."""

from __future__ import annotations

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui.widgets.app_render import failed, kind_label, task_app, task_results
from ccseone_tui.ui.widgets.task_pane import TasksPane


def is_app_task(task: Task, app: str) -> bool:
    return task.kind.startswith("app.") and task_app(task) == app


class AppTasksPane(TasksPane):
    DEFAULT_CSS = """
    AppTasksPane { height: 1fr; }
    AppTasksPane #app-tasks { height: auto; max-height: 12; }
    AppTasksPane #app-task-scroll { height: 1fr; margin-top: 1; }
    """
    VIEW = "app-tasks"
    RESULTS_ID = "app-task-detail"
    SCROLL_ID = "app-task-scroll"
    HIDE_EMPTY = False
    COLUMNS = (
        ("kind", "col.kind", None), ("status", "col.status", None),
        ("summary", "col.summary", None), ("user", "col.user", None),
        ("created", "col.created", None), ("id", "col.id", None))

    def __init__(self, name: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name

    @property
    def load_key(self) -> str:
        return self.app_name

    async def fetch(self) -> list[Task]:
        current = self.shell.current_instance
        tasks = await self.shell.services.tasks.list(current.id if current else None)
        return [task for task in tasks if is_app_task(task, self.app_name)]

    def kind_text(self, task: Task) -> str:
        return kind_label(task.kind)

    def title(self, task: Task) -> str:
        return kind_label(task.kind)

    def results(self, task: Task) -> Table:
        return task_results(task)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Button(t("apps.ui.retry_failed"), id="retry", compact=True, variant="warning")
        yield from super().compose()

    def task_changed(self, task: Task) -> None:
        if self.started and is_app_task(task, self.app_name):
            self.reload_soon()

    def highlighted(self) -> Task | None:
        return self.current()

    def show_results(self) -> None:
        task = self.current()
        self.query_one("#retry", Button).disabled = task is None or not failed(task)
        super().show_results()

    @on(Button.Pressed, "#retry")
    def _retry(self, event: Button.Pressed) -> None:
        event.stop()
        self.screen.action_retry()  # type: ignore[attr-defined]
