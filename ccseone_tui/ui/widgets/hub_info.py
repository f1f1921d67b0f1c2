"""What an ocm instance's hub says about itself (``services.members.info``): API server,
context, OCM and Kubernetes versions, the hub controllers' health and the member counts.
Shown under the instance's basic info; a hub that does not answer shows why instead."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from ccseone_tui.domain.members import ControlPlaneInfo
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt


def _health(healthy: bool) -> Text:
    return Text("● " + t("ocm_ui.hub.healthy"), style="bold green") if healthy else Text(
        "● " + t("ocm_ui.hub.unhealthy"), style="bold red")


def hub_info(info: ControlPlaneInfo | None, error: str = "") -> RenderableType:
    title = Text(t("ocm_ui.instance.hub"), style="bold underline")
    if info is None:
        if error:
            return Group(title, Text(error, style="red"))
        return Group(title, Text(t("ocm_ui.instance.hub.loading"), style="dim italic"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    counts = "  ".join(f"{k} {v}" for k, v in sorted(info.counts.items())) or fmt.DASH
    grid.add_row(t("ocm_ui.hub.api_server"), fmt.or_dash(info.api_server))
    grid.add_row(t("ocm_ui.hub.context"), fmt.or_dash(info.context))
    grid.add_row(t("ocm_ui.hub.version"), fmt.or_dash(info.version))
    grid.add_row(t("ocm_ui.hub.kubernetes"), fmt.or_dash(info.kubernetes_version))
    grid.add_row(t("ocm_ui.hub.counts"), counts)
    grid.add_row(t("ocm_ui.hub.controllers"), _health(info.healthy))
    for c in info.controllers:
        line = Text.assemble(("  ● ", "green" if c.healthy else "bold red"), c.name,
                             (f"  {c.ready}/{c.desired}", "" if c.healthy else "bold red"))
        grid.add_row("", line)
    return Group(title, grid)
