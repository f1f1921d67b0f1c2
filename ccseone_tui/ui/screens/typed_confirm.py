"""A write to a production cluster: the user types the cluster's name to confirm.

The typed text is returned as-is; the caller hands it to the service as ``confirm=``, and
the service decides (``ConfirmationMismatch`` otherwise) — the dialog only makes the right
answer easy: the confirm button is enabled once the text matches, and a line under the field
says what is wrong while typing. :class:`TypedField` is that prompt, field and line, for the
dialogs that ask for the names inside themselves (app delete, rollback, upgrade).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.confirm import CONFIRM_BINDINGS, YES_ID, ConfirmKeys, confirm_buttons


def _names(text: str) -> list[str]:
    return sorted(n.strip() for n in text.split(",") if n.strip())


def matches(typed: str, expected: str) -> bool:
    """The text names what is expected: exactly, or the same comma-separated names in
    another order (the way ``guard.check_confirmed`` reads them)."""
    typed = typed.strip()
    return typed == expected or ("," in expected and _names(typed) == _names(expected))


def match_text(typed: str, expected: str) -> str:
    """What is wrong with the text so far, said while typing (not only a disabled button)."""
    typed = typed.strip()
    if matches(typed, expected):
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


class TypedField(Vertical):
    """What to type and why, the field, and the live match line under it. The dialog
    listens to ``Input.Changed`` too (to enable its button); this only says the match."""

    DEFAULT_CSS = """
    TypedField { height: auto; }
    TypedField .typed-match { color: $text-muted; }
    TypedField .typed-match.-bad { color: $warning; }
    TypedField .typed-match.-ok { color: $success; }
    TypedField .typed-prompt-compact { color: $error; text-style: bold; }
    """

    def __init__(self, expected: str, prompt: str, *, input_id: str = "typed-name",
                 compact: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.expected = expected
        self._prompt = prompt
        self._input_id = input_id
        self._compact = compact  # a one-line field, in a dialog short of rows

    def compose(self) -> ComposeResult:
        # the app's .prod-warning keeps a blank line under it: not in a compact field
        yield Static(self._prompt, markup=False, classes="typed-prompt " + (
            "typed-prompt-compact" if self._compact else "prod-warning"))
        yield Input(placeholder=self.expected, id=self._input_id, compact=self._compact)
        yield Static(match_text("", self.expected), classes="typed-match", markup=False)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def typed(self) -> str:
        return self.input.value.strip()

    @property
    def matched(self) -> bool:
        return matches(self.input.value, self.expected)

    def expect(self, expected: str, prompt: str) -> None:
        """Ask for other names (known only once the dialog has loaded its targets)."""
        self.expected = expected
        self._prompt = prompt
        self.query_one(".typed-prompt", Static).update(prompt)
        self.input.placeholder = expected
        self._say()

    def _say(self) -> None:
        line = self.query_one(".typed-match", Static)
        line.update(match_text(self.input.value, self.expected))
        line.set_class(self.matched, "-ok")
        line.set_class(bool(self.input.value.strip()) and not self.matched, "-bad")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._say()  # not stopped: the dialog enables its button on the same event


class TypedConfirmScreen(ConfirmKeys, ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = list(CONFIRM_BINDINGS)

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
            yield TypedField(self.expected, self._prompt)
            yield from confirm_buttons(danger=True, disabled=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def confirm_refused(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(f"#{YES_ID}", Button).disabled = not self.query_one(TypedField).matched

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.query_one(TypedField).matched:
            self.dismiss(event.value.strip())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == YES_ID:
            self.dismiss(self.query_one(TypedField).typed)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
