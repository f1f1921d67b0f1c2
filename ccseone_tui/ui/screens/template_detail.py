"""One template (Enter on Template repository): its source, the apps that use it, its
versions and, for the highlighted version, the default values and a render preview.

The record and "used by" come from the cache; versions, default values and the preview read
the source (chart repository, registry, git remote) in workers, so the screen paints at once
and a slow or unreachable source shows its error in place. The preview renders the chosen
version with its default values through the same Helm engine a publish uses; a render that
fails shows Helm's message, naming the template file and line.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.widgets.option_list import Option
from textual.worker import Worker

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import Template
from ccseone_tui.i18n import t
from ccseone_tui.templates.render import to_yaml
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import template_actions as actions
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.views.templates import source_label, source_path
from ccseone_tui.ui.widgets.footer import ShellFooter

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

PREVIEW_NAMESPACE = "default"


def release_name(template: Template) -> str:
    """The release name the preview renders with: the template's name, DNS-1123-safe."""
    name = "".join(c if c.isalnum() or c == "-" else "-" for c in template.name.lower())
    return name.strip("-")[:53] or "preview"


def template_fields(template: Template, used_by: list[str]) -> Table:
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True, min_width=12)
    grid.add_column()
    used: Any = (Text(", ".join(used_by), style="cyan") if used_by
                 else Text(t("tplui.used_by.none"), style="dim"))
    for label, value in (
        (t("col.source"), source_label(template)),
        (t("col.path"), source_path(template)),
        (t("col.remark"), fmt.or_dash(template.description)),
        (t("col.created"), fmt.timestamp(template.created_at)),
        (t("tplui.col.used_by"), used),
    ):
        grid.add_row(label, value)
    return grid


class TemplateDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back"),
        Binding("p", "preview", "tplui.key.preview", id="template.preview"),
        Binding("r", "reload", "key.refresh", id="template.reload"),
        Binding("e", "edit", "console.key.edit", id="template.detail-edit"),
        Binding("d", "delete", "console.key.delete", id="template.detail-delete"),
    ]
    DEFAULT_CSS = """
    TemplateDetailScreen #template-info { height: auto; padding: 0 1 1 1; }
    TemplateDetailScreen #template-body { height: 1fr; }
    TemplateDetailScreen #versions-column { width: 24; height: 1fr; margin-right: 1; }
    TemplateDetailScreen #versions { height: 1fr; }
    TemplateDetailScreen #versions-state { height: auto; color: $text-muted; }
    TemplateDetailScreen #versions-state.-error { color: $error; }
    TemplateDetailScreen .column-title { text-style: bold; color: $text-accent; height: 1; }
    TemplateDetailScreen #template-tabs { height: 1fr; }
    TemplateDetailScreen #template-tabs TabPane { padding: 1 0 0 0; }
    TemplateDetailScreen .pane-state { height: auto; color: $text-muted; margin-bottom: 1; }
    TemplateDetailScreen .pane-state.-error { color: $error; }
    TemplateDetailScreen #values-text, TemplateDetailScreen #preview-text { height: 1fr; }
    """

    def __init__(self, template: Template, used_by: list[str] | None = None) -> None:
        super().__init__(id="template-detail")
        localize_bindings(self)
        self.template = template
        self.used_by = list(used_by or [])
        self.versions: list[str] = []
        self.version: str | None = None
        self._flows: list[Worker[Any]] = []

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            yield Static(template_fields(self.template, self.used_by), id="template-info")
            with Horizontal(id="template-body"):
                with Vertical(id="versions-column"):
                    yield Static(t("tplui.versions"), classes="column-title")
                    yield Static(t("tplui.versions.loading"), id="versions-state",
                                 markup=False)
                    yield OptionList(id="versions")
                with TabbedContent(initial="values", id="template-tabs"):
                    with TabPane(t("tplui.tab.values"), id="values"):
                        yield Static("", id="values-state", classes="pane-state",
                                     markup=False)
                        yield _code_view("values-text")
                    with TabPane(t("tplui.tab.preview"), id="preview"):
                        yield Static(t("tplui.preview.hint"), id="preview-state",
                                     classes="pane-state", markup=False)
                        yield _code_view("preview-text")
        yield ShellFooter()  # hidden behind a dialog

    def _start(self, work: Coroutine[Any, Any, None], **kw: Any) -> None:
        """A worker of this screen: cancelled when the screen closes (Esc while a slow
        source is read), so none touches a widget that is gone."""
        self._flows = [w for w in self._flows if w.is_running]
        self._flows.append(workers.start(self, work, **kw))

    def on_unmount(self) -> None:
        for worker in self._flows:
            if worker.is_running:
                worker.cancel()

    def _title(self) -> Text:
        return Text.assemble((t("nav.templates"), "bold"), " › ",
                             (self.template.name, "bold cyan"))

    def on_mount(self) -> None:
        self.query_one("#preview-text").display = False
        self.query_one("#values-text").display = False
        self.query_one(OptionList).focus()
        self.load_versions()
        self._start(self._used_by(), name=f"load:template-used-by:{self.template.id}",
                    group="cache:template-detail", exclusive=True,
                    description=t("worker.load", what=self.template.name))

    # ---- the record ----------------------------------------------------------------------

    async def _used_by(self) -> None:
        rows = await self.shell.services.templates.list_rows()
        row = next((r for r in rows if r.template.id == self.template.id), None)
        if row is None:  # deleted elsewhere
            return
        self.template = row.template
        self.used_by = list(row.used_by)
        self.show_info()

    def show_info(self) -> None:
        self.query_one("#detail-title", Static).update(self._title())
        self.query_one("#template-info", Static).update(
            template_fields(self.template, self.used_by))

    # ---- versions and default values -----------------------------------------------------

    def load_versions(self) -> None:
        state = self.query_one("#versions-state", Static)
        state.update(t("tplui.versions.loading"))
        state.remove_class("-error")
        self._start(self._versions(), name=f"load:template-versions:{self.template.id}",
                    group="load:template-versions", exclusive=True,
                    description=t("tplui.worker.versions", name=self.template.name))

    async def _versions(self) -> None:
        state = self.query_one("#versions-state", Static)
        options = self.query_one(OptionList)
        try:
            versions = await self.shell.services.templates.versions(self.template)
        except CcseoneError as exc:  # an unreachable source is shown here, not as a crash
            options.clear_options()
            self.versions = []
            state.update(t("tplui.versions.failed"))
            state.add_class("-error")
            # the message is long (URL, cause, fix): the wide pane has the room for it
            self.query_one(TabbedContent).active = "values"
            self._values_state(str(exc), error=True)
            self.query_one("#values-text").display = False
            return
        self.versions = list(versions)
        state.update(t("tplui.versions.count", count=len(versions)))
        options.clear_options()
        options.add_options([Option(v, id=v) for v in versions])
        if versions:
            keep = self.version if self.version in versions else versions[0]
            options.highlighted = versions.index(keep)
            self.show_version(keep)

    @on(OptionList.OptionHighlighted, "#versions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        version = event.option.id
        if version and version != self.version:
            self.show_version(version)

    @on(OptionList.OptionSelected, "#versions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a version: its render preview."""
        event.stop()
        if event.option.id:
            self.version = event.option.id
            self.action_preview()

    def show_version(self, version: str) -> None:
        self.version = version
        self._values_state(t("tplui.values.loading", version=version), error=False)
        self._start(self._values(version), name=f"load:template-values:{version}",
                    group="load:template-values", exclusive=True,
                    description=t("tplui.worker.values", name=self.template.name,
                                  version=version))
        # a preview of another version would mislead: it is redone on request
        self._preview_state(t("tplui.preview.hint"), error=False, text=None)

    async def _values(self, version: str) -> None:
        try:
            text = await self.shell.services.templates.default_values(self.template, version)
        except CcseoneError as exc:
            self._values_state(str(exc), error=True)
            return
        if version != self.version:  # the user moved on meanwhile
            return
        area = self.query_one("#values-text", TextArea)
        area.load_text(text or "")
        area.display = bool(text and text.strip())
        self._values_state(t("tplui.values.of", version=version) if text and text.strip()
                           else t("tplui.values.empty", version=version), error=False)

    def _values_state(self, text: str, *, error: bool) -> None:
        state = self.query_one("#values-state", Static)
        state.update(text)
        state.set_class(error, "-error")

    # ---- render preview ------------------------------------------------------------------

    def action_preview(self) -> None:
        version = self.version
        if version is None:
            self.notify(t("tplui.preview.no_version"), severity="warning")
            return
        self.query_one(TabbedContent).active = "preview"
        release = release_name(self.template)
        self._preview_state(t("tplui.preview.rendering", version=version), error=False,
                            text=None)
        self._start(self._render_preview(version, release),
                    name=f"load:template-render:{self.template.id}",
                    group="load:template-render", exclusive=True,
                    description=t("tplui.worker.render", name=self.template.name,
                                  version=version))

    async def _render_preview(self, version: str, release: str) -> None:
        try:
            objects = await self.shell.services.templates.render(
                self.template, version, {}, release=release, namespace=PREVIEW_NAMESPACE)
        except CcseoneError as exc:  # Helm's message, with the file and line it names
            self._preview_state(t("tplui.preview.failed", version=version, error=str(exc)),
                                error=True, text=None)
            return
        self._preview_state(t("tplui.preview.done", version=version, count=len(objects),
                              release=release, namespace=PREVIEW_NAMESPACE),
                            error=False, text=to_yaml(objects))

    def _preview_state(self, state: str, *, error: bool, text: str | None) -> None:
        label = self.query_one("#preview-state", Static)
        label.update(state)
        label.set_class(error, "-error")
        area = self.query_one("#preview-text", TextArea)
        area.display = text is not None
        if text is not None:
            area.load_text(text)

    # ---- actions -------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.load_versions()

    def action_edit(self) -> None:
        def saved(template: Template) -> None:
            self.template = template
            self.show_info()
            self.load_versions()

        actions.edit_template(self.shell, self.template, on_saved=saved)

    def action_delete(self) -> None:
        actions.delete_template(self.shell, self.template, on_deleted=lambda: self.dismiss(None))

    def action_back(self) -> None:
        self.dismiss(None)


def _code_view(widget_id: str) -> TextArea:
    """Read-only YAML with highlighting; no blinking cursor (screenshots stay the same)."""
    area = TextArea("", language="yaml", read_only=True, soft_wrap=False,
                    show_line_numbers=True, id=widget_id)
    area.cursor_blink = False
    return area
