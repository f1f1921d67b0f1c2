"""Access clusters (接入集群) of the current control instance.

Paints from the cache at once; while this view is on screen the main screen probes every
cluster every ``refresh_interval`` seconds and each answer updates its row in place. A row
whose last probe is older than two intervals is stale: its "last seen" shows the age dimmed.
Enter opens a cluster; ``a`` associates, ``c`` creates, ``e`` edits the highlighted one
(labels, deletion protection), ``d`` deletes.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.widgets import DataTable

from ccseone_tui.domain.models import ClusterStatus, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui.messages import ProbeRequested
from ccseone_tui.ui.widgets.table_view import Column, TableView

LABELS_WIDTH = 18  # the last column: cut, so the table fits 140 columns


class ClustersView(TableView[MemberCluster]):
    section_id = "clusters"
    title_key = "nav.clusters"
    # a, c, e and d are bound on MainScreen: they work with focus on the sidebar too
    COLUMNS = (
        Column("name", "col.name"),
        Column("status", "col.status"),
        Column("version", "col.version"),
        Column("nodes", "col.nodes"),
        Column("edge", "col.edge_nodes"),
        Column("latency", "col.latency"),
        Column("last_seen", "col.last_seen"),
        Column("region", "col.region"),
        Column("labels", "col.labels"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.refreshing = False
        self.answered = 0
        self.last_refresh: float | None = None
        self.probe_when_loaded = False  # set by the screen: probe once the cache has painted

    async def fetch(self) -> list[MemberCluster]:
        instance = self.shell.current_instance
        if instance is None:
            return []
        return await self.shell.services.clusters.list(instance.id)

    # ---- rows ----------------------------------------------------------------------------

    def is_stale(self, cluster: MemberCluster, now: float) -> bool:
        probed = cluster.probe.probed_at
        return probed is None or now - probed > 2 * self.shell.services.settings.refresh_interval

    def cells(self, row: MemberCluster) -> list[RenderableType]:
        now = self.shell.now()
        probe = row.probe
        name = Text(row.name, style="bold")
        if self.shell.services.is_production(row):
            name.append(" PROD", style="bold red")
        down_for = None
        if probe.status in fmt.DOWN_STATUSES:
            since = probe.last_seen or probe.probed_at
            down_for = now - since if since else None
        status = fmt.cluster_status(probe.status, down_for)
        if probe.error and probe.status is not ClusterStatus.READY:
            status.append(" ⚠", style="yellow")
        nodes: RenderableType = fmt.DASH
        if probe.nodes is not None:
            ready = probe.nodes_ready if probe.nodes_ready is not None else 0
            nodes = Text(f"{ready}/{probe.nodes}",
                         style="" if ready == probe.nodes else "bold yellow")
        edge: RenderableType = fmt.DASH
        if probe.edge_nodes is not None:
            # the platform's components need nodes labelled ccseone-node-type=edge (§3.1.3.1)
            edge = Text(str(probe.edge_nodes), style="" if probe.edge_nodes else "bold yellow")
        latency = fmt.DASH if probe.latency_ms is None else f"{probe.latency_ms:.0f} ms"
        seen = Text(fmt.since(probe.last_seen, now))
        if self.is_stale(row, now):
            seen.stylize("dim italic")
        return [
            name,
            status,
            fmt.or_dash(probe.version),
            nodes,
            edge,
            latency,
            seen,
            fmt.or_dash(row.region),
            Text(fmt.labels(row.labels, limit=LABELS_WIDTH), style="dim"),
        ]

    def set_rows(self, rows: list[MemberCluster]) -> None:
        super().set_rows(rows)
        if self.probe_when_loaded:
            self.probe_when_loaded = False
            self.post_message(ProbeRequested())

    def search_text(self, row: MemberCluster) -> str:
        return "\n".join((super().search_text(row), fmt.labels(row.labels), row.api_server, row.id))

    # ---- actions -------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        cluster = self.rows.get(str(event.row_key.value))
        if cluster is not None:
            actions.open_cluster(self.shell, cluster)

    def action_associate(self) -> None:
        actions.associate(self.shell)

    def action_create(self) -> None:
        actions.create_cluster(self.shell)

    def action_edit(self) -> None:
        cluster = self.highlighted()
        if cluster is not None:
            actions.edit_cluster(self.shell, cluster)

    def action_delete(self) -> None:
        cluster = self.highlighted()
        if cluster is not None:
            actions.delete_cluster(self.shell, cluster)

    # ---- refresh progress ----------------------------------------------------------------

    def refresh_started(self) -> None:
        self.refreshing = True
        self.answered = 0
        self.refresh_chrome()

    def probed(self, cluster: MemberCluster) -> None:
        self.answered += 1
        self.upsert(cluster)

    def refresh_finished(self, clusters: list[MemberCluster]) -> None:
        self.last_refresh = self.shell.now()
        self.set_rows(clusters)

    def refresh_ended(self) -> None:
        """The probe worker ended, whether it finished or failed."""
        self.refreshing = False
        self.refresh_chrome()

    def status_text(self) -> str:
        if self.shell.current_instance is None:
            return ""
        rows = list(self.rows.values())
        ready = sum(c.probe.status is ClusterStatus.READY for c in rows)
        text = t("view.count.clusters", count=len(rows), ready=ready)
        if self.refreshing:
            return f"{text} · {t('clusters.refreshing', answered=self.answered, total=len(rows))}"
        if self.last_refresh is not None:
            ago = fmt.since(self.last_refresh, self.shell.now())
            return f"{text} · {t('clusters.refreshed', ago=ago)}"
        if rows:
            return f"{text} · {t('clusters.cached')}"
        return text

    def empty_state(self) -> tuple[str, list[str]]:
        instance = self.shell.current_instance
        if instance is None:
            return t("empty.instances"), [t("empty.instances.create"), t("empty.instances.demo")]
        return t("empty.clusters", instance=instance.name), [
            t("empty.clusters.associate", instance=instance.name),
            t("empty.instances.demo"),
        ]
