"""Upgrade an app (``u``, guide §4.1 step 3): a new template version and/or values, a change
message, the mode, and which of its target clusters take it. Below, one line per target with
**Compare**: the old and new rendered manifests side by side (``apps.plan`` → ``DiffScreen``).
The plan is computed in a worker when the dialog opens and again on ``ctrl+r`` / the button.

One dialog per action: its Upgrade button is the confirmation. The typed names of
production targets (``confirm=``) are asked inside it, above the buttons. When server-side
apply refuses because another field manager owns fields, the dialog says so and offers
Force (``force_conflicts=True``), which goes with the same typed names. Clusters left
unticked lose the app (the service removes its objects there): the dialog lists them as
they are unticked. Dismisses with the task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from ccseone_tui.domain.apps import ApplyConflict, DryRunFailed
from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task
from ccseone_tui.domain.template_errors import ValuesYamlError
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.app_publish import Loaded, values_editor, values_problem
from ccseone_tui.ui.screens.typed_confirm import TypedField
from ccseone_tui.ui.widgets.app_plan import AppPlanList
from ccseone_tui.ui.widgets.app_render import dry_run_results, is_conflict
from ccseone_tui.ui.widgets.form import FormError, row

if TYPE_CHECKING:
    from textual.timer import Timer

    from ccseone_tui.ui.app import CcseoneApp

REPLAN_DELAY = 0.6  # seconds of no edits before the comparison is computed again


class AppUpgradeScreen(ModalScreen[Task | None]):
    DEFAULT_CSS = """
    AppUpgradeScreen > .dialog { height: 95%; max-height: 95%; }
    AppUpgradeScreen #upgrade-body { height: 1fr; }
    AppUpgradeScreen #upgrade-current { margin-bottom: 1; }
    AppUpgradeScreen #upgrade-columns { height: auto; }
    AppUpgradeScreen #upgrade-values { width: 1fr; height: auto; }
    AppUpgradeScreen #upgrade-targets { width: 44; height: auto; margin-left: 2; }
    AppUpgradeScreen .form-section { margin: 0; }
    AppUpgradeScreen #values { height: 8; border: none; padding: 0; }
    AppUpgradeScreen #values.-invalid { border-left: thick $error; }
    AppUpgradeScreen #values-error { margin-top: 0; }
    AppUpgradeScreen #upgrade-clusters { height: auto; max-height: 8; }
    AppUpgradeScreen #compare-bar { height: 1; margin-top: 1; }
    AppUpgradeScreen #compare-bar > Label { width: 1fr; }
    AppUpgradeScreen #upgrade-results { height: auto; }
    AppUpgradeScreen .form-row { margin-bottom: 0; margin-top: 1; }
    AppUpgradeScreen #upgrade-leaving { color: $warning; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "apps.ui.upgrade"),
        Binding("ctrl+r", "plan", "apps.ui.plan.refresh"),
    ]

    def __init__(self, name: str) -> None:
        super().__init__(id="app-upgrade")
        localize_bindings(self)
        self.app_name = name
        self.template: Any = None
        self.current_version = ""
        self.targets: list[Any] = []  # the app's AppTargets now
        self.busy = False
        self.conflicted = False  # the last refusal was a conflict: Force is offered
        self.planned: tuple[Any, ...] | None = None  # what the comparison shown was made of
        self.production: list[str] = []  # production clusters among the targets: typed
        self._replan: Timer | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("apps.ui.upgrade.title", name=self.app_name),
                         classes="dialog-title", markup=False)
            with VerticalScroll(id="upgrade-body"):
                yield Static(t("apps.ui.loading"), id="upgrade-current")
                yield row(t("apps.ui.field.version"), Select[str](
                    [], prompt=t("apps.ui.loading"), id="version", compact=True))
                yield row(t("apps.ui.field.message"), Input(
                    placeholder=t("apps.ui.message.hint"), id="message", compact=True))
                with Horizontal(id="upgrade-columns"):
                    with Vertical(id="upgrade-values"):
                        yield Label(t("apps.ui.field.values"), classes="form-section")
                        yield values_editor()
                    with Vertical(id="upgrade-targets"):
                        yield Label(t("apps.ui.field.target_clusters"), classes="form-section")
                        yield SelectionList[str](id="upgrade-clusters", compact=True)
                yield FormError(id="values-error")
                yield row(t("apps.ui.field.mode"), Select(
                    [(t("apps.ui.mode.full"), "full"), (t("apps.ui.mode.batch"), "batch")],
                    value="full", allow_blank=False, id="mode", compact=True))
                yield row(t("apps.ui.field.batch_size"), Input(
                    value="1", id="batch-size", compact=True, type="integer"), id="batch-row")
                with Horizontal(id="compare-bar"):
                    yield Label(t("apps.ui.field.compare"), classes="form-section")
                    yield Button(t("apps.ui.plan.refresh"), id="plan", compact=True)
                yield AppPlanList(self.app_name, old_label=t("apps.ui.plan.deployed"),
                                  new_label=t("apps.ui.plan.upgraded"), id="upgrade-plan")
                yield Static("", id="upgrade-leaving", markup=False)
                yield FormError()
                yield Static("", id="upgrade-results")
            yield TypedField("", "", input_id="typed-production", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("apps.ui.upgrade"), variant="primary", id="submit")
                yield Button(t("apps.ui.force"), variant="error", id="force")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("apps.ui.upgrade.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#batch-row").display = False
        self.query_one("#force").display = False
        self.query_one("#upgrade-leaving").display = False
        self.query_one(TypedField).display = False
        self.query_one("#message", Input).focus()
        workers.start(self, self._load(), name=f"load:app-upgrade:{self.app_name}",
                      group="cache:dialog", exclusive=True,
                      description=t("worker.load", what=self.app_name))

    async def _load(self) -> None:
        services = self.shell.services
        app = await services.apps.get(self.instance, self.app_name)
        template = await services.templates.get(app.template_id)
        history = await services.apps.history(self.instance, self.app_name)
        targets = await services.apps.targets(self.instance, self.app_name)
        current = history[0].revision if history else None
        from ccseone_tui.ui.app_actions import clusters_named

        # every target is written (upgraded, or the app removed there when unticked)
        clusters = await clusters_named(self.shell, sorted({x.cluster for x in targets}))
        production = [c.name for c in clusters if services.is_production(c)]
        self.post_message(Loaded("app", (app, template, current, targets, production)))
        versions = await services.templates.versions(template)
        self.post_message(Loaded("versions", list(versions)))

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.what == "app":
            app, template, current, targets, self.production = message.value
            self.template = template
            self.targets = list(targets)
            if self.production:  # their names typed here, not in a second dialog
                names = ",".join(self.production)
                field = self.query_one(TypedField)
                field.expect(names, t("console.typed.prompt", name=names))
                field.display = True
            self.current_version = current.template_version if current else ""
            self.query_one("#upgrade-current", Static).update(t(
                "apps.ui.upgrade.current", template=template.name,
                version=self.current_version or "—", revision=app.current_revision))
            if current is not None:
                self.query_one("#values", TextArea).load_text(current.values or "")
            clusters = self.query_one(SelectionList)
            clusters.clear_options()
            for name in sorted({x.cluster for x in targets}):
                spaces = ", ".join(sorted(x.namespace for x in targets if x.cluster == name))
                clusters.add_option(Selection(f"{name}  ({spaces})", name, True))
            if clusters.option_count:
                clusters.highlighted = 0  # else space toggles nothing until an arrow key
        elif message.what == "versions":
            select = self.query_one("#version", Select)
            select.set_options([(v, v) for v in message.value])
            select.prompt = t("apps.ui.version.keep")  # no version: the service keeps it
            if self.current_version in message.value:
                select.value = self.current_version
            elif message.value:
                select.value = message.value[0]
            self.action_plan()
        elif message.what == "plan":
            self.query_one(AppPlanList).show(message.value)

    # ---- the form --------------------------------------------------------------------------

    @property
    def version(self) -> str | None:
        value = self.query_one("#version", Select).value
        return None if value is Select.NULL else str(value)

    def arguments(self, *, submitting: bool = True) -> dict[str, Any] | None:
        """The upgrade's keyword arguments, or None with the problem shown at its field.
        Only a submit clears the form's error line: a comparison that follows an edit must
        not wipe the last refusal (a conflict, with Force still offered next to it)."""
        say = self.query_one("#form-error", FormError).say
        editor = self.query_one("#values", TextArea)
        problem = values_problem(editor.text)
        editor.set_class(problem is not None, "-invalid")
        self.query_one("#values-error", FormError).say(problem[0] if problem else None)
        if problem:
            if problem[1]:
                editor.move_cursor((problem[1] - 1, max(0, (problem[2] or 1) - 1)))
            editor.focus()
            return None
        picked = {str(v) for v in self.query_one(SelectionList).selected}
        if not picked:
            say(t("apps.ui.error.no_targets"))
            self.query_one(SelectionList).focus()
            return None
        mode = str(self.query_one("#mode", Select).value)
        batch: int | None = None
        if mode == "batch":
            text = self.query_one("#batch-size", Input).value.strip()
            if not text.isdigit() or int(text) < 1:
                say(t("apps.ui.error.batch", value=text))
                self.query_one("#batch-size", Input).focus()
                return None
            batch = int(text)
        if submitting and self.production and not self.query_one(TypedField).matched:
            field = self.query_one(TypedField)
            say(t("apps.ui.error.typed", names=field.expected))
            field.input.focus()
            return None
        if submitting:
            say(None)
        return {"version": self.version, "values_yaml": editor.text,
                "message": self.query_one("#message", Input).value.strip(),
                "mode": "batch" if batch else "full", "batch_size": batch,
                "targets": [x for x in self.targets if x.cluster in picked]}

    @on(TextArea.Changed, "#values")
    def _values_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        problem = values_problem(event.text_area.text)
        event.text_area.set_class(problem is not None, "-invalid")
        self.query_one("#values-error", FormError).say(problem[0] if problem else None)
        if problem is None:
            self.replan_soon()

    @on(Select.Changed, "#version")
    @on(SelectionList.SelectedChanged)
    def _inputs_changed(self, event: Any) -> None:
        event.stop()
        if isinstance(event, SelectionList.SelectedChanged):
            self.show_leaving()
        if self.template is not None:  # loaded: the comparison follows the form
            self.replan_soon()

    def show_leaving(self) -> None:
        """The targets left unticked lose the app: said in the dialog as they are unticked
        (the confirmation that listed them is this dialog now)."""
        picked = {str(v) for v in self.query_one(SelectionList).selected}
        left = [x for x in self.targets if x.cluster not in picked]
        line = self.query_one("#upgrade-leaving", Static)
        line.display = bool(left) and bool(picked)
        line.update(t("apps.ui.upgrade.leaving") + "\n" + "\n".join(
            f"  • {x.cluster}/{x.namespace}" for x in left) if left else "")

    @on(Input.Submitted, "#typed-production")
    def _typed_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def replan_soon(self) -> None:
        """The comparison follows edits, once they pause (not on every key)."""
        if self._replan is not None:
            self._replan.stop()
        self._replan = self.set_timer(REPLAN_DELAY, lambda: self.action_plan(force=False))

    @on(Select.Changed, "#mode")
    def _mode(self, event: Select.Changed) -> None:
        event.stop()
        self.query_one("#batch-row").display = event.value == "batch"

    # ---- compare ---------------------------------------------------------------------------

    def action_plan(self, force: bool = True) -> None:
        """Compute the per-target comparison; unless forced, only when what it depends on
        (version, values, targets) changed since the last one."""
        args = self.arguments(submitting=False)
        if args is None:
            return
        key = (args["version"], args["values_yaml"], tuple(x.key for x in args["targets"]))
        if key == self.planned and not force:
            return
        self.planned = key
        workers.start(self, self._plan(args), name=f"load:app-plan:{self.app_name}",
                      group="load:plan", exclusive=True,
                      description=t("apps.ui.worker.plan", name=self.app_name))

    async def _plan(self, args: dict[str, Any]) -> None:
        plans = await self.shell.services.apps.plan(
            self.instance, self.app_name, version=args["version"],
            values_yaml=args["values_yaml"], targets=args["targets"])
        self.post_message(Loaded("plan", plans))

    # ---- upgrade ---------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "force":
            self.action_force()
        elif event.button.id == "plan":
            self.action_plan()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        self._go(force=False)

    def action_force(self) -> None:
        self._go(force=True)

    def _go(self, *, force: bool) -> None:
        if self.busy or not actions.writable(self.shell):
            return
        args = self.arguments()
        if args is None:
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        workers.start(self, self._upgrade(args, force), name=f"flow:app-upgrade:{self.app_name}",
                      group="flow", description=t("apps.ui.worker.upgrade", name=self.app_name))

    async def _upgrade(self, args: dict[str, Any], force: bool) -> None:
        typed = self.query_one(TypedField).typed if self.production else None
        try:
            task = await self.shell.services.apps.upgrade(
                self.instance, self.app_name, **args, confirm=typed, force_conflicts=force)
        except DryRunFailed as exc:
            self._refused(exc, any(is_conflict(v or "") for v in exc.errors.values()))
            self.query_one("#upgrade-results", Static).update(dry_run_results(exc.errors))
            return
        except ApplyConflict as exc:
            self._refused(exc, True)
            return
        except ValuesYamlError as exc:
            self._refused(exc, False)
            self.query_one("#values-error", FormError).say(str(exc))
            return
        except CcseoneError as exc:
            self._refused(exc, is_conflict(exc.message))
            return
        self.dismiss(task)

    def _refused(self, exc: CcseoneError, conflict: bool) -> None:
        self._ready()
        text = str(exc)
        if conflict:
            text += "\n" + t("apps.ui.force.note")
        self.query_one("#form-error", FormError).say(text)
        self.conflicted = conflict
        self.query_one("#force").display = conflict

    def _ready(self) -> None:
        self.busy = False
        self.query_one("#submit", Button).disabled = False

    def action_cancel(self) -> None:
        self.dismiss(None)
