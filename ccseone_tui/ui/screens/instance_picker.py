"""Pick the current control instance: a small modal list; Enter chooses, Esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings


class InstancePicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, instances: list[ControlInstance], current: str | None) -> None:
        super().__init__(id="instance-picker")
        localize_bindings(self)
        self._instances = instances
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(t("picker.title"), classes="dialog-title")
            options = []
            for inst in sorted(self._instances, key=lambda i: i.name):
                mark = "● " if inst.id == self._current else "  "
                prompt = Text.assemble(
                    (mark, "bold magenta"), (inst.name, "bold"), "  ",
                    (f"{inst.region} · {inst.engine.value} · {inst.id}", "dim"),
                )
                options.append(Option(prompt, id=inst.id))
            yield OptionList(*options, id="instance-options")
            yield Static(t("picker.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current:
            options.highlighted = options.get_option_index(self._current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
