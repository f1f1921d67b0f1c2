"""Formatting of times, ages and states for tables. Pure functions: ``now`` is passed in,
so a frozen clock gives the same picture every run."""

from __future__ import annotations

import time

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from ccseone_tui.domain.models import ClusterStatus, InstanceStatus, TaskStatus
from ccseone_tui.i18n import t

DASH = "—"


def age(seconds: float) -> str:
    """``42s``, ``3m``, ``5h``, ``2d`` — the k9s way: one unit, rounded down."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def since(then: float | None, now: float) -> str:
    """How long ago, localized (``3m ago`` / ``3分钟前``-style), or a dash for never."""
    if not then:
        return DASH
    return t("time.ago", age=age(now - then))


def timestamp(when: float | None) -> str:
    """A local ``YYYY-MM-DD HH:MM`` (the console's created-time format), or a dash."""
    if not when:
        return DASH
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(when))


_CLUSTER_STYLE: dict[ClusterStatus, str] = {
    ClusterStatus.READY: "bold green",
    ClusterStatus.NOT_READY: "bold yellow",
    ClusterStatus.WAITING: "yellow",
    ClusterStatus.OFFLINE: "bold red",
    ClusterStatus.UNAUTHORIZED: "bold red",
    ClusterStatus.THROTTLED: "bold yellow",
    ClusterStatus.UNKNOWN: "dim",
    ClusterStatus.AWAITING_ACCEPTANCE: "bold yellow",
    ClusterStatus.DENIED: "bold red",
}

# statuses shown with how long ago the cluster last gave a full answer
DOWN_STATUSES = frozenset({ClusterStatus.OFFLINE, ClusterStatus.UNAUTHORIZED,
                           ClusterStatus.THROTTLED})

_INSTANCE_STYLE: dict[InstanceStatus, str] = {
    InstanceStatus.READY: "bold green",
    InstanceStatus.CREATING: "yellow",
    InstanceStatus.ERROR: "bold red",
    InstanceStatus.DELETING: "yellow",
}

_TASK_STYLE: dict[TaskStatus, str] = {
    TaskStatus.PENDING: "dim",
    TaskStatus.RUNNING: "bold cyan",
    TaskStatus.SUCCEEDED: "green",
    TaskStatus.PARTIAL: "bold yellow",
    TaskStatus.FAILED: "bold red",
    TaskStatus.CANCELLED: "dim",
    TaskStatus.INTERRUPTED: "bold red",  # like a failure: it needs a retry
}


def cluster_status(status: ClusterStatus, down_for: float | None = None) -> Text:
    """``● Ready`` in green … ``● Offline 3m`` in red (how long it has been gone)."""
    label = t(f"status.cluster.{status.value}")
    if down_for is not None and status in DOWN_STATUSES:
        label = f"{label} {age(down_for)}"
    return Text.assemble(("● ", _CLUSTER_STYLE[status]), (label, _CLUSTER_STYLE[status]))


def instance_status(status: InstanceStatus) -> Text:
    style = _INSTANCE_STYLE[status]
    return Text.assemble(("● ", style), (t(f"status.instance.{status.value}"), style))


def task_status(status: TaskStatus) -> Text:
    return Text(t(f"status.task.{status.value}"), style=_TASK_STYLE[status])


def app_status(status: str) -> Text:
    style = {"Deployed": "green", "Failed": "bold red", "Draft": "dim"}.get(status, "yellow")
    key = f"status.app.{status}"
    label = t(key)
    return Text(status if label == key else label, style=style)


def yes_no(value: bool) -> Text:
    return Text(t("common.on"), style="green") if value else Text(t("common.off"), style="dim")


def labels(values: dict[str, str], limit: int | None = None) -> str:
    """``k=v,k2=v2`` sorted; cut to ``limit`` cells with an ellipsis (the filter still sees
    every label: it matches on the full text, not the cell)."""
    text = ",".join(f"{k}={v}" for k, v in sorted(values.items())) or DASH
    if limit is not None and cell_len(text) > limit:
        return set_cell_size(text, limit - 1) + "…"
    return text


def or_dash(value: object) -> str:
    return DASH if value is None or value == "" else str(value)
