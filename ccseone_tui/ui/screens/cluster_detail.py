"""One access cluster (Enter on Access clusters): tabs for Basic info, Access kubeconfig,
Logs, Tasks, Edge nodes and — for a cluster created to be registered — Register.

Tabs load when first shown; the event and pod-log streams stop when the screen closes.
Service events reach this screen through the app (``SERVICE_EVENTS``): a probe answer
updates Basic info, a task change updates Tasks.

A cluster of an ``ocm`` instance also shows the hub's facts under Basic info
(``widgets/cluster_hub.py``: conditions, capacity, claims, pending join requests, direct
access); its Register tab holds the ``clusteradm join`` instructions; ``A``/``N`` accept or
deny its join request and ``m`` maps a kubeconfig context for direct access. Logs and Edge
nodes say why there is no direct access (and the two fixes) instead of failing.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ClusterSource, ClusterStatus, MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.ui import actions, ocm_actions, workers
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.confirm import ConfirmScreen
from ccseone_tui.ui.screens.prompt import PromptScreen
from ccseone_tui.ui.widgets.cluster_access import ClusterAccessPane
from ccseone_tui.ui.widgets.cluster_edge import EDGE_LABEL, ClusterEdgePane
from ccseone_tui.ui.widgets.cluster_hub import ClusterHubInfo, HubFacts, access_line
from ccseone_tui.ui.widgets.cluster_info import ClusterInfo
from ccseone_tui.ui.widgets.cluster_logs_pane import ClusterLogsPane
from ccseone_tui.ui.widgets.cluster_register import ClusterRegisterPane
from ccseone_tui.ui.widgets.cluster_tasks import ClusterTasksPane
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.join_view import JoinInstructionsView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

TABS = ("info", "access", "logs", "tasks", "edge", "register")
TAB_KEYS = {"reveal": "access", "export": "access", "copy": "register", "label_edge": "edge"}


class ClusterDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back"),
        Binding("r", "probe", "key.refresh", id="cluster.probe"),
        Binding("d", "delete", "console.key.delete", id="cluster.delete"),
        Binding("v", "reveal", "console.key.reveal", id="cluster.reveal"),
        Binding("x", "export", "console.key.export", id="cluster.export"),
        Binding("y", "copy", "console.key.copy", id="cluster.copy"),
        Binding("l", "label_edge", "console.key.label_edge", id="cluster.label-edge"),
        # ocm clusters only (check_action): the hub's join request and direct access
        Binding("A", "accept", "ocm_ui.key.accept", id="cluster.detail-accept"),
        Binding("N", "deny", "ocm_ui.key.deny", id="cluster.detail-deny"),
        Binding("m", "map_context", "ocm_ui.key.map_context", id="cluster.map-context"),
    ]
    HUB_ACTIONS = frozenset({"accept", "deny", "map_context"})
    SERVICE_EVENTS = True

    def __init__(self, cluster: MemberCluster, tab: str = "info") -> None:
        super().__init__(id="cluster-detail")
        localize_bindings(self)
        self.cluster = cluster
        self.initial = tab if tab in TABS else "info"
        self.registrable = cluster.source is not ClusterSource.KUBECONFIG or tab == "register"
        # kept here: on unmount the children are gone, and its streams must stop then
        self.logs_pane = ClusterLogsPane(cluster, id="logs-pane")
        self.facts = HubFacts()

    @property
    def on_hub(self) -> bool:
        return ocm_actions.on_hub(self.shell, self.cluster)

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        c = self.cluster
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            with TabbedContent(initial=self.initial, id="cluster-tabs"):
                with TabPane(t("console.tab.info"), id="info"), VerticalScroll():
                    yield ClusterInfo(id="cluster-info")
                    if self.on_hub:
                        yield ClusterHubInfo(id="hub-info")
                with TabPane(t("console.tab.access"), id="access"):
                    yield ClusterAccessPane(c, id="access-pane")
                with TabPane(t("console.tab.logs"), id="logs"):
                    yield self.logs_pane
                with TabPane(t("console.tab.tasks"), id="tasks"):
                    yield ClusterTasksPane(c, id="tasks-pane")
                with TabPane(t("console.tab.edge"), id="edge"):
                    yield ClusterEdgePane(c, id="edge-pane")
                if self.registrable:
                    with TabPane(t("console.tab.register"), id="register"):
                        if self.on_hub:  # clusteradm join with a fresh token
                            yield JoinInstructionsView(c, id="register-pane")
                        else:
                            yield ClusterRegisterPane(c, id="register-pane")
        yield ShellFooter()  # hidden behind a dialog

    def _title(self) -> Text:
        title = Text.assemble((t("nav.clusters"), "bold"), " › ",
                              (self.cluster.name, "bold cyan"))  # red is kept for PROD
        if self.shell.services.is_production(self.cluster):
            title.append("  PROD", style="bold red")
        if self.cluster.probe.status in (ClusterStatus.WAITING,
                                         ClusterStatus.AWAITING_ACCEPTANCE):
            status = self.cluster.probe.status.value
            title.append("  " + t(f"status.cluster.{status}"), style="yellow")
        return title

    def on_mount(self) -> None:
        self.logs_pane.check_access = self.on_hub  # no direct access: say why, not fail
        self.show_info()
        self._activate(self.initial)
        if self.on_hub:
            self.load_hub()

    def on_unmount(self) -> None:
        self.logs_pane.stop()

    @property
    def tab(self) -> str:
        return str(self.query_one(TabbedContent).active)

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        self._activate(str(event.pane.id))
        self.refresh_bindings()

    def _activate(self, tab: str) -> None:
        pane = {"access": ClusterAccessPane, "logs": ClusterLogsPane, "tasks": ClusterTasksPane,
                "edge": ClusterEdgePane}.get(tab)
        if pane is not None and self.query(pane):
            self.query_one(pane).activate()  # type: ignore[attr-defined]
        if tab == "register" and self.query("#register-pane"):
            self.query_one("#register-pane").activate()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.HUB_ACTIONS:
            return self.on_hub
        wanted = TAB_KEYS.get(action)
        if wanted is not None and self.is_mounted:
            return self.tab == wanted
        return True

    # ---- the record ------------------------------------------------------------------------

    def show_info(self) -> None:
        instance = next((i for i in self.shell.instances if i.id == self.cluster.instance_id),
                        None)
        self.query_one(ClusterInfo).show(self.cluster, instance,
                                         self.shell.services.is_production(self.cluster),
                                         self.shell.now())
        self.query_one("#detail-title", Static).update(self._title())

    def reload(self) -> None:
        workers.start(self, self._reload(), name=f"load:cluster:{self.cluster.id}",
                      group="cache:detail", exclusive=True,
                      description=t("worker.load", what=self.cluster.name))

    async def _reload(self) -> None:
        clusters = await self.shell.services.clusters.list(self.cluster.instance_id)
        found = next((c for c in clusters if c.id == self.cluster.id), None)
        self.post_message(msg.DetailLoaded(found))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        if message.record is None:  # deleted (here or elsewhere): nothing left to show
            self.dismiss(None)
            return
        self.cluster = message.record
        self.show_info()
        if self.on_hub:
            self.load_hub()

    # ---- the hub's facts (ocm) ---------------------------------------------------------------

    def load_hub(self) -> None:
        workers.start(self, self._load_hub(), name=f"load:hub-facts:{self.cluster.id}",
                      group="load", exclusive=True,
                      description=t("worker.load", what=self.cluster.name))

    async def _load_hub(self) -> None:
        services, cluster = self.shell.services, self.cluster
        facts = HubFacts(access=self.facts.access)
        try:
            facts.details = await services.members.details(cluster)
        except CcseoneError as exc:  # hub unreachable …: say it in the tab
            facts.error = str(exc)
        self.post_message(msg.RowsLoaded("hub-facts", [facts]))
        problem: str | None = None
        try:
            await services.clusters.client(cluster)
        except CcseoneError as exc:  # DirectAccessUnavailable names both fixes
            problem = str(exc)
        facts = HubFacts(facts.details, facts.error, access_line(cluster, problem))
        self.post_message(msg.RowsLoaded("hub-facts", [facts]))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "hub-facts":
            return
        message.stop()
        self.facts = message.rows[0]
        if self.query(ClusterHubInfo):
            self.query_one(ClusterHubInfo).show(self.cluster, self.facts)

    def on_cluster_probed(self, message: msg.ClusterProbed) -> None:
        message.stop()
        if message.cluster.id == self.cluster.id:
            self.cluster = message.cluster
            self.show_info()

    def on_clusters_changed(self, message: msg.ClustersChanged) -> None:
        message.stop()
        self.reload()

    def on_task_changed(self, message: msg.TaskChanged) -> None:
        message.stop()
        self.query_one(ClusterTasksPane).task_changed(message.task)

    # ---- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_probe(self) -> None:
        workers.start(self, self.shell.services.clusters.probe(self.cluster),
                      name=f"refresh:cluster:{self.cluster.id}", group="refresh",
                      description=t("console.worker.probe", cluster=self.cluster.name))

    def action_delete(self) -> None:
        actions.delete_cluster(self.shell, self.cluster, on_deleted=lambda: self.dismiss(None))

    def action_reveal(self) -> None:
        pane = self.query_one(ClusterAccessPane)
        if pane.revealed:
            pane.load(reveal=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                pane.load(reveal=True)

        self.app.push_screen(ConfirmScreen(
            t("console.kubeconfig.reveal.title", name=self.cluster.name),
            t("console.kubeconfig.reveal.body"), yes=t("console.kubeconfig.reveal")), answered)

    def action_export(self) -> None:
        default = os.path.join("~", f"{self.cluster.name}.kubeconfig")

        def chosen(path: str | None) -> None:
            if path:
                workers.start(self, self._export(path), name="write:export-kubeconfig",
                              group="write", description=t("console.key.export"))

        self.app.push_screen(PromptScreen(t("console.kubeconfig.export.title",
                                            name=self.cluster.name), default,
                                          t("console.kubeconfig.export.hint")), chosen)

    async def _export(self, path: str) -> None:
        written = await self.shell.services.clusters.export_kubeconfig(self.cluster, path)
        self.notify(t("console.kubeconfig.exported", path=str(written)), timeout=6)

    def action_copy(self) -> None:
        self.query_one("#register-pane").copy()  # type: ignore[attr-defined]

    def action_accept(self) -> None:
        ocm_actions.accept(self.shell, self.cluster)

    def action_deny(self) -> None:
        ocm_actions.deny(self.shell, self.cluster)

    def action_map_context(self) -> None:
        ocm_actions.map_context(self.shell, self.cluster)

    def action_label_edge(self) -> None:
        if not actions.writable(self.shell):
            return
        nodes = self.query_one(ClusterEdgePane).chosen()
        if not nodes:
            self.notify(t("console.edge.none_chosen"), severity="warning")
            return
        workers.start(self, self._label_edge(nodes), name=f"write:label-edge:{self.cluster.id}",
                      group="flow", description=t("console.key.label_edge"))

    async def _label_edge(self, nodes: list[str]) -> None:
        go, typed = await actions.confirm_cluster_write(
            self.shell, [self.cluster],
            t("console.edge.confirm", count=len(nodes), name=self.cluster.name, label=EDGE_LABEL),
            "\n".join(f"  • {n}" for n in nodes), danger=False)
        if not go:
            return
        task = await self.shell.services.clusters.label_edge(self.cluster, nodes, confirm=typed)
        self.notify(t("console.edge.done", status=t(f"status.task.{task.status.value}")),
                    timeout=5)
        edge = self.query_one(ClusterEdgePane)
        edge.marked.clear()
        edge.reload()
