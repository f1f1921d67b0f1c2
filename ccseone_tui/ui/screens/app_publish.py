"""Publish an app (``c`` on App center, guide §3.3.2): name, template and version, values
overrides, description, targets, mode — then Save draft, Dry run or Publish.

The template list and its versions load in workers (a chart repository is network); the
values editor (YAML, highlighted) starts with the chosen version's default values and is
checked as it is edited — a YAML error names its line and column and moves the cursor there.
Publish asks for the typed names of production targets and hands them to the service as
``confirm=``; the service dry-runs every target first, so a refusal shows per target here and
nothing is applied. Errors stay in the dialog next to the field they name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ccseone_tui.domain.apps import AppTarget, DryRunFailed, PublishRequest
from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Task, Template
from ccseone_tui.domain.template_errors import ValuesYamlError
from ccseone_tui.i18n import t
from ccseone_tui.templates.render import parse_values
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.app_render import dry_run_results, is_conflict
from ccseone_tui.ui.widgets.app_targets import AppTargetPicker
from ccseone_tui.ui.widgets.form import FormError, name_problem, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

# an error of the service -> the widget it is about (by the field it names, or its type)
FIELD_WIDGETS = {"name": "#name", "template": "#template", "version": "#version",
                 "values": "#values", "targets": "#target-clusters", "target": "#namespace",
                 "batch_size": "#batch-size", "description": "#description"}
TYPE_WIDGETS = {"AppExists": "#name", "NoTargets": "#target-clusters",
                "VersionUnknown": "#version", "ValuesYamlError": "#values",
                "TemplateRenderError": "#values", "TargetNamespaceMissing": "#namespace",
                "TargetClusterUnknown": "#target-clusters"}


class Loaded(Message):
    """A worker of the dialog read something: ``what`` is templates|versions|defaults."""

    def __init__(self, what: str, value: Any, key: str = "") -> None:
        super().__init__()
        self.what = what
        self.value = value
        self.key = key


def values_problem(text: str) -> tuple[str, int | None, int | None] | None:
    """The values YAML's problem as (message, line, column), or None when it parses."""
    try:
        parse_values(text)
    except ValuesYamlError as exc:
        line, column = exc.params.get("line"), exc.params.get("column")
        return (str(exc), line if isinstance(line, int) else None,
                column if isinstance(column, int) else None)
    return None


def values_editor(text: str = "", *, id: str = "values") -> TextArea:
    # Tab moves on (no keyboard trap in a form); YAML indents with typed spaces anyway
    editor = TextArea.code_editor(text, language="yaml", id=id, soft_wrap=False,
                                  tab_behavior="focus")
    editor.indent_width = 2
    return editor


def widget_for(exc: CcseoneError) -> str | None:
    """Which field of the form an error of the service is about."""
    field = str(exc.params.get("field", "")).split("[")[0].strip().lower().replace(" ", "_")
    return FIELD_WIDGETS.get(field) or TYPE_WIDGETS.get(type(exc).__name__)


class AppPublishScreen(ModalScreen[Task | None]):
    DEFAULT_CSS = """
    AppPublishScreen > .dialog { width: 130; height: 95%; max-height: 95%; }
    AppPublishScreen #publish-body { height: 1fr; }
    AppPublishScreen .form-row { margin-bottom: 0; }
    AppPublishScreen #publish-columns { height: auto; margin-top: 1; }
    AppPublishScreen #publish-values { width: 1fr; height: auto; }
    AppPublishScreen #publish-targets { width: 60; height: auto; margin-left: 2; }
    AppPublishScreen #publish-targets .form-label { width: 22; }
    AppPublishScreen .form-section { margin: 0; }
    AppPublishScreen #values { height: 11; border: none; padding: 0; }
    AppPublishScreen #values.-invalid { border-left: thick $error; }
    AppPublishScreen #values-error { margin-top: 0; }
    AppPublishScreen #publish-results { height: auto; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "apps.ui.publish"),
        Binding("ctrl+r", "dry_run", "apps.ui.dry_run"),
    ]

    def __init__(self, draft: str | None = None) -> None:
        super().__init__(id="app-publish")
        localize_bindings(self)
        self.draft = draft  # the name of a saved draft to open (its fields filled in)
        self.wanted_version: str | None = None
        self.templates: dict[str, Template] = {}
        self.defaults = ""  # what the editor was last filled with (not edited since)
        self.busy = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        instance = self.shell.current_instance
        with Vertical(classes="dialog form-dialog wide-dialog"):
            yield Static(t("apps.ui.publish.title", instance=instance.name if instance else ""),
                         classes="dialog-title", markup=False)
            with VerticalScroll(id="publish-body"):
                yield row(t("apps.ui.field.name"), Input(placeholder="web", id="name",
                                                          compact=True))
                yield row(t("apps.ui.field.template"), Select[str](
                    [], prompt=t("apps.ui.loading"), id="template", compact=True))
                yield row(t("apps.ui.field.version"), Select[str](
                    [], prompt=t("apps.ui.pick_template"), id="version", compact=True))
                yield row(t("apps.ui.field.description"), Input(id="description",
                                                                 compact=True))
                with Horizontal(id="publish-columns"):
                    with Vertical(id="publish-values"):
                        yield Label(t("apps.ui.field.values"), classes="form-section")
                        yield values_editor()
                        yield FormError(id="values-error")
                    with Vertical(id="publish-targets"):
                        yield Label(t("apps.ui.field.targets"), classes="form-section")
                        yield AppTargetPicker(self.shell.services.is_production, id="targets")
                yield row(t("apps.ui.field.mode"), Select(
                    [(t("apps.ui.mode.full"), "full"), (t("apps.ui.mode.batch"), "batch")],
                    value="full", allow_blank=False, id="mode", compact=True))
                yield row(t("apps.ui.field.batch_size"), Input(
                    value="1", id="batch-size", compact=True, type="integer"),
                    id="batch-row")
                yield FormError()
                yield Static("", id="publish-results")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("apps.ui.publish"), variant="primary", id="submit")
                yield Button(t("apps.ui.dry_run"), id="dry-run")
                yield Button(t("apps.ui.save_draft"), id="draft")
                yield Button(t("apps.ui.force"), variant="error", id="force")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("apps.ui.publish.hint"), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#batch-row").display = False
        self.query_one("#force").display = False
        self.query_one("#name", Input).focus()
        workers.start(self, self._load(), name="load:app-publish", group="cache:dialog",
                      exclusive=True, description=t("apps.ui.worker.templates"))

    async def _load(self) -> None:
        services = self.shell.services
        instance = self.shell.current_instance
        templates = await services.templates.list()
        clusters = await services.clusters.list(instance.id) if instance else []
        self.post_message(Loaded("templates", (templates, clusters)))
        if self.draft and instance is not None:
            self.post_message(Loaded("draft", await services.apps.draft(instance.name,
                                                                        self.draft)))

    # ---- loading: templates -> versions -> default values --------------------------------

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.what == "templates":
            templates, clusters = message.value
            self.templates = {tpl.name: tpl for tpl in templates}
            select = self.query_one("#template", Select)
            select.set_options([(f"{tpl.name}  ({tpl.kind})", tpl.name)
                                for tpl in sorted(templates, key=lambda x: x.name)])
            select.prompt = t("apps.ui.pick_template")
            self.query_one(AppTargetPicker).set_clusters(clusters)
        elif message.what == "draft":
            self.fill(message.value)
        elif message.what == "versions" and message.key == self.template_name:
            select = self.query_one("#version", Select)
            select.set_options([(v, v) for v in message.value])
            # no version picked publishes the newest: say so, not "pick a template"
            select.prompt = t("apps.ui.version.newest")
            if self.wanted_version in message.value:
                select.value = self.wanted_version  # the draft's
            elif message.value:
                select.value = message.value[0]  # newest first
        elif message.what == "defaults" and message.key == self.version_key:
            editor = self.query_one("#values", TextArea)
            if not editor.text.strip() or editor.text == self.defaults:
                editor.load_text(message.value)  # replace only what the user did not edit
            self.defaults = message.value
            self.check_values()

    def fill(self, req: PublishRequest) -> None:
        """A saved draft's fields, to publish it (its name stays: publishing replaces it)."""
        name = self.query_one("#name", Input)
        name.value, name.disabled = req.name, True
        self.wanted_version = req.version
        self.query_one("#values", TextArea).load_text(req.values_yaml)
        self.query_one("#description", Input).value = req.description
        if req.template in self.templates:
            self.query_one("#template", Select).value = req.template
        self.query_one(AppTargetPicker).pick(req.targets)
        self.query_one("#mode", Select).value = req.mode
        if req.batch_size:
            self.query_one("#batch-size", Input).value = str(req.batch_size)

    @property
    def template_name(self) -> str | None:
        value = self.query_one("#template", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def version(self) -> str | None:
        value = self.query_one("#version", Select).value
        return None if value is Select.NULL else str(value)

    @property
    def version_key(self) -> str:
        return f"{self.template_name}@{self.version}"

    @on(Select.Changed, "#template")
    def _template_chosen(self, event: Select.Changed) -> None:
        event.stop()
        name = self.template_name
        version = self.query_one("#version", Select)
        version.set_options([])
        if name is None or name not in self.templates:
            version.prompt = t("apps.ui.pick_template")
            return
        version.prompt = t("apps.ui.loading")
        tpl = self.templates[name]
        workers.start(self, self._versions(tpl), name="load:app-versions", group="load:versions",
                      exclusive=True, description=t("apps.ui.worker.versions", template=name))

    async def _versions(self, tpl: Template) -> None:
        versions = await self.shell.services.templates.versions(tpl)
        self.post_message(Loaded("versions", list(versions), tpl.name))

    @on(Select.Changed, "#version")
    def _version_chosen(self, event: Select.Changed) -> None:
        event.stop()
        name, version = self.template_name, self.version
        if name is None or version is None:
            return
        workers.start(self, self._defaults(self.templates[name], version, self.version_key),
                      name="load:app-defaults", group="load:defaults", exclusive=True,
                      description=t("apps.ui.worker.defaults", template=name, version=version))

    async def _defaults(self, tpl: Template, version: str, key: str) -> None:
        text = await self.shell.services.templates.default_values(tpl, version)
        self.post_message(Loaded("defaults", text, key))

    @on(Select.Changed, "#mode")
    def _mode(self, event: Select.Changed) -> None:
        event.stop()
        self.query_one("#batch-row").display = event.value == "batch"

    # ---- validation ------------------------------------------------------------------------

    def check_values(self) -> bool:
        editor = self.query_one("#values", TextArea)
        problem = values_problem(editor.text)
        editor.set_class(problem is not None, "-invalid")
        self.query_one("#values-error", FormError).say(problem[0] if problem else None)
        return problem is None

    @on(TextArea.Changed, "#values")
    def _values_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.check_values()

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        event.stop()
        problem = name_problem(t("apps.ui.field.name"), event.value) if event.value else None
        event.input.set_class(problem is not None, "-invalid")
        self.query_one("#form-error", FormError).say(problem)

    def request(self, *, draft: bool = False) -> PublishRequest | None:
        """The form as a request, or None with the first problem shown at its field. A
        draft may have no target yet."""
        say = self.query_one("#form-error", FormError).say
        name = self.query_one("#name", Input).value.strip()
        problem = name_problem(t("apps.ui.field.name"), name)
        if problem:
            return self._refuse(say, problem, "#name")
        if self.template_name is None:
            return self._refuse(say, t("apps.ui.error.template"), "#template")
        if not self.check_values():
            problem_at = values_problem(self.query_one("#values", TextArea).text)
            editor = self.query_one("#values", TextArea)
            if problem_at and problem_at[1]:
                editor.move_cursor((problem_at[1] - 1, max(0, (problem_at[2] or 1) - 1)))
            editor.focus()
            return None
        picker = self.query_one(AppTargetPicker)
        picker.update_pairs()
        if picker.problem:
            return self._refuse(say, picker.problem, "#namespace")
        if not picker.pairs and not draft:
            return self._refuse(say, t("apps.ui.error.no_targets"), "#target-clusters")
        mode = str(self.query_one("#mode", Select).value)
        batch: int | None = None
        if mode == "batch":
            text = self.query_one("#batch-size", Input).value.strip()
            if not text.isdigit() or int(text) < 1:
                return self._refuse(say, t("apps.ui.error.batch", value=text), "#batch-size")
            batch = int(text)
        say(None)
        return PublishRequest(
            name=name, template=self.template_name, version=self.version,
            values_yaml=self.query_one("#values", TextArea).text,
            description=self.query_one("#description", Input).value.strip(),
            targets=list(picker.pairs), mode="batch" if batch else "full", batch_size=batch)

    def _refuse(self, say: Any, text: str, widget: str) -> None:
        say(text)
        self.mark(widget)
        return None

    def mark(self, selector: str | None) -> None:
        """Mark and focus the field an error is about."""
        if not selector:
            return
        for node in self.query(".-invalid"):
            if node.id != "values":
                node.remove_class("-invalid")
        widget: Widget = self.query_one(selector)
        widget.add_class("-invalid")
        widget.focus()

    # ---- the three buttons -----------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        handler = {"submit": self.action_submit, "dry-run": self.action_dry_run,
                   "draft": self.action_draft, "force": self.action_force}.get(
                       event.button.id or "", self.action_cancel)
        handler()

    def _start(self, what: str, work: Any) -> None:
        if self.busy:
            return
        req = self.request(draft=what == "draft")
        if req is None:
            return
        self.busy = True
        for button in self.query(Button):
            button.disabled = button.id != "cancel"
        workers.start(self, work(req), name=f"flow:app-{what}", group="flow",
                      description=t(f"apps.ui.worker.{what}", name=req.name))

    def action_submit(self) -> None:
        if actions.writable(self.shell):
            self._start("publish", self._publish)

    def action_force(self) -> None:
        """Publish again, taking over the fields another manager owns (after a confirmation
        that says so)."""
        if actions.writable(self.shell):
            self._start("publish", self._publish_forced)

    def action_dry_run(self) -> None:
        self._start("dry_run", self._dry_run)

    def action_draft(self) -> None:
        if actions.writable(self.shell):
            self._start("draft", self._draft)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    async def _dry_run(self, req: PublishRequest) -> None:
        try:
            results = await self.shell.services.apps.dry_run(self.instance, req)
        except CcseoneError as exc:
            self._failed(exc)
            return
        self.query_one("#publish-results", Static).update(dry_run_results(results))
        self._ready()

    async def _draft(self, req: PublishRequest) -> None:
        try:
            app = await self.shell.services.apps.save_draft(self.instance, req)
        except CcseoneError as exc:
            self._failed(exc)
            return
        self.notify(t("apps.ui.draft.saved", name=app.name), timeout=4)
        self.dismiss(None)

    async def _publish_forced(self, req: PublishRequest) -> None:
        await self._publish(req, force=True)

    async def _publish(self, req: PublishRequest, force: bool = False) -> None:
        from ccseone_tui.ui.app_actions import confirm_targets

        title = (t("apps.ui.force.title", target=req.name) if force else
                 t("apps.ui.publish.confirm", name=req.name, count=len(req.targets)))
        body = (t("apps.ui.force.body") if force else "") + targets_body(req.targets)
        go, typed = await confirm_targets(self.shell, [x.cluster for x in req.targets], title,
                                          body, danger=force)
        if not go:
            self._ready()
            return
        try:
            task = await self.shell.services.apps.publish(self.instance, req, confirm=typed,
                                                          force_conflicts=force)
        except DryRunFailed as exc:  # nothing applied: the per-target refusals, here
            self._failed(exc)
            self.query_one("#publish-results", Static).update(dry_run_results(exc.errors))
            conflict = any(is_conflict(v or "") for v in exc.errors.values())
            self.query_one("#force").display = conflict
            if conflict:
                self.query_one("#form-error", FormError).say(
                    str(exc) + "\n" + t("apps.ui.force.note"))
            return
        except CcseoneError as exc:
            self._failed(exc)
            return
        self.dismiss(task)

    def _failed(self, exc: CcseoneError) -> None:
        self._ready()
        self.query_one("#form-error", FormError).say(str(exc))
        if isinstance(exc, ValuesYamlError):
            self.query_one("#values-error", FormError).say(str(exc))
        self.mark(widget_for(exc))

    def _ready(self) -> None:
        self.busy = False
        for button in self.query(Button):
            button.disabled = False


def targets_body(targets: list[AppTarget]) -> str:
    return "\n".join(f"  • {x.cluster}/{x.namespace}" for x in targets)

