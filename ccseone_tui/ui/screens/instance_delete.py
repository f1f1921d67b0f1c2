"""Delete a control instance (``d``). Deletion protection is checked before this opens; here
the attached clusters are listed and detaching them is an explicit choice: without it the
delete button stays disabled. Dismisses with ``detach`` (True/False), or None: cancelled."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings

SHOWN = 12  # clusters listed by name; the rest are counted


class InstanceDeleteScreen(ModalScreen[bool | None]):
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "key.cancel")]

    def __init__(self, instance: ControlInstance, clusters: list[MemberCluster]) -> None:
        super().__init__(id="instance-delete")
        localize_bindings(self)
        self.instance = instance
        self.clusters = clusters

    def compose(self) -> ComposeResult:
        inst = self.instance
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(t("console.instance.delete.title", name=inst.name),
                         classes="dialog-title", markup=False)
            if self.clusters:
                names = [c.name for c in self.clusters[:SHOWN]]
                more = len(self.clusters) - len(names)
                listing = "\n".join(f"  • {n}" for n in names)
                if more:
                    listing += "\n  " + t("console.more", count=more)
                yield Static(t("console.instance.delete.attached", count=len(self.clusters)),
                             classes="confirm-body", markup=False)
                yield Static(listing, id="attached-clusters", markup=False)
                yield Checkbox(t("console.instance.delete.detach", count=len(self.clusters)),
                               id="detach", compact=True)
            else:
                yield Static(t("console.instance.delete.body"), classes="confirm-body",
                             markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.delete"), variant="error", id="delete",
                             disabled=bool(self.clusters))
                yield Button(t("console.cancel"), id="cancel")

    def on_mount(self) -> None:
        if self.clusters:
            self.query_one(Checkbox).focus()
        else:
            self.query_one("#cancel", Button).focus()

    @on(Checkbox.Changed)
    def _detach_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#delete", Button).disabled = not event.value

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "delete":
            self.dismiss(bool(self.clusters) and self.query_one(Checkbox).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
