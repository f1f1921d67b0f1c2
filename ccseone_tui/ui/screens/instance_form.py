"""Create (``n``) or edit (``e``) a control instance: a modal form that validates as you
type, naming the wrong field; create asks "Create control instance X in region R?" first.

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
from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.confirm import ConfirmScreen
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
            yield row(t("console.field.engine"), Static("local", id="engine"))
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
            yield Static(t("console.form.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name" if self.creating else "#description", Input).focus()

    # ---- validation ----------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "name": self.query_one("#name", Input).value.strip(),
            "region": str(self.query_one("#region", Select).value),
            "deletion_protection": self.query_one("#protection", Switch).value,
            "description": self.query_one("#description", Input).value.strip(),
        }

    def validate(self) -> str | None:
        if not self.creating:
            return None
        return name_problem(t("console.field.name"), self.values()["name"])

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        problem = self.validate() if event.value else None
        event.input.set_class(problem is not None, "-invalid")
        self.query_one(FormError).say(problem)

    # ---- submit --------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        problem = self.validate()
        self.query_one(FormError).say(problem)
        if problem:
            self.query_one("#name", Input).focus()
            return
        values = self.values()
        if not self.creating:
            self._run(values)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(values)

        self.app.push_screen(ConfirmScreen(
            t("console.instance.create.confirm", name=values["name"], region=values["region"]),
            t("console.instance.create.confirm.body",
              protection=t("common.on") if values["deletion_protection"] else t("common.off")),
            yes=t("console.create")), answered)

    def _run(self, values: dict[str, Any]) -> None:
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        workers.start(self, self._save(values), name="write:instance-form", group="write",
                      description=t("console.worker.instance.save", name=values["name"]))

    async def _save(self, values: dict[str, Any]) -> None:
        instances = self.shell.services.instances
        try:
            if self.instance is None:
                result = await instances.create(
                    values["name"], values["region"],
                    deletion_protection=values["deletion_protection"],
                    description=values["description"])
            else:
                result = await instances.edit(
                    self.instance.id, description=values["description"],
                    deletion_protection=values["deletion_protection"])
        except CcseoneError as exc:  # shown in the form: the user fixes it and retries
            self.busy = False
            self.query_one("#submit", Button).disabled = False
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
