"""One confirmation style for every dialog that asks before a write (#12 item 5).

The same two buttons (the action, then "No"), the same keys — ``y`` confirms (as the action
button would: not while it is disabled), ``n``/Esc cancel, Enter presses the highlighted
button — and the same hint line under them. :class:`ConfirmScreen` is the plain yes/no
question; the other dialogs (typed names, delete previews, rollback) compose
:func:`confirm_buttons` and mix in :class:`ConfirmKeys`.
"""

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

YES_ID = "confirm-yes"
NO_ID = "confirm-no"

# every confirmation dialog's keys (Enter is the focused button's own)
CONFIRM_BINDINGS: list[Any] = [
    Binding("y", "confirm", "console.key.yes"),
    Binding("n,escape", "cancel", "console.key.no", key_display="n"),
]


def confirm_buttons(yes: str = "", *, danger: bool = False,
                    disabled: bool = False) -> ComposeResult:
    """The action button (red when dangerous), "No", and the hint line under them."""
    with Horizontal(classes="dialog-buttons confirm-buttons"):
        yield Button(yes or t("console.confirm.yes"), variant="error" if danger else "primary",
                     id=YES_ID, disabled=disabled)
        yield Button(t("console.confirm.no"), id=NO_ID)
    yield Static(t("console.confirm.hint"), classes="dialog-hint confirm-hint", markup=False)


class ConfirmKeys:
    """Mixed into a ModalScreen that composes :func:`confirm_buttons`: ``y`` presses the
    action button (a disabled one says nothing happens: the dialog shows why, e.g. the typed
    name's match line), ``n``/Esc call ``action_cancel``."""

    def action_confirm(self) -> None:
        button = self.query_one(f"#{YES_ID}", Button)  # type: ignore[attr-defined]
        if button.disabled or not button.display:
            self.app.bell()  # type: ignore[attr-defined]
            self.confirm_refused()
            return
        button.press()

    def confirm_refused(self) -> None:
        """``y`` while the action is not possible yet: point at what is missing."""


class ConfirmScreen(ConfirmKeys, ModalScreen[bool]):
    BINDINGS: ClassVar[list[Any]] = list(CONFIRM_BINDINGS)

    def __init__(self, title: str, body: str = "", *, yes: str = "", danger: bool = False,
                 id: str = "confirm") -> None:
        super().__init__(id=id)
        localize_bindings(self)
        self._title = title
        self._body = body
        self._yes = yes
        self._danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self._title, classes="dialog-title", markup=False)
            if self._body:
                yield Static(self._body, classes="confirm-body", markup=False)
            yield from confirm_buttons(self._yes, danger=self._danger)

    def on_mount(self) -> None:
        # the safe answer has the focus: Enter on a dangerous question does not destroy
        self.query_one(f"#{NO_ID}" if self._danger else f"#{YES_ID}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == YES_ID)

    def action_cancel(self) -> None:
        self.dismiss(False)
