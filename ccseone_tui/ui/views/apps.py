"""App center (应用中心): apps published through the current control instance.

Paints from the cache only (``apps.list_rows``: no network): name, template and version,
revision, targets, health (targets whose latest rollout succeeded, e.g. 5/6), status and
created time. Enter opens the app (status per target, history, logs, tasks); ``c`` publishes,
``u`` upgrades, ``b`` rolls back (from the history), ``d`` deletes, ``l`` shows the logs of
every pod of the app on every target. The keys are bound on MainScreen, so ``c`` works on an
empty list too (focus is then on the sidebar).
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from ccseone_tui.domain.apps import DRAFT
from ccseone_tui.i18n import t
from ccseone_tui.ui import app_actions
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.widgets.app_render import health_text, state_text
from ccseone_tui.ui.widgets.table_view import Column, TableView


class AppsView(TableView[Any]):
    section_id = "apps"
    title_key = "nav.apps"
    COLUMNS = (
        Column("name", "col.name"),
        Column("template", "col.template"),
        Column("revision", "col.revision"),
        Column("targets", "col.targets"),
        Column("health", "apps.ui.col.health"),
        Column("status", "col.status"),
        Column("description", "col.description"),
        Column("created", "col.created"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.versions: dict[str, str] = {}

    async def fetch(self) -> list[Any]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        apps = self.shell.services.apps
        rows = await apps.list_rows(instance.name)
        # the template version of each app's current revision comes with the row (cache)
        self.versions = {row.app.id: row.version for row in rows if row.version}
        return sorted(rows, key=lambda r: r.app.name)

    def key_of(self, row: Any) -> str:
        return str(row.app.id)

    def cells(self, row: Any) -> list[RenderableType]:
        app = row.app
        template = Text(str(row.template))
        version = self.versions.get(app.id)
        if version:
            template.append(f" {version}", style="dim")
        return [
            Text(app.name, style="bold"),
            template,
            str(app.current_revision) if app.current_revision else fmt.DASH,
            str(row.targets),
            health_text(row.healthy, row.total),
            state_text(app.status),
            fmt.or_dash(app.description),
            fmt.timestamp(app.created_at),
        ]

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.apps", instance=instance.name), [t("apps.ui.empty.publish")]

    def status_text(self) -> str:
        rows = list(self.rows.values())
        text = t("view.count.apps", count=len(rows))
        if rows:
            healthy = sum(r.healthy for r in rows)
            total = sum(r.total for r in rows)
            text += " · " + t("apps.ui.healthy_targets", healthy=healthy, total=total)
        return text

    # ---- actions -------------------------------------------------------------------------

    def highlighted_name(self) -> str | None:
        row = self.highlighted()
        return row.app.name if row is not None else None

    def _with_app(self, then: Any) -> None:
        name = self.highlighted_name()
        if name is None:
            self.notify(t("apps.ui.none_selected"), severity="warning", timeout=3)
            return
        then(self.shell, name)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.rows.get(str(event.row_key.value))
        if row is not None:
            app_actions.open_app(self.shell, row.app.name)

    def action_publish(self) -> None:
        app_actions.publish(self.shell)

    def action_upgrade(self) -> None:
        """``u``: upgrade; on a draft, open it in the publish dialog (a draft has nothing to
        upgrade yet)."""
        name = self.highlighted_name()
        row = next((r for r in self.rows.values() if r.app.name == name), None)
        if row is not None and row.app.status == DRAFT:
            app_actions.publish(self.shell, draft=row.app.name)
            return
        self._with_app(app_actions.upgrade)

    def action_rollback(self) -> None:
        self._with_app(app_actions.history)

    def action_delete(self) -> None:
        self._with_app(app_actions.delete)

    def action_logs(self) -> None:
        self._with_app(app_actions.show_logs)
