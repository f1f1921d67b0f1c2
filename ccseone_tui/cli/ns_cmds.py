"""``ccseone ns …``: fleet namespaces (SPEC §3.2), headless."""

from __future__ import annotations

import argparse
from typing import Any

from ccseone_tui.cli.output import emit
from ccseone_tui.services import Services


def add_parser(sub: Any, output: Any) -> None:
    """Register ``ns`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    ns = sub.add_parser("ns", help="fleet namespaces").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = ns.add_parser("list", help="fleet namespaces of an instance")
    p.add_argument("--instance", required=True)
    output(p)


async def run(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    inst = await s.instances.get(args.instance)
    emit([{"name": n.name, "priority": n.priority, "cpu": n.cpu_limit,
           "memory": n.memory_limit, "created": when(n.created_at)}
          for n in await s.namespaces.list(inst.id)], args.output)
    return 0
