"""The Tasks tab of an app: its publish/upgrade/rollback/delete/retry tasks, newest first, and
the highlighted one's per-target results. ``f`` (or the button) retries the failed targets
of the highlighted task only. Live: the screen forwards ``TaskChanged``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views.tasks import summary
from ccseone_tui.ui.widgets.app_render import failed, kind_label, task_app, task_results
from ccseone_tui.ui.widgets.cluster_tasks import progress_bar

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("kind", "col.kind"), ("status", "col.status"), ("summary", "col.summary"),
           ("user", "col.user"), ("created", "col.created"), ("id", "col.id"))


def is_app_task(task: Task, app: str) -> bool:
    return task.kind.startswith("app.") and task_app(task) == app


class AppTasksPane(Vertical):
    DEFAULT_CSS = """
    AppTasksPane { height: 1fr; }
    AppTasksPane #app-tasks { height: auto; max-height: 12; }
    AppTasksPane #app-task-scroll { height: 1fr; margin-top: 1; }
    """

    def __init__(self, name: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name
        self.tasks: dict[str, Task] = {}
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Button(t("apps.ui.retry_failed"), id="retry", compact=True, variant="warning")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True, id="app-tasks")
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        yield table
        with VerticalScroll(id="app-task-scroll"):
            yield Static(t("console.tasks.none"), id="app-task-detail")

    def activate(self) -> None:
        self.started = True
        self.reload()

    def reload(self) -> None:
        workers.start(self, self._load(), name=f"load:app-tasks:{self.app_name}", group="load",
                      exclusive=True, description=t("worker.load", what=t("nav.tasks")))

    async def _load(self) -> None:
        current = self.shell.current_instance
        tasks = await self.shell.services.tasks.list(current.id if current else None)
        self.post_message(msg.RowsLoaded("app-tasks", [
            task for task in tasks if is_app_task(task, self.app_name)]))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "app-tasks":
            return
        message.stop()
        rows = sorted(message.rows, key=lambda task: task.created_at, reverse=True)
        self.tasks = {task.id: task for task in rows}
        table = self.query_one(DataTable)
        keep = self.highlighted_key()
        table.clear()
        for task in rows:
            table.add_row(Text(kind_label(task.kind), style="bold"), fmt.task_status(task.status),
                          summary(task), fmt.or_dash(task.user), fmt.timestamp(task.created_at),
                          Text(task.id, style="dim"), key=task.id)
        if keep in self.tasks:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.show_results()

    def task_changed(self, task: Task) -> None:
        if self.started and is_app_task(task, self.app_name):
            self.reload()

    def highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except CellDoesNotExist:
            return None

    def highlighted(self) -> Task | None:
        key = self.highlighted_key()
        return self.tasks.get(key) if key is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_results()

    def show_results(self) -> None:
        out = self.query_one("#app-task-detail", Static)
        task = self.highlighted()
        self.query_one("#retry", Button).disabled = task is None or not failed(task)
        if task is None:
            out.update(t("console.tasks.none"))
            return
        head = Text.assemble((f"{kind_label(task.kind)}  ", "bold"), fmt.task_status(task.status),
                             "  ")
        head.append_text(progress_bar(task))
        out.update(Group(head, task_results(task)))

    @on(Button.Pressed, "#retry")
    def _retry(self, event: Button.Pressed) -> None:
        event.stop()
        self.screen.action_retry()  # type: ignore[attr-defined]
