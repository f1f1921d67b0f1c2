"""The outcome of an app write (publish, upgrade, rollback, delete, retry): one line per
target. Dismisses with ``"retry"`` (failed targets again), ``"force"`` (take the conflicting
fields over — offered only where the caller can) or ``None``."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.app_render import (
    conflicts,
    failed,
    kind_label,
    task_results,
    task_summary,
)


class AppTaskScreen(ModalScreen[str | None]):
    DEFAULT_CSS = """
    AppTaskScreen #app-task-results { height: auto; max-height: 20; }
    AppTaskScreen .conflict-note { color: $warning; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "close", "key.close")]

    def __init__(self, task: Task, *, can_force: bool = False) -> None:
        super().__init__(id="app-task")
        localize_bindings(self)
        self.task_record = task
        self.can_force = can_force

    def compose(self) -> ComposeResult:
        task = self.task_record
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("apps.ui.task.title", kind=kind_label(task.kind),
                           target=task.target), classes="dialog-title", markup=False)
            with VerticalScroll(id="app-task-results"):
                yield Static(Group(task_summary(task), task_results(task)))
            if self.can_force and conflicts(task):
                yield Static(t("apps.ui.force.note"), classes="conflict-note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                if failed(task):
                    yield Button(t("apps.ui.retry_failed"), variant="warning", id="retry")
                if self.can_force and conflicts(task):
                    yield Button(t("apps.ui.force"), variant="error", id="force")
                yield Button(t("console.close"), variant="primary", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id if event.button.id in ("retry", "force") else None)

    def action_close(self) -> None:
        self.dismiss(None)
