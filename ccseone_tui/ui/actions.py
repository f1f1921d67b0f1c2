"""The console's write flows, shared by the list views, the detail screens and the palette.

Each flow checks read-only mode first (the service's own rule, surfaced as its message),
then opens its dialog. Writes to production clusters go through
:func:`confirm_cluster_write`, which asks for the typed name and returns it so the service
can check it (``confirm=``). Failures reach the one error path as worker errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ccseone_tui.domain.errors import AppsStillDeployed, CcseoneError, DeletionProtected
from ccseone_tui.domain.models import ControlInstance, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.typed_confirm import TypedConfirmScreen

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

Done = Callable[[], object] | None


def writable(app: CcseoneApp) -> bool:
    """False (and the read-only message with its fix shown) when writes are refused."""
    try:
        app.services.guard.check_writable()
    except CcseoneError as exc:
        app.report_error(exc, t("console.what.write"))
        return False
    return True


async def confirm_cluster_write(app: CcseoneApp, clusters: list[MemberCluster], title: str,
                                body: str = "", *, danger: bool = True) -> tuple[bool, str | None]:
    """Ask before a write to ``clusters``: production ones need their names typed.

    Returns (go ahead, the typed text for ``confirm=``). Must run in a worker.
    """
    production = [c.name for c in clusters if app.services.is_production(c)]
    if production:
        typed = await app.push_screen_wait(
            TypedConfirmScreen(title, body, expected=",".join(production)))
        return typed is not None, typed
    yes = await app.push_screen_wait(ConfirmScreen(title, body, danger=danger))
    return bool(yes), None


# ---- control instances -------------------------------------------------------------------


def create_instance(app: CcseoneApp) -> None:
    from ccseone_tui.ui.screens.instance_form import InstanceFormScreen

    if not writable(app):
        return

    def created(instance: ControlInstance | None) -> None:
        if instance is not None:
            app.notify(t("console.instance.created", name=instance.name), timeout=4)

    app.push_screen(InstanceFormScreen(), created)


def edit_instance(app: CcseoneApp, instance: ControlInstance) -> None:
    from ccseone_tui.ui.screens.instance_form import InstanceFormScreen

    if not writable(app):
        return

    def saved(result: ControlInstance | None) -> None:
        if result is not None:
            app.notify(t("console.instance.saved", name=result.name), timeout=4)

    app.push_screen(InstanceFormScreen(instance), saved)


def delete_instance(app: CcseoneApp, instance: ControlInstance, on_deleted: Done = None) -> None:
    if not writable(app):
        return
    if instance.deletion_protection:  # refused before any question, with the fix
        app.report_error(DeletionProtected(kind=t("noun.instance"), name=instance.name),
                         t("console.what.delete", name=instance.name))
        return
    workers.start(app, _delete_instance(app, instance, on_deleted),
                  name=f"write:instance-delete:{instance.id}", group="flow",
                  description=t("console.what.delete", name=instance.name))


async def _delete_instance(app: CcseoneApp, instance: ControlInstance, on_deleted: Done) -> None:
    from ccseone_tui.ui.screens.instance_delete import InstanceDeleteScreen

    clusters = await app.services.clusters.list(instance.id)
    detach = await app.push_screen_wait(InstanceDeleteScreen(instance, clusters))
    if detach is None:
        return
    await app.services.instances.delete(instance.id, detach_clusters=detach)
    app.notify(t("console.instance.deleted", name=instance.name), timeout=4)
    if on_deleted is not None:
        on_deleted()


def open_instance(app: CcseoneApp, instance: ControlInstance) -> None:
    from ccseone_tui.ui.screens.instance_detail import InstanceDetailScreen

    app.push_screen(InstanceDetailScreen(instance))


# ---- access clusters ---------------------------------------------------------------------


def associate(app: CcseoneApp) -> None:
    from ccseone_tui.ui.screens.associate import AssociateScreen

    if not writable(app):
        return
    if not app.instances:
        app.notify(t("empty.instances"), severity="warning")
        return
    app.push_screen(AssociateScreen())


def create_cluster(app: CcseoneApp) -> None:
    from ccseone_tui.ui.screens.cluster_create import ClusterCreateScreen

    if not writable(app):
        return
    if not app.instances:
        app.notify(t("empty.instances"), severity="warning")
        return

    def created(cluster: MemberCluster | None) -> None:
        from ccseone_tui.ui import ocm_actions

        if cluster is not None and ocm_actions.on_hub(app, cluster):
            ocm_actions.show_join(app, cluster)  # clusteradm join, then accept with A
        elif cluster is not None:
            open_cluster(app, cluster, tab="register")

    app.push_screen(ClusterCreateScreen(), created)


def open_cluster(app: CcseoneApp, cluster: MemberCluster, tab: str = "info") -> None:
    from ccseone_tui.ui.screens.cluster_detail import ClusterDetailScreen

    app.push_screen(ClusterDetailScreen(cluster, tab=tab))


def edit_cluster(app: CcseoneApp, cluster: MemberCluster) -> None:
    """Labels and deletion protection; the dialog asks for the typed name of a cluster that
    is (or becomes) production, and shows a refusal in its own error line."""
    from ccseone_tui.ui.screens.cluster_edit import ClusterEditScreen

    if not writable(app):
        return

    def saved(result: MemberCluster | None) -> None:
        if result is not None:
            app.notify(t("console.cluster.saved", name=result.name), timeout=4)

    app.push_screen(ClusterEditScreen(cluster), saved)


def delete_cluster(app: CcseoneApp, cluster: MemberCluster, on_deleted: Done = None) -> None:
    if not writable(app):
        return
    what = t("console.what.delete", name=cluster.name)
    if cluster.deletion_protection:
        app.report_error(DeletionProtected(kind=t("noun.cluster"), name=cluster.name), what)
        return
    workers.start(app, _delete_cluster(app, cluster, on_deleted),
                  name=f"write:cluster-delete:{cluster.id}", group="flow", description=what)


async def _delete_cluster(app: CcseoneApp, cluster: MemberCluster, on_deleted: Done) -> None:
    go, typed = await confirm_cluster_write(
        app, [cluster], t("console.cluster.delete.title", name=cluster.name),
        t("console.cluster.delete.body", name=cluster.name))
    if not go:
        return
    from ccseone_tui.ui import ocm_actions

    hub = ocm_actions.on_hub(app, cluster)
    wait = {"wait_seconds": ocm_actions.DELETE_WAIT} if hub else {}
    force = False
    try:
        result = await app.services.clusters.delete(cluster.id, confirm=typed, **wait)
    except AppsStillDeployed as exc:
        # §3.1.3.6: warn about apps still deployed; deleting anyway is a second, explicit yes
        force = await app.push_screen_wait(ConfirmScreen(
            exc.message, t("console.cluster.delete.force"), yes=t("console.delete"),
            danger=True))
        if not force:
            return
        result = await app.services.clusters.delete(cluster.id, confirm=typed, force=True,
                                                    **wait)
    if not result.done:  # a hub's works stuck on their finalizer: a second, explicit yes
        finished = await ocm_actions.finish_delete(app, cluster, result, typed, force)
        if finished is None:
            return
        result = finished
    commands = list(result.commands)
    body = t("console.cluster.deleted", name=cluster.name)
    if commands:  # member-side leftovers only the user can remove
        body += "\n" + t("console.cluster.cleanup") + "\n" + "\n".join(commands)
    app.notify(body, timeout=20 if commands else 4, markup=False)
    if on_deleted is not None:
        on_deleted()
