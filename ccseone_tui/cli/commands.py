"""Headless commands over the same services the TUI uses."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Any

from ccseone_tui.cli import hub_cmds
from ccseone_tui.cli.cluster_cmds import CLUSTER_ACTIONS
from ccseone_tui.cli.output import emit
from ccseone_tui.config import Settings
from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.domain.text import printable
from ccseone_tui.domain.validation import parse_labels
from ccseone_tui.services import AssociateRequest, Services, open_services

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


async def _instances(args: argparse.Namespace, s: Services) -> int:
    if args.action == "list":
        emit([instance_row(i, fmt=args.output) for i in await s.instances.list()],
             args.output, INSTANCE_COLUMNS)
    elif args.action == "show":
        inst = await s.instances.get(args.name)
        emit({**instance_row(inst, await s.instances.counts(inst.id), fmt=args.output),
              **await hub_cmds.instance_info(s, inst)}, args.output)
    elif args.action == "create":
        inst = await hub_cmds.create_instance(args, s)
        emit(instance_row(inst, fmt=args.output), args.output, INSTANCE_COLUMNS)
    elif args.action == "edit":
        inst = await s.instances.edit(args.name, description=args.description,
                                      deletion_protection=args.protection)
        emit(instance_row(inst, fmt=args.output), args.output, INSTANCE_COLUMNS)
    elif args.action == "delete":
        await s.instances.delete(args.name, detach_clusters=args.detach_clusters)
        print(f"deleted control instance {args.name}")
    elif args.action == "log":
        return await _journal(args, s)
    return 0


async def _journal(args: argparse.Namespace, s: Services) -> int:
    inst = await s.instances.get(args.name)
    after = 0
    while True:
        entries = await s.tasks.list_journal(inst.id, after_id=after)
        for e in entries:
            line = f"{when(e.at)}  {e.user}  {e.action}  {e.target}  {e.result}"
            if e.duration_ms is not None:
                line += f"  {e.duration_ms:.0f}ms"
            print(printable(line + (f"  {e.error}" if e.error else "")), flush=True)
            after = max(after, e.id)
        if not getattr(args, "follow", False):
            return 0
        await asyncio.sleep(1.0)  # another process may write: poll the shared cache


def _require_kubeconfig(args: argparse.Namespace) -> None:
    """A ``--kubeconfig`` the user typed must exist, like kubectl's: skipping it (as missing
    $KUBECONFIG entries are skipped) printed an empty list and exit 0 for a typo."""
    from ccseone_tui.i18n import t

    for path in filter(None, (getattr(args, "kubeconfig", None) or "").split(os.pathsep)):
        if not os.path.isfile(os.path.expanduser(path)):
            reason = "is a directory" if os.path.isdir(os.path.expanduser(path)) \
                else "no such file"
            raise ValidationError("--kubeconfig", path,
                                  t("rule.kubeconfig_exists", reason=reason),
                                  t("fix.kubeconfig_exists"))


async def _clusters(args: argparse.Namespace, s: Services) -> int:
    if args.action in ("contexts", "associate"):
        _require_kubeconfig(args)
    if args.action == "contexts":
        rows = [{"name": c.name, "server": c.server, "user": c.user, "file": c.file}
                for c in await s.clusters.contexts()]
        emit(rows, args.output, [("name", "NAME"), ("server", "SERVER"), ("user", "USER"),
                                 ("file", "FILE")])
    elif args.action == "associate":
        labels = parse_labels(args.labels) if args.labels else {}
        reqs = []
        for spec in args.contexts:
            ctx, _, name = spec.partition("=")
            reqs.append(AssociateRequest(context=ctx, name=name or None, region=args.region,
                                         labels=labels,
                                         deletion_protection=not args.no_deletion_protection))
        results = await s.clusters.associate(args.instance, reqs)
        failed = 0
        rows = []
        for req, res in zip(reqs, results, strict=True):
            if isinstance(res, CcseoneError):
                failed += 1
                print(printable(f"ccseone: {req.name or req.context}: {res}"),
                      file=sys.stderr)
            else:
                rows.append(cluster_row(res, s.is_production(res), args.output))
        if rows:
            emit(rows, args.output, CLUSTER_COLUMNS)
        return 1 if failed else 0
    elif args.action == "list":
        instance_id = (await s.instances.get(args.instance)).id if args.instance else None
        clusters = (await s.clusters.refresh(instance_id) if args.refresh
                    else await s.clusters.list(instance_id))
        emit([cluster_row(c, s.is_production(c), args.output) for c in clusters],
             args.output, CLUSTER_COLUMNS)
        if args.refresh:
            await hub_cmds.refresh_notes(s, instance_id)
    elif args.action == "show":
        c = await s.clusters.get(args.name)
        row = cluster_row(c, s.is_production(c), args.output)
        emit({**row, **await hub_cmds.cluster_details(s, c)} if args.output != "table"
             else row, args.output)
    elif args.action in CLUSTER_ACTIONS:  # create/register/delete/detail: cluster_cmds.py
        return await CLUSTER_ACTIONS[args.action](args, s)
    return 0


async def _ns(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.ns_cmds import run

    return await run(args, s)


async def _templates(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.template_cmds import run

    return await run(args, s)


async def _apps(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.app_cmds import run

    return await run(args, s)


async def _tasks(args: argparse.Namespace, s: Services) -> int:
    if args.action == "list":
        instance_id = (await s.instances.get(args.instance)).id if args.instance else None
        from ccseone_tui.cli.task_out import rfc3339

        machine = _machine(args.output)
        rows = []
        for task in await s.tasks.list(instance_id=instance_id, limit=args.limit):
            ok = sum(1 for r in task.results if r.status == "Succeeded")
            rows.append({"id": task.id, "kind": task.kind, "target": task.target,
                         "status": task.status,
                         "results": {"succeeded": ok, "total": len(task.results)} if machine
                         else f"{ok}/{len(task.results)}", "user": task.user,
                         "created": rfc3339(task.created_at) if machine
                         else when(task.created_at)})
        emit(rows, args.output)
    elif args.action == "retry":
        return await _retry_task(args, s)
    else:
        task = await s.tasks.get(args.id)
        if task is None:
            from ccseone_tui.domain.errors import NotFound

            raise NotFound(kind="task", name=args.id)
        from ccseone_tui.cli.task_out import show_task

        show_task(task, args.output)
    return 0


async def _retry_task(args: argparse.Namespace, s: Services) -> int:
    """``tasks retry TASK``: the failed, cancelled or interrupted targets of any retryable
    task, through the retry of the section that owns its kind."""
    from ccseone_tui.domain.errors import NotFound
    from ccseone_tui.domain.namespaces import NotRetryable
    from ccseone_tui.i18n import t

    task = await s.tasks.get(args.id)
    if task is None:
        raise NotFound(kind="task", name=args.id)
    if task.kind.startswith("namespace."):
        from ccseone_tui.cli.ns_cmds import _task_out as ns_out

        return ns_out(args, await s.namespaces.retry(task.id, confirm=args.confirm))
    if task.kind.startswith("app."):
        from ccseone_tui.cli.app_cmds import _task_out as app_out

        return app_out(args, await s.apps.retry(task.id, confirm=args.confirm))
    raise NotRetryable(task.id, t("tasks.retry.unsupported", kind=task.kind))


async def _fleet(args: argparse.Namespace, s: Services) -> int:
    """``fleet get``: rows of every cluster that answered; each failure on stderr, exit 1."""
    # -o json|yaml: documents of machine values (docs/cli.md), not the table's cells
    result = await s.fleet.get(args.kind, args.instance, namespace=args.namespace,
                               label_selector=args.selector, machine=_machine(args.output))
    columns = list(zip(result.keys, result.columns, strict=True))
    if not result.namespaced:  # kubectl shows no NAMESPACE for cluster-scoped kinds
        columns = [c for c in columns if c[0] != "namespace"]
    emit(result.as_dicts(), args.output, columns)
    for cluster, error in result.errors.items():
        print(printable(f"ccseone: {cluster}: {error}"), file=sys.stderr)
    return 1 if result.errors else 0


async def _logs(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.logs_cmd import run_logs

    return await run_logs(args, s)


async def _resources(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.resource_cmds import run

    return await run(args, s)


async def _shell(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.shell_cmds import run

    return await run(args, s)


HANDLERS = {"instances": _instances, "clusters": _clusters, "ns": _ns,
            "templates": _templates, "apps": _apps, "tasks": _tasks, "logs": _logs,
            "fleet": _fleet}
# get, describe, events, delete, scale, restart (cli/resource_cmds.py)
HANDLERS.update(dict.fromkeys(("get", "describe", "events", "delete", "scale", "restart"),
                              _resources))
# exec, port-forward (cli/shell_cmds.py)
HANDLERS.update(dict.fromkeys(("exec", "port-forward"), _shell))


def tell_store_notes(services: Services) -> None:
    """A damaged cache moved aside or an unsafe directory: said on stderr, never silently."""
    for note in services.store_notes:
        print(f"ccseone: {note}", file=sys.stderr)
    from ccseone_tui.i18n import t

    for task in services.interrupted:
        print("ccseone: " + t("tasks.interrupted.notice", task=task.id, kind=task.kind,
                              target=task.target), file=sys.stderr)


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    services = await open_services(settings)
    tell_store_notes(services)
    try:
        return await HANDLERS[args.command](args, services)
    finally:
        await services.close()
