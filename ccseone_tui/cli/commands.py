"""Headless commands over the same services the TUI uses: the shared row helpers and
``dispatch``, which imports the named command's handler module only when it runs (issue #13
item 2: a cache-only ``clusters list`` loads no other section's module or service)."""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    from ccseone_tui.config import Settings
    from ccseone_tui.domain.models import ControlInstance, MemberCluster
    from ccseone_tui.services import Services

INSTANCE_COLUMNS = [("name", "NAME"), ("id", "ID"), ("status", "STATUS"), ("region", "REGION"),
                    ("engine", "ENGINE"), ("deletion_protection", "PROTECTED"),
                    ("created", "CREATED")]
CLUSTER_COLUMNS = [("name", "NAME"), ("status", "STATUS"), ("version", "VERSION"),
                   ("nodes", "NODES"), ("edge", "EDGE"), ("latency", "LATENCY"),
                   ("last_seen", "LAST SEEN"), ("region", "REGION"), ("labels", "LABELS")]


def when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


def ago(ts: float | None, now: float | None = None) -> str:
    if not ts:
        return "never"
    secs = max(0, int((now or time.time()) - ts))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if secs >= size:
            return f"{secs // size}{unit} ago"
    return f"{secs}s ago"


def _machine(fmt: str) -> bool:
    """-o json|yaml: values for scripts (maps, numbers, RFC 3339), not for eyes."""
    return fmt != "table"


def instance_row(inst: ControlInstance, counts: dict[str, int] | None = None, *,
                 fmt: str = "table") -> dict[str, Any]:
    from ccseone_tui.cli.task_out import rfc3339

    row: dict[str, Any] = {
        "name": inst.name, "id": inst.id, "status": inst.status, "region": inst.region,
        "engine": inst.engine, "deletion_protection": inst.deletion_protection,
        "description": inst.description,
        "created": rfc3339(inst.created_at) if _machine(fmt) else when(inst.created_at),
    }
    if counts is not None:
        row.update(counts)
    return row


def cluster_row(c: MemberCluster, production: bool, fmt: str = "table") -> dict[str, Any]:
    p = c.probe
    if _machine(fmt):
        from ccseone_tui.cli.task_out import rfc3339

        return {
            "name": c.name, "id": c.id, "status": p.status, "version": p.version,
            "nodes": None if p.nodes is None else {"ready": p.nodes_ready or 0,
                                                   "total": p.nodes},
            "edge_nodes": p.edge_nodes, "latency_ms": p.latency_ms,
            "last_seen": rfc3339(p.last_seen), "probed_at": rfc3339(p.probed_at),
            "region": c.region, "source": c.source, "api_server": c.api_server,
            "context": c.context, "kubeconfig": c.kubeconfig, "labels": dict(c.labels),
            "production": production, "deletion_protection": c.deletion_protection,
            "error": p.error,
        }
    return {
        "name": c.name, "id": c.id, "status": p.status, "version": p.version or "",
        "nodes": "" if p.nodes is None else f"{p.nodes_ready}/{p.nodes}",
        "edge": "" if p.edge_nodes is None else p.edge_nodes,
        "latency": "" if p.latency_ms is None else f"{p.latency_ms:.0f}ms",
        "last_seen": ago(p.last_seen), "region": c.region, "source": c.source,
        "api_server": c.api_server, "context": c.context, "kubeconfig": c.kubeconfig,
        "labels": ",".join(f"{k}={v}" for k, v in sorted(c.labels.items())),
        "production": production, "deletion_protection": c.deletion_protection,
        "error": p.error or "",
    }


Handler = Callable[["argparse.Namespace", "Services"], Awaitable[int]]

# command -> "module:function" (in ccseone_tui.cli), imported when the command runs
HANDLERS: dict[str, str | Handler] = {
    "instances": "instance_cmds:run", "clusters": "cluster_cmds:run", "ns": "ns_cmds:run",
    "templates": "template_cmds:run", "apps": "app_cmds:run", "tasks": "task_cmds:run",
    "logs": "logs_cmd:run_logs", "fleet": "fleet_cmds:run",
}
# get, describe, events, delete, scale, restart (cli/resource_cmds.py)
HANDLERS.update(dict.fromkeys(("get", "describe", "events", "delete", "scale", "restart"),
                              "resource_cmds:run"))
# exec, port-forward (cli/shell_cmds.py)
HANDLERS.update(dict.fromkeys(("exec", "port-forward"), "shell_cmds:run"))


def handler(command: str) -> Handler:
    """The handler of ``command``, its module imported now."""
    target = HANDLERS[command]
    if not isinstance(target, str):
        return target
    module, _, name = target.partition(":")
    found: Handler = getattr(importlib.import_module(f"ccseone_tui.cli.{module}"), name)
    return found


def tell_store_notes(services: Services) -> None:
    """A damaged cache moved aside or an unsafe directory: said on stderr, never silently."""
    for note in services.store_notes:
        print(f"ccseone: {note}", file=sys.stderr)
    from ccseone_tui.i18n import t

    for task in services.interrupted:
        print("ccseone: " + t("tasks.interrupted.notice", task=task.id, kind=task.kind,
                              target=task.target), file=sys.stderr)


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    run = handler(args.command)
    from ccseone_tui.services import open_services

    services = await open_services(settings)
    tell_store_notes(services)
    try:
        return await run(args, services)
    finally:
        await services.close()
