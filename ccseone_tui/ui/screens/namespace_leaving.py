"""An edit whose new source no longer matches some clusters: keep the namespace there (it is
no longer managed from here) or delete it (with everything in it). Dismisses with
``"keep"``, ``"delete"`` or None (cancelled: back to the form)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

SHOWN = 10


class NamespaceLeavingScreen(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("k", "choose('keep')", "ns_ui.key.keep"),
        Binding("x", "choose('delete')", "ns_ui.key.delete_there"),
        Binding("escape", "choose('')", "key.cancel"),
    ]

    def __init__(self, name: str, clusters: list[MemberCluster]) -> None:
        super().__init__(id="namespace-leaving")
        localize_bindings(self)
        self.ns_name = name
        self.clusters = clusters

    def compose(self) -> ComposeResult:
        shell: CcseoneApp = self.app  # type: ignore[assignment]
        names = [c.name + (" PROD" if shell.services.is_production(c) else "")
                 for c in self.clusters]
        listing = "\n".join(f"  • {n}" for n in names[:SHOWN])
        if len(names) > SHOWN:
            listing += "\n  " + t("console.more", count=len(names) - SHOWN)
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(t("ns_ui.leaving.title", name=self.ns_name, count=len(self.clusters)),
                         classes="dialog-title", markup=False)
            yield Static(listing, id="leaving-clusters", classes="confirm-body", markup=False)
            yield Static(t("ns_ui.leaving.body", name=self.ns_name), classes="confirm-body",
                         markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ns_ui.leaving.keep"), variant="primary", id="keep")
                yield Button(t("ns_ui.leaving.delete"), variant="error", id="delete")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("ns_ui.leaving.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()  # the safe answer

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(event.button.id if event.button.id in ("keep", "delete") else "")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice or None)
