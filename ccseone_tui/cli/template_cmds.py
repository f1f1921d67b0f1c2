"""``ccseone templates …``: the template repository (SPEC §3.3.3), headless."""

from __future__ import annotations

import argparse
from typing import Any

from ccseone_tui.cli.output import emit
from ccseone_tui.services import Services


def add_parser(sub: Any, output: Any) -> None:
    """Register ``templates`` and its actions; ``output`` adds ``-o table|json|yaml``."""
    tp = sub.add_parser("templates", help="template repository").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    p = tp.add_parser("list", help="templates")
    output(p)


async def run(args: argparse.Namespace, s: Services) -> int:
    from ccseone_tui.cli.commands import when

    emit([{"name": t.name, "kind": t.kind, "description": t.description,
           "created": when(t.created_at)} for t in await s.templates.list()], args.output)
    return 0
