"""Row actions of the Fleet view (issue #11 item 3-4): what a key on a resource row opens.

Each function takes the app and one ``ObjectRef`` (or several) and either pushes a screen
(describe, YAML, events, containers, logs, forwards) or runs a guarded flow as a worker in
group ``flow`` (delete, scale, restart, edit, shell, port-forward). The Fleet view calls
them from its key bindings; the screens here call each other (describe → YAML → edit).

Writes follow ``ui/actions.py``: read-only refused first with the guard's message, then one
question (production clusters: their names typed, handed to the service as ``confirm=``),
then one notification per object with its outcome. Long calls run in workers; a failure
reaches the app's one error path.

Anything that takes the terminal (``$EDITOR``, an interactive shell) runs through
``ui/terminal.py``: suspended on a real terminal, straight through when headless (Pilot).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ccseone_tui.services.resources.model import ObjectRef

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None


def describe(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the describe screen (``kubectl describe``-like text with the object's events):
    ``r`` refresh, ``y`` YAML, ``E`` events, ``e`` edit, ``/`` search, ``c`` copy, Esc back."""
    raise NotImplementedError


def show_yaml(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the YAML viewer: highlighted, ``metadata.managedFields`` folded (``m`` unfolds),
    ``c`` copies the YAML shown (OSC 52), ``e`` edits, ``/`` search, ``r`` refresh."""
    raise NotImplementedError


def show_events(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the table of the object's events (type, reason, age, count, source, message)."""
    raise NotImplementedError


def logs(app: CcseoneApp, ref: ObjectRef, container: str | None = None,
         previous: bool = False) -> None:
    """A pod's logs in the console's LogView (every container unless one is named);
    ``previous`` shows the previous (crashed) container's. ``P`` toggles previous there."""
    raise NotImplementedError


def containers(app: CcseoneApp, ref: ObjectRef) -> None:
    """A pod's containers (name, image, state, ready, restarts): Enter logs, ``p`` previous
    logs, ``s`` shell, ``f`` port-forward."""
    raise NotImplementedError


def delete(app: CcseoneApp, refs: Sequence[ObjectRef], on_done: Done = None) -> None:
    """Delete ``refs`` after one question listing each (cluster, namespace, name); read-only
    refused; production clusters' names typed. One notification per object's outcome."""
    raise NotImplementedError


def scale(app: CcseoneApp, ref: ObjectRef, on_done: Done = None) -> None:
    """Ask for the replica count (the current one shown; a whole number ≥ 0) and scale."""
    raise NotImplementedError


def restart(app: CcseoneApp, refs: Sequence[ObjectRef], on_done: Done = None) -> None:
    """Rollout restart of ``refs`` (Deployments, StatefulSets, DaemonSets) after a question."""
    raise NotImplementedError


def edit(app: CcseoneApp, ref: ObjectRef, on_done: Done = None) -> None:
    """``$EDITOR`` (else ``vi``) on the object's YAML, the terminal handed over; then the diff
    and a question before applying. A parse error reopens the editor with the error as a
    comment block on top (nothing applied); a conflict is reported, never forced;
    unchanged text says so."""
    raise NotImplementedError


def copy(app: CcseoneApp, text: str, what: str) -> None:
    """Put ``text`` on the clipboard with OSC 52 (works over SSH) and say ``Copied <what>``."""
    raise NotImplementedError


def shell(app: CcseoneApp, ref: ObjectRef, container: str | None = None) -> None:
    """``/bin/sh`` in a container of the pod (asked when there are several), the terminal
    handed over while it runs; a pod without a shell, a stopped container or a closed
    WebSocket is said after the console comes back."""
    raise NotImplementedError


def port_forward(app: CcseoneApp, ref: ObjectRef) -> None:
    """Pick a declared port of the pod or service and a local port (0: any free one), start
    forwarding and say ``Forwarding 127.0.0.1:L → R``."""
    raise NotImplementedError


def forwards(app: CcseoneApp) -> None:
    """The active port-forwards (cluster, target, local, remote, connections); ``x`` stops
    the highlighted one."""
    raise NotImplementedError
