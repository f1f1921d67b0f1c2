"""The Status tab of an app: one row per target (cluster, namespace, revision deployed, state,
resources ready, message) and, under it, the highlighted target's resources with their
readiness and its recent events.

The targets paint from the cache at once (state "checking"); the live answer (``apps.status``,
which reads every target) comes from a worker that asks again every refresh interval while the
tab is shown. The table never waits on it: an unreachable target is one row marked
Unreachable, the others update as soon as the answer is in.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellDoesNotExist
from textual.worker import Worker

from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import workers
from ccseone_tui.ui.widgets.app_render import health_text, ready_text, state_text

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("cluster", "apps.ui.col.cluster"), ("namespace", "apps.ui.col.namespace"),
           ("revision", "col.revision"), ("state", "col.status"),
           ("resources", "apps.ui.col.resources"), ("message", "apps.ui.col.message"))


class StatusLoaded(Message):
    def __init__(self, status: Any = None, targets: Any = None) -> None:
        super().__init__()
        self.status = status
        self.targets = targets


MESSAGE_CELLS = 60  # the table cuts; the full message is in the detail under it


def cut(text: str, cells: int = MESSAGE_CELLS) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= cells else line[: cells - 1] + "…"


def resources_ready(target: Any) -> Text:
    """``3/3`` of the target's resources healthy (ready where readiness applies), or a dash."""
    if not target.resources:
        return Text(fmt.DASH, style="dim")
    good = sum(1 for r in target.resources if r.healthy)
    style = "green" if good == len(target.resources) else "bold yellow"
    return Text(f"{good}/{len(target.resources)}", style=style)


def target_detail(target: Any, now: float) -> Group:
    """Resources (kind, name, ready/desired, message) and recent events of one target."""
    head = Text.assemble((f"{target.target.cluster}/{target.target.namespace}  ", "bold cyan"),
                         state_text(target.state))
    if target.message:
        head.append(f"  {target.message}", style="red" if not target.healthy else "")
    res = Table(box=None, pad_edge=False, expand=True, header_style="bold",
                title=t("apps.ui.resources"), title_justify="left", title_style="bold")
    res.add_column(t("col.kind"), no_wrap=True)
    res.add_column(t("col.name"), no_wrap=True)
    res.add_column(t("apps.ui.col.ready"), no_wrap=True)
    res.add_column(t("apps.ui.col.message"), ratio=1)
    for r in target.resources:
        res.add_row(r.kind, Text(r.name, style="bold"), ready_text(r.ready, r.desired),
                    Text(r.message or "", style="" if r.healthy else "yellow"))
    ev = Table(box=None, pad_edge=False, expand=True, header_style="bold",
               title=t("apps.ui.events"), title_justify="left", title_style="bold")
    ev.add_column(t("apps.ui.col.age"), no_wrap=True)
    ev.add_column(t("apps.ui.col.type"), no_wrap=True)
    ev.add_column(t("apps.ui.col.reason"), no_wrap=True)
    ev.add_column(t("apps.ui.col.object"), no_wrap=True)
    ev.add_column(t("apps.ui.col.message"), ratio=1)
    for e in target.events:
        ev.add_row(fmt.age(e.age) if e.age is not None else fmt.DASH,
                   Text(e.type, style="yellow" if e.type != "Normal" else "dim"),
                   e.reason, e.object, e.message)
    parts: list[Any] = [head, Text("")]
    parts.append(res if target.resources else Text(t("apps.ui.resources.none"), style="dim"))
    parts.append(Text(""))
    parts.append(ev if target.events else Text(t("apps.ui.events.none"), style="dim"))
    return Group(*parts)


class AppStatusPane(Vertical):
    DEFAULT_CSS = """
    AppStatusPane { height: 1fr; }
    AppStatusPane #app-status-summary { height: 1; margin-bottom: 1; }
    AppStatusPane #app-targets { height: auto; max-height: 12; }
    AppStatusPane #app-target-detail-scroll { height: 1fr; margin-top: 1; }
    """

    def __init__(self, name: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name
        self.started = False
        self.status: Any = None
        self.checking = False
        self._worker: Worker[Any] | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(t("apps.ui.status.cached"), id="app-status-summary")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                          id="app-targets")
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        yield table
        with VerticalScroll(id="app-target-detail-scroll"):
            yield Static("", id="app-target-detail")

    @property
    def instance(self) -> str:
        current = self.shell.current_instance
        return current.name if current else ""

    def activate(self) -> None:
        if self.started:
            return
        self.started = True
        workers.start(self, self._cached(), name=f"load:app-targets:{self.app_name}",
                      group="load", exclusive=True,
                      description=t("worker.load", what=self.app_name))
        self.refresh_now()

    def stop(self) -> None:
        if self._worker is not None and self._worker.is_running:
            self._worker.cancel()

    def refresh_now(self) -> None:
        """(Re)start the live status loop: one answer now, then every refresh interval."""
        self.stop()
        self._worker = workers.start(
            self, self._poll(), name=f"poll:app-status:{self.app_name}", group="poll",
            exclusive=True, description=t("apps.ui.worker.status", name=self.app_name))

    async def _cached(self) -> None:
        targets = await self.shell.services.apps.targets(self.instance, self.app_name)
        self.post_message(StatusLoaded(targets=targets))

    async def _poll(self) -> None:
        interval = self.shell.services.settings.refresh_interval
        while True:
            self.checking = True
            self.post_message(StatusLoaded())
            try:
                status = await self.shell.services.apps.status(self.instance, self.app_name)
            finally:
                self.checking = False
            self.post_message(StatusLoaded(status=status))
            await asyncio.sleep(interval)

    def on_status_loaded(self, message: StatusLoaded) -> None:
        message.stop()
        if message.targets is not None and self.status is None:
            self._cached_rows(message.targets)
        if message.status is not None:
            self.status = message.status
            self._live_rows()
            show = getattr(self.screen, "show_record", None)
            if show is not None:  # the live answer also refreshed the app's status word
                show(message.status.app)
        self._summary()

    def _cached_rows(self, targets: list[Any]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for target in targets:
            table.add_row(Text(target.cluster, style="bold cyan"), target.namespace, fmt.DASH,
                          Text(t("apps.ui.state.checking"), style="dim"), fmt.DASH, "",
                          key=f"{target.cluster}/{target.namespace}")

    def _live_rows(self) -> None:
        table = self.query_one(DataTable)
        keep = self.highlighted_key()
        table.clear()
        for row in self.status.targets:
            name = Text(row.target.cluster, style="bold cyan")
            if row.production:
                name.append(" PROD", style="bold red")
            table.add_row(name, row.target.namespace,
                          str(row.revision) if row.revision else fmt.DASH,
                          state_text(row.state), resources_ready(row),
                          Text(cut(row.message or ""), style="" if row.healthy else "red"),
                          key=row.target.key)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.show_detail()

    def _summary(self) -> None:
        out = Text()
        if self.status is not None:
            out.append(t("apps.ui.status.healthy") + " ")
            out.append_text(health_text(self.status.healthy, self.status.total))
        else:
            out.append(t("apps.ui.status.cached"), style="dim")
        if self.checking:
            out.append("  " + t("apps.ui.status.checking"), style="italic dim")
        self.query_one("#app-status-summary", Static).update(out)

    def highlighted_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        try:
            return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        except CellDoesNotExist:
            return None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.show_detail()

    def show_detail(self) -> None:
        out = self.query_one("#app-target-detail", Static)
        key = self.highlighted_key()
        if self.status is None or key is None:
            out.update("")
            return
        row = next((r for r in self.status.targets if r.target.key == key), None)
        out.update(target_detail(row, self.shell.now()) if row is not None else "")
