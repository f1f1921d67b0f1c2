"""What the cluster, namespace and app Tasks tabs share: a table of tasks (newest first), and
under it the highlighted task's header, progress bar and per-target results. A subclass says
which tasks it lists (``fetch``), which columns it shows and how a task is titled; the widget
ids stay per pane because screens, CSS and tests look them up."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.timer import Timer
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist

from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.views.tasks import summary

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

# (key, i18n label, fixed width or None for auto)
Column = tuple[str, str, int | None]

# A task on 1,000 clusters changes 1,000 times (one TaskChanged per result): re-reading and
# re-rendering the pane on each was O(results^2) (bench/fleet_1000.py: a delete with the
# namespace's detail open took 8.4 s instead of 4.6, the event loop stalled up to 1.3 s).
# The first change is shown at once, the next ones at most every RELOAD_DELAY.
RELOAD_DELAY = 0.25  # s
# Results shown under a task: the ones that did not succeed first, then the rest in order,
# at most this many lines (a Rich table of 1,000 wrapped rows took ~0.5 s per render).
RESULTS_SHOWN = 100
_FIRST = {TaskStatus.FAILED: 0, TaskStatus.CANCELLED: 1, TaskStatus.RUNNING: 2,
          TaskStatus.PENDING: 3}


def progress_bar(task: Task, width: int = 20) -> Text:
    total = len(task.results) or 1
    done = sum(r.status not in (TaskStatus.PENDING, TaskStatus.RUNNING) for r in task.results)
    filled = round(width * done / total)
    return Text.assemble(("█" * filled, "green"), ("░" * (width - filled), "dim"),
                         f" {done}/{len(task.results)}")


def shown_results(task: Task, limit: int = RESULTS_SHOWN) -> list[Any]:
    """The results worth a line, trouble first (stable: target order within a status)."""
    ordered = sorted(task.results, key=lambda r: _FIRST.get(r.status, 9))
    return ordered[:limit]


def results_table(task: Task, limit: int = RESULTS_SHOWN) -> Table:
    table = Table(box=None, pad_edge=False, expand=True, show_header=True,
                  header_style="bold")
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("col.status"), no_wrap=True)
    table.add_column(t("console.task.duration"), no_wrap=True)
    table.add_column(t("console.task.message"), ratio=1)
    shown = shown_results(task, limit)
    for r in shown:
        took = (f"{r.finished_at - r.started_at:.1f}s" if r.started_at and r.finished_at
                else fmt.DASH)
        table.add_row(r.target, fmt.task_status(r.status), took,
                      Text(r.message or "", style="red" if r.status is TaskStatus.FAILED
                           else ""))
    if len(task.results) > len(shown):
        listed = {id(r) for r in shown}
        rest = [r for r in task.results if id(r) not in listed]
        ok = sum(r.status is TaskStatus.SUCCEEDED for r in rest)
        table.add_row(Text(t("console.more", count=len(rest)), style="dim"),
                      fmt.task_status(TaskStatus.SUCCEEDED) if ok == len(rest) else "", "", "")
    return table


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor, or None when there is none."""
    if not table.row_count:
        return None
    try:
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
    except CellDoesNotExist:
        return None


class TasksPane(Vertical):
    VIEW: ClassVar[str]  # the DataTable's id, the RowsLoaded view and the worker name
    RESULTS_ID: ClassVar[str]  # the Static showing the highlighted task
    SCROLL_ID: ClassVar[str]
    NONE: ClassVar[str] = "console.tasks.none"  # i18n key shown when there is no task
    GROUP: ClassVar[str] = "load"  # worker group
    COLUMNS: ClassVar[tuple[Column, ...]]
    HIDE_EMPTY: ClassVar[bool] = True  # no task yet: only the sentence below says so

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tasks: dict[str, Task] = {}
        self.wanted: str | None = None  # the task to highlight once loaded
        self.started = False
        self.reloads = 0  # re-reads started (tests check a burst of changes is coalesced)
        self._last_reload = -RELOAD_DELAY
        self._reload_due: Timer | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    # ---- what a pane says differently ------------------------------------------------------

    @property
    def load_key(self) -> str:
        """What makes this pane's worker name unique."""
        raise NotImplementedError

    async def fetch(self) -> list[Task]:
        """The tasks this pane lists (any order)."""
        raise NotImplementedError

    def kind_text(self, task: Task) -> str:
        return task.kind

    def title(self, task: Task) -> str:
        return f"{task.kind} {task.target}"

    def results(self, task: Task) -> Table:
        return results_table(task)

    # ---- shared ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True, id=self.VIEW)
        for key, label, width in self.COLUMNS:
            table.add_column(t(label), key=key, width=width)
        yield table
        with VerticalScroll(id=self.SCROLL_ID):
            yield Static(t(self.NONE), id=self.RESULTS_ID)

    def activate(self) -> None:
        self.started = True
        self.reload()

    def reload_soon(self) -> None:
        """A task changed: re-read now, or once RELOAD_DELAY after the last re-read (every
        change meanwhile is read by that one)."""
        if self._reload_due is not None:
            return
        wait = self._last_reload + RELOAD_DELAY - time.monotonic()
        if wait <= 0:
            self.reload()
        else:
            self._reload_due = self.set_timer(wait, self._due, name="tasks-reload")

    def _due(self) -> None:
        self._reload_due = None
        self.reload()

    def reload(self) -> None:
        self.reloads += 1
        self._last_reload = time.monotonic()
        workers.start(self, self._load(), name=f"load:{self.VIEW}:{self.load_key}",
                      group=self.GROUP, exclusive=True,
                      description=t("worker.load", what=t("nav.tasks")))

    async def _load(self) -> None:
        self.post_message(msg.RowsLoaded(self.VIEW, await self.fetch()))

    def cells(self, task: Task) -> dict[str, Any]:
        return {"kind": Text(self.kind_text(task), style="bold"), "target": task.target,
                "status": fmt.task_status(task.status), "summary": summary(task),
                "user": fmt.or_dash(task.user), "created": fmt.timestamp(task.created_at),
                "id": Text(task.id, style="dim")}

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != self.VIEW:
            return
        message.stop()
        rows = sorted(message.rows, key=lambda task: task.created_at, reverse=True)
        self.tasks = {task.id: task for task in rows}
        table = self.query_one(DataTable)
        keep = self.wanted or self.current_id()
        self.wanted = None
        table.clear()
        for task in rows:
            cells = self.cells(task)
            table.add_row(*(cells[key] for key, _, _ in self.COLUMNS), key=task.id)
        if keep in self.tasks:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        if self.HIDE_EMPTY:
            table.display = bool(rows)
        self.show_results()

    def current_id(self) -> str | None:
        return cursor_key(self.query_one(DataTable))

    def current(self) -> Task | None:
        key = self.current_id()
        return self.tasks.get(key) if key else None

    def latest(self) -> Task | None:
        return next(iter(self.tasks.values()), None)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_results()

    def show_results(self) -> None:
        out = self.query_one(f"#{self.RESULTS_ID}", Static)
        task = self.current()
        if task is None:
            out.update(t(self.NONE))
            return
        head = Text.assemble((f"{self.title(task)}  ", "bold"), fmt.task_status(task.status),
                             "  ")
        head.append_text(progress_bar(task))
        out.update(Group(head, self.results(task)))
