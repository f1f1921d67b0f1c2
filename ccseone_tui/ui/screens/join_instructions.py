"""The join instructions of a new cluster on an ocm hub (after ``c`` on an ocm instance, or
from the palette): ``widgets/join_view.py`` in a dialog; ``y`` copies, Esc closes."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.join_view import JoinInstructionsView


class JoinInstructionsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "close", "console.key.back"),
        Binding("y", "copy", "console.key.copy"),
    ]

    def __init__(self, cluster: MemberCluster) -> None:
        super().__init__(id="join-instructions")
        localize_bindings(self)
        self.cluster = cluster

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide-dialog"):
            yield Static(t("ocm_ui.join.title", name=self.cluster.name), classes="dialog-title",
                         markup=False)
            yield JoinInstructionsView(self.cluster, id="join-view")
            yield Static(t("ocm_ui.join.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()
        self.query_one(JoinInstructionsView).activate()

    def action_copy(self) -> None:
        self.query_one(JoinInstructionsView).copy()

    def action_close(self) -> None:
        self.dismiss(None)
