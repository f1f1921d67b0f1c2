"""Create an access cluster (``c``, §3.1.3.3): name, region, source, API server address,
labels, control instance, deletion protection. It starts in ``Waiting``; the caller then
opens its detail on the Register tab with the join command.

On an ``ocm`` instance the cluster is pre-created on the hub: name, region, labels (its agent
reports the API server, so source and API server are hidden); the caller then shows the
``clusteradm join`` instructions (``ui/screens/join_instructions.py``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static, Switch

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterSource, MemberCluster
from ccseone_tui.domain.validation import parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import ocm_actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.widgets.form import FormError, labels_problem, name_problem, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

# associating a kubeconfig context is the other path (``a``); these are registered
SOURCES = (ClusterSource.REGISTERED, ClusterSource.CCSE, ClusterSource.OTHER_CLOUD,
           ClusterSource.IDC)


class ClusterCreateScreen(FormScreen[MemberCluster | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]

    def __init__(self) -> None:
        super().__init__(id="cluster-create")
        localize_bindings(self)
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        shell = self.shell
        current = shell.current_instance
        regions = shell.services.settings.regions
        region = current.region if current and current.region in regions else regions[0]
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("console.cluster.create.title"), classes="dialog-title")
            yield row(t("console.field.name"), Input(
                placeholder=t("console.name.placeholder"), id="name", compact=True))
            yield row(t("console.field.instance"), Select(
                [(i.name, i.id) for i in shell.instances],
                value=current.id if current else shell.instances[0].id, allow_blank=False,
                id="instance", compact=True))
            yield row(t("console.field.region"), Select(
                [(r, r) for r in regions], value=region, allow_blank=False, id="region",
                compact=True))
            yield row(t("console.field.source"), Select(
                [(t(f"console.source.{s.value}"), s.value) for s in SOURCES],
                value=SOURCES[0].value, allow_blank=False, id="source", compact=True),
                id="source-row")
            yield row(t("console.field.api_server"), Input(
                placeholder="https://10.0.0.1:6443", id="api-server", compact=True),
                id="api-server-row")
            yield row(t("console.field.labels"), Input(
                placeholder="env=prod,team=sre", id="labels", compact=True))
            yield row(t("console.field.protection"), Switch(True, id="protection",
                                                            animate=False))
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.create"), variant="primary", id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("console.cluster.create.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._show_hub_fields()

    @property
    def on_hub(self) -> bool:
        """The chosen instance is an ocm hub: no source or API server to give."""
        chosen = str(self.query_one("#instance", Select).value)
        return ocm_actions.is_hub(next((i for i in self.shell.instances if i.id == chosen),
                                       None))

    def _show_hub_fields(self) -> None:
        local = not self.on_hub
        self.query_one("#source-row").display = local
        self.query_one("#api-server-row").display = local

    @on(Select.Changed, "#instance")
    def _instance_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show_hub_fields()
        self.query_one(FormError).say(self.validate())

    def values(self) -> dict[str, Any]:
        return {
            "name": self.query_one("#name", Input).value.strip(),
            "instance": str(self.query_one("#instance", Select).value),
            "region": str(self.query_one("#region", Select).value),
            "source": ClusterSource(str(self.query_one("#source", Select).value)),
            "api_server": self.query_one("#api-server", Input).value.strip(),
            "labels": self.query_one("#labels", Input).value,
            "deletion_protection": self.query_one("#protection", Switch).value,
        }

    def validate(self, final: bool = False) -> str | None:
        v = self.values()
        if v["name"] or final:
            problem = name_problem(t("console.field.name"), v["name"])
            if problem:
                return problem
        problem = labels_problem(t("console.field.labels"), v["labels"])
        if problem:
            return problem
        server = v["api_server"]
        if self.on_hub:
            return None  # the member's agent reports its API server to the hub
        if (server or final) and not server.startswith(("https://", "http://")):
            return t("console.form.invalid", field=t("console.field.api_server"),
                     error=t("console.rule.api_server"))
        return None

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(FormError).say(self.validate())

    def action_submit(self) -> None:
        if self.busy:
            return
        problem = self.validate(final=True)
        self.query_one(FormError).say(problem)
        if problem:
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        v = self.values()
        workers.start(self, self._create(v), name="write:cluster-create", group="write",
                      description=t("console.cluster.create.title"))

    async def _create(self, v: dict[str, Any]) -> None:
        try:
            cluster = await self.shell.services.registration.create(
                v["instance"], v["name"], region=v["region"], source=v["source"],
                api_server="" if self.on_hub else v["api_server"],
                labels=parse_labels(v["labels"]),
                deletion_protection=v["deletion_protection"])
        except CcseoneError as exc:
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.dismiss(cluster)

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        self.busy = False
        self.query_one("#submit", Button).disabled = False
        self.query_one(FormError).say(str(message.error))

    def action_cancel(self) -> None:
        self.dismiss(None)
