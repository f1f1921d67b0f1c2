"""Namespaces (命名空间) of the current control instance, created once and kept in sync
in every member cluster."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text

from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.table_view import Column, TableView


class NamespacesView(TableView[FleetNamespace]):
    section_id = "namespaces"
    title_key = "nav.namespaces"
    COLUMNS = (
        Column("name", "col.name"),
        Column("priority", "col.priority"),
        Column("targets", "col.targets"),
        Column("labels", "col.labels"),
        Column("cpu", "col.cpu_limit"),
        Column("memory", "col.memory_limit"),
        Column("created", "col.created"),
    )

    async def fetch(self) -> list[FleetNamespace]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        return await self.shell.services.namespaces.list(instance.id)

    def cells(self, row: FleetNamespace) -> list[RenderableType]:
        targets = fmt.labels(row.selector) if row.selector else t("namespace.all_clusters")
        return [
            Text(row.name, style="bold"),
            str(row.priority),
            targets,
            fmt.labels(row.labels),
            fmt.or_dash(row.cpu_limit),
            fmt.or_dash(row.memory_limit),
            fmt.timestamp(row.created_at),
        ]

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.namespaces", instance=instance.name), [
            t("empty.namespaces.create", instance=instance.name)
        ]

    def status_text(self) -> str:
        return t("view.count.namespaces", count=len(self.rows))
