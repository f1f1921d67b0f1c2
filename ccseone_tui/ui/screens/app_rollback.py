"""Roll an app back to an earlier revision (``b`` on its History tab): the same Compare as an
upgrade first — what each target runs now against what the revision would put there
(``apps.plan(revision=R)``; the first target that changes opens side by side at once) —
then the confirmation (typed names for production targets) and the rollback task."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.app_publish import Loaded
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.widgets.app_plan import AppPlanList
from ccseone_tui.ui.widgets.form import FormError

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


class AppRollbackScreen(FormScreen[Task | None]):
    """Its Submit/Cancel buttons behave as in every form dialog (FormScreen)."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "apps.ui.rollback"),
    ]

    def __init__(self, name: str, revision: int, *, compare_first: bool = True) -> None:
        super().__init__(id="app-rollback")
        localize_bindings(self)
        self.app_name = name
        self.revision = revision
        self.compare_first = compare_first
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
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("apps.ui.rollback"), variant="warning", id="submit",
                             disabled=True)
                yield Button(t("console.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()
        workers.start(self, self._plan(), name=f"load:app-plan:{self.app_name}",
                      group="load:plan", exclusive=True,
                      description=t("apps.ui.worker.plan", name=self.app_name))

    async def _plan(self) -> None:
        plans = await self.shell.services.apps.plan(self.instance, self.app_name,
                                                    revision=self.revision)
        self.post_message(Loaded("plan", plans))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        plan_list = self.query_one(AppPlanList)
        plan_list.show(message.value)
        self.query_one("#submit", Button).disabled = False
        if self.compare_first:  # the diff first (guide §4.1): the first target that changes
            changed = [i for i, p in enumerate(message.value)
                       if p.old != p.new and not getattr(p, "error", None)]
            if changed:
                plan_list.compare(changed[0])

    def action_submit(self) -> None:
        if self.busy or not actions.writable(self.shell):
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        workers.start(self, self._rollback(), name=f"flow:app-rollback:{self.app_name}",
                      group="flow", description=t("apps.ui.worker.rollback", name=self.app_name,
                                                  revision=self.revision))

    async def _rollback(self) -> None:
        from ccseone_tui.ui.app_actions import confirm_targets

        plans = self.query_one(AppPlanList).plans
        clusters = sorted({p.target.cluster for p in plans})
        go, typed = await confirm_targets(
            self.shell, clusters,
            t("apps.ui.rollback.confirm", name=self.app_name, revision=self.revision),
            "\n".join(f"  • {p.target.cluster}/{p.target.namespace}" for p in plans),
            danger=True)
        if not go:
            self._ready()
            return
        try:
            task = await self.shell.services.apps.rollback(self.instance, self.app_name,
                                                           self.revision, confirm=typed)
        except CcseoneError as exc:
            self._ready()
            self.query_one(FormError).say(str(exc))
            return
        self.dismiss(task)

    def _ready(self) -> None:
        self.busy = False
        self.query_one("#submit", Button).disabled = False
