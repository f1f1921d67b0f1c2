"""One task from the Tasks section (Enter): what ran, who ran it, when and for how long, and
per target its status, duration and the full message. Dismisses with ``"retry"`` when the user
asks to run the unfinished targets again (offered only for kinds that can be retried)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ccseone_tui.domain.models import Task, TaskResult, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.keys import localize_bindings

UNFINISHED = (TaskStatus.FAILED, TaskStatus.CANCELLED, TaskStatus.INTERRUPTED)
_MARK = {TaskStatus.SUCCEEDED: ("✓", "bold green"), TaskStatus.FAILED: ("✗", "bold red"),
         TaskStatus.INTERRUPTED: ("✗", "bold red")}


def unfinished(task: Task) -> list[str]:
    """The targets a retry would run again."""
    return [r.target for r in task.results if r.status in UNFINISHED]


def duration(start: float | None, end: float | None) -> str:
    if not start or not end or end < start:
        return fmt.DASH
    seconds = end - start
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


def head(task: Task) -> Table:
    """Status, user, start, end and duration of the whole task."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    done = sum(r.status is TaskStatus.SUCCEEDED for r in task.results)
    status = fmt.task_status(task.status)
    status.append(f"  {done}/{len(task.results)}")
    table.add_row(t("col.status"), status)
    table.add_row(t("col.user"), fmt.or_dash(task.user))
    table.add_row(t("tasks.ui.started"), fmt.timestamp(task.created_at))
    table.add_row(t("tasks.ui.finished"), fmt.timestamp(task.finished_at))
    table.add_row(t("tasks.ui.took"), duration(task.created_at, task.finished_at))
    table.add_row(t("col.id"), Text(task.id, style="dim"))
    return table


def results(rows: list[TaskResult]) -> Table:
    """One line per target with the full message (wrapped, never cut)."""
    table = Table(box=None, pad_edge=False, expand=True, show_header=True, header_style="bold")
    table.add_column("", no_wrap=True, width=1)
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("col.status"), no_wrap=True)
    table.add_column(t("tasks.ui.took"), no_wrap=True, justify="right")
    table.add_column(t("tasks.ui.message"), ratio=1, overflow="fold")
    for r in rows:
        mark, style = _MARK.get(r.status, ("·", "dim"))
        bad = r.status in UNFINISHED
        table.add_row(Text(mark, style=style), Text(r.target, style="bold"),
                      fmt.task_status(r.status), duration(r.started_at, r.finished_at),
                      Text(r.message or "", style="red" if bad else ""))
    return table


class TaskDetailScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    TaskDetailScreen #task-results { height: auto; max-height: 24; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "close", "key.close")]

    def __init__(self, task: Task, *, can_retry: bool) -> None:
        super().__init__(id="task-detail")
        localize_bindings(self)
        self.task_record = task
        self.can_retry = can_retry and bool(unfinished(task))

    def compose(self) -> ComposeResult:
        task = self.task_record
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("tasks.ui.title", kind=task.kind, target=task.target),
                         classes="dialog-title", markup=False)
            yield Static(head(task))
            with VerticalScroll(id="task-results"):
                yield Static(results(task.results))
            with Horizontal(classes="dialog-buttons"):
                if self.can_retry:
                    yield Button(t("tasks.ui.retry", count=len(unfinished(task))),
                                 variant="warning", id="retry")
                yield Button(t("console.close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#retry")
    def _retry(self) -> None:
        self.dismiss("retry")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
