"""One control instance (Enter on Control instances): basic info and the instance log.

The log is a live tail of the instance journal: a cheap poll (``after_id``) every second
while this screen is shown — paused under a modal or when another screen is on top — and
each ``JournalAppended`` event appended at once, so an operation shows up immediately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from ccseone_tui.domain.journal import JournalEntry
from ccseone_tui.domain.models import ControlInstance
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.log_view import LogLine, LogView

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

POLL_SECONDS = 1.0
MAX_LINES = 5000


def journal_text(entry: JournalEntry) -> str:
    """``alice cluster.associate east-1 → Succeeded (120 ms) error…`` in one line."""
    key = f"status.task.{entry.result}"
    result = entry.result if t(key) == key else t(key)
    text = f"{entry.user}  {entry.action}  {entry.target}  → {result}"
    if entry.duration_ms is not None:
        text += f"  ({entry.duration_ms:.0f} ms)"
    if entry.error:
        text += f"  {entry.error}"
    return text


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
        self.last_id = 0
        self._timer: Timer | None = None

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            yield Static(info_table(self.instance, None), id="instance-info", classes="info")
            yield Static(t("console.instance.log"), classes="detail-subtitle")
            yield LogView(max_lines=MAX_LINES, id="instance-log")
        yield Footer()

    def _title(self) -> Text:
        return Text.assemble((t("nav.instances"), "bold"), " › ",
                             (self.instance.name, "bold magenta"))

    def on_mount(self) -> None:
        self._timer = self.set_interval(POLL_SECONDS, self.poll, name="journal-poll")
        self.load_info()
        self.poll()
        log = self.query_one(LogView)
        log.set_option(timestamps=True)  # when it happened is half of an audit line
        log.lines.focus()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def on_screen_resume(self) -> None:
        if self._timer is not None:
            self._timer.resume()
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

    # ---- the instance log ----------------------------------------------------------------

    def poll(self) -> None:
        if any(w.name == "poll:journal" and w.is_running for w in self.app.workers):
            return  # the last poll has not answered yet: skip a beat, never pile up
        workers.start(self, self._poll(self.last_id), name="poll:journal", group="poll",
                      description=t("console.worker.journal", name=self.instance.name))

    async def _poll(self, after_id: int) -> None:
        entries = await self.shell.services.tasks.list_journal(self.instance.id, after_id)
        if entries:
            self.post_message(msg.JournalLoaded(self.instance.id, entries))

    def on_journal_loaded(self, message: msg.JournalLoaded) -> None:
        message.stop()
        self.append(message.entries)

    def on_journal_appended(self, message: msg.JournalAppended) -> None:
        message.stop()
        entry = message.entry
        if entry.instance_id == self.instance.id:
            self.append([entry])
            self.load_info()

    def append(self, entries: list[JournalEntry]) -> None:
        new = [e for e in entries if e.id > self.last_id]
        if not new:
            return
        self.last_id = max(e.id for e in new)
        self.query_one(LogView).write_lines(
            [LogLine(self.instance.name, journal_text(e), e.at, e.id) for e in new])

    # ---- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_edit(self) -> None:
        from ccseone_tui.ui import actions

        actions.edit_instance(self.shell, self.instance)

    def action_delete(self) -> None:
        from ccseone_tui.ui import actions

        actions.delete_instance(self.shell, self.instance, on_deleted=lambda: self.dismiss(None))
