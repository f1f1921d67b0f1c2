"""``ccseone instances list|show|create|edit|delete|log``."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from ccseone_tui.cli import hub_cmds
from ccseone_tui.cli.commands import INSTANCE_COLUMNS, instance_row, when
from ccseone_tui.cli.output import emit
from ccseone_tui.domain.text import printable

if TYPE_CHECKING:
    from ccseone_tui.services import Services


async def run(args: argparse.Namespace, s: Services) -> int:
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
