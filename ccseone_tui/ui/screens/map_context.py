"""Map a kubeconfig context to a cluster of an ocm instance (``m`` in the cluster detail):
its logs, edge nodes and the fleet view then reach the member's own API server through that
context. "(none)" removes the mapping. Only the file and the context name are stored; a
refusal stays in the dialog's error line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Select, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.widgets.form import FormError, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

NONE = "\x00none"  # the Select value of "remove the mapping"


class MapContextScreen(FormScreen[MemberCluster | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]

    def __init__(self, cluster: MemberCluster) -> None:
        super().__init__(id="map-context")
        localize_bindings(self)
        self.cluster = cluster
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        c = self.cluster
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("ocm_ui.map.title", name=c.name), classes="dialog-title",
                         markup=False)
            yield Static(t("ocm_ui.map.body"), classes="confirm-body", markup=False)
            yield row(t("ocm_ui.field.hub_context"), Select[str](
                [(t("ocm_ui.map.none"), NONE)], value=NONE, allow_blank=False,
                id="context", compact=True))
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("ocm_ui.map.save"), variant="primary", id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("console.form.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#context", Select).focus()
        workers.start(self, self._contexts(), name="load:contexts", group="load",
                      exclusive=True, description=t("ocm_ui.map.title", name=self.cluster.name))

    async def _contexts(self) -> None:
        self.post_message(msg.ContextsLoaded(await self.shell.services.clusters.contexts(), []))

    def on_contexts_loaded(self, message: msg.ContextsLoaded) -> None:
        message.stop()
        select = self.query_one("#context", Select)
        options = [(t("ocm_ui.map.none"), NONE)]
        options += [(f"{c.name}  ({c.server})", c.name) for c in message.contexts]
        select.set_options(options)
        names = {c.name for c in message.contexts}
        select.value = self.cluster.context if self.cluster.context in names else NONE

    def validate(self) -> str | None:
        return None

    def action_submit(self) -> None:
        if self.busy:
            return
        value = self.query_one("#context", Select).value
        context = "" if value is Select.NULL or value == NONE else str(value)
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        workers.start(self, self._save(context), name=f"write:map-context:{self.cluster.id}",
                      group="write", description=t("ocm_ui.map.title", name=self.cluster.name))

    async def _save(self, context: str) -> None:
        try:
            result = await self.shell.services.members.map_context(self.cluster.name, context)
        except CcseoneError as exc:
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.dismiss(result)

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        self.busy = False
        self.query_one("#submit", Button).disabled = False
        self.query_one(FormError).say(str(message.error))

    def action_cancel(self) -> None:
        self.dismiss(None)
