"""Logs (日志): the live log view arrives with the logs issue; until then, a proper empty
state that says so and where to look meanwhile."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.widgets.empty_state import EmptyState


class LogsView(Vertical):
    section_id = "logs"

    def __init__(self) -> None:
        super().__init__(id=self.section_id, classes="section-view")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="view-bar"):
            yield Static(t("nav.logs"), classes="view-title")
            yield Static("", classes="view-status")
        empty = EmptyState(id="logs-empty")
        empty.show(t("empty.logs"), [t("empty.logs.hint"), t("empty.logs.tasks")])
        yield empty

    def reload(self) -> None:
        """Nothing cached to show yet."""

    def focus_content(self) -> None:
        self.screen.query_one("#sidebar").focus()
