"""One fleet namespace (Enter on Namespaces): its spec, where it stands on every cluster
(sync state, the API's or the drift's words, when), and its tasks with per-cluster results.

Paints from the cache; ``ctrl+r``/F5 checks every cluster live. ``r`` repairs the Missing and
Drifted clusters, ``f`` retries the failed clusters of the highlighted task (else the
latest), ``e`` edits, ``d`` deletes. Task changes arrive through the app
(``SERVICE_EVENTS``): the tasks update live and, when one ends, the sync states re-read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from ccseone_tui.domain.models import FleetNamespace, TaskStatus
from ccseone_tui.domain.namespaces import NamespaceStatus
from ccseone_tui.i18n import t
from ccseone_tui.ui import format as fmt
from ccseone_tui.ui import messages as msg
from ccseone_tui.ui import ns_actions, workers
from ccseone_tui.ui.keys import localize_bindings
from ccseone_tui.ui.widgets.footer import ShellFooter
from ccseone_tui.ui.widgets.namespace_cells import quota_text, source_text, sync_state, sync_summary
from ccseone_tui.ui.widgets.namespace_tasks import NamespaceTasksPane

if TYPE_CHECKING:
    from ccseone_tui.ui.app import CcseoneApp

MESSAGE_WIDTH = 64  # the least; it grows into the free width (the rest: task results below)
# fixed widths: the columns do not jump as states arrive (and the header always lines up)
COLUMNS = (("cluster", "ns_ui.col.cluster", 24), ("state", "ns_ui.col.state", 14),
           ("message", "ns_ui.col.message", MESSAGE_WIDTH), ("updated", "ns_ui.col.updated", 12))


class NamespaceDetailScreen(Screen[None]):
    DEFAULT_CSS = """
    NamespaceDetailScreen #ns-spec { height: auto; padding: 0 1; background: $surface; }
    NamespaceDetailScreen #ns-sync { height: auto; max-height: 14; }
    NamespaceDetailScreen .detail-subtitle { height: 1; margin: 1 0 0 0; }
    NamespaceDetailScreen #ns-tasks-pane { height: 1fr; }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "console.key.back"),
        Binding("r", "refresh", "key.refresh", id="namespace-detail.refresh"),
        Binding("R", "repair", "ns_ui.key.repair", id="namespace-detail.repair"),
        Binding("f", "retry", "ns_ui.key.retry", id="namespace-detail.retry"),
        Binding("ctrl+r,f5", "check", "ns_ui.key.check", key_display="^r",
                id="namespace-detail.check"),
        Binding("e", "edit", "console.key.edit", id="namespace-detail.edit"),
        Binding("d", "delete", "console.key.delete", id="namespace-detail.delete"),
    ]
    SERVICE_EVENTS = True

    def __init__(self, namespace: FleetNamespace, task_id: str | None = None) -> None:
        super().__init__(id="namespace-detail")
        localize_bindings(self)
        self.namespace = namespace
        self.status: NamespaceStatus | None = None
        self.task_id = task_id
        self.checking = False
        self.message_width = MESSAGE_WIDTH  # MESSAGE_WIDTH or what the screen leaves it

    @property
    def shell(self) -> CcseoneApp:
        return self.app  # type: ignore[return-value]

    @property
    def instance(self) -> str:
        """The control instance's name (what the namespaces service is asked with)."""
        for inst in self.shell.instances:
            if inst.id == self.namespace.instance_id:
                return inst.name
        current = self.shell.current_instance
        return current.name if current else self.namespace.instance_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="detail"):
            yield Static(self._title(), classes="detail-title", id="detail-title")
            yield Static(self._spec(), id="ns-spec")
            yield Static("", classes="detail-subtitle", id="ns-sync-title")
            table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True,
                                              id="ns-sync")
            for key, label, width in COLUMNS:
                table.add_column(t(label), key=key, width=width)
            yield table
            yield Static(t("ns_ui.detail.tasks"), classes="detail-subtitle")
            yield NamespaceTasksPane(self.namespace, self.task_id, id="ns-tasks-pane")
        yield ShellFooter()  # hidden behind a dialog

    def on_mount(self) -> None:
        self.reload()
        self.query_one(NamespaceTasksPane).reload()
        self.query_one("#ns-sync", DataTable).focus()

    # ---- rendering -------------------------------------------------------------------------

    def _title(self) -> Text:
        return Text.assemble((t("nav.namespaces"), "bold"), " › ",
                             (self.namespace.name, "bold cyan"))

    def _spec(self) -> Table:
        ns = self.namespace
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(t("ns_ui.field.priority"), str(ns.priority),
                     t("ns_ui.field.source"), source_text(ns))
        grid.add_row(t("console.field.labels"), fmt.labels(ns.labels),
                     t("ns_ui.col.quota"), quota_text(ns))
        grid.add_row(t("col.created"), fmt.timestamp(ns.created_at), t("col.id"),
                     Text(ns.id, style="dim"))
        return grid

    def show(self) -> None:
        status = self.status
        if status is None:
            return
        self.namespace = status.namespace
        self.query_one("#ns-spec", Static).update(self._spec())
        title = Text.assemble((t("ns_ui.detail.sync"), "bold"), "  ")
        title.append_text(sync_summary(status))
        if self.checking:
            title.append("  " + t("ns_ui.detail.checking"), style="italic")
        self.query_one("#ns-sync-title", Static).update(title)
        table = self.query_one("#ns-sync", DataTable)
        keep = None
        if table.row_count:
            keep = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        table.clear()
        now = self.shell.now()
        for c in status.clusters:
            name = Text(c.cluster.name, style="bold cyan")
            if self.shell.services.is_production(c.cluster):
                name.append(" PROD", style="bold red")
            message = Text(c.message or fmt.DASH, style="" if c.message else "dim")
            message.truncate(self.message_width, overflow="ellipsis")  # cells: CJK is 2 wide
            table.add_row(name, sync_state(c.state), message, fmt.since(c.updated_at, now),
                          key=c.cluster.id)
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_message)

    def _fit_message(self) -> None:
        """The message column takes the width the fixed columns leave (MESSAGE_WIDTH at
        least): an API message is cut where the screen ends, not at a fixed width."""
        table = self.query_one("#ns-sync", DataTable)
        room = table.scrollable_content_region.width
        if room <= 0:
            return
        pad = 2 * table.cell_padding
        others = sum(width + pad for key, _, width in COLUMNS if key != "message")
        wanted = max(MESSAGE_WIDTH, room - others - pad)
        if wanted != self.message_width:
            self.message_width = wanted
            for column in table.ordered_columns:
                if column.key.value == "message":
                    column.width = wanted
            self.show()
            table.refresh(layout=True)

    # ---- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        workers.start(self, self._reload(), name=f"load:namespace:{self.namespace.id}",
                      group="cache:detail", exclusive=True,
                      description=t("worker.load", what=self.namespace.name))

    async def _reload(self) -> None:
        status = await ns_actions.status_of(self.shell, self.instance, self.namespace.name)
        self.post_message(msg.DetailLoaded(status))

    def on_detail_loaded(self, message: msg.DetailLoaded) -> None:
        message.stop()
        if message.record is None:  # deleted (here or elsewhere): nothing left to show
            self.dismiss(None)
            return
        self.status = message.record
        self.show()

    def on_task_changed(self, message: msg.TaskChanged) -> None:
        message.stop()
        pane = self.query_one(NamespaceTasksPane)
        pane.task_changed(message.task)
        if message.task.target == self.namespace.name and message.task.status not in (
                TaskStatus.PENDING, TaskStatus.RUNNING):
            self.reload()

    # ---- actions ---------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_check(self) -> None:
        if self.checking:
            return
        self.checking = True
        self.show()
        workers.start(self, self._check(), name=f"refresh:namespace:{self.namespace.id}",
                      group="refresh", description=t("ns_ui.what.check",
                                                     name=self.namespace.name))

    async def _check(self) -> None:
        try:
            status = await self.shell.services.namespaces.check(self.instance,
                                                                self.namespace.name)
        except BaseException:  # reported by the app; the title stops saying "checking"
            self.checking = False
            self.post_message(msg.DetailLoaded(self.status))
            raise
        self.checking = False
        self.post_message(msg.DetailLoaded(status))

    def action_refresh(self) -> None:
        """``r``, as in every section: re-read the cache and the tasks (ctrl+r checks live)."""
        self.reload()
        self.query_one(NamespaceTasksPane).reload()

    def action_repair(self) -> None:
        ns_actions.repair_namespace(self.shell, self.namespace, on_done=self.reload)

    def action_retry(self) -> None:
        pane = self.query_one(NamespaceTasksPane)
        task = pane.current() or pane.latest()
        if task is None:
            self.notify(t("ns_ui.retry.no_task"), severity="warning")
            return
        ns_actions.retry_failed(self.shell, self.namespace, task, on_done=self.reload)

    def action_edit(self) -> None:
        ns_actions.edit_namespace(self.shell, self.namespace, on_done=self.reload)

    def action_delete(self) -> None:
        ns_actions.delete_namespace(self.shell, self.namespace,
                                    on_done=lambda: self.dismiss(None))
