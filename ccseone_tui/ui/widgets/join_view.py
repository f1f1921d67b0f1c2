"""The join instructions of a cluster on an ocm hub: the real ``clusteradm join … --wait``
with a freshly minted bootstrap token and the klusterlet values file (agents on edge nodes),
read-only, with the token's expiry and what to do next. Used by the dialog shown after a
create and by the Register tab of an ocm cluster; ``copy()`` puts the text on the clipboard.

The token is minted when :meth:`activate` runs and is never stored. A refusal (hub
unreachable …) is shown in place of the text, so the user sees why there is nothing to copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.members import JoinInstructions
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.widgets.form import FormError

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class JoinInstructionsView(Vertical):
    DEFAULT_CSS = """
    JoinInstructionsView { height: auto; }
    JoinInstructionsView #join-text { height: 14; }
    JoinInstructionsView #join-expiry { color: $warning; margin-top: 1; height: auto; }
    JoinInstructionsView #join-then { height: auto; }
    """

    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.instructions: JoinInstructions | None = None
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(t("ocm_ui.join.step"), markup=False)
        yield TextArea(t("ocm_ui.join.loading"), read_only=True, soft_wrap=True,
                       id="join-text")
        yield Static("", id="join-expiry", markup=False)
        yield Static(t("ocm_ui.join.then"), id="join-then", markup=False)
        yield FormError(id="join-error")

    def activate(self) -> None:
        if self.started:
            return
        self.started = True
        workers.start(self, self._load(), name=f"load:join:{self.cluster.name}", group="load",
                      exclusive=True,
                      description=t("console.worker.join", cluster=self.cluster.name))

    async def _load(self) -> None:
        try:
            found: Any = await self.shell.services.registration.join_instructions(self.cluster)
        except CcseoneError as exc:
            found = exc
        self.post_message(msg.DetailLoaded(found))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        if isinstance(message.record, CcseoneError):
            self.query_one(TextArea).load_text("")
            self.query_one(FormError).say(str(message.record))
            return
        self.show(message.record)

    def show(self, instructions: JoinInstructions) -> None:
        self.instructions = instructions
        self.query_one(TextArea).load_text(instructions.text)
        self.query_one("#join-expiry", Static).update(
            t("ocm_ui.join.expires", when=fmt.timestamp(instructions.expires_at))
            if instructions.expires_at else "")

    def copy(self) -> None:
        if self.instructions is not None:
            self.app.copy_to_clipboard(self.instructions.text)
            self.app.notify(t("ocm_ui.join.copied"), timeout=3)
