"""Which container (a shell into a pod with several): Enter picks, Esc cancels. Containers
that do not run are listed with their state and cannot be picked."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings

if TYPE_CHECKING:
    from ccseone_tui.services.resources.actions import ContainerInfo


def runs(c: ContainerInfo) -> bool:
    return c.state.startswith("Running")


class ContainerPickScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, title: str, containers: list[ContainerInfo]) -> None:
        super().__init__(id="container-pick")
        localize_bindings(self)
        self._title = title
        self.containers = containers

    def compose(self) -> ComposeResult:
        options = []
        for c in self.containers:
            label = Text.assemble((c.name, "bold"), f"  {t(f'res_ui.container.{c.kind}')}  ",
                                  (c.state, "green" if runs(c) else "yellow"))
            options.append(Option(label, id=c.name, disabled=not runs(c)))
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(self._title, classes="dialog-title", markup=False)
            yield OptionList(*options, id="containers")
            yield Static(t("res_ui.pick.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        picker.focus()
        first = next((i for i, c in enumerate(self.containers)
                      if runs(c) and c.kind == "main"), None)
        if first is not None:
            picker.highlighted = first

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
