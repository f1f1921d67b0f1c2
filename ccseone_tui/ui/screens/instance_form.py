"""Create (``n``) or edit (``e``) a control instance: a modal form that validates as you
type, naming the wrong field; create asks "Create control instance X in region R?" first.

Engine ``local`` (ccseone reaches each cluster itself) or ``ocm`` (an Open Cluster Management
hub): for ocm the hub's kubeconfig context is picked from the contexts found, with an
optional kubeconfig file; the service checks it is a hub on submit, and a refusal (not a
hub: run ``clusteradm init``; no bootstrap account; credentials rejected …) names its fix in
the error line.

The service call runs in a worker; a refusal (name taken, read-only …) stays in the form as
its error line, so the user can fix it without starting over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static, Switch

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ControlInstance, Engine
from ccseone_tui.i18n import t
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.widgets.form import FormError, name_problem, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class InstanceFormScreen(FormScreen[ControlInstance | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]

    def __init__(self, instance: ControlInstance | None = None) -> None:
        super().__init__(id="instance-form")
        localize_bindings(self)
        self.instance = instance  # None: create
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def creating(self) -> bool:
        return self.instance is None

    def compose(self) -> ComposeResult:
        inst = self.instance
        regions = self.shell.services.settings.regions
        title = t("console.instance.create.title") if inst is None else t(
            "console.instance.edit.title", name=inst.name)
        with Vertical(classes="dialog form-dialog"):
            yield Static(title, classes="dialog-title", markup=False)
            yield row(t("console.field.name"), Input(
                value=inst.name if inst else "", placeholder=t("console.name.placeholder"),
                id="name", compact=True, disabled=inst is not None))
            yield row(t("console.field.region"), Select(
                [(r, r) for r in regions], value=inst.region if inst else regions[0],
                allow_blank=False, id="region", compact=True, disabled=inst is not None))
            engine = Engine(inst.engine).value if inst else Engine.LOCAL.value
            yield row(t("console.field.engine"), Select(
                [(e.value, e.value) for e in (Engine.LOCAL, Engine.OCM)], value=engine,
                allow_blank=False, id="engine", compact=True, disabled=inst is not None))
            hub = row(t("ocm_ui.field.hub_context"), Select[str](
                [(inst.hub_context, inst.hub_context)] if inst and inst.hub_context else [],
                value=inst.hub_context if inst and inst.hub_context else Select.NULL,
                prompt=t("ocm_ui.hub_context.prompt"), id="hub-context", compact=True,
                disabled=inst is not None), id="hub-context-row")
            path = row(t("ocm_ui.field.hub_kubeconfig"), Input(
                value=(inst.hub_kubeconfig or "") if inst else "",
                placeholder=t("ocm_ui.hub_kubeconfig.placeholder"), id="hub-kubeconfig",
                compact=True, disabled=inst is not None), id="hub-kubeconfig-row")
            hub.display = path.display = engine == Engine.OCM.value
            yield hub
            yield path
            yield row(t("console.field.protection"), Switch(
                value=inst.deletion_protection if inst else True, id="protection",
                animate=False))
            yield row(t("console.field.description"), Input(
                value=inst.description if inst else "", id="description", compact=True))
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.create") if inst is None else t("console.save"),
                             variant="primary", id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("console.form.hint"), classes="dialog-hint", id="form-hint")

    def on_mount(self) -> None:
        self.query_one("#name" if self.creating else "#description", Input).focus()
        if self.creating:  # the hub is picked from the kubeconfig contexts found
            workers.start(self, self._contexts(), name="load:contexts", group="load",
                          exclusive=True, description=t("ocm_ui.field.hub_context"))

    async def _contexts(self) -> None:
        self.post_message(msg.ContextsLoaded(await self.shell.services.clusters.contexts(), []))

    def on_contexts_loaded(self, message: msg.ContextsLoaded) -> None:
        message.stop()
        select = self.query_one("#hub-context", Select)
        select.set_options([(f"{c.name}  ({c.server})", c.name) for c in message.contexts])
        if not message.contexts:
            select.prompt = t("ocm_ui.hub_context.none")

    @on(Select.Changed, "#engine")
    def _engine_changed(self, event: Select.Changed) -> None:
        event.stop()
        ocm = event.value == Engine.OCM.value
        self.query_one("#hub-context-row").display = ocm
        self.query_one("#hub-kubeconfig-row").display = ocm
        self.query_one(FormError).say(None)

    # ---- validation ----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        context = self.query_one("#hub-context", Select).value
        return {
            "name": self.query_one("#name", Input).value.strip(),
            "region": str(self.query_one("#region", Select).value),
            "deletion_protection": self.query_one("#protection", Switch).value,
            "description": self.query_one("#description", Input).value.strip(),
            "engine": Engine(str(self.query_one("#engine", Select).value)),
            "hub_context": "" if context is Select.NULL else str(context),
            "hub_kubeconfig": self.query_one("#hub-kubeconfig", Input).value.strip(),
        }

    def validate(self) -> str | None:
        if not self.creating:
            return None
        values = self.values()
        problem = name_problem(t("console.field.name"), values["name"])
        if problem is None and values["engine"] is Engine.OCM and not values["hub_context"]:
            problem = t("console.form.invalid", field=t("ocm_ui.field.hub_context"),
                        error=t("ocm_ui.rule.hub_context"))
        return problem

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        problem = name_problem(t("console.field.name"), event.value) if event.value else None
        event.input.set_class(problem is not None, "-invalid")
        self.query_one(FormError).say(problem)

    # ---- submit --------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        problem = self.validate()
        self.query_one(FormError).say(problem)
        if problem:
            bad_name = name_problem(t("console.field.name"), self.values()["name"])
            self.query_one("#name" if bad_name else "#hub-context").focus()
            return
        # creating asks no second question, as creating a cluster does not: the form, with
        # its name, region and protection in view, is the confirmation (#12 item 5)
        self._run(self.values())

    def _run(self, values: dict[str, Any]) -> None:
        if values["engine"] is Engine.OCM:  # the hub check takes a few requests: say so
            self.query_one("#form-hint", Static).update(
                t("ocm_ui.checking_hub", context=values["hub_context"]))
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        workers.start(self, self._save(values), name="write:instance-form", group="write",
                      description=t("console.worker.instance.save", name=values["name"]))

    async def _save(self, values: dict[str, Any]) -> None:
        instances = self.shell.services.instances
        try:
            if self.instance is None:
                hub: dict[str, Any] = {}
                if values["engine"] is Engine.OCM:  # checked to be a hub before it is saved
                    hub = {"engine": Engine.OCM, "hub_context": values["hub_context"],
                           "hub_kubeconfig": values["hub_kubeconfig"] or None}
                result = await instances.create(
                    values["name"], values["region"],
                    deletion_protection=values["deletion_protection"],
                    description=values["description"], **hub)
            else:
                result = await instances.edit(
                    self.instance.id, description=values["description"],
                    deletion_protection=values["deletion_protection"])
        except CcseoneError as exc:  # shown in the form: the user fixes it and retries
            self.busy = False
            self.query_one("#submit", Button).disabled = False
            self.query_one("#form-hint", Static).update(t("console.form.hint"))
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
