"""The hub's facts about a cluster of an ocm instance (Basic info tab, under the record):
acceptance, cluster set, client URL, Kubernetes version, capacity/allocatable, claims,
taints, pending join requests, the conditions with their reasons and messages, and how
ccseone reaches the member directly (a mapped context, the addon's token) or why it cannot.

Read live (``services.members.details``) when the tab is shown and after each change; the
render is a pure function of what was read, so a snapshot is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from ccseone_tui.domain.members import MemberDetails
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt

_CONDITION_STYLE = {"True": "green", "False": "bold red", "Unknown": "yellow"}


@dataclass
class HubFacts:
    """What the Basic info tab shows of an ocm cluster: details (None: not read yet),
    a failure reading them, and the direct-access line (None: still checking)."""

    details: MemberDetails | None = None
    error: str = ""
    access: Text | None = None


def access_line(cluster: MemberCluster, problem: str | None) -> Text:
    """How the member's own API server is reached, or why not (the error's fix included)."""
    if problem is not None:
        return Text(problem, style="yellow")
    if cluster.context:
        return Text(t("ocm_ui.access.context", context=cluster.context,
                      file=cluster.kubeconfig or fmt.DASH), style="green")
    return Text(t("ocm_ui.access.addon"), style="green")


def _pairs(values: dict[str, str]) -> str:
    return "  ".join(f"{k}={v}" for k, v in sorted(values.items())) or fmt.DASH


def _resources(d: MemberDetails) -> str:
    keys = sorted(set(d.capacity) | set(d.allocatable))
    return "  ".join(f"{k} {d.capacity.get(k, fmt.DASH)} / {d.allocatable.get(k, fmt.DASH)}"
                     for k in keys) or fmt.DASH


def _taints(d: MemberDetails) -> str:
    out = []
    for taint in d.taints:
        value = f"={taint['value']}" if taint.get("value") else ""
        out.append(f"{taint.get('key', '')}{value}:{taint.get('effect', '')}")
    return "  ".join(out) or fmt.DASH


def hub_facts(cluster: MemberCluster, facts: HubFacts) -> RenderableType:
    title = Text(t("ocm_ui.info.hub"), style="bold underline")
    if facts.details is None:
        body = Text(facts.error, style="red") if facts.error else Text(
            t("ocm_ui.info.loading"), style="dim italic")
        return Group(title, body)
    d = facts.details
    grid = Table.grid(padding=(0, 3))
    grid.add_column(style="bold", no_wrap=True, min_width=20)
    grid.add_column()
    accepted = fmt.yes_no(d.accepts_client)
    if not d.on_hub:
        accepted = Text(t("ocm_ui.info.not_on_hub"), style="yellow")
    elif d.deleting:
        accepted.append("  " + t("ocm_ui.info.deleting"), style="bold yellow")
    pending: RenderableType = fmt.DASH
    if d.pending:
        pending = Text("\n".join(f"{p.name}  {p.requester}  {p.created_at}".rstrip()
                                 for p in d.pending), style="bold yellow")
    rows: list[tuple[str, RenderableType]] = [
        (t("ocm_ui.info.accepted"), accepted),
        (t("ocm_ui.info.pending"), pending),
        (t("ocm_ui.info.cluster_set"), fmt.or_dash(d.cluster_set)),
        (t("ocm_ui.info.client_url"), "\n".join(d.client_urls) or fmt.DASH),
        (t("ocm_ui.info.kubernetes"), fmt.or_dash(cluster.probe.version)),
        (t("ocm_ui.info.capacity"), _resources(d)),
        (t("ocm_ui.info.claims"), _pairs(d.claims)),
        (t("ocm_ui.info.taints"), _taints(d)),
        (t("ocm_ui.info.created_by"), fmt.yes_no(d.created_by_ccseone)),
        (t("ocm_ui.info.access"), facts.access if facts.access is not None else Text(
            t("ocm_ui.access.checking"), style="dim italic")),
    ]
    for label, value in rows:
        grid.add_row(label, value)
    conditions = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for key in ("ocm_ui.col.type", "col.status", "ocm_ui.col.reason", "ocm_ui.col.message",
                "ocm_ui.col.changed"):
        conditions.add_column(t(key), overflow="fold")
    for c in d.conditions:
        conditions.add_row(c.type, Text(c.status, style=_CONDITION_STYLE.get(c.status, "")),
                           c.reason, c.message, c.changed_at)
    parts: list[RenderableType] = [title, grid]
    if d.conditions:
        parts += [Text(""), Text(t("ocm_ui.info.conditions"), style="bold underline"),
                  conditions]
    return Group(*parts)


class ClusterHubInfo(Static):
    DEFAULT_CSS = "ClusterHubInfo { height: auto; margin-top: 1; }"

    def show(self, cluster: MemberCluster, facts: HubFacts) -> None:
        self.update(hub_facts(cluster, facts))
