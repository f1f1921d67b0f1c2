"""How a fleet namespace reads in a table cell: its sync state, its "7/8 synced" summary, its
source and its quota. Pure functions, shared by the list, the detail and the dialogs."""

from __future__ import annotations

from rich.text import Text

from ccseone_tui.domain.models import FleetNamespace
from ccseone_tui.domain.namespaces import NamespaceStatus, SyncState
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt

STATE_STYLE: dict[SyncState, str] = {
    SyncState.SYNCED: "bold green",
    SyncState.MISSING: "bold yellow",
    SyncState.DRIFTED: "bold yellow",
    SyncState.TERMINATING: "magenta",
    SyncState.ERROR: "bold red",
    SyncState.UNREACHABLE: "bold red",
    SyncState.PENDING: "cyan",
}
# a cluster in one of these needs a person, not a repair: the summary turns red
TROUBLE = (SyncState.ERROR, SyncState.UNREACHABLE)
# worst first: how the list sorts by sync and which state the summary names
SEVERITY = (SyncState.ERROR, SyncState.UNREACHABLE, SyncState.TERMINATING, SyncState.DRIFTED,
            SyncState.MISSING, SyncState.PENDING, SyncState.SYNCED)


def sync_state(state: SyncState) -> Text:
    """``● Drifted`` in the state's colour, in the current language."""
    style = STATE_STYLE[state]
    return Text.assemble(("● ", style), (t(f"ns_ui.state.{state.value}"), style))


def sync_summary(status: NamespaceStatus) -> Text:
    """``7/8 synced``: green when all are, red when a cluster is in error or unreachable,
    yellow otherwise; the worst state other than Synced is named after it."""
    if not status.total:
        return Text(t("ns_ui.sync.none"), style="dim")
    text = Text(t("ns_ui.sync.summary", synced=status.synced, total=status.total))
    states = {c.state for c in status.clusters}
    if status.synced == status.total:
        text.stylize("green")
        return text
    text.stylize("bold red" if states & set(TROUBLE) else "bold yellow")
    worst = next(s for s in SEVERITY if s in states)
    count = sum(c.state is worst for c in status.clusters)
    text.append(f" · {count} {t(f'ns_ui.state.{worst.value}')}", style=STATE_STYLE[worst])
    return text


def severity(status: NamespaceStatus) -> int:
    """Lower is worse: the index of the worst state (sorting by sync puts trouble first)."""
    states = {c.state for c in status.clusters}
    return min((SEVERITY.index(s) for s in states), default=len(SEVERITY))


def source_text(ns: FleetNamespace) -> str:
    """``all clusters`` or the selector as typed (``env=dev,tier=web``)."""
    return fmt.labels(ns.selector) if ns.selector else t("namespace.all_clusters")


def quota_text(ns: FleetNamespace) -> str:
    """``8 / 16Gi`` (CPU / memory), a dash for a side with no limit, one dash for none."""
    if not ns.cpu_limit and not ns.memory_limit:
        return fmt.DASH
    return f"{fmt.or_dash(ns.cpu_limit)} / {fmt.or_dash(ns.memory_limit)}"
