"""The Access kubeconfig tab: the cluster's kubeconfig with secrets masked; ``v`` shows it
in clear after a confirmation, ``x`` exports it to a 0600 file (the screen runs both)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class ClusterAccessPane(Vertical):
    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.revealed = False
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(t("console.kubeconfig.masked"), id="kubeconfig-state", classes="pane-bar")
        yield TextArea("", read_only=True, id="kubeconfig-text", soft_wrap=False,
                       show_cursor=False)

    def activate(self) -> None:
        if not self.started:
            self.started = True
            self.load(reveal=False)

    def load(self, reveal: bool) -> None:
        workers.start(self, self._load(reveal), name=f"load:kubeconfig:{self.cluster.name}",
                      group="load", exclusive=True,
                      description=t("console.worker.kubeconfig", cluster=self.cluster.name))

    async def _load(self, reveal: bool) -> None:
        try:
            text = await self.shell.services.clusters.kubeconfig_view(self.cluster, reveal=reveal)
        except CcseoneError as exc:  # not registered yet, file gone …: say it in the tab
            self.post_message(msg.DetailLoaded(str(exc), False))
            return
        self.post_message(msg.DetailLoaded(text, reveal))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        self.show_text(message.record, bool(message.extra))

    def show_text(self, text: str, revealed: bool) -> None:
        self.revealed = revealed
        self.query_one(TextArea).load_text(text)
        state = self.query_one("#kubeconfig-state", Static)
        state.update(t("console.kubeconfig.revealed") if revealed
                     else t("console.kubeconfig.masked"))
        state.set_class(revealed, "-warning")
