"""Tasks (任务): every fan-out operation with its per-target results, newest first."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.table_view import Column, TableView


def summary(task: Task) -> Text:
    """``7/8`` targets succeeded, coloured by how it went; a dash for a task with no targets."""
    if not task.results:
        return Text(fmt.DASH, style="dim")
    done = sum(r.status is TaskStatus.SUCCEEDED for r in task.results)
    total = len(task.results)
    failed = any(r.status in (TaskStatus.FAILED, TaskStatus.INTERRUPTED) for r in task.results)
    style = "green" if done == total else ("bold red" if failed else "yellow")
    return Text(f"{done}/{total}", style=style)


class TasksView(TableView[Task]):
    section_id = "tasks"
    title_key = "nav.tasks"
    COLUMNS = (
        Column("kind", "col.kind"),
        Column("target", "col.target"),
        Column("status", "col.status"),
        Column("summary", "col.summary"),
        Column("user", "col.user"),
        Column("created", "col.created"),
        Column("id", "col.id"),
    )

    async def fetch(self) -> list[Task]:
        # a CLI killed while the console is open: its tasks turn Interrupted on refresh
        tasks = await self.shell.services.tasks.list(limit=200, reconcile=True)
        return sorted(tasks, key=lambda task: task.created_at, reverse=True)

    def cells(self, row: Task) -> list[RenderableType]:
        return [
            Text(row.kind, style="bold"),
            row.target,
            fmt.task_status(row.status),
            summary(row),
            fmt.or_dash(row.user),
            fmt.timestamp(row.created_at),
            Text(row.id, style="dim"),
        ]

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        task = self.rows.get(str(event.row_key.value))
        if task is not None:
            from ccseone_tui.ui import task_actions

            task_actions.open_task(self.shell, task, on_done=self.reload)

    def upsert(self, row: Task) -> None:
        """A new task goes on top (newest first); a known one updates in place."""
        if row.id in self.rows:
            super().upsert(row)
            return
        self.rows = {row.id: row, **self.rows}
        self.rebuild()

    def empty_state(self) -> tuple[str, list[str]]:
        return t("empty.tasks"), [t("empty.tasks.hint")]

    def status_text(self) -> str:
        return t("view.count.tasks", count=len(self.rows))
