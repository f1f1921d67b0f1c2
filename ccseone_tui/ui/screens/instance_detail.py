"""One control instance (Enter on Control instances): basic info and the instance log.

The log is the instance journal's live tail from ``services.logs.instance`` — the same stream
as the Logs section: the history, then each ``JournalAppended`` at once and, every second, what
other processes wrote to the shared cache (``after_id``). It runs while the screen is open.

An ``ocm`` instance also shows its hub (``services.members.info``): API server, OCM version,
the hub controllers' health and the member counts, read when the screen opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.domain.models import ControlInstance, Engine
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.log_feed import feed
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.hub_info import hub_info
from ccseone_tui.ui.widgets.log_view import LogView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

MAX_LINES = 5000


def info_table(inst: ControlInstance, counts: dict[str, int] | None) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    c = counts or {}

    def count(key: str) -> str:
        return str(c[key]) if key in c else fmt.DASH

    rows: list[tuple[str, Any, str, Any]] = [
        (t("col.name"), Text(inst.name, style="bold"), t("col.id"), Text(inst.id, style="dim")),
        (t("col.status"), fmt.instance_status(inst.status), t("col.region"), inst.region),
        (t("col.engine"), inst.engine.value, t("col.created"), fmt.timestamp(inst.created_at)),
        (t("col.deletion_protection"), fmt.yes_no(inst.deletion_protection),
         t("console.field.description"), inst.description or fmt.DASH),
        (t("console.count.clusters"), count("clusters"), t("console.count.namespaces"),
         count("namespaces")),
        (t("console.count.apps"), count("apps"), "", ""),
    ]
    for row in rows:
        grid.add_row(*row)
    return grid


class InstanceDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    InstanceDetailScreen #hub-info { height: auto; padding: 0 2 1 2; background: $surface; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back"),
        Binding("e", "edit", "console.key.edit", id="instance.edit"),
        Binding("d", "delete", "console.key.delete", id="instance.delete"),
    ]
    SERVICE_EVENTS = True  # the app posts service events here too (JournalAppended …)

    def __init__(self, instance: ControlInstance) -> None:
        super().__init__(id="instance-detail")
        localize_bindings(self)
        self.instance = instance
        self.counts: dict[str, int] | None = None
        self._tail: Worker[Any] | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            yield Static(info_table(self.instance, None), id="instance-info", classes="info")
            if self.on_hub:
                yield Static(hub_info(None), id="hub-info", classes="info")
            yield Static(t("console.instance.log"), classes="detail-subtitle")
            yield LogView(max_lines=MAX_LINES, id="instance-log")
        yield ShellFooter()  # hidden behind a dialog

    @property
    def on_hub(self) -> bool:
        return Engine(self.instance.engine) is Engine.OCM

    def _title(self) -> Text:
        return Text.assemble((t("nav.instances"), "bold"), " › ",
                             (self.instance.name, "bold magenta"))

    def on_mount(self) -> None:
        self.load_info()
        if self.on_hub:
            workers.start(self, self._load_hub(), name=f"load:hub:{self.instance.id}",
                          group="load", exclusive=True,
                          description=t("ocm_ui.instance.hub"))
        log = self.query_one(LogView)
        log.set_option(timestamps=True)  # when it happened is half of an audit line
        log.lines.focus()
        self._tail = workers.start(
            self, self._follow(), name=f"stream:journal:{self.instance.id}", group="stream",
            description=t("console.worker.journal", name=self.instance.name))

    def on_unmount(self) -> None:
        if self._tail is not None and self._tail.is_running:
            self._tail.cancel()  # closes the stream

    def on_screen_resume(self) -> None:
        self.load_info()

    # ---- info ----------------------------------------------------------------------------

    def load_info(self) -> None:
        workers.start(self, self._load_info(), name=f"load:instance:{self.instance.id}",
                      group="cache:detail", exclusive=True,
                      description=t("worker.load.instances"))

    async def _load_info(self) -> None:
        services = self.shell.services
        inst = await services.instances.get(self.instance.id)
        counts = await services.instances.counts(inst.id)
        self.post_message(msg.DetailLoaded(inst, counts))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        self.instance, self.counts = message.record, message.extra
        self.query_one("#instance-info", Static).update(info_table(self.instance, self.counts))
        self.query_one("#detail-title", Static).update(self._title())

    async def _load_hub(self) -> None:
        try:
            info = await self.shell.services.members.info(self.instance)
        except CcseoneError as exc:  # a hub that does not answer: say why, in place
            self.query_one("#hub-info", Static).update(hub_info(None, str(exc)))
            return
        self.query_one("#hub-info", Static).update(hub_info(info))

    # ---- the instance log ----------------------------------------------------------------

    async def _follow(self) -> None:
        stream = await self.shell.services.logs.instance(self.instance, follow=True)
        await feed(stream, self.query_one(LogView))

    def on_journal_appended(self, message: msg.JournalAppended) -> None:
        message.stop()  # the line itself comes through the stream
        if message.entry.instance_id == self.instance.id:
            self.load_info()

    # ---- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        from ccseone_tui.ui import actions

        actions.edit_instance(self.shell, self.instance)

    def action_delete(self) -> None:
        from ccseone_tui.ui import actions

        actions.delete_instance(self.shell, self.instance, on_deleted=lambda: self.dismiss(None))
