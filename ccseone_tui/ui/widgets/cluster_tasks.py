"""The Tasks tab of a cluster: every task that touched it, newest first, and the per-target
results (with progress) of the highlighted one. Live: the screen forwards ``TaskChanged``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from ccseone_tui.domain.models import MemberCluster, Task, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views.tasks import summary

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("kind", "col.kind"), ("target", "col.target"), ("status", "col.status"),
           ("summary", "col.summary"), ("user", "col.user"), ("created", "col.created"),
           ("id", "col.id"))


def progress_bar(task: Task, width: int = 20) -> Text:
    total = len(task.results) or 1
    done = sum(r.status not in (TaskStatus.PENDING, TaskStatus.RUNNING) for r in task.results)
    filled = round(width * done / total)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"),
                         f" {done}/{len(task.results)}")


def results_table(task: Task) -> Table:
    table = Table(box=None, pad_edge=False, expand=True, show_header=True,
                  header_style="bold")
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("col.status"), no_wrap=True)
    table.add_column(t("console.task.duration"), no_wrap=True)
    table.add_column(t("console.task.message"), ratio=1)
    for r in task.results:
        took = (f"{r.finished_at - r.started_at:.1f}s" if r.started_at and r.finished_at
                else fmt.DASH)
        table.add_row(r.target, fmt.task_status(r.status), took,
                      Text(r.message or "", style="red" if r.status is TaskStatus.FAILED
                           else ""))
    return table


class ClusterTasksPane(Vertical):
    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.tasks: dict[str, Task] = {}
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                          id="cluster-tasks")
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        yield table
        with VerticalScroll(id="task-results-scroll"):
            yield Static(t("console.tasks.none"), id="task-results")

    def activate(self) -> None:
        self.started = True
        self.reload()

    def reload(self) -> None:
        workers.start(self, self._load(), name=f"load:cluster-tasks:{self.cluster.name}",
                      group="load", exclusive=True,
                      description=t("worker.load", what=t("nav.tasks")))

    async def _load(self) -> None:
        tasks = await self.shell.services.tasks.list(cluster=self.cluster.name)
        self.post_message(msg.RowsLoaded("cluster-tasks", tasks))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "cluster-tasks":
            return
        message.stop()
        rows = sorted(message.rows, key=lambda task: task.created_at, reverse=True)
        self.tasks = {task.id: task for task in rows}
        table = self.query_one(DataTable)
        keep = None
        if table.row_count:
            keep = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        table.clear()
        for task in rows:
            table.add_row(Text(task.kind, style="bold"), task.target, fmt.task_status(
                task.status), summary(task), fmt.or_dash(task.user),
                fmt.timestamp(task.created_at), Text(task.id, style="dim"), key=task.id)
        if keep in self.tasks:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        table.display = bool(rows)  # no task yet: only the sentence below says so
        self.show_results()

    def task_changed(self, task: Task) -> None:
        """A task changed somewhere: re-read if it is (or now is) one of this cluster's."""
        if self.started and (task.id in self.tasks or any(
                r.target.split("/")[0] == self.cluster.name for r in task.results)):
            self.reload()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_results()

    def show_results(self) -> None:
        out = self.query_one("#task-results", Static)
        table = self.query_one(DataTable)
        if not table.row_count:
            out.update(t("console.tasks.none"))
            return
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        task = self.tasks[key]
        head = Text.assemble((f"{task.kind} {task.target}  ", "bold"),
                             fmt.task_status(task.status), "  ")
        head.append_text(progress_bar(task))
        out.update(Group(head, results_table(task)))
