"""Template repository (模板仓库): charts, YAML manifests and git sources apps are made of."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ccseone_tui.domain.models import Template
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.table_view import Column, TableView

# the source keys that best say where a template comes from, most specific first
_PATH_KEYS = ("url", "repo", "repository", "chart", "path", "ref", "version")


def source_path(template: Template) -> str:
    parts = [str(template.source[k]) for k in _PATH_KEYS if template.source.get(k)]
    return " ".join(parts) or fmt.DASH


class TemplatesView(TableView[Template]):
    section_id = "templates"
    title_key = "nav.templates"
    COLUMNS = (
        Column("name", "col.name"),
        Column("kind", "col.source"),
        Column("path", "col.path"),
        Column("remark", "col.remark"),
        Column("created", "col.created"),
    )

    async def fetch(self) -> list[Template]:
        return await self.shell.services.templates.list()

    def cells(self, row: Template) -> list[RenderableType]:
        return [
            Text(row.name, style="bold"),
            t(f"template.kind.{row.kind}"),
            source_path(row),
            fmt.or_dash(row.description),
            fmt.timestamp(row.created_at),
        ]

    def empty_state(self) -> tuple[str, list[str]]:
        return t("empty.templates"), [t("empty.templates.add")]

    def status_text(self) -> str:
        return t("view.count.templates", count=len(self.rows))
