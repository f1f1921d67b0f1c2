"""A write to a production cluster: the user types the cluster's name to confirm.

The typed text is returned as-is; the caller hands it to the service as ``confirm=``, and
the service decides (``ConfirmationMismatch`` otherwise) — the dialog only makes the right
answer easy: the confirm button is enabled once the text matches.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings


def match_text(typed: str, expected: str) -> str:
    """What is wrong with the text so far, said while typing (not only a disabled button)."""
    typed = typed.strip()
    if typed == expected:
        return t("typed.match.ok")
    if not typed:
        return t("typed.match.none", expected=expected)
    if expected.startswith(typed):
        return t("typed.match.partial", expected=expected, count=len(typed),
                 total=len(expected))
    if typed.startswith(expected):
        return t("typed.match.long", expected=expected, extra=len(typed) - len(expected))
    position = next(i for i, (a, b) in enumerate(zip(typed, expected + "\0", strict=False))
                    if a != b) + 1
    return t("typed.match.wrong", expected=expected, position=position)


class TypedConfirmScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str, body: str, expected: str, prompt: str | None = None) -> None:
        super().__init__(id="typed-confirm")
        localize_bindings(self)
        self._title = title
        self._body = body
        self.expected = expected
        # what to type and why; the default speaks of a production cluster's name
        self._prompt = prompt if prompt is not None else t("console.typed.prompt",
                                                             name=expected)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog typed-confirm"):
            yield Static(self._title, classes="dialog-title", markup=False)
            if self._body:
                yield Static(self._body, classes="confirm-body", markup=False)
            yield Static(self._prompt, classes="prod-warning", markup=False)
            yield Input(placeholder=self.expected, id="typed-name")
            yield Static(match_text("", self.expected), id="typed-match", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.confirm.yes"), variant="error", id="typed-yes",
                             disabled=True)
                yield Button(t("console.confirm.no"), id="typed-no")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#typed-yes", Button).disabled = event.value.strip() != self.expected
        self.query_one("#typed-match", Static).update(match_text(event.value, self.expected))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() == self.expected:
            self.dismiss(event.value.strip())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "typed-yes":
            self.dismiss(self.query_one(Input).value.strip())
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
