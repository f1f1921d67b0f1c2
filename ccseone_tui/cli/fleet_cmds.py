"""``ccseone fleet get``."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ccseone_tui.cli.commands import _machine
from ccseone_tui.cli.output import emit
from ccseone_tui.domain.text import printable

if TYPE_CHECKING:
    from ccseone_tui.services import Services


async def run(args: argparse.Namespace, s: Services) -> int:
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
