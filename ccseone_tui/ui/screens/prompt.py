"""Ask for one line of text (a file path to export to …): Enter accepts, Esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings


class PromptScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__(id="prompt")
        localize_bindings(self)
        self._title = title
        self._value = value
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="dialog-title", markup=False)
            yield Input(self._value, id="prompt-input")
            yield Static(self._hint or t("console.prompt.hint"), classes="dialog-hint",
                         markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
