"""Roll an app back to an earlier revision (``b`` on its History tab): the same Compare as an
upgrade first — what each target runs now against what the revision would put there
(``apps.plan(revision=R)``; the first target that changes opens side by side at once) —
then, in the same dialog, the typed names of production targets; its Roll back button is
the confirmation (one dialog per action), and the rollback task follows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.app_publish import Loaded
from ccseone_tui.ui.screens.confirm import (
    CONFIRM_BINDINGS,
    NO_ID,
    YES_ID,
    ConfirmKeys,
    confirm_buttons,
)
from ccseone_tui.ui.screens.typed_confirm import TypedField
from ccseone_tui.ui.widgets.app_plan import AppPlanList
from ccseone_tui.ui.widgets.form import FormError

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class AppRollbackScreen(ConfirmKeys, ModalScreen[Task | None]):
    """The confirmation style of every dialog: Roll back / No, ``y``/``n``, the hint line."""

    BINDINGS: ClassVar[list[Any]] = [
        *CONFIRM_BINDINGS,
        Binding("ctrl+s", "confirm", "apps.ui.rollback", show=False),
    ]

    def __init__(self, name: str, revision: int, *, compare_first: bool = True) -> None:
        super().__init__(id="app-rollback")
        localize_bindings(self)
        self.app_name = name
        self.revision = revision
        self.compare_first = compare_first
        self.production: list[str] = []  # the production clusters among the targets
        self.loaded = False
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("apps.ui.rollback.title", name=self.app_name, revision=self.revision),
                         classes="dialog-title", markup=False)
            yield Static(t("apps.ui.rollback.body", revision=self.revision),
                         classes="confirm-body", markup=False)
            yield AppPlanList(self.app_name, old_label=t("apps.ui.plan.deployed"),
                              new_label=t("apps.ui.revision", number=self.revision),
                              id="rollback-plan")
            yield TypedField("", "", input_id="typed-production", compact=True)
            yield FormError()
            yield from confirm_buttons(t("apps.ui.rollback"), danger=True, disabled=True)

    def on_mount(self) -> None:
        self.query_one(TypedField).display = False
        self.query_one(f"#{NO_ID}", Button).focus()  # a dangerous question: No has the focus
        workers.start(self, self._plan(), name=f"load:app-plan:{self.app_name}",
                      group="load:plan", exclusive=True,
                      description=t("apps.ui.worker.plan", name=self.app_name))

    async def _plan(self) -> None:
        from ccseone_tui.ui.app_actions import clusters_named

        plans = await self.shell.services.apps.plan(self.instance, self.app_name,
                                                    revision=self.revision)
        clusters = await clusters_named(self.shell, sorted({p.target.cluster for p in plans}))
        production = [c.name for c in clusters if self.shell.services.is_production(c)]
        self.post_message(Loaded("plan", (plans, production)))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        plans, self.production = message.value
        plan_list = self.query_one(AppPlanList)
        plan_list.show(plans)
        self.loaded = True
        if self.production:  # their names typed here, not in a second dialog
            names = ",".join(self.production)
            field = self.query_one(TypedField)
            field.expect(names, t("console.typed.prompt", name=names))
            field.display = True
            field.input.focus()
        self._enable()
        if self.compare_first:  # the diff first (guide §4.1): the first target that changes
            changed = [i for i, p in enumerate(plans)
                       if p.old != p.new and not getattr(p, "error", None)]
            if changed:
                plan_list.compare(changed[0])

    def typed(self) -> str | None:
        return self.query_one(TypedField).typed if self.production else None

    def ready(self) -> bool:
        return self.loaded and not self.busy and (
            not self.production or self.query_one(TypedField).matched)

    def _enable(self) -> None:
        self.query_one(f"#{YES_ID}", Button).disabled = not self.ready()

    def confirm_refused(self) -> None:
        if self.production:
            self.query_one(TypedField).input.focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._enable()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == NO_ID:
            event.stop()
            self.action_cancel()
        elif event.button.id == YES_ID:
            event.stop()
            self.submit()

    def submit(self) -> None:
        if not self.ready() or not actions.writable(self.shell):
            return
        self.busy = True
        self._enable()
        workers.start(self, self._rollback(self.typed()),
                      name=f"flow:app-rollback:{self.app_name}", group="flow",
                      description=t("apps.ui.worker.rollback", name=self.app_name,
                                    revision=self.revision))

    async def _rollback(self, typed: str | None) -> None:
        try:
            task = await self.shell.services.apps.rollback(self.instance, self.app_name,
                                                           self.revision, confirm=typed)
        except CcseoneError as exc:
            self.busy = False
            self._enable()
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(task)

    def action_cancel(self) -> None:
        self.dismiss(None)
