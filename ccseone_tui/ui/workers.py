"""Every worker of the shell starts here: named, grouped, ``exit_on_error=False``.

Workers run on the app node, so their state changes reach ``CcseoneApp`` — the one place
that turns a failure into an error notification (``CcseoneApp.on_worker_state_changed``).
A worker's result goes back to the widgets as a typed message (``ui/messages.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from textual.dom import DOMNode
from textual.worker import Worker


def start(
    node: DOMNode,
    work: Awaitable[Any],
    *,
    name: str,
    group: str,
    description: str = "",
    exclusive: bool = False,
) -> Worker[Any]:
    """Run ``work`` as a named worker; failures are reported once, by the app."""
    return node.app.run_worker(
        work,
        name=name,
        group=group,
        description=description or name,
        exit_on_error=False,
        exclusive=exclusive,
    )
