"""``ccseone tasks list|show|retry``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ccseone_tui.cli.commands import _machine, when
from ccseone_tui.cli.output import emit

if TYPE_CHECKING:
    from ccseone_tui.services import Services


async def run(args: argparse.Namespace, s: Services) -> int:
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
