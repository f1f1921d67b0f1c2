"""The Logs tab of an app: every pod of the app on every target, merged in one LogView, each
line prefixed ``cluster/pod/container`` — the Logs section's app source (``services.logs.app``),
started when the tab is first shown and stopped when the screen closes; a since/tail change
in the view streams again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.worker import Worker

from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.log_feed import feed
from ccseone_tui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

MAX_LINES = 20_000
TAIL = 200  # each pod's last lines, then it follows


class AppLogsPane(Vertical):
    def __init__(self, name: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name
        self.started = False
        self._worker: Worker[Any] | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield LogView(max_lines=MAX_LINES, tail=TAIL, id="app-log")

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def activate(self) -> None:
        if self.started:
            return
        self.started = True
        self.stream()

    def stream(self) -> None:
        self.stop()
        self.view.clear()
        self._worker = workers.start(
            self, self._tail(), name=f"stream:app-logs:{self.app_name}", group="stream",
            exclusive=True, description=t("apps.ui.worker.logs", name=self.app_name))

    def stop(self) -> None:
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()

    async def _tail(self) -> None:
        instance = self.shell.current_instance
        if instance is None:
            return
        view = self.view
        stream = await self.shell.services.logs.app(instance, self.app_name, since=view.since,
                                                    tail=view.tail)
        await feed(stream, view)

    @on(LogView.SinceChanged)
    @on(LogView.TailChanged)
    def _restream(self, event: LogView.SinceChanged | LogView.TailChanged) -> None:
        event.stop()
        if self.started:
            self.stream()
