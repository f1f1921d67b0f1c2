"""How the Application center draws the apps service's records: target states, health
summaries, per-target task and dry-run results. Pure functions returning Rich renderables, so
every app screen shows the same thing the same way (and the colours mean one thing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table
from rich.text import Text

from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt

# target / app states (the apps service's words) -> colour
STATE_STYLE: dict[str, str] = {
    "Deployed": "bold green",
    "Healthy": "bold green",
    "Progressing": "yellow",
    "Deploying": "yellow",
    "Pending": "dim",
    "Draft": "dim",
    "Partial": "bold yellow",
    "Failed": "bold red",
    "Unreachable": "bold magenta",
    "Missing": "bold red",
    "Unknown": "dim",
    "Degraded": "bold yellow",
    "Delete": "bold red",
}

ROLLOUT_KINDS = ("app.publish", "app.upgrade", "app.rollback")


def state_text(state: object) -> Text:
    """``● Deployed`` in green … ``● Unreachable`` in magenta; the label localized. An app's
    status may carry its count (``Deployed 3/3``, ``Delete failed 1/3``): kept after it."""
    value = str(getattr(state, "value", state) or "Unknown")
    word, _, rest = value.partition(" ")
    if rest and not rest[0].isdigit():  # two words ("Delete failed"): shown as they are
        word, rest = value.rsplit(" ", 1) if value[-1].isdigit() else (value, "")
    style = STATE_STYLE.get(word.split(" ")[0], "yellow")
    if word.endswith("failed"):
        style = "bold red"
    key = f"apps.ui.state.{word}"
    label = t(key)
    text = Text.assemble(("● ", style), (word if label == key else label, style))
    if rest:
        text.append(f" {rest}", style=style)
    return text


def health_text(healthy: int, total: int) -> Text:
    """``5/6`` healthy targets: green when all, red when none, yellow in between."""
    if not total:
        return Text(fmt.DASH, style="dim")
    style = "green" if healthy == total else ("bold red" if healthy == 0 else "bold yellow")
    return Text(f"{healthy}/{total}", style=style)


def ready_text(ready: int | None, desired: int | None) -> Text:
    if desired is None:
        return Text(fmt.DASH, style="dim")
    got = ready or 0
    return Text(f"{got}/{desired}", style="green" if got >= desired else "bold yellow")


def task_results(task: Task) -> Table:
    """One line per target: ✓/✗, target, status, message (errors in red)."""
    table = Table(box=None, pad_edge=False, expand=True, show_header=True, header_style="bold")
    table.add_column("", no_wrap=True, width=1)
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("col.status"), no_wrap=True)
    table.add_column(t("apps.ui.col.message"), ratio=1)
    for r in task.results:
        ok = r.status is TaskStatus.SUCCEEDED
        mark = Text("✓", style="bold green") if ok else (
            Text("✗", style="bold red") if r.status is TaskStatus.FAILED else Text("·"))
        table.add_row(mark, Text(r.target, style="bold"), fmt.task_status(r.status),
                      Text(r.message or "", style="red" if r.status is TaskStatus.FAILED
                           else ""))
    return table


def task_summary(task: Task) -> Text:
    """``Publish web: Succeeded (3/3)``-style head line of a task."""
    done = sum(r.status is TaskStatus.SUCCEEDED for r in task.results)
    head = Text.assemble((f"{task.kind} {task.target}  ", "bold"), fmt.task_status(task.status))
    head.append(f"  {done}/{len(task.results)}")
    return head


def dry_run_results(results: Mapping[str, str | None]) -> Table:
    """The server-side dry run: ``cluster/ns`` -> None (would apply) or the error."""
    table = Table(box=None, pad_edge=False, expand=True, show_header=True, header_style="bold")
    table.add_column("", no_wrap=True, width=1)
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("apps.ui.col.dry_run"), ratio=1)
    for target, error in sorted(results.items()):
        if error:
            table.add_row(Text("✗", style="bold red"), Text(target, style="bold"),
                          Text(error, style="red"))
        else:
            table.add_row(Text("✓", style="bold green"), Text(target, style="bold"),
                          Text(t("apps.ui.dry_run.ok"), style="green"))
    return table


def failed(task: Task) -> list[str]:
    return [r.target for r in task.results if r.status is TaskStatus.FAILED]


def is_conflict(message: str) -> bool:
    """A server-side apply conflict (fields owned by another manager), as the apps service
    reports it in a target's result. Kubernetes says "conflict" (HTTP 409)."""
    lowered = message.lower()
    return any(word in lowered for word in ("conflict", "owned by another manager")) or any(
        word in message for word in ("冲突", "其他管理者"))


def conflicts(task: Task) -> list[str]:
    return [r.target for r in task.results
            if r.status is TaskStatus.FAILED and is_conflict(r.message or "")]


def pairs_text(pairs: Iterable[tuple[str, str, bool]]) -> Text:
    """Targets as ``cluster/namespace`` one per line, production ones marked PROD."""
    out = Text()
    for i, (cluster, namespace, production) in enumerate(pairs):
        if i:
            out.append("\n")
        out.append("  • ")
        out.append(cluster, style="bold cyan")
        out.append(f"/{namespace}")
        if production:
            out.append("  PROD", style="bold red")
    return out


def kind_label(kind: str) -> str:
    """``app.publish`` -> "Publish" (localized); an unknown kind as it is."""
    key = f"apps.ui.kind.{kind}"
    label = t(key)
    return kind if label == key else label


def task_app(task: Task) -> str:
    """The app a task is about: rollouts are named ``app#revision``, delete just ``app``."""
    if task.kind in ROLLOUT_KINDS:
        return task.target.rpartition("#")[0] or task.target
    return task.target


def can_force(task: Task) -> bool:
    """A rollout whose failed targets include SSA conflicts: retry can force them."""
    return task.kind in ROLLOUT_KINDS and bool(conflicts(task))
