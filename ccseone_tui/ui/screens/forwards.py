"""The port-forwards running in this console (cluster, target, local and remote port, open
connections, the last error). ``ctrl+d`` (the Fleet view's delete key) stops the highlighted
one; the table reads the service again every second while it is shown. Every forward stops
when the console quits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.footer import ShellFooter

if TYPE_CHECKING:
    from ccseone_tui.services.resources.shell import Forward
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("cluster", "res_ui.col.cluster", 18), ("target", "res_ui.col.target", 36),
           ("local", "res_ui.col.local", 22), ("remote", "res_ui.col.remote", 8),
           ("connections", "res_ui.col.connections", 12), ("error", "res_ui.col.error", None))
EVERY = 1.0  # seconds between reads while shown (connection counts move)


def forward_cells(forward: Forward) -> tuple[Text, ...]:
    target = f"{forward.namespace}/{forward.target}"
    if forward.target.startswith("svc/"):
        target += f" ({forward.pod})"  # the pod the service led to
    remote = forward.service_port or forward.remote_port
    errors = forward.errors
    return (Text(forward.cluster), Text(target), Text(forward.local, style="bold"),
            Text(str(remote)), Text(f"{forward.connections} / {forward.total}", justify="right"),
            Text(errors[-1] if errors else "", style="red"))


class ForwardsScreen(Screen[None]):
    DEFAULT_CSS = """
    ForwardsScreen #forwards { height: auto; max-height: 1fr; }
    ForwardsScreen #forwards-status { height: 1; color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back", id="forwards.back"),
        Binding("ctrl+d", "stop", "res_ui.key.stop", key_display="^d", id="forwards.stop"),
        Binding("r", "refresh", "key.refresh", id="forwards.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()  # no fixed id: the same screen may be open twice in a stack
        localize_bindings(self)
        self.forwards: list[Forward] = []

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(Text(t("res_ui.forwards"), style="bold"), classes="detail-title")
            table: DataTable[Any] = DataTable(cursor_type="row", id="forwards")
            for key, label, width in COLUMNS:
                table.add_column(t(label), key=key, width=width)
            yield table
            yield Static("", id="forwards-status", markup=False)
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()
        self.set_interval(EVERY, self.action_refresh)

    def action_refresh(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self.forwards = list(self.shell.services.shell.forwards())
        table.clear()
        for i, forward in enumerate(self.forwards):
            table.add_row(*forward_cells(forward), key=str(i))
        if self.forwards:
            table.move_cursor(row=min(keep, len(self.forwards) - 1))
        self.query_one("#forwards-status", Static).update(
            t("res_ui.forwards.count", count=len(self.forwards)) if self.forwards
            else t("res_ui.forwards.none"))

    def action_stop(self) -> None:
        table = self.query_one(DataTable)
        if not self.forwards or table.cursor_row >= len(self.forwards):
            return
        forward = self.forwards[table.cursor_row]
        workers.start(self, self._stop(forward), name="flow:forward-stop", group="flow",
                      description=t("res_ui.what.stop_forward"))

    async def _stop(self, forward: Forward) -> None:
        await self.shell.services.shell.stop(forward)
        self.shell.notify(t("res_ui.forward.stopped", local=forward.local_port,
                            remote=forward.service_port or forward.remote_port), timeout=4)
        self.action_refresh()

    def action_back(self) -> None:
        self.dismiss(None)
