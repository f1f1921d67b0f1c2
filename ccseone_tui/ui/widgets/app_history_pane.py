"""The History tab of an app: every revision (newest first) with its template version, change
message, author, time and how many targets took it; under the table, the highlighted
revision's per-target results. ``b`` (or the button) rolls back to the highlighted revision —
through its Compare first (``app_actions.rollback``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Static

from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import workers
from ccseone_tui.ui.widgets.task_pane import cursor_key

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

COLUMNS = (("revision", "col.revision"), ("version", "apps.ui.col.version"),
           ("message", "apps.ui.col.change"), ("author", "apps.ui.col.author"),
           ("time", "apps.ui.col.time"), ("results", "apps.ui.col.results"))
OK = "Succeeded"


def results_summary(results: dict[str, tuple[str, str]]) -> Text:
    if not results:
        return Text(fmt.DASH, style="dim")
    ok = sum(1 for status, _ in results.values() if status == OK)
    style = "green" if ok == len(results) else ("bold red" if ok == 0 else "bold yellow")
    return Text(f"{ok}/{len(results)}", style=style)


def results_table(results: dict[str, tuple[str, str]]) -> Table:
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column(t("col.target"), no_wrap=True)
    table.add_column(t("col.status"), no_wrap=True)
    table.add_column(t("apps.ui.col.message"), ratio=1)
    for target, (status, message) in sorted(results.items()):
        bad = status != OK
        label = t(f"status.task.{status}")
        table.add_row(Text(target, style="bold"),
                      Text(status if label.startswith("status.") else label,
                           style="bold red" if bad else "green"),
                      Text(message or "", style="red" if bad else ""))
    return table


class AppHistoryPane(Vertical):
    DEFAULT_CSS = """
    AppHistoryPane { height: 1fr; }
    AppHistoryPane #app-history { height: auto; max-height: 14; }
    AppHistoryPane #app-revision-scroll { height: 1fr; margin-top: 1; }
    AppHistoryPane .pane-bar > Button { margin-right: 2; }
    """

    def __init__(self, name: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.app_name = name
        self.rows: dict[str, Any] = {}
        self.current = 0
        self.started = False

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pane-bar"):
            yield Button(t("apps.ui.rollback_to"), id="rollback", compact=True,
                         variant="warning")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                          id="app-history")
        for key, label in COLUMNS:
            table.add_column(t(label), key=key)
        yield table
        with VerticalScroll(id="app-revision-scroll"):
            yield Static(t("apps.ui.history.none"), id="app-revision")

    def activate(self) -> None:
        self.started = True
        self.reload()

    def reload(self) -> None:
        current = self.shell.current_instance
        if current is None:
            return
        workers.start(self, self._load(current.name), name=f"load:app-history:{self.app_name}",
                      group="load", exclusive=True,
                      description=t("worker.load", what=t("apps.ui.tab.history")))

    async def _load(self, instance: str) -> None:
        apps = self.shell.services.apps
        rows = await apps.history(instance, self.app_name)
        record = await apps.get(instance, self.app_name)
        self.current = record.current_revision
        self.post_message(msg.RowsLoaded("app-history", rows))

    def on_rows_loaded(self, message: msg.RowsLoaded) -> None:
        if message.view != "app-history":
            return
        message.stop()
        self.rows = {str(r.number): r for r in message.rows}
        table = self.query_one(DataTable)
        keep = self.highlighted_key()
        table.clear()
        for r in message.rows:
            number = Text(str(r.number), style="bold")
            if r.number == self.current:
                number.append(" ●", style="green")
            table.add_row(number, fmt.or_dash(r.revision.template_version),
                          fmt.or_dash(r.message), fmt.or_dash(r.author),
                          fmt.timestamp(r.created_at), results_summary(r.results),
                          key=str(r.number))
        if keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)
        self.show_results()

    def highlighted_key(self) -> str | None:
        return cursor_key(self.query_one(DataTable))

    def highlighted(self) -> int | None:
        key = self.highlighted_key()
        return int(key) if key is not None else None

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_results()

    def show_results(self) -> None:
        out = self.query_one("#app-revision", Static)
        key = self.highlighted_key()
        row = self.rows.get(key) if key is not None else None
        # rolling back to the revision running now would change nothing
        self.query_one("#rollback", Button).disabled = row is None or row.number == self.current
        if row is None:
            out.update(t("apps.ui.history.none"))
            return
        head = Text.assemble((t("apps.ui.revision", number=row.number), "bold"), "  ",
                             (row.revision.template_version or "", "dim"))
        if row.message:
            head.append(f"  {row.message}")
        out.update(Group(head, Text(""), results_table(row.results)))

    @on(Button.Pressed, "#rollback")
    def _rollback(self, event: Button.Pressed) -> None:
        event.stop()
        self.screen.action_rollback()  # type: ignore[attr-defined]
