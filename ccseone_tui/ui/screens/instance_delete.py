"""Delete a control instance (``d``). Deletion protection is checked before this opens; here
the attached clusters are listed and detaching them is an explicit choice: without it the
delete button stays disabled. Dismisses with ``detach`` (True/False), or None: cancelled."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.confirm import (
    CONFIRM_BINDINGS,
    NO_ID,
    YES_ID,
    ConfirmKeys,
    confirm_buttons,
)

SHOWN = 12  # clusters listed by name; the rest are counted


class InstanceDeleteScreen(ConfirmKeys, ModalScreen[bool | None]):
    """The confirmation style of every dialog: Delete / No, ``y``/``n``, the hint line."""

    BINDINGS: ClassVar[list[Any]] = list(CONFIRM_BINDINGS)

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
            yield from confirm_buttons(t("console.delete"), danger=True,
                                       disabled=bool(self.clusters))

    def on_mount(self) -> None:
        if self.clusters:
            self.query_one(Checkbox).focus()
        else:
            self.query_one(f"#{NO_ID}", Button).focus()

    @on(Checkbox.Changed)
    def _detach_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one(f"#{YES_ID}", Button).disabled = not event.value

    def confirm_refused(self) -> None:
        self.query_one(Checkbox).focus()  # detaching the clusters is the choice to make

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == YES_ID:
            self.dismiss(bool(self.clusters) and self.query_one(Checkbox).value)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
