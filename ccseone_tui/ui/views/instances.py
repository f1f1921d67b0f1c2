"""Control instances (管控实例): every instance, the current one marked; Enter makes the
highlighted one current and opens it; ``n`` creates, ``e`` edits, ``d`` deletes."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.table_view import Column, TableView


class InstancesView(TableView[ControlInstance]):
    section_id = "instances"
    title_key = "nav.instances"
    COLUMNS = (
        Column("name", "col.name"),
        Column("id", "col.id"),
        Column("status", "col.status"),
        Column("region", "col.region"),
        Column("engine", "col.engine"),
        Column("protection", "col.deletion_protection"),
        Column("created", "col.created"),
    )

    async def fetch(self) -> list[ControlInstance]:
        return await self.shell.services.instances.list()

    def cells(self, row: ControlInstance) -> list[RenderableType]:
        current = self.shell.current_instance
        is_current = current is not None and current.id == row.id
        name = Text.assemble(
            ("● " if is_current else "  ", "bold magenta"), (row.name, "bold" if is_current else "")
        )
        return [
            name,
            Text(row.id, style="dim"),
            fmt.instance_status(row.status),
            row.region,
            row.engine.value,
            fmt.yes_no(row.deletion_protection),
            fmt.timestamp(row.created_at),
        ]

    def empty_state(self) -> tuple[str, list[str]]:
        return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]

    def status_text(self) -> str:
        return t("view.count.instances", count=len(self.rows))

    @on(DataTable.RowSelected)
    def _use(self, event: DataTable.RowSelected) -> None:
        """Enter on an instance makes it the current one (header, clusters, namespaces…)
        and opens it: basic info and the live instance log."""
        event.stop()
        instance = self.rows.get(str(event.row_key.value))
        if instance is not None:
            self.shell.use_instance(instance)
            actions.open_instance(self.shell, instance)

    def action_create(self) -> None:
        actions.create_instance(self.shell)

    def action_edit(self) -> None:
        instance = self.highlighted()
        if instance is not None:
            actions.edit_instance(self.shell, instance)

    def action_delete(self) -> None:
        instance = self.highlighted()
        if instance is not None:
            actions.delete_instance(self.shell, instance)
