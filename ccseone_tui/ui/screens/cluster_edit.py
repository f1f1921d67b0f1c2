"""Edit an access cluster (``e`` on Access clusters): its labels and deletion protection.

Labels are validated as they are typed (the domain rules, naming the field). A cluster that is
production before the edit, or becomes one with the new labels, asks for its name typed
(``TypedConfirmScreen``); the typed text goes to the service as ``confirm=``, which decides.
A refusal stays in the dialog's error line, so the user can fix it and save again.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static, Switch

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.domain.validation import parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen
from ccseone_tui.ui.widgets.form import FormError, labels_problem, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def labels_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


class ClusterEditScreen(FormScreen[MemberCluster | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]

    def __init__(self, cluster: MemberCluster) -> None:
        super().__init__(id="cluster-edit")
        localize_bindings(self)
        self.cluster = cluster
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        c = self.cluster
        with Vertical(classes="dialog form-dialog"):
            yield Static(t("console.cluster.edit.title", name=c.name), classes="dialog-title",
                         markup=False)
            yield row(t("console.field.labels"), Input(
                value=labels_text(c.labels), placeholder="env=prod,team=sre", id="labels",
                compact=True))
            yield row(t("console.field.protection"), Switch(
                c.deletion_protection, id="protection", animate=False))
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.save"), variant="primary", id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("console.cluster.edit.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#labels", Input).focus()

    # ---- validation ----------------------------------------------------------------------

    def validate(self) -> str | None:
        return labels_problem(t("console.field.labels"), self.query_one("#labels", Input).value)

    @on(Input.Changed, "#labels")
    def _labels_changed(self, event: Input.Changed) -> None:
        event.stop()
        problem = self.validate()
        event.input.set_class(problem is not None, "-invalid")
        self.query_one(FormError).say(problem)

    # ---- submit --------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        problem = self.validate()
        self.query_one(FormError).say(problem)
        if problem:
            self.query_one("#labels", Input).focus()
            return
        labels = parse_labels(self.query_one("#labels", Input).value)
        protection = self.query_one("#protection", Switch).value
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        # a flow: it may wait on the typed confirmation
        workers.start(self, self._save(labels, protection),
                      name=f"write:cluster-edit:{self.cluster.id}", group="flow",
                      description=t("console.worker.cluster.save", name=self.cluster.name))

    async def _save(self, labels: dict[str, str], protection: bool) -> None:
        services = self.shell.services
        before = self.cluster
        after = dataclasses.replace(before, labels=labels, deletion_protection=protection)
        typed: str | None = None
        if services.is_production(before) or services.is_production(after):
            typed = await self.app.push_screen_wait(TypedConfirmScreen(
                t("console.cluster.edit.confirm", name=before.name),
                t("console.cluster.edit.confirm.body", name=before.name), expected=before.name))
            if typed is None:
                self._ready()
                return
        try:
            edited = await services.clusters.edit(
                before.id, labels=labels, deletion_protection=protection, confirm=typed)
        except CcseoneError as exc:  # shown in the dialog: the user fixes it and saves again
            self._ready()
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(edited)

    def _ready(self) -> None:
        self.busy = False
        self.query_one("#submit", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
