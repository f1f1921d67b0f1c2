"""App center (应用中心): apps published through the current control instance."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ccseone_tui.domain.models import App
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.table_view import Column, TableView


class AppsView(TableView[App]):
    section_id = "apps"
    title_key = "nav.apps"
    COLUMNS = (
        Column("name", "col.name"),
        Column("template", "col.template"),
        Column("revision", "col.revision"),
        Column("status", "col.status"),
        Column("description", "col.description"),
        Column("created", "col.created"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.template_names: dict[str, str] = {}

    async def fetch(self) -> list[App]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        services = self.shell.services
        self.template_names = {tpl.id: tpl.name for tpl in await services.templates.list()}
        return await services.apps.list(instance.id)

    def cells(self, row: App) -> list[RenderableType]:
        return [
            Text(row.name, style="bold"),
            self.template_names.get(row.template_id, row.template_id),
            str(row.current_revision) if row.current_revision else fmt.DASH,
            fmt.app_status(row.status),
            fmt.or_dash(row.description),
            fmt.timestamp(row.created_at),
        ]

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.apps", instance=instance.name), [t("empty.apps.publish")]

    def status_text(self) -> str:
        return t("view.count.apps", count=len(self.rows))
