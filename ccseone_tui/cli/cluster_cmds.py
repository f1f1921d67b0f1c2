"""``ccseone clusters …``: ``run`` (contexts, associate, list, show and the table below)
and the headless front ends of the registration and cluster-detail services (create,
join-command, register, edit, delete, edge-nodes, label-edge, kubeconfig, tasks)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ccseone_tui.cli import hub_cmds
from ccseone_tui.cli.commands import CLUSTER_COLUMNS, cluster_row, when
from ccseone_tui.cli.output import emit
from ccseone_tui.domain.errors import CcseoneError, ValidationError
from ccseone_tui.domain.models import Task, TaskStatus
from ccseone_tui.domain.text import printable
from ccseone_tui.domain.validation import parse_labels
from ccseone_tui.i18n import t

if TYPE_CHECKING:
    from ccseone_tui.services import Services

Handler = Callable[[argparse.Namespace, "Services"], Awaitable[int]]
RESULT_COLUMNS = [("target", "TARGET"), ("status", "STATUS"), ("message", "MESSAGE")]


def _cluster_out(args: argparse.Namespace, s: Services, cluster: Any) -> None:
    emit(cluster_row(cluster, s.is_production(cluster), args.output), args.output,
         CLUSTER_COLUMNS)


def _task_out(args: argparse.Namespace, task: Task) -> int:
    rows = [{"target": r.target, "status": r.status, "message": r.message}
            for r in task.results]
    emit(rows if args.output == "table" else task, args.output, RESULT_COLUMNS)
    return 0 if task.status is TaskStatus.SUCCEEDED else 1


async def create(args: argparse.Namespace, s: Services) -> int:
    cluster = await s.registration.create(
        args.instance, args.name, api_server=args.api_server, region=args.region,
        source=args.source, labels=parse_labels(args.labels) if args.labels else {},
        deletion_protection=not args.no_deletion_protection)
    _cluster_out(args, s, cluster)
    if args.output == "table":
        print(f"next: ccseone clusters join-command {cluster.name}", file=sys.stderr)
    return 0


async def join_command(args: argparse.Namespace, s: Services) -> int:
    print(await s.registration.join_command(args.name), end="")
    return 0


async def register(args: argparse.Namespace, s: Services) -> int:
    token = sys.stdin.read() if args.token == "-" else args.token
    _cluster_out(args, s, await s.registration.register(args.name, token))
    return 0


async def edit(args: argparse.Namespace, s: Services) -> int:
    labels = None if args.labels is None else parse_labels(args.labels)
    cluster = await s.clusters.edit(args.name, labels=labels,
                                    deletion_protection=args.protection, region=args.region,
                                    confirm=args.confirm)
    _cluster_out(args, s, cluster)
    return 0


async def delete(args: argparse.Namespace, s: Services) -> int:
    if args.instance:  # like its siblings: say which instance, and be refused if wrong
        inst = await s.instances.get(args.instance)
        cluster = await s.clusters.get(args.name)
        if cluster.instance_id != inst.id:
            from ccseone_tui.domain.errors import ValidationError

            raise ValidationError("--instance", args.instance,
                                  f"cluster {args.name} belongs to another control instance",
                                  f"ccseone clusters show {args.name} names its instance")
    result = await s.clusters.delete(args.name, confirm=args.confirm, force=args.force,
                                     remove_finalizers=args.remove_finalizers,
                                     wait_seconds=args.wait)
    if args.output != "table":
        emit(result, args.output)
        return 0 if result.done else 1
    if not result.done:  # works stuck on their finalizer: nothing removed past them
        emit([{"target": st.target, "status": st.status, "message": st.message}
              for st in result.steps], "table", RESULT_COLUMNS)
        print(f"ccseone: {args.name}: " + t("hub.cleanup.stopped", works=", ".join(
            result.stuck)), file=sys.stderr)
        return 1
    print(f"deleted cluster {args.name}")
    if result.apps:
        print(f"apps still deployed there (left as they are): {', '.join(result.apps)}")
    if result.steps:
        emit([{"target": st.target, "status": st.status, "message": st.message}
              for st in result.steps], "table", RESULT_COLUMNS)
    if result.commands:
        print("run on the member cluster to remove what ccseone created there:")
        for command in result.commands:
            print(f"  {command}")
    return 0


async def edge_nodes(args: argparse.Namespace, s: Services) -> int:
    nodes = await s.clusters.edge_nodes(await s.clusters.get(args.name))
    emit([n._asdict() for n in nodes], args.output,
         [("name", "NODE"), ("ready", "READY"), ("edge", "EDGE")])
    return 0


async def label_edge(args: argparse.Namespace, s: Services) -> int:
    cluster = await s.clusters.get(args.name)
    return _task_out(args, await s.clusters.label_edge(cluster, args.nodes, confirm=args.confirm))


async def kubeconfig(args: argparse.Namespace, s: Services) -> int:
    cluster = await s.clusters.get(args.name)
    if args.export:
        path = await s.clusters.export_kubeconfig(cluster, args.export)
        print(f"wrote {path} (mode 0600)")
    else:
        print(await s.clusters.kubeconfig_view(cluster, reveal=args.reveal), end="")
    return 0


async def tasks(args: argparse.Namespace, s: Services) -> int:
    found = await s.clusters.tasks(await s.clusters.get(args.name))
    if args.output != "table":
        emit(found, args.output)
        return 0
    rows = [{"id": t.id, "kind": t.kind, "status": t.status,
             "results": f"{sum(r.status is TaskStatus.SUCCEEDED for r in t.results)}"
                        f"/{len(t.results)}",
             "user": t.user, "created": when(t.created_at)} for t in found]
    emit(rows, "table", [("id", "ID"), ("kind", "KIND"), ("status", "STATUS"),
                         ("results", "RESULTS"), ("user", "USER"), ("created", "CREATED")])
    return 0


CLUSTER_ACTIONS: dict[str, Handler] = {
    "create": create, "join-command": join_command, "register": register, "edit": edit,
    "delete": delete, "accept": hub_cmds.accept, "deny": hub_cmds.deny,
    "map-context": hub_cmds.map_context,
    "edge-nodes": edge_nodes, "label-edge": label_edge, "kubeconfig": kubeconfig,
    "tasks": tasks,
}


def _require_kubeconfig(args: argparse.Namespace) -> None:
    """A ``--kubeconfig`` the user typed must exist, like kubectl's: skipping it (as missing
    $KUBECONFIG entries are skipped) printed an empty list and exit 0 for a typo."""
    for path in filter(None, (getattr(args, "kubeconfig", None) or "").split(os.pathsep)):
        if not os.path.isfile(os.path.expanduser(path)):
            reason = "is a directory" if os.path.isdir(os.path.expanduser(path)) \
                else "no such file"
            raise ValidationError("--kubeconfig", path,
                                  t("rule.kubeconfig_exists", reason=reason),
                                  t("fix.kubeconfig_exists"))


async def run(args: argparse.Namespace, s: Services) -> int:
    if args.action in ("contexts", "associate"):
        _require_kubeconfig(args)
    if args.action == "contexts":
        rows = [{"name": c.name, "server": c.server, "user": c.user, "file": c.file}
                for c in await s.clusters.contexts()]
        emit(rows, args.output, [("name", "NAME"), ("server", "SERVER"), ("user", "USER"),
                                 ("file", "FILE")])
    elif args.action == "associate":
        from ccseone_tui.services import AssociateRequest

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
