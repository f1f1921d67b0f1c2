"""The Application center's flows, shared by the app list, the app detail and the palette.

Like ``ui/actions.py``: each flow checks read-only mode first, opens its dialog, and the
dialog calls the apps service (errors stay in the dialog, next to the field). Writes that
reach production clusters ask for their names typed (:func:`confirm_targets`), and the typed
text goes to the service as ``confirm=``, which decides. Every write ends on the task's
per-target results (:class:`AppTaskScreen`), from where failed targets can be retried and
server-side-apply conflicts forced.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.domain.models import MemberCluster, Task
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, workers
from ccseone_tui.ui.widgets.app_render import can_force, conflicts, failed

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None


def instance_name(app: CcseoneApp) -> str | None:
    current = app.current_instance
    return current.name if current is not None else None


def _ready(app: CcseoneApp) -> bool:
    """Writable, and there is a control instance to publish through."""
    if not actions.writable(app):
        return False
    if app.current_instance is None:
        app.notify(t("empty.instances"), severity="warning")
        return False
    return True


def refresh_list(app: CcseoneApp) -> None:
    """The app list re-reads the cache (after a write), if it was ever shown."""
    view = app.main.mounted_view("apps")
    if view is not None and getattr(view, "loaded", False):
        view.reload()


async def clusters_named(app: CcseoneApp, names: list[str]) -> list[MemberCluster]:
    """The current instance's clusters among ``names`` (a target names its cluster)."""
    current = app.current_instance
    if current is None:
        return []
    wanted = set(names)
    return [c for c in await app.services.clusters.list(current.id) if c.name in wanted]


async def confirm_targets(app: CcseoneApp, cluster_names: list[str], title: str,
                          body: str = "", *, danger: bool = False) -> tuple[bool, str | None]:
    """Ask before a write to these clusters; production ones need their names typed.
    Returns (go ahead, typed text for ``confirm=``). Must run in a worker."""
    clusters = await clusters_named(app, sorted(set(cluster_names)))
    return await actions.confirm_cluster_write(app, clusters, title, body, danger=danger)


def cluster_of(target: str) -> str:
    """``cluster/namespace`` (or a bare cluster name) -> the cluster name."""
    return target.split("/", 1)[0]


# ---- the flows -----------------------------------------------------------------------------


def publish(app: CcseoneApp, draft: str | None = None) -> None:
    """The publish dialog; with ``draft``, that saved draft's fields filled in."""
    from ccseone_tui.ui.screens.app_publish import AppPublishScreen

    if not _ready(app):
        return

    def closed(task: Task | None) -> None:
        refresh_list(app)
        if task is not None:
            show_task(app, task)

    app.push_screen(AppPublishScreen(draft), closed)


def open_app(app: CcseoneApp, name: str, tab: str = "status") -> None:
    from ccseone_tui.ui.screens.app_detail import AppDetailScreen

    if app.current_instance is None:
        return
    app.push_screen(AppDetailScreen(name, tab=tab), lambda _: refresh_list(app))


def show_logs(app: CcseoneApp, name: str) -> None:
    open_app(app, name, tab="logs")


def history(app: CcseoneApp, name: str) -> None:
    """``b`` on the list: rollback starts from the history (pick the revision there)."""
    open_app(app, name, tab="history")


def upgrade(app: CcseoneApp, name: str, on_done: Done = None) -> None:
    from ccseone_tui.ui.screens.app_upgrade import AppUpgradeScreen

    if not _ready(app):
        return

    def closed(task: Task | None) -> None:
        refresh_list(app)
        if task is not None:
            show_task(app, task, on_done=on_done)
        elif on_done is not None:
            on_done()

    app.push_screen(AppUpgradeScreen(name), closed)


def rollback(app: CcseoneApp, name: str, revision: int, on_done: Done = None) -> None:
    """Roll back to ``revision``: its Compare per target first, then the confirmation."""
    from ccseone_tui.ui.screens.app_rollback import AppRollbackScreen

    if not _ready(app):
        return

    def closed(task: Task | None) -> None:
        refresh_list(app)
        if task is not None:
            show_task(app, task, on_done=on_done)

    app.push_screen(AppRollbackScreen(name, revision), closed)


def delete(app: CcseoneApp, name: str, on_deleted: Done = None) -> None:
    from ccseone_tui.ui.screens.app_delete import AppDeleteScreen

    if not _ready(app):
        return

    def closed(task: Task | None) -> None:
        refresh_list(app)
        if task is None:
            return
        if on_deleted is not None and not failed(task):
            on_deleted()
        show_task(app, task)

    app.push_screen(AppDeleteScreen(name), closed)


# ---- results, retry, force -----------------------------------------------------------------


def show_task(app: CcseoneApp, task: Task, *, on_done: Done = None) -> None:
    """The task's per-target results; from there: retry the failed targets, or retry the
    conflicting ones forcing the fields over (``apps.retry(force_conflicts=True)``)."""
    workers.start(app, _show_task(app, task, on_done),
                  name=f"flow:app-task:{task.id}", group="flow",
                  description=t("apps.ui.worker.task", kind=task.kind, target=task.target))


async def _show_task(app: CcseoneApp, task: Task, on_done: Done) -> None:
    from ccseone_tui.ui.screens.app_task import AppTaskScreen

    while True:
        choice = await app.push_screen_wait(AppTaskScreen(task, can_force=can_force(task)))
        if choice not in ("retry", "force"):
            break
        again = await _retry_once(app, task, force=choice == "force")
        if again is None:
            break
        task = again
        refresh_list(app)
    if on_done is not None:
        on_done()


async def _retry_once(app: CcseoneApp, task: Task, *, force: bool) -> Task | None:
    """Confirm (typed names for production), then retry the failed targets of ``task``."""
    targets = failed(task)
    if force:
        title = t("apps.ui.force.title", target=task.target)
        body = t("apps.ui.force.body") + "\n".join(f"  • {x}" for x in conflicts(task))
    else:
        title = t("apps.ui.retry.title", count=len(targets), target=task.target)
        body = "\n".join(f"  • {x}" for x in targets)
    go, typed = await confirm_targets(app, [cluster_of(x) for x in targets], title, body,
                                      danger=force)
    if not go:
        return None
    return await app.services.apps.retry(task.id, confirm=typed, force_conflicts=force)


def retry(app: CcseoneApp, task: Task, on_done: Done = None) -> None:
    """Retry the failed targets of ``task`` (the Tasks tab's key)."""
    if not _ready(app):
        return
    workers.start(app, _retry(app, task, on_done), name=f"flow:app-retry:{task.id}",
                  group="flow", description=t("apps.ui.worker.retry", target=task.target))


async def _retry(app: CcseoneApp, task: Task, on_done: Done) -> None:
    if not failed(task):
        app.notify(t("apps.ui.retry.none"), timeout=4)
        return
    again = await _retry_once(app, task, force=False)
    if again is None:
        return
    refresh_list(app)
    show_task(app, again, on_done=on_done)


# ---- help (F1) and palette (ctrl+p) ---------------------------------------------------------


def key_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The App center keys for the help screen (``console_help.console_key_groups``)."""
    return [
        (t("apps.ui.help.list"), [
            ("c", t("apps.ui.help.c")),
            ("u", t("apps.ui.help.u")),
            ("b", t("apps.ui.help.b")),
            ("l", t("apps.ui.help.l")),
            ("d", t("apps.ui.help.d")),
            ("enter", t("apps.ui.help.enter")),
        ]),
        (t("apps.ui.help.detail"), [
            ("1-4", t("apps.ui.help.tabs")),
            ("r", t("apps.ui.help.r")),
            ("b", t("apps.ui.help.detail.b")),
            ("f", t("apps.ui.help.detail.f")),
            ("esc", t("console.key.back")),
        ]),
    ]


def commands(app: CcseoneApp) -> list[tuple[str, str, Callable[[], object]]]:
    """The App center actions in the palette: publish, and per listed app open, upgrade,
    history (rollback), logs, delete."""
    write = t("console.palette.write.help")
    out: list[tuple[str, str, Callable[[], object]]] = [
        (t("apps.ui.palette.publish"), write, partial(publish, app)),
    ]
    view = app.main.mounted_view("apps")
    for row in getattr(view, "rows", {}).values():
        name = row.app.name
        out += [
            (t("apps.ui.palette.open", name=name), t("apps.ui.palette.open.help"),
             partial(open_app, app, name)),
            (t("apps.ui.palette.upgrade", name=name), write, partial(upgrade, app, name)),
            (t("apps.ui.palette.rollback", name=name), write, partial(history, app, name)),
            (t("apps.ui.palette.logs", name=name), t("apps.ui.palette.open.help"),
             partial(show_logs, app, name)),
            (t("apps.ui.palette.delete", name=name), write, partial(delete, app, name)),
        ]
    return out
