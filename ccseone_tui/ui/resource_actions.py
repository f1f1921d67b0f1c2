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
Shell and port-forward live in ``ui/resource_shell.py``; they are re-exported here so the
Fleet view has one module to call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.actions import writable
from ccseone_tui.ui.resource_confirm import ask, listing, production_typed, where
from ccseone_tui.ui.resource_shell import forwards, port_forward, shell

if TYPE_CHECKING:
    from ccseone_tui.services.resources.actions import ActionOutcome
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None
KeyRows = list[tuple[str, str]]
NOTIFIED = 20  # outcomes notified one by one; beyond, one summary names the failures
MAX_EDIT_ROUNDS = 20  # reopenings after a parse error before the edit gives up

__all__ = ["commands", "containers", "copy", "delete", "describe", "edit", "forwards", "key_groups",
           "logs", "port_forward", "restart", "scale", "shell", "show_events", "show_yaml"]


# ---- screens ---------------------------------------------------------------------------


def describe(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the describe screen (``kubectl describe``-like text with the object's events):
    ``r`` refresh, ``y`` YAML, ``E`` events, ``e`` edit, ``/`` search, ``c`` copy, Esc back."""
    from ccseone_tui.ui.screens.resource_describe import DescribeScreen

    app.push_screen(DescribeScreen(ref))


def show_yaml(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the YAML viewer: highlighted, ``metadata.managedFields`` folded (``m`` unfolds),
    ``c`` copies the YAML shown (OSC 52), ``e`` edits, ``/`` search, ``r`` refresh."""
    from ccseone_tui.ui.screens.resource_yaml import YamlScreen

    app.push_screen(YamlScreen(ref))


def show_events(app: CcseoneApp, ref: ObjectRef) -> None:
    """Push the table of the object's events (type, reason, age, count, source, message)."""
    from ccseone_tui.ui.screens.resource_events import EventsScreen

    app.push_screen(EventsScreen(ref))


def logs(app: CcseoneApp, ref: ObjectRef, container: str | None = None,
         previous: bool = False) -> None:
    """A pod's logs in the console's LogView (every container unless one is named);
    ``previous`` shows the previous (crashed) container's. ``P`` toggles previous there."""
    from ccseone_tui.ui.screens.pod_logs import PodLogsScreen

    app.push_screen(PodLogsScreen(ref, container, previous))


def containers(app: CcseoneApp, ref: ObjectRef) -> None:
    """A pod's containers (name, image, state, ready, restarts): Enter/``l`` logs, ``p``
    previous logs, ``x`` shell, ``f`` port-forward."""
    from ccseone_tui.ui.screens.resource_containers import ContainersScreen

    app.push_screen(ContainersScreen(ref))


def copy(app: CcseoneApp, text: str, what: str) -> None:
    """Put ``text`` on the clipboard with OSC 52 (works over SSH) and say ``Copied <what>``.

    Textual's ``copy_to_clipboard`` writes ``ESC ] 52 ; c ; <base64> BEL`` to the terminal,
    which the terminal (not this host) puts on the clipboard: it works on a jump host as
    long as the terminal allows OSC 52 (tmux: ``set -g set-clipboard on``)."""
    app.copy_to_clipboard(text)
    app.notify(t("res_ui.copied", what=what), timeout=3, markup=False)


# ---- guarded writes ----------------------------------------------------------------------


def report(app: CcseoneApp, outcomes: Sequence[ActionOutcome], what: str) -> None:
    """One notification per object (many objects: the failures one by one, one summary)."""
    failed = [o for o in outcomes if not o.ok]
    shown = outcomes if len(outcomes) <= NOTIFIED else failed[:NOTIFIED]
    for o in shown:
        if o.ok:
            app.notify(o.message or where(o.ref), timeout=4, markup=False)
        else:
            status = f" ({o.status})" if o.status else ""
            app.notify(f"{where(o.ref)}{status}: {o.message}", markup=False,
                       title=t("ui.error.title", what=what), severity="error", timeout=12)
    if len(outcomes) > NOTIFIED:
        app.notify(t("res_ui.outcomes", ok=len(outcomes) - len(failed), failed=len(failed)),
                   severity="error" if failed else "information", timeout=8)


def delete(app: CcseoneApp, refs: Sequence[ObjectRef], on_done: Done = None) -> None:
    """Delete ``refs`` after one question listing each (cluster, namespace, name); read-only
    refused; production clusters' names typed. One notification per object's outcome."""
    refs = list(refs)
    if not refs or not writable(app):
        return
    what = t("res_ui.what.delete", count=len(refs))
    workers.start(app, _delete(app, refs, on_done, what), name="write:resource-delete",
                  group="flow", description=what)


async def _delete(app: CcseoneApp, refs: list[ObjectRef], on_done: Done, what: str) -> None:
    title = t("res_ui.delete.title", count=len(refs), kind=refs[0].info.kind) \
        if len({r.info.kind for r in refs}) == 1 else t("res_ui.delete.title.mixed",
                                                        count=len(refs))
    go, typed = await ask(app, refs, title, listing(refs), t("console.delete"))
    if not go:
        return
    outcomes = await app.services.objects.delete(refs, confirm=typed)
    report(app, outcomes, what)
    if on_done is not None:
        on_done()


def scale(app: CcseoneApp, ref: ObjectRef, on_done: Done = None) -> None:
    """Ask for the replica count (the current one shown; a whole number ≥ 0) and scale."""
    if not writable(app):
        return
    what = t("res_ui.what.scale", name=ref.name)
    workers.start(app, _scale(app, ref, on_done, what), name=f"write:scale:{ref.key}",
                  group="flow", description=what)


def replicas_of(obj: dict[str, Any]) -> int | None:
    value = (obj.get("spec") or {}).get("replicas")
    return value if isinstance(value, int) else None


async def _scale(app: CcseoneApp, ref: ObjectRef, on_done: Done, what: str) -> None:
    from ccseone_tui.ui.screens.resource_scale import ScaleScreen

    current = replicas_of(await app.services.objects.get(ref))
    replicas = await app.push_screen_wait(ScaleScreen(ref, current))
    if replicas is None:
        return
    go, typed = await production_typed(
        app, [ref], t("res_ui.scale.confirm", name=where(ref), replicas=replicas))
    if not go:
        return
    outcome = await app.services.objects.scale(ref, replicas, confirm=typed)
    report(app, [outcome], what)
    if on_done is not None:
        on_done()


def restart(app: CcseoneApp, refs: Sequence[ObjectRef], on_done: Done = None) -> None:
    """Rollout restart of ``refs`` (Deployments, StatefulSets, DaemonSets) after a question."""
    refs = list(refs)
    if not refs or not writable(app):
        return
    what = t("res_ui.what.restart", count=len(refs))
    workers.start(app, _restart(app, refs, on_done, what), name="write:resource-restart",
                  group="flow", description=what)


async def _restart(app: CcseoneApp, refs: list[ObjectRef], on_done: Done, what: str) -> None:
    go, typed = await ask(app, refs, t("res_ui.restart.title", count=len(refs)),
                          listing(refs), t("res_ui.restart.yes"))
    if not go:
        return
    outcomes = await app.services.objects.restart(refs, confirm=typed)
    report(app, outcomes, what)
    if on_done is not None:
        on_done()


# ---- edit --------------------------------------------------------------------------------


def edit(app: CcseoneApp, ref: ObjectRef, on_done: Done = None) -> None:
    """``$EDITOR`` (else ``vi``) on the object's YAML, the terminal handed over; then the diff
    and a question before applying. A parse error reopens the editor with the error as a
    comment block on top (nothing applied); a conflict is reported, never forced;
    unchanged text says so."""
    if not writable(app):
        return
    what = t("res_ui.what.edit", name=ref.name)
    workers.start(app, _edit(app, ref, on_done, what), name=f"write:edit:{ref.key}",
                  group="flow", description=what)


async def _edit(app: CcseoneApp, ref: ObjectRef, on_done: Done, what: str) -> None:
    from ccseone_tui.services.resources.actions import (
        EditConflict,
        EditImmutableField,
        EditParseError,
    )
    from ccseone_tui.ui.screens.edit_diff import EditDiffScreen
    from ccseone_tui.ui.terminal import edit_text

    objects = app.services.objects
    session = await objects.begin_edit(ref)
    text = session.original_text
    filename = f"{ref.info.plural}-{ref.name}.yaml"
    for _ in range(MAX_EDIT_ROUNDS):
        code, edited = await edit_text(app, text, filename)
        if code != 0:
            app.notify(t("res_ui.edit.editor_failed", code=code), severity="warning", timeout=8)
            return
        if not edited.strip():  # emptied: kubectl's way to cancel
            app.notify(t("res_ui.edit.cancelled"), timeout=4)
            return
        try:
            plan = objects.edit_diff(session, edited)
        except (EditParseError, EditImmutableField) as exc:  # reopened with the error on top
            text = objects.edit_reopen_text(edited, exc)
            continue
        break
    else:
        app.notify(t("res_ui.edit.gave_up", rounds=MAX_EDIT_ROUNDS), severity="warning")
        return
    if not plan.changed:
        app.notify(t("res_ui.edit.unchanged", name=where(ref)), timeout=4, markup=False)
        return
    title = t("res_ui.edit.diff_title", name=where(ref))
    apply = await app.push_screen_wait(EditDiffScreen(title, session.original_text, edited))
    if not apply:
        app.notify(t("res_ui.edit.dropped"), timeout=4)
        return
    go, typed = await production_typed(app, [ref], t("res_ui.edit.confirm", name=where(ref)))
    if not go:
        return
    try:
        outcome = await objects.apply_edit(plan, confirm=typed)
    except EditConflict as exc:  # never forced: the user reopens the current version
        app.report_error(exc, what)
        return
    report(app, [outcome], what)
    if outcome.ok and on_done is not None:
        on_done()


# ---- help --------------------------------------------------------------------------------


def commands(app: CcseoneApp) -> list[tuple[str, str, Callable[[], object]]]:
    """The palette's entries of these screens (reachable without a row)."""
    return [(t("res_ui.palette.forwards"), t("res_ui.palette.forwards.help"),
             partial(forwards, app))]


def key_groups() -> list[tuple[str, KeyRows]]:
    """F1: the keys of the screens a row opens (describe, YAML, events, containers, logs,
    forwards). Kept next to the flows they call."""
    return [
        (t("res_ui.help.text"), [
            ("r", t("help.key.refresh")),
            ("/", t("res_ui.key.search")),
            ("n  N", t("res_ui.help.matches")),
            ("c  Y", t("res_ui.help.copy")),
            ("e", t("res_ui.help.edit")),
            ("y", t("res_ui.help.yaml")),
            ("E", t("res_ui.help.events")),
            ("m", t("res_ui.help.managed")),
            ("v", t("res_ui.help.reveal")),
            ("g  G  home  end", t("res_ui.help.ends")),
            ("esc", t("console.key.back")),
        ]),
        (t("res_ui.help.pod"), [
            ("enter  l", t("res_ui.help.container_logs")),
            ("p", t("res_ui.key.previous_logs")),
            ("x", t("res_ui.help.shell")),
            ("f", t("res_ui.help.forward")),
            ("P", t("res_ui.help.previous_toggle")),
            ("ctrl+d", t("res_ui.help.stop")),
        ]),
        (t("res_ui.help.edit_diff"), [
            ("y", t("res_ui.help.apply")),
            ("esc  q", t("res_ui.help.drop")),
        ]),
    ]

