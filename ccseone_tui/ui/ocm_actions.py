"""The write flows of clusters on an ``ocm`` instance (an Open Cluster Management hub):
accept (``A``) and deny (``N``) a join request, map a kubeconfig context (``m`` in the
detail), the join instructions after a create, and a delete stopped by ManifestWorks stuck
on their cleanup finalizer.

Same rules as ``ui/actions.py``: read-only first, then a question (typed for production
clusters, the typed text passed as ``confirm=``); the service decides and its refusals
(``NoPendingRequest``, ``HubUnreachable`` …) reach the one error path with their fix.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from ccseone_tui.domain.models import ControlInstance, Engine, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.actions import confirm_cluster_write, writable
from ccseone_tui.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from ccseone_tui.services.clusters.member import ClusterDeletion
    from ccseone_tui.ui.app import CcseoneApp

KeyRows = list[tuple[str, str]]
Command = tuple[str, str, Callable[[], object]]
# how long a delete waits for the hub's ManifestWorks to go before it reports them stuck
DELETE_WAIT = 30.0


def is_hub(instance: ControlInstance | None) -> bool:
    return instance is not None and Engine(instance.engine) is Engine.OCM


def instance_of(app: CcseoneApp, cluster: MemberCluster) -> ControlInstance | None:
    return next((i for i in app.instances if i.id == cluster.instance_id), None)


def on_hub(app: CcseoneApp, cluster: MemberCluster) -> bool:
    """True when ``cluster`` belongs to an ocm instance (its truth is the hub)."""
    return is_hub(instance_of(app, cluster))


# ---- accept / deny -----------------------------------------------------------------------


def accept(app: CcseoneApp, cluster: MemberCluster | None) -> None:
    _decide(app, cluster, "accept")


def deny(app: CcseoneApp, cluster: MemberCluster | None) -> None:
    _decide(app, cluster, "deny")


def _decide(app: CcseoneApp, cluster: MemberCluster | None, action: str) -> None:
    if not writable(app):
        return
    if cluster is None:
        app.notify(t("ocm_ui.no_cluster"), severity="warning")
        return
    workers.start(app, _decide_flow(app, cluster, action),
                  name=f"write:cluster-{action}:{cluster.id}", group="flow",
                  description=t(f"ocm_ui.worker.{action}", name=cluster.name))


async def _decide_flow(app: CcseoneApp, cluster: MemberCluster, action: str) -> None:
    go, typed = await confirm_cluster_write(
        app, [cluster], t(f"ocm_ui.{action}.title", name=cluster.name),
        t(f"ocm_ui.{action}.body"), danger=action == "deny")
    if not go:
        return
    members = app.services.members
    decided = await (members.accept(cluster.name, confirm=typed) if action == "accept"
                     else members.deny(cluster.name, confirm=typed))
    status = t(f"status.cluster.{decided.probe.status.value}")
    app.notify(t("ocm_ui.accepted" if action == "accept" else "ocm_ui.denied",
                 name=cluster.name, status=status), timeout=5)


# ---- map a kubeconfig context ------------------------------------------------------------


def map_context(app: CcseoneApp, cluster: MemberCluster) -> None:
    from ccseone_tui.ui.screens.map_context import MapContextScreen

    if not writable(app):
        return

    def mapped(result: MemberCluster | None) -> None:
        if result is None:
            return
        if result.context:
            app.notify(t("ocm_ui.map.done", name=result.name, context=result.context),
                       timeout=5)
        else:
            app.notify(t("ocm_ui.map.removed", name=result.name), timeout=5)

    app.push_screen(MapContextScreen(cluster), mapped)


# ---- join instructions -------------------------------------------------------------------


def show_join(app: CcseoneApp, cluster: MemberCluster) -> None:
    from ccseone_tui.ui.screens.join_instructions import JoinInstructionsScreen

    app.push_screen(JoinInstructionsScreen(cluster))


# ---- delete: works stuck on their finalizer ----------------------------------------------


async def finish_delete(app: CcseoneApp, cluster: MemberCluster, result: ClusterDeletion,
                        typed: str | None, force: bool) -> ClusterDeletion | None:
    """A hub delete that stopped on stuck ManifestWorks: list them and offer, as a second
    explicit (dangerous) yes, to remove their finalizer and retry. None: the user stopped."""
    while not result.done:
        works = ", ".join(result.stuck)
        yes = await app.push_screen_wait(ConfirmScreen(
            t("ocm_ui.delete.stuck.title", name=cluster.name),
            t("ocm_ui.delete.stuck.body", works=works),
            yes=t("ocm_ui.delete.remove_finalizers"), danger=True))
        if not yes:
            app.notify(t("ocm_ui.delete.stopped", name=cluster.name, works=works),
                       severity="warning", timeout=8, markup=False)
            return None
        result = await app.services.clusters.delete(
            cluster.id, confirm=typed, force=force, remove_finalizers=True,
            wait_seconds=DELETE_WAIT)
    return result


# ---- F1 help and the palette -------------------------------------------------------------


def key_rows() -> KeyRows:
    """The ocm rows of the Access clusters help group."""
    return [("A", t("ocm_ui.help.A")), ("N", t("ocm_ui.help.N"))]


def commands(app: CcseoneApp, clusters: list[MemberCluster]) -> list[Command]:
    """Accept, deny, map a context and the join instructions of every hub cluster shown."""
    out: list[Command] = []
    for cluster in clusters:
        if not on_hub(app, cluster):
            continue
        out += [
            (t("ocm_ui.palette.accept", name=cluster.name),
             t("ocm_ui.palette.help", what="A"), partial(accept, app, cluster)),
            (t("ocm_ui.palette.deny", name=cluster.name),
             t("ocm_ui.palette.help", what="N"), partial(deny, app, cluster)),
            (t("ocm_ui.palette.map", name=cluster.name),
             t("ocm_ui.palette.help", what="m"), partial(map_context, app, cluster)),
            (t("ocm_ui.palette.join", name=cluster.name),
             t("ocm_ui.palette.help", what="clusteradm join"), partial(show_join, app, cluster)),
        ]
    return out
