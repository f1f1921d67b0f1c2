"""The Distributed clusters keys for the help screen and the command palette: one place,
so the footer, F1 and ctrl+p name the same actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.i18n import t
from ccseone_tui.ui import (
    actions,
    app_actions,
    ns_actions,
    ocm_actions,
    resource_actions,
    template_actions,
)

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

KeyRows = list[tuple[str, str]]
Command = tuple[str, str, Callable[[], object]]


def console_key_groups(section: str | None = None) -> list[tuple[str, KeyRows]]:
    """Every section's keys (the section on screen first, when given), then the dialogs'.
    The screens a Fleet view row opens come right after the Fleet view's own keys."""
    by_section = section_key_groups()
    first = by_section.pop(section, []) if section else []
    rows = resource_actions.key_groups()
    if section == "fleet":
        first, rows = [*first, *rows], []
    return [*first, *(g for groups in by_section.values() for g in groups), *rows,
            dialog_key_group()]


def section_key_groups() -> dict[str, list[tuple[str, KeyRows]]]:
    """Per section id, the key groups F1 shows for it (its list and its detail)."""
    groups = _console_groups()
    named = dict(zip(("instances", "clusters", "cluster-detail"), groups[:3], strict=False))
    ns, apps, tpl = ns_actions.key_groups(), app_actions.key_groups(), \
        template_actions.template_key_groups()
    return {
        "instances": [named["instances"]],
        "clusters": [named["clusters"], named["cluster-detail"]],
        "namespaces": ns,
        "fleet": [fleet_key_group()],
        "apps": apps,
        "templates": tpl,
        "tasks": [(t("nav.tasks"), [("enter", t("tasks.ui.help.enter")),
                                    ("s  S", t("help.key.sort"))])],
        "logs": [logs_key_group()],
    }


def fleet_key_group() -> tuple[str, KeyRows]:
    from ccseone_tui.ui.views.fleet_keys import help_rows

    return (t("nav.fleet"), help_rows())


def logs_key_group() -> tuple[str, KeyRows]:
    return (t("nav.logs"), [
        ("p  space", t("logs.key.follow")),
        ("g  G  end", t("help.logs.ends")),
        ("/", t("logs.key.filter")),
        ("f  ctrl+f", t("logs.key.search")),
        ("n  N", t("help.logs.matches")),
        ("t", t("logs.key.timestamps")),
        ("w", t("logs.key.wrap")),
        ("j", t("logs.key.json")),
        ("A", t("logs.key.ansi")),
        ("F", t("logs.key.full_sources")),
        ("T  L", t("help.logs.window")),
        ("o", t("logs.key.sources")),
        ("P", t("logs.key.previous_container")),
        ("ctrl+o", t("logs.key.pick_source")),
        ("c", t("logs.key.clear")),
        ("s  S", t("help.logs.save")),
        ("esc  backspace", t("logs.key.back")),
    ])


def dialog_key_group() -> tuple[str, KeyRows]:
    return (t("help.dialogs"), [
        ("y  enter", t("help.dialog.yes")),
        ("n  esc", t("help.dialog.no")),
        ("enter  ctrl+s", t("help.dialog.submit")),
        ("tab", t("help.dialog.tab")),
    ])


def _console_groups() -> list[tuple[str, KeyRows]]:
    return [
        (t("console.help.instances"), [
            ("n", t("console.help.instance.n")),
            ("e", t("console.help.instance.e")),
            ("d", t("console.help.instance.d")),
            ("enter", t("console.help.instance.enter")),
        ]),
        (t("console.help.clusters"), [
            ("a", t("console.help.cluster.a")),
            ("c", t("console.help.cluster.c")),
            ("e", t("console.help.cluster.e")),
            ("d", t("console.help.cluster.d")),
            *ocm_actions.key_rows(),  # accept/deny on ocm instances
            ("enter", t("console.help.cluster.enter")),
        ]),
        (t("console.help.detail"), [
            ("← →", t("console.help.detail.tabs")),
            ("r", t("console.help.detail.r")),
            ("v", t("console.help.detail.v")),
            ("x", t("console.help.detail.x")),
            ("space  l", t("console.help.detail.l")),
            ("y", t("console.help.detail.y")),
            ("d", t("console.help.cluster.d")),
            ("m", t("ocm_ui.help.m")),
            ("esc", t("console.key.back")),
        ]),
    ]


def console_commands(app: CcseoneApp) -> list[Command]:
    """Every console action in the palette, for the current instance and its clusters."""
    write = t("console.palette.write.help")
    out: list[Command] = [
        (t("console.palette.instance.create"), t("console.palette.instance.create.help"),
         partial(actions.create_instance, app)),
        (t("console.palette.cluster.associate"), t("console.palette.cluster.associate.help"),
         partial(actions.associate, app)),
        (t("console.palette.cluster.create"), t("console.palette.cluster.create.help"),
         partial(actions.create_cluster, app)),
    ]
    for inst in app.instances:
        out += [
            (t("console.palette.instance.open", name=inst.name),
             t("console.palette.instance.open.help"), partial(actions.open_instance, app, inst)),
            (t("console.palette.instance.edit", name=inst.name), write,
             partial(actions.edit_instance, app, inst)),
            (t("console.palette.instance.delete", name=inst.name), write,
             partial(actions.delete_instance, app, inst)),
        ]
    clusters = app.main.view("clusters")
    for cluster in clusters.rows.values():
        out += [
            (t("console.palette.cluster.open", name=cluster.name),
             t("console.palette.cluster.open.help"), partial(actions.open_cluster, app, cluster)),
            (t("console.palette.cluster.register", name=cluster.name),
             t("console.palette.cluster.register.help"),
             partial(actions.open_cluster, app, cluster, "register")),
            (t("console.palette.cluster.label_edge", name=cluster.name), write,
             partial(actions.open_cluster, app, cluster, "edge")),
            (t("console.palette.cluster.export", name=cluster.name), write,
             partial(actions.open_cluster, app, cluster, "access")),
            (t("console.palette.cluster.edit", name=cluster.name), write,
             partial(actions.edit_cluster, app, cluster)),
            (t("console.palette.cluster.delete", name=cluster.name), write,
             partial(actions.delete_cluster, app, cluster)),
        ]
    out += ocm_actions.commands(app, list(clusters.rows.values()))
    out += ns_actions.commands(app)
    out += app_actions.commands(app)
    out += template_actions.template_commands(app)
    out += resource_actions.commands(app)
    return out
