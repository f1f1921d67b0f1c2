"""A yes/no question before a write: ``y``/Enter confirms, ``n``/Esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("y", "answer(True)", "console.key.yes"),
        Binding("n,escape", "answer(False)", "console.key.no", key_display="n"),
    ]

    def __init__(self, title: str, body: str = "", *, yes: str = "", danger: bool = False,
                 id: str = "confirm") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self._title = title
        self._body = body
        self._yes = yes or t("console.confirm.yes")
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self._title, classes="dialog-title", markup=False)
            if self._body:
                yield Static(self._body, classes="confirm-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._yes, variant="error" if self._danger else "primary",
                             id="confirm-yes")
                yield Button(t("console.confirm.no"), id="confirm-no")
            yield Static(t("console.confirm.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        # the safe answer has the focus: Enter on a dangerous question does not destroy
        self.query_one("#confirm-no" if self._danger else "#confirm-yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
