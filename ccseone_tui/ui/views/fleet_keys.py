"""The Fleet view's keys: one table for its bindings, the kinds each row action applies to,
and the rows F1 lists, so the footer, the keys and the help cannot disagree.

k9s muscle memory where the console's own keys allow: ``:`` jumps to a kind, ``/`` filters,
``d`` describes, ``y`` YAML, ``l``/``p`` logs and previous logs, ``e`` edits (as everywhere
in the console), ``ctrl+d`` deletes, ``space`` marks, Enter drills down, Esc goes back.
``s``/``S`` stay the table's sort (every table of the console), so scale is ``ctrl+s``;
``c``/``C`` stay the cluster cycle, so copying (yank) is ``Y``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.binding import Binding

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ResourceInfo

_PODS = frozenset({("", "pods")})
_FORWARDABLE = frozenset({("", "pods"), ("", "services")})
_SCALABLE = frozenset({("apps", "deployments"), ("apps", "statefulsets"),
                       ("apps", "replicasets"), ("", "replicationcontrollers")})
_RESTARTABLE = frozenset({("apps", "deployments"), ("apps", "statefulsets"),
                          ("apps", "daemonsets")})


@dataclass(frozen=True, slots=True)
class RowAction:
    name: str  # action_row(name) and the resource_actions function it calls
    key: str
    label: str  # i18n key (footer, F1)
    show: bool = False  # in the footer (space is short there: the common ones only)
    kinds: frozenset[tuple[str, str]] | None = None  # (group, plural); None: every kind
    write: bool = False  # hidden from the footer in read-only mode (ui/keys.py)
    display: str | None = None


ROW_ACTIONS: tuple[RowAction, ...] = (
    RowAction("describe", "d", "fleet.key.describe", show=True),
    RowAction("yaml", "y", "fleet.key.yaml", show=True),
    RowAction("events", "E", "fleet.key.events_of"),
    RowAction("logs", "l", "fleet.key.logs", show=True, kinds=_PODS),
    RowAction("previous", "p", "fleet.key.previous", kinds=_PODS),
    RowAction("edit", "e", "console.key.edit", show=True, write=True),
    RowAction("delete", "ctrl+d", "console.key.delete", show=True, write=True,
              display="^d"),
    RowAction("scale", "ctrl+s", "fleet.key.scale", kinds=_SCALABLE, write=True,
              display="^s"),
    RowAction("restart", "R", "fleet.key.restart", kinds=_RESTARTABLE, write=True),
    RowAction("shell", "x", "fleet.key.shell", kinds=_PODS, write=True),
    RowAction("port_forward", "f", "fleet.key.port_forward", kinds=_FORWARDABLE, write=True),
    RowAction("copy", "Y", "fleet.key.copy"),
)
BY_NAME = {a.name: a for a in ROW_ACTIONS}
WRITE_IDS = frozenset(f"fleet.{a.name}" for a in ROW_ACTIONS if a.write)


def applies(action: str, info: ResourceInfo | None) -> bool:
    """Whether a row action means anything for this kind (else its key is not offered)."""
    kinds = BY_NAME[action].kinds
    return kinds is None or (info is not None and (info.group, info.plural) in kinds)


def bindings() -> list[Binding]:
    """The view's bindings (descriptions are i18n keys: ``localize_bindings``)."""
    return [
        Binding("colon", "command('kind')", "fleet.key.kind", key_display=":",
                id="fleet.kind"),
        # the filter box is on screen already, and n is in F1: the footer keeps the row keys
        Binding("slash", "focus_filter", "key.filter", key_display="/", show=False,
                id="fleet.filter"),
        Binding("n", "command('namespace')", "fleet.key.namespace", show=False,
                id="fleet.namespace"),
        Binding("c", "cluster(1)", "fleet.key.cluster", show=False,  # the bar names it
                id="fleet.cluster"),
        Binding("C", "cluster(-1)", "fleet.key.cluster_back", show=False),
        Binding("at", "command('clusters')", "fleet.key.clusters", key_display="@",
                show=False, id="fleet.clusters"),
        Binding("L", "command('labels')", "fleet.key.labels", show=False, id="fleet.labels"),
        Binding("space", "mark", "fleet.key.mark", id="fleet.mark"),
        *(Binding(a.key, f"row('{a.name}')", a.label, show=a.show, id=f"fleet.{a.name}",
                  key_display=a.display) for a in ROW_ACTIONS),
        Binding("F", "forwards", "fleet.key.forwards", show=False, id="fleet.forwards"),
        Binding("escape", "leave", "key.leave", show=False),
        Binding("backspace", "back", "fleet.key.back", show=False, id="fleet.back"),
    ]


def help_rows() -> list[tuple[str, str]]:
    """F1's rows for the Fleet view: every key it answers to."""
    return [
        (":", t("help.fleet.kind")),
        ("/", t("help.fleet.filter")),
        ("n", t("help.fleet.namespace")),
        ("c  C", t("help.fleet.cluster")),
        ("@", t("help.fleet.clusters")),
        ("L", t("help.fleet.labels")),
        ("s  S", t("help.key.sort")),
        ("space", t("help.fleet.mark")),
        ("enter", t("help.fleet.enter")),
        *((a.key, t(f"help.fleet.{a.name}")) for a in ROW_ACTIONS),
        ("F", t("help.fleet.forwards")),
        ("esc  backspace", t("help.fleet.back")),
    ]


def palette_commands(app: Any) -> list[tuple[str, str, Callable[[], object]]]:
    """ctrl+p: open a kind (``:`` or a common one) and, on the Fleet view, every row action
    for the cursor's row — the same names as the footer and F1."""
    from ccseone_tui.ui.views.fleet_command import COMMON

    out: list[tuple[str, str, Callable[[], object]]] = [
        (t("fleet.palette.kind"), t("help.fleet.kind"), partial(_open_kind, app, None))]
    out += [(t("fleet.palette.open", kind=kind), t("fleet.palette.open.help", kind=kind),
             partial(_open_kind, app, kind)) for kind in COMMON]
    view = app.main.mounted_view("fleet")
    ref = view.cursor_ref() if view is not None and app.main.section == "fleet" else None
    if ref is not None:
        out += [(t("fleet.palette.row", action=t(a.label), name=ref.name),
                 t(f"help.fleet.{a.name}"), partial(view.action_row, a.name))
                for a in ROW_ACTIONS if applies(a.name, ref.info)]
    return out


async def _open_kind(app: Any, kind: str | None) -> None:
    if app.main.section != "fleet":  # (shown again, it would watch its kind once more)
        shown = app.main.show_section("fleet")
        if shown is not None:
            await shown
    view = app.main.view("fleet")
    if kind is None:
        view.action_command("kind")
    else:
        view._jump(kind)
