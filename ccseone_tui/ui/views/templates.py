"""Template repository (模板仓库): charts, YAML manifests and git sources apps are made of.

Paints from the cache only (``list_rows``: the templates and the apps that use each); the
network is read in the detail screen (versions, default values, render preview). ``c`` adds,
``e`` edits, ``d`` deletes (the service refuses while an app uses the template), Enter opens.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from ccseone_tui.domain.models import Template
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import template_actions as actions
from ccseone_tui.ui.screens.template_fields import form_kind
from ccseone_tui.ui.widgets.table_view import Column, TableView

# long URLs and remarks are cut (in the middle: the scheme and the chart name both stay),
# so the six columns fit a 140-column terminal; the detail screen shows them whole
PATH_WIDTH = 34
REMARK_WIDTH = 20
USED_BY_NAMES = 2  # app names shown before "+N"


def source_label(template: Template) -> str:
    """The Source column: the kind (``template.kind.*``), and for a chart where it lives."""
    kind = t(f"template.kind.{template.kind}")
    if template.kind != "chart":
        return kind
    return f"{kind} · {t('tplui.where.' + form_kind(template))}"


def source_path(template: Template) -> str:
    """The Path column: repo + chart, OCI ref, local path, ``url@ref:path`` or inline YAML."""
    src = template.source
    match form_kind(template):
        case "repo":
            parts = [str(src[k]) for k in ("repo", "chart") if src.get(k)]
            return " · ".join(parts) or fmt.DASH
        case "oci":
            return str(src["oci"])
        case "local":
            return str(src["path"])
        case "git":
            text = str(src.get("url") or fmt.DASH)
            if src.get("ref"):
                text += f"@{src['ref']}"
            if src.get("path"):
                text += f":{src['path']}"
            return text
        case _:
            return t("tplui.path.inline")


def used_by_text(apps: list[str]) -> str:
    if not apps:
        return fmt.DASH
    shown = ", ".join(apps[:USED_BY_NAMES])
    more = len(apps) - USED_BY_NAMES
    return f"{shown} +{more}" if more > 0 else shown


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cut_middle(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head):]


class TemplatesView(TableView[Any]):  # rows are the service's TemplateRow
    section_id = "templates"
    title_key = "nav.templates"
    # c, e and d are bound on MainScreen: they work with focus on the sidebar too
    COLUMNS = (
        Column("name", "col.name"),
        Column("kind", "col.source"),
        Column("path", "col.path"),
        Column("remark", "col.remark"),
        Column("created", "col.created"),
        Column("used_by", "tplui.col.used_by"),
    )
    FLEX = {"path": PATH_WIDTH, "remark": REMARK_WIDTH}  # they share the free width

    def __init__(self) -> None:
        super().__init__()
        self.show_when_loaded: str | None = None  # a template just added or saved

    def reload_showing(self, template_id: str) -> None:
        """Re-read the rows, then put the cursor (and the focus) on ``template_id``."""
        self.show_when_loaded = template_id
        self.reload()

    def set_rows(self, rows: list[Any]) -> None:
        super().set_rows(rows)
        wanted, self.show_when_loaded = self.show_when_loaded, None
        table = self.table
        if wanted is None or wanted not in table.rows:
            return
        table.move_cursor(row=table.get_row_index(wanted), animate=False)
        if self.shell.main.section == self.section_id and self.shell.screen is self.screen:
            table.focus()  # an empty list had left the focus on the sidebar

    async def fetch(self) -> list[Any]:
        return list(await self.shell.services.templates.list_rows())

    def key_of(self, row: Any) -> str:
        return str(row.template.id)

    def cells(self, row: Any) -> list[RenderableType]:
        tpl: Template = row.template
        used = list(row.used_by)
        return [
            Text(tpl.name, style="bold"),
            source_label(tpl),
            Text(cut_middle(source_path(tpl), self.flex_width("path")), style="dim"),
            cut(tpl.description, self.flex_width("remark")) or fmt.DASH,
            fmt.timestamp(tpl.created_at),
            Text(used_by_text(used), style="cyan" if used else ""),
        ]

    def flex_need(self, key: str) -> int | None:
        texts = [source_path(r.template) if key == "path" else r.template.description
                 for r in self.rows.values()]
        return max((cell_len(text) for text in texts), default=0)

    def search_text(self, row: Any) -> str:
        tpl = row.template
        return "\n".join((super().search_text(row), source_path(tpl), tpl.description,
                          " ".join(row.used_by)))

    def empty_state(self) -> tuple[str, list[str]]:
        return t("empty.templates"), [t("tplui.empty.hint")]

    def status_text(self) -> str:
        return t("view.count.templates", count=len(self.rows))

    # ---- actions -------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(str(event.row_key.value))
        if row is not None:
            actions.open_template(self.shell, row.template, list(row.used_by))

    def action_add(self) -> None:
        actions.add_template(self.shell)

    def action_edit(self) -> None:
        row = self.highlighted()
        if row is not None:
            actions.edit_template(self.shell, row.template)

    def action_delete(self) -> None:
        row = self.highlighted()
        if row is not None:
            actions.delete_template(self.shell, row.template)
