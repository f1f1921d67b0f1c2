"""A pod's logs from a Fleet view row (``l``, or Enter on a container): the console's
`LogView` fed by ``services.logs.pod`` — the same stream as the Logs section and a cluster's
Logs tab (resumes after a drop, gap markers while the cluster is away). ``P`` switches to
the previous container instance's logs (after a crash) and back; every LogView key works.
The stream stops when the screen closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.log_feed import feed
from ccseone_tui.ui.screens.resource_text import object_title
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

MAX_LINES = 20_000
TAIL = 500  # the last lines of each container, then follow


class PodLogsScreen(Screen[None]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back", id="pod-logs.back"),
        Binding("P", "toggle_previous", "logs.key.previous_container", id="pod-logs.previous"),
    ]

    def __init__(self, ref: ObjectRef, container: str | None = None,
                 previous: bool = False) -> None:
        super().__init__()  # no fixed id: the same screen may be open twice in a stack
        localize_bindings(self)
        self.ref = ref
        self.container = container
        self.previous = previous
        self._worker: Worker[Any] | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="pod-logs-title")
            yield LogView(max_lines=MAX_LINES, tail=TAIL, id="pod-log-view")
        yield ShellFooter()

    def _title(self) -> Text:
        title = object_title(t("res_ui.logs"), self.ref)
        if self.container:
            title.append(f" · {self.container}", style="bold")
        if self.previous:
            title.append("  " + t("res_ui.logs.previous"), style="bold yellow")
        return title

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.set_option(timestamps=True)
        self.view.lines.focus()
        self.start()

    def start(self) -> None:
        self.stop()
        self.view.clear()
        self.query_one("#pod-logs-title", Static).update(self._title())
        self._worker = workers.start(
            self, self._tail(), name=f"stream:pod-logs:{self.ref.key}", group="stream:pod-logs",
            exclusive=True, description=t("console.worker.pod_logs", pod=self.ref.key))

    def stop(self) -> None:
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()

    async def _tail(self) -> None:
        services = self.shell.services
        cluster = await services.clusters.get(self.ref.cluster)
        view = self.view
        try:
            stream = await services.logs.pod(
                cluster, self.ref.namespace or "default", self.ref.name,
                container=self.container, previous=self.previous, follow=not self.previous,
                since=view.since, tail=view.tail)
        except Exception as exc:  # the pod is gone, no previous instance …: said in the view
            view.mark_gap(self.ref.name, str(exc))
            raise
        await feed(stream, view)

    @on(LogView.SinceChanged)
    @on(LogView.TailChanged)
    def _restream(self, event: LogView.SinceChanged | LogView.TailChanged) -> None:
        event.stop()
        self.start()

    def action_toggle_previous(self) -> None:
        self.previous = not self.previous
        self.start()

    def action_back(self) -> None:
        self.stop()
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.stop()
