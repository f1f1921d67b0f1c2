"""The behaviour every form dialog shares: Enter in a field submits (an input or a switch:
space toggles a switch), the Submit button submits, any other button cancels. Subclasses
implement ``action_submit``/``action_cancel``."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import on
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Switch

ResultType = TypeVar("ResultType")


class FormScreen(ModalScreen[ResultType]):
    # a Switch takes Enter to toggle; in a form Enter submits, as from an input
    BINDINGS: ClassVar[list[Any]] = [
        Binding("enter", "submit_from_switch", show=False, priority=True),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_from_switch":
            return isinstance(self.focused, Switch)
        return True

    def action_submit_from_switch(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.action_cancel()
