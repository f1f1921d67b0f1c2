"""``ccseone apps …``: the application center (SPEC §3.3.2, §4.1), headless."""

from __future__ import annotations

import argparse
from typing import Any

from ccseone_tui.cli.output import emit
from ccseone_tui.services import Services


def add_parser(sub: Any, output: Any) -> None:
    """Register ``apps`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    ap = sub.add_parser("apps", help="application center").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = ap.add_parser("list", help="apps of an instance")
    p.add_argument("--instance", required=True)
    output(p)


async def run(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    inst = await s.instances.get(args.instance)
    emit([{"name": a.name, "status": a.status, "revision": a.current_revision,
           "created": when(a.created_at)} for a in await s.apps.list(inst.id)], args.output)
    return 0
