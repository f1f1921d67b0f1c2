"""The Logs tab of a cluster: its events, live, and the log of a pod picked from a list —
both in one LogView (sources ``events`` and ``namespace/pod/container``).

Both are the services' log streams (``services.logs``, as in the Logs section): they resume
after a drop (pod logs from the last line seen, events without repeating any) and leave a
gap marker while the cluster does not answer. Each is a worker started when the tab is first
shown (the pod's when one is picked) and cancelled when the screen closes.

``check_access`` (clusters of an ocm instance): first ask for a direct client; without one
the tab says why (``DirectAccessUnavailable``: map a context, or the addon) and starts no
stream, instead of a toast and gap markers that would never resolve.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, Static
from textual.worker import Worker

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import MemberCluster
from ccseone_tui.i18n import t
from ccseone_tui.services.logs.events import PodRef
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.log_feed import feed
from ccseone_tui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from ccseone_tui.services.logs.service import LogsService
    from ccseone_tui.ui.app import CcseoneApp

EVENTS = "events"
MAX_LINES = 20_000
POD_TAIL = 200  # a picked pod shows its last lines, then follows


class ClusterLogsPane(Vertical):
    def __init__(self, cluster: MemberCluster, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cluster = cluster
        self.started = False
        self.pods: dict[str, PodRef] = {}
        self._workers: list[Worker[Any]] = []
        self._pod_worker: Worker[Any] | None = None
        self.check_access = False  # set by the detail for clusters of an ocm instance

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def logs(self) -> LogsService:
        return self.shell.services.logs

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Label(t("console.logs.pod"), classes="form-label")
            yield Select[str]([], prompt=t("console.logs.pick_pod"), id="pod-picker",
                              compact=True)
        access = Static("", id="logs-access", classes="pane-bar -warning", markup=False)
        access.display = False
        yield access
        yield LogView(max_lines=MAX_LINES, id="cluster-log")

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def activate(self) -> None:
        """First time the tab is shown: start the event watch and list the pods."""
        if self.started:
            return
        self.started = True
        if self.check_access:
            workers.start(self, self._check_access(), name=f"load:access:{self.cluster.name}",
                          group="load", exclusive=True,
                          description=t("console.worker.events", cluster=self.cluster.name))
            return
        self._start()

    async def _check_access(self) -> None:
        try:
            await self.shell.services.clusters.client(self.cluster)
        except CcseoneError as exc:
            self.post_message(msg.WriteFinished(error=exc))
            return
        self.post_message(msg.WriteFinished())

    def on_write_finished(self, message: msg.WriteFinished) -> None:
        message.stop()
        if message.error is None:
            self._start()
            return
        note = self.query_one("#logs-access", Static)
        note.update(str(message.error))
        note.display = True

    def _start(self) -> None:
        self.view.set_option(timestamps=True)  # events and pod lines carry their time
        name = self.cluster.name
        self._workers.append(workers.start(
            self, self._events(), name=f"stream:events:{name}", group="stream",
            description=t("console.worker.events", cluster=name)))
        self.load_pods()

    def stop(self) -> None:
        for worker in [*self._workers, self._pod_worker]:
            if worker is not None and worker.is_running:
                worker.cancel()

    # ---- events --------------------------------------------------------------------------

    async def _events(self) -> None:
        stream = await self.logs.cluster_events(self.cluster)
        await feed(stream, self.view, lambda _source: EVENTS)

    # ---- pods ----------------------------------------------------------------------------

    def load_pods(self) -> None:
        workers.start(self, self._load_pods(), name=f"load:pods:{self.cluster.name}",
                      group="load", exclusive=True,
                      description=t("console.worker.pods", cluster=self.cluster.name))

    async def _load_pods(self) -> None:
        pods = await self.logs.pods(self.cluster)
        self.post_message(msg.RowsLoaded("pods", pods))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "pods":
            return
        message.stop()
        options: list[tuple[str, str]] = []
        for pod in message.rows:
            for container in pod.containers or [""]:
                key = f"{pod.key}/{container}" if container else pod.key
                self.pods[key] = pod
                options.append((f"{key}  ({pod.phase})" if pod.phase else key, key))
        self.query_one("#pod-picker", Select).set_options(options)

    @on(Select.Changed, "#pod-picker")
    def _pod_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:
            return
        self.follow_pod(str(event.value))

    def follow_pod(self, key: str) -> None:
        pod = self.pods[key]
        container = key.split("/", 2)[2] if key.count("/") == 2 else None
        if self._pod_worker is not None and self._pod_worker.is_running:
            self._pod_worker.cancel()
        self._pod_worker = workers.start(
            self, self._pod_logs(pod, container, key), name=f"stream:pod:{key}",
            group="stream:pod", exclusive=True,
            description=t("console.worker.pod_logs", pod=key))

    async def _pod_logs(self, pod: PodRef, container: str | None, source: str) -> None:
        view = self.view
        try:
            stream = await self.logs.pod(self.cluster, pod.namespace, pod.name,
                                         container=container, tail=POD_TAIL)
        except Exception as exc:  # the pod is gone, the cluster does not answer …
            view.mark_gap(source, str(exc))
            raise
        prefix = f"{self.cluster.name}/"

        def local(name: str) -> str:
            """``cluster/pod/container`` -> ``namespace/pod/container``, the picker's key."""
            if not name.startswith(prefix):
                return name
            return f"{pod.namespace}/{name.removeprefix(prefix)}"

        await feed(stream, view, local)
