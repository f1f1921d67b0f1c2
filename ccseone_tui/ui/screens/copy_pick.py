"""What to copy from the Fleet view's rows (``Y``): their names, the rows as shown, or their
YAML. Enter on one; Esc cancels. (No letter keys: ``y``/``n`` answer dialogs here, ``r``
refreshes.)"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings

CHOICES = ("name", "row", "yaml")


class CopyPickScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__(id="copy-pick")
        localize_bindings(self)
        self._count = count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(t("fleet.copy.title", count=self._count), classes="dialog-title",
                         markup=False)
            yield OptionList(*(Option(t(f"fleet.copy.{c}.option"), id=c) for c in CHOICES),
                             id="copy-choices")
            yield Static(t("fleet.copy.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
