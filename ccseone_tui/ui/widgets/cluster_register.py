"""The Register tab of a cluster created in ``Waiting`` (§3.1.3.4): the join command to copy
(``y``) and run on the member, and where to paste the one-line token it prints."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static, TextArea

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterStatus, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.widgets.form import FormError

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class ClusterRegisterPane(Vertical):
    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.command = ""
        self.started = False
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(t("console.register.step1"), classes="pane-bar")
        yield TextArea("", read_only=True, id="join-command", soft_wrap=False)
        yield Static(t("console.register.step2"), classes="pane-bar")
        with Horizontal(classes="form-row"):
            yield Label(t("console.field.token"), classes="form-label")
            yield Input(password=True, id="token", compact=True,
                        placeholder=t("console.register.token.placeholder"))
            yield Button(t("console.register"), variant="primary", id="register",
                         compact=True)
        yield FormError(id="register-error")
        yield Static("", id="register-state")

    def activate(self) -> None:
        if self.started:
            return
        self.started = True
        workers.start(self, self._load(), name=f"load:join:{self.cluster.name}",
                      group="load", exclusive=True,
                      description=t("console.worker.join", cluster=self.cluster.name))
        self.show_state(self.cluster)

    async def _load(self) -> None:
        try:
            text = await self.shell.services.registration.join_command(self.cluster)
        except CcseoneError as exc:  # associated from kubeconfig: nothing to register
            text = str(exc)
        self.post_message(msg.DetailLoaded(text))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        self.command = message.record
        self.query_one(TextArea).load_text(self.command)

    def show_state(self, cluster: MemberCluster) -> None:
        status = cluster.probe.status
        text = t("console.register.waiting") if status is ClusterStatus.WAITING else t(
            "console.register.state", status=t(f"status.cluster.{status.value}"))
        self.query_one("#register-state", Static).update(text)

    def copy(self) -> None:
        if self.command:
            self.app.copy_to_clipboard(self.command)
            self.app.notify(t("console.register.copied"), timeout=3)

    @on(Input.Submitted, "#token")
    @on(Button.Pressed, "#register")
    def _register(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.register()

    def register(self) -> None:
        token = self.query_one("#token", Input).value.strip()
        error = self.query_one("#register-error", FormError)
        if self.busy:
            return
        if not token:
            error.say(t("console.register.token.empty"))
            return
        error.say(None)
        self.busy = True
        self.query_one("#register-state", Static).update(t("console.register.running"))
        workers.start(self, self._run(token), name=f"write:register:{self.cluster.name}",
                      group="write", description=t("console.register"))

    async def _run(self, token: str) -> None:
        try:
            cluster = await self.shell.services.registration.register(self.cluster.name, token)
        except CcseoneError as exc:
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.post_message(msg.WriteFinished([cluster]))

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        self.busy = False
        if message.error is not None:
            self.query_one("#register-error", FormError).say(str(message.error))
            self.show_state(self.cluster)
            return
        self.query_one("#token", Input).value = ""
        self.cluster = message.results[0]
        self.show_state(self.cluster)
        self.app.notify(t("console.register.done", name=self.cluster.name), timeout=5)
