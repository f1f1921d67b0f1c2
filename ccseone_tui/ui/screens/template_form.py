"""Add or edit a template (``c`` / ``e`` on Template repository).

Name, description and a Kind selector — chart repository, OCI registry, local chart, YAML
manifests, git — that shows only the fields of that source. Parameters of a YAML template
are checked as they are typed (line and column of the first problem). Saving runs in a
worker: the service validates and probes the source (repository index, registry, git ref,
a render of the manifests), which can take a moment, so "checking…" shows meanwhile. A
refusal stays in the dialog — under the field it names when it names one — so the user can
fix it and save again. Editing keeps the name and the template kind (the service's rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    Input,
    Label,
    LoadingIndicator,
    Select,
    Static,
    Switch,
    TextArea,
)
from textual.worker import Worker

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Template
from ccseone_tui.domain.template_errors import ValuesYamlError
from ccseone_tui.i18n import t
from ccseone_tui.templates.render import parse_values
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.form_screen import FormScreen
from ccseone_tui.ui.screens.template_fields import (
    ALL_GROUPS,
    FORM_KINDS,
    GROUPS,
    FieldError,
    error_field,
    error_text,
    field_widget,
    form_kind,
)
from ccseone_tui.ui.widgets.form import FormError, row

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp


def kind_label(kind: str) -> str:
    """The Kind selector's words: the template kind (``template.kind.*``) and where from."""
    return f"{t('template.kind.' + FORM_KINDS[kind])} · {t('tplui.where.' + kind)}"


def parameters_problem(text: str) -> tuple[str | None, ValuesYamlError | None]:
    """The parameters' problem as one line (and the error, for its line/column)."""
    try:
        parse_values(text)
    except ValuesYamlError as exc:
        p = exc.params
        return t("tplui.params.invalid", line=p.get("line"), column=p.get("column"),
                 detail=p.get("detail")), exc
    return None, None


class TemplateFormScreen(FormScreen[Template | None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "submit", "console.key.submit"),
    ]
    # CSS, not DEFAULT_CSS: these override app.tcss (.dialog, .form-row), scoped to this screen
    CSS = """
    TemplateFormScreen .template-dialog { width: 100; }
    TemplateFormScreen #template-fields { height: auto; max-height: 60vh; }
    TemplateFormScreen .source-group { height: auto; }
    TemplateFormScreen .form-row > Button { margin-left: 1; min-width: 16; }
    TemplateFormScreen .field-note { color: $text-muted; margin: 0 0 1 24; }
    TemplateFormScreen .area-label { color: $text-muted; }
    TemplateFormScreen #manifests { height: 9; }
    TemplateFormScreen #parameters { height: 6; }
    TemplateFormScreen #group-yaml FieldError { margin: 0 0 1 0; }
    TemplateFormScreen #versions-list { color: $text-muted; margin: 0 0 1 24; height: auto; }
    TemplateFormScreen #versions-list.-empty { display: none; }
    TemplateFormScreen #checking { height: 1; margin-top: 1; display: none; }
    TemplateFormScreen #checking.-shown { display: block; }
    TemplateFormScreen #checking LoadingIndicator { width: 6; height: 1; min-height: 1; }
    TemplateFormScreen #checking Static { width: auto; color: $text-muted; }
    """

    def __init__(self, template: Template | None = None) -> None:
        super().__init__(id="template-form")
        localize_bindings(self)
        self.template = template
        self.kind = form_kind(template) if template else "repo"
        self.busy = False
        self._flows: list[Worker[Any]] = []

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def editing(self) -> bool:
        return self.template is not None

    # ---- composition ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        tpl = self.template
        src: dict[str, Any] = dict(tpl.source) if tpl else {}
        title = (t("tplui.form.edit", name=tpl.name) if tpl else t("tplui.form.add"))
        with Vertical(classes="dialog form-dialog template-dialog"):
            yield Static(title, classes="dialog-title", markup=False)
            with VerticalScroll(id="template-fields"):
                yield from self._common(tpl)
                with Vertical(id="group-repo", classes="source-group"):
                    yield self._input("repo", src.get("repo"), "https://charts.example.com/stable")
                    yield Horizontal(
                        Label(t("tplui.field.chart"), classes="form-label"),
                        Input(value=src.get("chart") or "", placeholder="webapp", id="chart",
                              compact=True),
                        Button(t("tplui.versions.load"), id="load-versions", compact=True),
                        classes="form-row")
                    yield FieldError("chart")
                    yield Static("", id="versions-list", classes="-empty", markup=False)
                with Vertical(id="group-oci", classes="source-group"):
                    yield self._input("oci", src.get("oci"), "oci://registry.example.com/charts/web")
                with Vertical(id="group-auth", classes="source-group"):
                    yield self._input("username", src.get("username"), "")
                    yield self._input("password-env", src.get("password_env"),
                                      "HELM_REPO_PASSWORD")
                    yield Static(t("tplui.field.password_env.note"), classes="field-note",
                                 markup=False)
                    yield self._input("ca-file", src.get("ca_file"), "/etc/ssl/private-ca.pem")
                    yield row(t("tplui.field.insecure"), Switch(
                        bool(src.get("insecure")), id="insecure", animate=False))
                with Vertical(id="group-local", classes="source-group"):
                    yield self._input("local-path", src.get("path") if self.kind == "local"
                                      else None, "/srv/charts/web  ·  web-1.0.0.tgz")
                with Vertical(id="group-yaml", classes="source-group"):
                    yield from self._yaml_fields(src)
                with Vertical(id="group-git", classes="source-group"):
                    yield self._input("git-url", src.get("url"),
                                      "https://git.example.com/team/deploy.git")
                    # empty by default: the repository's default branch (HEAD), which is
                    # not always "main"
                    yield self._input("git-ref", src.get("ref"),
                                      t("tplui.field.git_ref.placeholder"))
                    yield self._input("git-path", src.get("path") if self.kind == "git"
                                      else None, "charts/web")
            with Horizontal(id="checking"):
                yield LoadingIndicator()
                yield Static(t("tplui.checking"), markup=False)
            yield FormError()
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("console.save") if tpl else t("tplui.add"), variant="primary",
                             id="submit")
                yield Button(t("console.cancel"), id="cancel")
            yield Static(t("tplui.form.hint"), classes="dialog-hint")

    def _common(self, tpl: Template | None) -> ComposeResult:
        yield row(t("console.field.name"), Input(
            value=tpl.name if tpl else "", placeholder=t("console.name.placeholder"), id="name",
            compact=True, disabled=tpl is not None))
        yield FieldError("name")
        yield self._input("description", tpl.description if tpl else "", "")
        # editing keeps the template kind: a chart may move between repo, OCI and local
        kinds = [k for k in FORM_KINDS if tpl is None or FORM_KINDS[k] == tpl.kind]
        yield row(t("tplui.field.kind"), Select(
            [(kind_label(k), k) for k in kinds], value=self.kind, allow_blank=False, id="kind",
            compact=True, disabled=len(kinds) == 1))

    def _input(self, field_id: str, value: object, placeholder: str) -> Widget:
        """A labelled Input and its error line (a container, so both show and hide as one)."""
        return Vertical(
            row(t(f"tplui.field.{field_id.replace('-', '_')}"), Input(
                value=str(value or ""), placeholder=placeholder, id=field_id, compact=True)),
            FieldError(field_id), classes="source-group")

    def _yaml_fields(self, src: dict[str, Any]) -> ComposeResult:
        params = src.get("parameters") if self.kind == "yaml" else None
        params_text = yaml.safe_dump(params, sort_keys=False) if params else ""
        yield Label(t("tplui.field.manifests"), classes="area-label")
        yield TextArea(src.get("manifests") or "" if self.kind == "yaml" else "",
                       language="yaml", id="manifests", soft_wrap=False,
                       show_line_numbers=True)
        yield FieldError("manifests")
        yield Label(t("tplui.field.parameters"), classes="area-label")
        yield TextArea(params_text, language="yaml", id="parameters", soft_wrap=False,
                       show_line_numbers=True)
        yield FieldError("parameters")

    def on_mount(self) -> None:
        self._show_groups()
        first = "#description" if self.editing else "#name"
        self.query_one(first, Input).focus()

    # ---- kind ----------------------------------------------------------------------------

    def _show_groups(self) -> None:
        shown = GROUPS[self.kind]
        for group in ALL_GROUPS:
            self.query_one(f"#{group}").display = group in shown

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value in FORM_KINDS:
            self.kind = str(event.value)
            self._show_groups()
            self._clear_errors()

    # ---- values --------------------------------------------------------------------------

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def _text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", TextArea).text

    def source(self) -> tuple[str, dict[str, Any]]:
        """(template kind, source dict) as the service takes them; parameters must parse.
        Editing keeps what the dialog does not show (a pinned version, plain HTTP …)."""
        kind, source = self._form_source()
        tpl = self.template
        if tpl is not None and form_kind(tpl) == self.kind:
            source = {**{k: v for k, v in tpl.source.items() if k not in source}, **source}
        return kind, source

    def _form_source(self) -> tuple[str, dict[str, Any]]:
        kind = self.kind
        if kind in ("repo", "oci", "local"):
            auth = kind != "local"
            return "chart", {
                "repo": self._value("repo") or None if kind == "repo" else None,
                "chart": self._value("chart") or None if kind == "repo" else None,
                "oci": self._value("oci") or None if kind == "oci" else None,
                "path": self._value("local-path") or None if kind == "local" else None,
                "username": self._value("username") or None if auth else None,
                "password_env": self._value("password-env") or None if auth else None,
                "ca_file": self._value("ca-file") or None if auth else None,
                "insecure": self.query_one("#insecure", Switch).value if auth else False,
            }
        if kind == "yaml":
            return "yaml", {"manifests": self._text("manifests"),
                            "parameters": parse_values(self._text("parameters"))}
        return "git", {"url": self._value("git-url"), "ref": self._value("git-ref"),
                       "path": self._value("git-path")}

    # ---- errors --------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in self.query(FieldError):
            error.say(None)
        self.query_one(FormError).say(None)

    def show_error(self, exc: CcseoneError) -> None:
        """Under the field the error names (focused), else on the dialog's error line."""
        field = error_field(exc, self.kind)
        widget_id = field_widget(field, self.kind) if field else None
        if widget_id and self.query(f"#{widget_id}-error"):
            widget = self.query_one(f"#{widget_id}")
            if all(node.display for node in widget.ancestors_with_self if node is not self):
                self.query_one(f"#{widget_id}-error", FieldError).say(error_text(exc))
                widget.focus()
                if isinstance(exc, ValuesYamlError) and isinstance(widget, TextArea):
                    self._cursor_to(widget, exc)
                return
        self.query_one(FormError).say(str(exc))

    @staticmethod
    def _cursor_to(area: TextArea, exc: ValuesYamlError) -> None:
        line, column = exc.params.get("line"), exc.params.get("column")
        if isinstance(line, int) and isinstance(column, int):
            area.move_cursor((max(line - 1, 0), max(column - 1, 0)))

    @on(TextArea.Changed, "#parameters")
    def _parameters_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        problem, _ = parameters_problem(event.text_area.text)
        event.text_area.set_class(problem is not None, "-invalid")
        error = self.query_one("#parameters-error", FieldError)
        error.say(problem)
        if problem:
            error.scroll_visible(animate=False)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        """Typing in a field clears its (now possibly stale) error."""
        event.stop()
        if event.input.id and self.query(f"#{event.input.id}-error"):
            self.query_one(f"#{event.input.id}-error", FieldError).say(None)

    # ---- load versions (chart repository) ------------------------------------------------

    @on(Button.Pressed, "#load-versions")
    def _load_versions(self, event: Button.Pressed) -> None:
        event.stop()
        event.prevent_default()  # not FormScreen's "any other button cancels"
        kind, source = self.source()
        probe = Template(id="", name=self._value("name") or "new", kind=kind, source=source)
        listing = self.query_one("#versions-list", Static)
        listing.update(t("tplui.versions.loading"))
        listing.remove_class("-empty")
        for field_id in ("repo", "chart"):
            self.query_one(f"#{field_id}-error", FieldError).say(None)
        self._flows.append(workers.start(
            self, self._versions(probe), name="load:template-form-versions",
            group="load:template-form", exclusive=True,
            description=t("tplui.worker.versions", name=probe.name)))

    async def _versions(self, probe: Template) -> None:
        listing = self.query_one("#versions-list", Static)
        try:
            versions = await self.shell.services.templates.versions(probe)
        except CcseoneError as exc:
            listing.update("")
            listing.add_class("-empty")
            self.show_error(exc)
            return
        listing.update(t("tplui.versions.found", count=len(versions),
                         versions=", ".join(versions) or "—"))

    # ---- submit --------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.busy:
            return
        self._clear_errors()
        if self.kind == "yaml":
            problem, exc = parameters_problem(self._text("parameters"))
            if exc is not None:
                self.query_one("#parameters-error", FieldError).say(problem)
                area = self.query_one("#parameters", TextArea)
                area.focus()
                self._cursor_to(area, exc)
                return
        kind, source = self.source()
        name = self._value("name")
        description = self.query_one("#description", Input).value.strip()
        self._set_busy(True)
        what = t("tplui.worker.save", name=name or "—")
        self._flows.append(workers.start(
            self, self._save(name, kind, source, description),
            name=f"write:template-{'edit' if self.editing else 'add'}", group="write",
            description=what))

    async def _save(self, name: str, kind: str, source: dict[str, Any],
                    description: str) -> None:
        templates = self.shell.services.templates
        try:
            if self.template is None:
                saved = await templates.add(name, kind, source, description)
            else:
                # the service re-probes only a source that differs from the stored one
                saved = await templates.edit(self.template.name, description=description,
                                             source=source)
        except CcseoneError as exc:  # shown in the dialog: the user fixes it and saves again
            self._set_busy(False)
            self.show_error(exc)
            return
        except Exception:
            self._set_busy(False)
            raise  # the app's one error path reports it
        self.dismiss(saved)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.query_one("#submit", Button).disabled = busy
        self.query_one("#checking").set_class(busy, "-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        # Esc while the source is being checked: nothing is stored, no widget of a closed
        # dialog is touched
        for worker in self._flows:
            if worker.is_running:
                worker.cancel()

