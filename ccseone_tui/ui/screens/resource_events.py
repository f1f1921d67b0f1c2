"""The events of one object (``E`` in describe, or from a Fleet view row): type, reason,
age, count, source and the whole message, oldest first as kubectl lists them. ``r``
reads them again; Warnings stand out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ccseone_tui.domain.errors import CcseoneError
from ccseone_tui.i18n import t
from ccseone_tui.services.resources.model import ObjectRef
from ccseone_tui.ui import workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.screens.resource_text import object_title
from ccseone_tui.ui.widgets.footer import ShellFooter

if TYPE_CHECKING:
    from ccseone_tui.services.resources.actions import EventRow
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("type", "res_ui.col.type", 8), ("reason", "res_ui.col.reason", 22),
           ("age", "res_ui.col.age", 8), ("count", "res_ui.col.count", 6),
           ("source", "res_ui.col.source", 22), ("message", "res_ui.col.message", None))


def event_cells(row: EventRow) -> tuple[Text, ...]:
    warning = row.type == "Warning"
    return (Text(row.type, style="bold yellow" if warning else ""), Text(row.reason),
            Text(row.age), Text(str(row.count), justify="right"), Text(row.source),
            Text(row.message, style="yellow" if warning else ""))


class EventsScreen(Screen[None]):
    DEFAULT_CSS = """
    EventsScreen #res-events { height: 1fr; }
    EventsScreen #res-events-status { height: 1; color: $text-muted; }
    EventsScreen #res-events-status.-error { color: $error; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back", id="res-events.back"),
        Binding("r", "refresh", "key.refresh", id="res-events.refresh"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[EventRow] | None, error: BaseException | None = None
                     ) -> None:
            super().__init__()
            self.rows, self.error = rows, error

    def __init__(self, ref: ObjectRef) -> None:
        super().__init__()  # no fixed id: the same screen may be open twice in a stack
        localize_bindings(self)
        self.ref = ref
        self.rows: list[EventRow] = []

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(object_title(t("res_ui.events"), self.ref), classes="detail-title")
            table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                              id="res-events")
            for key, label, width in COLUMNS:
                table.add_column(t(label), key=key, width=width)
            yield table
            yield Static(t("res_ui.loading"), id="res-events-status", markup=False)
        yield ShellFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        workers.start(self, self._load(), name=f"load:events:{self.ref.key}", group="load",
                      exclusive=True, description=t("res_ui.worker.load", ref=str(self.ref)))

    async def _load(self) -> None:
        try:
            rows = await self.shell.services.objects.events(self.ref)
        except (CcseoneError, OSError) as exc:
            self.post_message(self.Loaded(None, exc))
        else:
            self.post_message(self.Loaded(rows))

    def on_events_screen_loaded(self, message: Loaded) -> None:
        message.stop()
        status = self.query_one("#res-events-status", Static)
        status.set_class(message.error is not None, "-error")
        if message.error is not None:
            status.update(str(message.error))
            return
        self.rows = message.rows or []
        table = self.query_one(DataTable)
        table.clear()
        for i, row in enumerate(self.rows):
            table.add_row(*event_cells(row), key=str(i))
        if self.rows:
            table.move_cursor(row=len(self.rows) - 1)  # the newest, as kubectl ends
        warnings = sum(r.type == "Warning" for r in self.rows)
        status.update(t("res_ui.events.count", count=len(self.rows), warnings=warnings)
                      if self.rows else t("res_ui.events.none"))

    def action_back(self) -> None:
        self.dismiss(None)
