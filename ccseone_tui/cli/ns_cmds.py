"""``ccseone ns create|list|show|edit|delete|repair|retry``: fleet namespaces (SPEC §3.2),
headless. Writes print one row per cluster; exit 1 when any cluster failed (the rows say
which and why, and ``ns retry TASK`` re-runs those only)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from types import EllipsisType
from typing import Any

from ccseone_tui.cli.output import emit
from ccseone_tui.domain.errors import ValidationError
from ccseone_tui.domain.models import FleetNamespace, Task, TaskStatus
from ccseone_tui.domain.text import printable
from ccseone_tui.domain.validation import check_labels, parse_labels
from ccseone_tui.i18n import t
from ccseone_tui.services import Services

Handler = Callable[[argparse.Namespace, Services], Awaitable[int]]
LIST_COLUMNS = [("name", "NAME"), ("priority", "PRIORITY"), ("labels", "LABELS"),
                ("selector", "CLUSTERS"), ("quota", "QUOTA"), ("synced", "SYNCED"),
                ("created", "CREATED")]
SYNC_COLUMNS = [("cluster", "CLUSTER"), ("state", "STATE"), ("message", "MESSAGE")]
RESULT_COLUMNS = [("target", "CLUSTER"), ("status", "STATUS"), ("message", "MESSAGE")]
PREVIEW_COLUMNS = [("cluster", "CLUSTER"), ("production", "PROD"), ("workloads", "WORKLOADS"),
                   ("kinds", "KINDS"), ("message", "NOTE")]


# ---- parser ---------------------------------------------------------------------------------


def _spec_flags(p: argparse.ArgumentParser, editing: bool) -> None:
    p.add_argument("--priority", help="task priority 0-9999, higher first (default 0)")
    p.add_argument("--label", action="append", default=[], metavar="KEY=VALUE",
                   help="a label of the namespace (repeatable)")
    p.add_argument("--labels", metavar="K=V,...",
                   help="labels, comma separated" + (" (replaces every label; '' removes "
                                                     "all)" if editing else ""))
    p.add_argument("--selector", metavar="K=V,...",
                   help="only clusters whose labels match (ccseone.io/source=registered and "
                        "ccseone.io/region=R match the cluster's source and region); "
                        "default / '': every cluster of the instance")
    p.add_argument("--cpu", metavar="QUANTITY", help="CPU limit, e.g. 500m or 2"
                   + (" ('' removes it)" if editing else ""))
    p.add_argument("--memory", metavar="QUANTITY", help="memory limit, e.g. 4Gi"
                   + (" ('' removes it)" if editing else ""))
    p.add_argument("--adopt", action="store_true",
                   help="take over namespaces of that name that ccseone did not create")
    p.add_argument("--confirm", metavar="NAMES",
                   help="production cluster names, comma separated (typed confirmation)")


def add_parser(sub: Any, output: Any) -> None:
    """Register ``ns`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    ns = sub.add_parser("ns", help="fleet namespaces").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = ns.add_parser("list", help="fleet namespaces of an instance, higher priority first")
    p.add_argument("--instance", required=True)
    p.add_argument("--filter", metavar="TEXT", help="only names, labels or states with TEXT")
    output(p)
    p = ns.add_parser("show", help="one namespace with its state on every cluster (live)")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--cached", action="store_true",
                   help="the last known states, without asking the clusters")
    output(p)
    p = ns.add_parser("create", help="create a namespace on every selected cluster")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    _spec_flags(p, editing=False)
    output(p)
    p = ns.add_parser("edit", help="change priority, labels, limits or selector everywhere")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    _spec_flags(p, editing=True)
    p.add_argument("--no-cpu", action="store_true", help="remove the CPU limit")
    p.add_argument("--no-memory", action="store_true", help="remove the memory limit")
    p.add_argument("--leaving", choices=("keep", "delete"), default="keep",
                   help="clusters the new selector no longer picks: keep the namespace "
                        "there (default) or delete it there")
    output(p)
    p = ns.add_parser("delete", help="delete a namespace (and what it holds) on every cluster")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--yes", action="store_true",
                   help="delete even though workloads are still in it, or what it holds "
                        "on an unreachable cluster is unknown (shown first)")
    p.add_argument("--confirm", metavar="NAMES", help="production cluster names")
    output(p)
    p = ns.add_parser("repair", help="re-apply where the namespace is Missing or Drifted")
    p.add_argument("name")
    p.add_argument("--instance", required=True)
    p.add_argument("--confirm", metavar="NAMES", help="production cluster names")
    output(p)
    p = ns.add_parser("retry", help="re-run the failed clusters of a namespace task")
    p.add_argument("task", metavar="TASK_ID")
    p.add_argument("--instance", help="(not needed: the task knows)")
    p.add_argument("--adopt", action="store_true",
                   help="take over namespaces of that name that ccseone did not create")
    p.add_argument("--confirm", metavar="NAMES", help="production cluster names")
    output(p)


# ---- helpers --------------------------------------------------------------------------------


def _pairs(items: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(items.items()))


def _quota(ns: FleetNamespace) -> str:
    parts = [f"cpu={ns.cpu_limit}" if ns.cpu_limit else "",
             f"memory={ns.memory_limit}" if ns.memory_limit else ""]
    return " ".join(p for p in parts if p) or "-"


def _labels(args: argparse.Namespace) -> dict[str, str] | None:
    """``--labels`` and ``--label`` together; ``None`` when neither was given."""
    if args.labels is None and not args.label:
        return None
    labels = parse_labels(args.labels or "", "labels")
    for item in args.label:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValidationError("label", item, t("rule.label_pair"), t("fix.label_pair"))
        # one KEY=VALUE: a space is part of the key or value (and refused there), not a
        # separator as in --labels
        labels.update(check_labels({key.strip(): value.strip()}, "labels"))
    return labels


def _limit(value: str | None, remove: bool) -> str | EllipsisType | None:
    """``--no-cpu`` → ``None`` (remove); not given → ``...`` (keep); else the value."""
    if remove:
        return None
    return ... if value is None else value


def _selector(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    if "!=" in text:  # a cluster-selector habit: say it is unsupported, not "bad key env!"
        raise ValidationError("selector", text, t("ns.rule.selector_equality"),
                              t("ns.fix.selector_equality"))
    return parse_labels(text, "selector")


def _synced(status: Any) -> dict[str, int]:
    """``3/3`` for scripts: how many clusters are synced of how many."""
    return {"synced": status.synced, "total": status.total}


def _task_out(args: argparse.Namespace, task: Task) -> int:
    from ccseone_tui.cli.task_out import task_document

    rows = [{"target": r.target, "status": r.status, "message": r.message}
            for r in task.results]
    # scripts get the task document of `tasks show -o json` (RFC 3339, seconds), not epochs
    emit(rows if args.output == "table" else task_document(task), args.output, RESULT_COLUMNS)
    if task.status is TaskStatus.SUCCEEDED:
        return 0
    if args.output == "table":
        print(f"task {task.id}: {task.status.value}", file=sys.stderr)
        print(t("ns.cli.retry_hint", task=task.id), file=sys.stderr)
        hint = t("ns.error.unmanaged.fix")
        if any(hint in r.message for r in task.results if r.status is TaskStatus.FAILED):
            print(t("ns.cli.adopt_hint"), file=sys.stderr)
    return 1


# ---- actions --------------------------------------------------------------------------------


async def list_(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    rows = []
    statuses = await s.namespaces.list_status(args.instance)
    for st in statuses:
        ns = st.namespace
        rows.append({"name": ns.name, "priority": ns.priority, "labels": _pairs(ns.labels),
                     "selector": _pairs(ns.selector) or "all", "quota": _quota(ns),
                     "synced": st.summary, "created": when(ns.created_at),
                     "cpu": ns.cpu_limit, "memory": ns.memory_limit,
                     "states": {c.cluster.name: c.state.value for c in st.clusters}})
    if args.filter:
        needle = args.filter.lower()
        rows = [r for r in rows if needle in " ".join(
            [r["name"], r["labels"], r["selector"], *r["states"].values()]).lower()]
    if args.output != "table":  # scripts get maps, numbers and RFC 3339, as `ns show`
        from ccseone_tui.cli.task_out import rfc3339

        shown = {r["name"] for r in rows}
        rows = [_machine_row(st, rfc3339) for st in statuses if st.namespace.name in shown]
    emit(rows, args.output, LIST_COLUMNS)
    return 0


def _machine_row(st: Any, rfc3339: Callable[[float | None], str | None]) -> dict[str, Any]:
    """One namespace for ``-o json|yaml`` (docs/cli.md)."""
    ns = st.namespace
    return {"name": ns.name, "priority": ns.priority, "labels": dict(ns.labels),
            "selector": dict(ns.selector), "cpu": ns.cpu_limit, "memory": ns.memory_limit,
            "synced": _synced(st), "created": rfc3339(ns.created_at),
            "states": {c.cluster.name: c.state.value for c in st.clusters}}


async def show(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    status = (await s.namespaces.status(args.instance, args.name) if args.cached
              else await s.namespaces.check(args.instance, args.name))
    ns = status.namespace
    clusters = [{"cluster": c.cluster.name, "state": c.state, "message": c.message,
                 "updated": when(c.updated_at)} for c in status.clusters]
    if args.output != "table":
        from ccseone_tui.cli.task_out import rfc3339

        emit({"name": ns.name, "priority": ns.priority, "labels": dict(ns.labels),
              "selector": dict(ns.selector), "cpu": ns.cpu_limit, "memory": ns.memory_limit,
              "created": rfc3339(ns.created_at), "synced": _synced(status),
              "clusters": [{"cluster": c.cluster.name, "state": c.state.value,
                            "message": c.message, "updated": rfc3339(c.updated_at)}
                           for c in status.clusters]}, args.output)
        return 0
    print(printable(f"name:      {ns.name}\npriority:  {ns.priority}\nlabels:    "
                    f"{_pairs(ns.labels) or '-'}\nclusters:  {_pairs(ns.selector) or 'all'}\n"
                    f"quota:     {_quota(ns)}\nsynced:    {status.summary}\n"
                    f"created:   {when(ns.created_at)}\n", multiline=True))
    emit(clusters, "table", SYNC_COLUMNS)
    return 0


async def create(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.domain.namespaces import NamespaceSpec

    spec = NamespaceSpec(name=args.name, priority=args.priority or 0,
                         selector=_selector(args.selector) or {},
                         labels=_labels(args) or {}, cpu_limit=args.cpu,
                         memory_limit=args.memory)
    for warning in await s.namespaces.validate(args.instance, spec):
        print(f"warning: {warning}", file=sys.stderr)
    task = await s.namespaces.create(args.instance, spec, adopt=args.adopt,
                                     confirm=args.confirm)
    return _task_out(args, task)


async def edit(args: argparse.Namespace, s: Services) -> int:
    selector = _selector(args.selector)
    if selector and not await s.namespaces.matching_clusters(args.instance, selector):
        # allowed, as on create: clusters that match later receive it
        print("warning: " + t("ns.warn.selector_none", selector=_pairs(selector),
                              instance=args.instance), file=sys.stderr)
    if selector is not None and args.output == "table":
        leaving = await s.namespaces.leaving_clusters(args.instance, args.name, selector)
        if leaving:
            print(t("ns.cli.leaving", names=", ".join(c.name for c in leaving),
                    leaving=args.leaving), file=sys.stderr)
    task = await s.namespaces.edit(
        args.instance, args.name, priority=args.priority, labels=_labels(args),
        selector=selector, cpu_limit=_limit(args.cpu, args.no_cpu),
        memory_limit=_limit(args.memory, args.no_memory), leaving=args.leaving,
        confirm=args.confirm, adopt=args.adopt)
    return _task_out(args, task)


async def delete(args: argparse.Namespace, s: Services) -> int:
    preview = await s.namespaces.delete_preview(args.instance, args.name)
    rows = [{"cluster": p.cluster.name, "production": "PROD" if p.production else "",
             "workloads": p.workloads if p.reachable else "?",
             "kinds": _pairs({k: str(v) for k, v in p.by_kind.items()}),
             "message": p.message} for p in preview]
    holding = sum(p.workloads for p in preview)
    if args.output == "table":
        print(t("ns.cli.preview", name=args.name), file=sys.stderr)
        emit(rows, "table", PREVIEW_COLUMNS, out=sys.stderr)
        production = [p.cluster.name for p in preview if p.production]
        if production and not args.confirm:
            print(t("ns.cli.confirm_needed", names=",".join(production)), file=sys.stderr)
    unknown = [p.cluster.name for p in preview if not p.reachable]
    if (holding or unknown) and not args.yes:
        if holding:
            print("ccseone: " + t("ns.cli.holding", name=args.name, count=holding),
                  file=sys.stderr)
        if unknown:
            print("ccseone: " + t("ns.cli.unknown", clusters=", ".join(unknown)),
                  file=sys.stderr)
        return 1
    return _task_out(args, await s.namespaces.delete(args.instance, args.name,
                                                     confirm=args.confirm))


async def repair(args: argparse.Namespace, s: Services) -> int:
    task = await s.namespaces.repair(args.instance, args.name, confirm=args.confirm)
    if not task.results and args.output == "table":
        print(t("ns.cli.nothing_to_repair", name=args.name))
        return 0
    return _task_out(args, task)


async def retry(args: argparse.Namespace, s: Services) -> int:
    return _task_out(args, await s.namespaces.retry(args.task, confirm=args.confirm,
                                                    adopt=args.adopt))


ACTIONS: dict[str, Handler] = {
    "list": list_, "show": show, "create": create, "edit": edit, "delete": delete,
    "repair": repair, "retry": retry,
}


async def run(args: argparse.Namespace, s: Services) -> int:
    return await ACTIONS[args.action](args, s)
