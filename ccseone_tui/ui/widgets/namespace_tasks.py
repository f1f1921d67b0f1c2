"""The tasks of one fleet namespace (create, edit, repair, retry, delete …), newest first, and
the per-cluster results of the highlighted one. Live: the detail screen forwards
``TaskChanged``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from ccseone_tui.domain.models import FleetNamespace, Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views.tasks import summary
from ccseone_tui.ui.widgets.cluster_tasks import progress_bar, results_table

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

# fixed widths: the header lines up whenever the rows arrive
COLUMNS = (("kind", "col.kind", 10), ("status", "col.status", 12),
           ("summary", "col.summary", 10), ("user", "col.user", 12),
           ("created", "col.created", 17), ("id", "col.id", 16))
KIND_PREFIX = "namespace."


def is_about(task: Task, ns: FleetNamespace) -> bool:
    """A task of this namespace: a namespace task whose target is its name, or the sync of
    a cluster that joined later (one result per namespace, ``cluster/namespace``)."""
    if not task.kind.startswith(KIND_PREFIX):
        return False
    return task.target == ns.name or any(r.target.partition("/")[2] == ns.name
                                         for r in task.results)


class NamespaceTasksPane(Vertical):
    DEFAULT_CSS = """
    NamespaceTasksPane { height: 1fr; }
    NamespaceTasksPane > DataTable { height: auto; max-height: 7; }
    NamespaceTasksPane > #ns-task-results-scroll { height: 1fr; margin-top: 1; }
    """

    def __init__(self, namespace: FleetNamespace, task_id: str | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.namespace = namespace
        self.wanted = task_id  # the task to highlight once loaded (the one just run)
        self.tasks: dict[str, Task] = {}

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                          id="ns-tasks")
        for key, label, width in COLUMNS:
            table.add_column(t(label), key=key, width=width)
        yield table
        with VerticalScroll(id="ns-task-results-scroll"):
            yield Static(t("ns_ui.tasks.none"), id="ns-task-results")

    def reload(self) -> None:
        workers.start(self, self._load(), name=f"load:ns-tasks:{self.namespace.id}",
                      group="load:ns-tasks", exclusive=True,
                      description=t("worker.load", what=t("nav.tasks")))

    async def _load(self) -> None:
        tasks = await self.shell.services.tasks.list(instance_id=self.namespace.instance_id)
        self.post_message(msg.RowsLoaded("ns-tasks", [x for x in tasks
                                                      if is_about(x, self.namespace)]))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "ns-tasks":
            return
        message.stop()
        rows = sorted(message.rows, key=lambda task: task.created_at, reverse=True)
        self.tasks = {task.id: task for task in rows}
        table = self.query_one(DataTable)
        keep = self.wanted or self.current_id()
        self.wanted = None
        table.clear()
        for task in rows:
            table.add_row(Text(task.kind.removeprefix(KIND_PREFIX), style="bold"),
                          fmt.task_status(task.status), summary(task), fmt.or_dash(task.user),
                          fmt.timestamp(task.created_at), Text(task.id, style="dim"),
                          key=task.id)
        if keep in self.tasks:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        table.display = bool(rows)
        self.show_results()

    def current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except CellDoesNotExist:
            return None

    def current(self) -> Task | None:
        key = self.current_id()
        return self.tasks.get(key) if key else None

    def latest(self) -> Task | None:
        return next(iter(self.tasks.values()), None)

    def task_changed(self, task: Task) -> None:
        if task.id in self.tasks:
            self.reload()
        elif is_about(task, self.namespace):
            # a new task of this namespace (a repair, retry or edit just started here): show
            # its results rather than keep the cursor on the older task
            self.wanted = task.id
            self.reload()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_results()

    def show_results(self) -> None:
        out = self.query_one("#ns-task-results", Static)
        task = self.current()
        if task is None:
            out.update(t("ns_ui.tasks.none"))
            return
        head = Text.assemble((f"{task.kind} {task.target}  ", "bold"),
                             fmt.task_status(task.status), "  ")
        head.append_text(progress_bar(task))
        out.update(Group(head, results_table(task)))
