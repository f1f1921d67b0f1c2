"""The Distributed clusters keys for the help screen and the command palette: one place,
so the footer, F1 and ctrl+p name the same actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, app_actions, ns_actions, ocm_actions, template_actions

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

KeyRows = list[tuple[str, str]]
Command = tuple[str, str, Callable[[], object]]


def console_key_groups() -> list[tuple[str, KeyRows]]:
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
        *ns_actions.key_groups(),  # Namespaces: the list and the detail
        *app_actions.key_groups(),  # App center: the list and the detail
        *template_actions.template_key_groups(),  # Template repository and its detail
        (t("nav.tasks"), [("enter", t("tasks.ui.help.enter"))]),
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
    return out
