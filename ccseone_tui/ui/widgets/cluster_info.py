"""The Basic info tab of a cluster: every field and what its last probe saw."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt


def _grid() -> Table:
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True, min_width=20)
    grid.add_column()
    return grid


def cluster_fields(cluster: MemberCluster, instance: ControlInstance | None,
                   production: bool) -> Table:
    grid = _grid()
    name = Text(cluster.name, style="bold cyan")  # red is kept for the PROD marker
    if production:
        name.append("  PROD", style="bold red")
    rows: list[tuple[str, Any]] = [
        (t("col.name"), name),
        (t("col.id"), Text(cluster.id, style="dim")),
        (t("console.field.instance"), instance.name if instance else cluster.instance_id),
        (t("col.region"), fmt.or_dash(cluster.region)),
        (t("console.field.source"), t(f"console.source.{cluster.source.value}")),
        (t("console.field.api_server"), fmt.or_dash(cluster.api_server)),
        (t("col.labels"), fmt.labels(cluster.labels)),
        (t("col.deletion_protection"), fmt.yes_no(cluster.deletion_protection)),
        (t("console.field.kubeconfig"), fmt.or_dash(
            f"{cluster.kubeconfig} ({cluster.context})" if cluster.kubeconfig else None)),
        (t("col.created"), fmt.timestamp(cluster.created_at)),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    return grid


def probe_fields(cluster: MemberCluster, now: float) -> Table:
    p = cluster.probe
    grid = _grid()
    down_for = None
    if p.status in fmt.DOWN_STATUSES:
        since = p.last_seen or p.probed_at
        down_for = now - since if since else None
    nodes = fmt.DASH if p.nodes is None else f"{p.nodes_ready or 0}/{p.nodes}"
    edge: RenderableType = fmt.DASH
    if p.edge_nodes is not None:
        edge = Text(str(p.edge_nodes), style="" if p.edge_nodes else "bold yellow")
        if not p.edge_nodes:
            edge.append("  " + t("console.edge.none"), style="yellow")
    rows: list[tuple[str, Any]] = [
        (t("col.status"), fmt.cluster_status(p.status, down_for)),
        (t("col.version"), fmt.or_dash(p.version)),
        (t("console.field.nodes_ready"), nodes),
        (t("col.edge_nodes"), edge),
        (t("col.latency"), fmt.DASH if p.latency_ms is None else f"{p.latency_ms:.0f} ms"),
        (t("col.last_seen"), fmt.since(p.last_seen, now)),
        (t("console.field.probed"), fmt.since(p.probed_at, now)),
        (t("console.field.error"), Text(p.error, style="red") if p.error else fmt.DASH),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    return grid


class ClusterInfo(Static):
    def show(self, cluster: MemberCluster, instance: ControlInstance | None, production: bool,
             now: float) -> None:
        self.update(Group(
            Text(t("console.cluster.info.fields"), style="bold underline"),
            cluster_fields(cluster, instance, production),
            Text(""),
            Text(t("console.cluster.info.probe"), style="bold underline"),
            probe_fields(cluster, now),
        ))
